package dev.vectorvault.storage.data;

import static dev.vectorvault.storage.data.DataStoreFixture.expected;
import static dev.vectorvault.storage.data.DataStoreFixture.layout;
import static dev.vectorvault.storage.data.DataStoreFixture.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.s3.S3ObjectStore;
import dev.vectorvault.storage.s3.S3TestStores;
import dev.vectorvault.storage.wal.Durability;
import dev.vectorvault.testkit.S3Server;
import dev.vectorvault.testkit.TcpRelay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data store with its log on the local disk and its sealed data on S3 (a real s3proxy process): sealed data
 * survives the loss of the local folder; while object storage is unreachable writes are still acknowledged through
 * the log, checkpoints fail with a storage code and succeed once it is back, and nothing acknowledged is lost.
 */
@Timeout(180)
class S3DataStoreTest {
    private static final long P0 = 10;
    private static S3Server s3;

    @TempDir
    Path dir;
    private final Map<Long, CollectionLayout> layouts = new ConcurrentHashMap<>();
    private final DataExecutors executors = new DataExecutors();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void startS3() {
        s3 = S3Server.start();
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) {
            s3.close();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        executors.close();
    }

    private MvMetaStore meta(String name) {
        MvMetaStore meta = MvMetaStore.open(dir.resolve(name));
        toClose.add(meta);
        return meta;
    }

    private S3ObjectStore bucket(int port, String root, long timeoutMs) throws IOException {
        S3ObjectStore store = S3TestStores.open(port, root, timeoutMs);
        toClose.add(store);
        return store;
    }

    /** A store with its log in {@code dir/<local>} and its sealed data in {@code bucket}; seals every 8 rows. */
    private DataStore open(String local, MvMetaStore meta, S3ObjectStore bucket) {
        return DataStore.open(DataStore.localDisk(dir.resolve(local)), SealedStorage.remote(bucket),
                Durability.FSYNC, meta, id -> Optional.ofNullable(layouts.get(id)), 8,
                DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES, IndexBuildSettings.defaults(), executors);
    }

    /** As {@link #open} with a local copy of segment and index objects in {@code dir/<local>-cache}. */
    private DataStore openCached(String local, MvMetaStore meta, S3ObjectStore bucket, long cacheBytes)
            throws IOException {
        return DataStore.open(DataStore.localDisk(dir.resolve(local)),
                SealedStorage.remote(bucket, dir.resolve(local + "-cache"), cacheBytes),
                Durability.FSYNC, meta, id -> Optional.ofNullable(layouts.get(id)), 8,
                DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES, IndexBuildSettings.defaults(), executors);
    }

    private static Map<Object, List<Object>> live(DataStore store, CollectionLayout layout) {
        return store.read(layout, view -> {
            Map<Object, List<Object>> out = new TreeMap<>();
            for (int s = 0; s < view.segmentCount(); s++) {
                for (int o = 0; o < view.segmentSize(s); o++) {
                    if (view.isLive(s, o)) {
                        List<Object> row = new ArrayList<>();
                        row.add(view.partition(s, o));
                        for (int f = 0; f < layout.fieldCount(); f++) {
                            row.add(DataStoreFixture.comparable(view.value(s, f, o)));
                        }
                        out.put(view.value(s, layout.primaryKeyField(), o), row);
                    }
                }
            }
            return out;
        });
    }

    private static void put(DataStore store, CollectionLayout layout, long key, Map<Object, List<Object>> model) {
        Object[] row = row(key, "v" + key);
        store.put(layout, P0, List.<Object[]>of(row));
        model.put(key, expected(P0, row));
    }

    @Test
    void sealedDataComesBackFromObjectStorageIntoAnEmptyLocalFolder() throws IOException {
        CollectionLayout layout = layout(7, P0);
        layouts.put(7L, layout);
        MvMetaStore meta = meta("meta");
        S3ObjectStore bucket = bucket(s3.port(), S3TestStores.freshRoot(), 10_000);
        Map<Object, List<Object>> model = new TreeMap<>();
        DataStore first = open("node-a", meta, bucket);
        for (long k = 1; k <= 30; k++) {
            put(first, layout, k, model);
        }
        first.delete(layout, List.of(3L, 12L));
        model.remove(3L);
        model.remove(12L);
        first.checkpoint();
        first.close();

        List<String> keys = bucket.list("");
        assertThat(keys).as("Milvus-like keys").isNotEmpty().allMatch(k -> k.startsWith("insert_log/7/")
                || k.startsWith("delta_log/7/") || k.startsWith("index_files/7/"));
        assertThat(keys).anyMatch(k -> k.matches("insert_log/7/\\d+/\\d+\\.seg"))
                .anyMatch(k -> k.matches("delta_log/7/\\d+/\\d+\\.del"));
        assertThat(dir.resolve("node-a/segments")).as("nothing sealed on the local disk").doesNotExist();

        // Another machine: an empty local folder, the same metadata and the same bucket.
        DataStore second = open("node-b", meta, bucket);
        assertThat(live(second, layout)).isEqualTo(model);
        put(second, layout, 31, model);
        second.close();
        DataStore third = open("node-b", meta, bucket);
        assertThat(live(third, layout)).isEqualTo(model);
        third.close();
    }

    @Test
    void whileObjectStorageIsUnreachableWritesAreAcknowledgedAndCheckpointsFailUntilItIsBack() throws IOException {
        CollectionLayout layout = layout(8, P0);
        layouts.put(8L, layout);
        MvMetaStore meta = meta("meta");
        String root = S3TestStores.freshRoot();
        TcpRelay link = s3.relay();
        toClose.add(link);
        S3ObjectStore bucket = bucket(link.port(), root, 1_500);
        Map<Object, List<Object>> model = new TreeMap<>();
        DataStore store = open("local", meta, bucket);
        for (long k = 1; k <= 10; k++) {
            put(store, layout, k, model);
        }
        store.checkpoint();

        link.cut();
        for (long k = 11; k <= 40; k++) {
            put(store, layout, k, model); // acknowledged through the local log
        }
        store.delete(layout, List.of(2L, 20L));
        model.remove(2L);
        model.remove(20L);
        assertThat(live(store, layout)).isEqualTo(model);
        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(store::checkpoint).isInstanceOfSatisfying(StorageException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_IO_FAILED);
                assertThat(e.getMessage()).contains("unreachable").contains("s3://" + S3TestStores.BUCKET + "/"
                        + root + "/").doesNotContain(S3Server.SECRET_KEY);
            });
        }
        put(store, layout, 41, model);
        assertThat(live(store, layout)).isEqualTo(model);

        link.restore();
        store.checkpoint(); // the retry seals everything
        put(store, layout, 42, model);
        // kill -9: nothing closed; the log tail (row 42) and the sealed data recover on the same local folder.
        DataStore recovered = open("local", meta, bucket);
        assertThat(live(recovered, layout)).isEqualTo(model);
        recovered.checkpoint();
        recovered.close();
        // And the sealed part alone, into an empty folder.
        DataStore elsewhere = open("empty", meta, bucket);
        assertThat(live(elsewhere, layout)).isEqualTo(model);
        elsewhere.close();
    }

    @Test
    void nodesSharingABucketNeverCleanEachOthersCollections() throws IOException {
        CollectionLayout mine = layout(21, P0);
        CollectionLayout theirs = layout(22, P0);
        layouts.put(21L, mine);
        layouts.put(22L, theirs);
        String root = S3TestStores.freshRoot();
        S3ObjectStore bucket = bucket(s3.port(), root, 10_000);
        MvMetaStore metaA = meta("meta-a");
        MvMetaStore metaB = meta("meta-b");
        Map<Object, List<Object>> modelA = new TreeMap<>();
        Map<Object, List<Object>> modelB = new TreeMap<>();
        DataStore a = open("a", metaA, bucket);
        DataStore b = open("b", metaB, bucket);
        for (long k = 1; k <= 20; k++) {
            put(a, mine, k, modelA);
            put(b, theirs, k, modelB);
        }
        b.checkpoint();
        a.checkpoint();
        a.checkpoint();
        assertThat(bucket.list("insert_log/22/")).isNotEmpty();

        // Collection 21 is dropped: its objects go at a's next checkpoint, collection 22's stay.
        layouts.remove(21L);
        a.collectionDropped(21);
        a.checkpoint();
        assertThat(bucket.list("insert_log/21/")).isEmpty();
        assertThat(bucket.list("insert_log/22/")).isNotEmpty();
        a.close();
        b.close();
        DataStore reopenedB = open("b2", metaB, bucket);
        assertThat(live(reopenedB, theirs)).isEqualTo(modelB);
        reopenedB.close();
    }

    @Test
    void withALocalCopySealedSegmentsAreWrittenThroughAndAnEmptyFolderFetchesThemAgain() throws IOException {
        CollectionLayout layout = layout(9, P0);
        layouts.put(9L, layout);
        MvMetaStore meta = meta("meta");
        S3ObjectStore bucket = bucket(s3.port(), S3TestStores.freshRoot(), 10_000);
        Map<Object, List<Object>> model = new TreeMap<>();
        DataStore first = openCached("a", meta, bucket, 1 << 20);
        for (long k = 1; k <= 30; k++) {
            put(first, layout, k, model);
        }
        first.delete(layout, List.of(5L));
        model.remove(5L);
        first.close();
        List<String> sealed = bucket.list("insert_log/9/");
        assertThat(sealed).isNotEmpty();
        try (var copies = Files.walk(dir.resolve("a-cache"))) {
            assertThat(copies.filter(p -> p.toString().endsWith(".seg")).count()).isEqualTo(sealed.size());
        }
        DataStore again = openCached("a", meta, bucket, 1 << 20);
        assertThat(live(again, layout)).isEqualTo(model);
        again.close();
        // A tiny bound: copies come and go, answers stay the same.
        DataStore elsewhere = openCached("b", meta, bucket, 1);
        assertThat(live(elsewhere, layout)).isEqualTo(model);
        elsewhere.close();
    }

    @Test
    void objectKeysFollowMilvusLayoutAndMapBack() {
        assertThat(MilvusObjectKeys.key("segments/5/9.seg")).isEqualTo("insert_log/5/9/9.seg");
        assertThat(MilvusObjectKeys.key("segments/5/9.del")).isEqualTo("delta_log/5/9/9.del");
        assertThat(MilvusObjectKeys.key("segments/5/9.1.77.hnsw-v2.idx"))
                .isEqualTo("index_files/5/9/9.1.77.hnsw-v2.idx");
        for (String name : List.of("segments/5/9.seg", "segments/5/9.del", "segments/5/9.1.77.hnsw-v2.idx")) {
            assertThat(MilvusObjectKeys.name(MilvusObjectKeys.key(name))).contains(name);
        }
        assertThat(MilvusObjectKeys.name("insert_log/5/9/10.seg")).as("a file of another segment").isEmpty();
        assertThat(MilvusObjectKeys.name("other/5/9/9.seg")).isEmpty();
        assertThat(Files.exists(dir)).isTrue();
    }
}
