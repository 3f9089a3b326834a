package dev.vectorvault.storage.data;

import static dev.vectorvault.storage.data.DataStoreFixture.expected;
import static dev.vectorvault.storage.data.DataStoreFixture.layout;
import static dev.vectorvault.storage.data.DataStoreFixture.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.data.DataManifest.SegmentRef;
import dev.vectorvault.storage.io.FileStore;
import dev.vectorvault.storage.io.LocalDisk;
import dev.vectorvault.storage.io.ObjectStore;
import dev.vectorvault.storage.s3.S3ObjectStore;
import dev.vectorvault.storage.s3.S3TestStores;
import dev.vectorvault.storage.wal.Durability;
import dev.vectorvault.testkit.S3Server;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Garbage collection of sealed objects on the local disk and on S3 (a real s3proxy), on a hand-driven clock: over
 * random rounds of writes, deletes, checkpoints (with compactions) and clock moves, no object the newest manifest names
 * ever disappears, no object disappears sooner than the drop tolerance after a manifest last named it, unnamed ones go
 * once their grace has passed, and a reopened store finds every acknowledged row. A dropped collection's objects stay
 * through the grace and then disappear; another owner's collection in the same bucket is never touched. Prints its
 * seed; replay with {@code -Dtests.seed=<seed>}.
 */
@Timeout(300)
class SealedGarbageTest {
    private static final long P0 = 10;
    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final Duration DROP = Duration.ofSeconds(30);
    private static final Duration MISSING = Duration.ofSeconds(120);
    private static final GarbagePolicy POLICY = new GarbagePolicy(INTERVAL, DROP, MISSING);
    private static S3Server s3;

    @TempDir
    Path dir;
    private final Map<Long, CollectionLayout> layouts = new ConcurrentHashMap<>();
    private final ManualDelays delays = new ManualDelays();
    private final DataExecutors executors = new DataExecutors(Runnable::run, Runnable::run, delays);
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
    }

    /** Where a store keeps its sealed data, and how a test reads it back under the store's own names. */
    private interface Storage {
        DataStore open(MvMetaStore meta, String logFolder);

        ObjectStore names();
    }

    private Storage localDisk() throws IOException {
        FileStore view = LocalDisk.open(dir.resolve("data"));
        return new Storage() {
            @Override
            public DataStore open(MvMetaStore meta, String logFolder) {
                FileStore disk = DataStore.localDisk(dir.resolve("data"));
                return DataStore.open(disk, SealedStorage.local(disk), Durability.FSYNC, meta, this::layout, 8,
                        DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES, IndexBuildSettings.defaults(), executors);
            }

            private Optional<CollectionLayout> layout(long id) {
                return Optional.ofNullable(layouts.get(id));
            }

            @Override
            public ObjectStore names() {
                return view;
            }
        };
    }

    private Storage bucket() throws IOException {
        S3ObjectStore bucket = S3TestStores.open(s3.port(), S3TestStores.freshRoot(), 10_000);
        toClose.add(bucket);
        return new Storage() {
            @Override
            public DataStore open(MvMetaStore meta, String logFolder) {
                return DataStore.open(DataStore.localDisk(dir.resolve(logFolder)), SealedStorage.remote(bucket),
                        Durability.FSYNC, meta, id -> Optional.ofNullable(layouts.get(id)), 8,
                        DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES, IndexBuildSettings.defaults(), executors);
            }

            @Override
            public ObjectStore names() {
                return new MilvusObjectKeys(bucket);
            }
        };
    }

    private MvMetaStore meta(String name) {
        MvMetaStore meta = MvMetaStore.open(dir.resolve(name));
        toClose.add(meta);
        return meta;
    }

    private DataStore open(Storage storage, MvMetaStore meta, String logFolder) {
        DataStore store = storage.open(meta, logFolder);
        store.collectGarbage(POLICY, delays::nowMillis);
        return store;
    }

    @Test
    void localDiskKeepsWhatManifestsNameAndCollectsTheRestAfterTheGrace() throws Exception {
        campaign(localDisk());
    }

    @Test
    void objectStorageKeepsWhatManifestsNameAndCollectsTheRestAfterTheGrace() throws Exception {
        campaign(bucket());
    }

    private void campaign(Storage storage) throws IOException {
        String property = System.getProperty("tests.seed");
        long seed = property == null || property.isBlank() ? new Random().nextLong() : Long.parseLong(property.trim());
        System.out.println("SealedGarbageTest seed " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random random = new Random(seed);
        CollectionLayout layout = layout(7, P0);
        layouts.put(7L, layout);
        MvMetaStore meta = meta("meta");
        DataStore store = open(storage, meta, "log");
        Map<Object, List<Object>> model = new TreeMap<>();
        Map<String, Long> lastNamedAt = new HashMap<>();
        Set<String> everSeen = new HashSet<>();
        int compactedAway = 0;
        for (int round = 0; round < 40; round++) {
            int writes = random.nextInt(20);
            for (int i = 0; i < writes; i++) {
                long key = random.nextInt(120);
                Object[] row = row(key, "r" + round + "k" + key);
                store.put(layout, P0, List.<Object[]>of(row));
                model.put(key, expected(P0, row));
            }
            int deletes = random.nextInt(15);
            List<Object> keys = new ArrayList<>();
            for (int i = 0; i < deletes; i++) {
                keys.add((long) random.nextInt(120));
            }
            if (!keys.isEmpty()) {
                store.delete(layout, keys);
                keys.forEach(model::remove);
            }
            if (random.nextInt(3) > 0) {
                store.checkpoint();
            }
            if (random.nextInt(8) == 0) {
                store.close(); // a clean restart: the collector starts over, never sooner
                store = open(storage, meta, "log");
                assertThat(live(store, layout)).as("round %d after reopening", round).isEqualTo(model);
            }
            delays.advance(Duration.ofMillis(random.nextInt(12_000)));

            long now = delays.nowMillis();
            Set<String> named = named(meta, storage.names());
            List<String> present = storage.names().list(SegmentDirectory.collectionDir(7));
            assertThat(present).as("round %d: every object the manifest names is there", round)
                    .containsAll(named);
            for (String name : everSeen) {
                if (!present.contains(name) && lastNamedAt.containsKey(name)) {
                    assertThat(now - lastNamedAt.get(name)).as("round %d: %s went before its grace", round, name)
                            .isGreaterThanOrEqualTo(DROP.toMillis());
                    lastNamedAt.remove(name);
                    compactedAway++;
                }
            }
            everSeen.addAll(present);
            named.forEach(name -> lastNamedAt.put(name, now));
        }
        System.out.println("SealedGarbageTest objects collected after their grace: " + compactedAway);

        // Past the grace every unnamed object is gone, and only what the manifest names is left.
        store.checkpoint();
        delays.advance(MISSING.plus(INTERVAL).plus(INTERVAL));
        assertThat(storage.names().list(SegmentDirectory.collectionDir(7)))
                .containsExactlyInAnyOrderElementsOf(named(meta, storage.names()));
        store.close();
        store = open(storage, meta, "log");
        assertThat(live(store, layout)).isEqualTo(model);

        // Dropped: its objects outlive the drop through the grace, then disappear. Those the manifest named at the
        // drop wait the drop tolerance; one a checkpoint unnamed just before a restart is unknown to the restarted
        // collector, so it waits the missing tolerance (a restart only ever delays a deletion).
        Set<String> namedAtDrop = named(meta, storage.names());
        layouts.remove(7L);
        store.collectionDropped(7);
        store.checkpoint();
        assertThat(storage.names().list(SegmentDirectory.collectionDir(7))).as("kept through the grace")
                .isNotEmpty();
        delays.advance(DROP.minusSeconds(1));
        assertThat(storage.names().list(SegmentDirectory.collectionDir(7))).as("kept through the grace")
                .isNotEmpty();
        delays.advance(INTERVAL.plus(INTERVAL));
        assertThat(storage.names().list(SegmentDirectory.collectionDir(7))).as("collected after the drop tolerance")
                .doesNotContainAnyElementsOf(namedAtDrop);
        delays.advance(MISSING);
        assertThat(storage.names().list(SegmentDirectory.collectionDir(7))).as("collected after the grace")
                .isEmpty();
        store.close();
    }

    @Test
    void anotherOwnersCollectionInTheBucketIsNeverTouchedUntilItIsDropped() throws Exception {
        Storage storage = bucket();
        CollectionLayout mine = layout(7, P0);
        CollectionLayout theirs = layout(8, P0);
        layouts.put(7L, mine);
        layouts.put(8L, theirs);
        MvMetaStore metaA = meta("meta-a");
        MvMetaStore metaB = meta("meta-b");
        DataStore a = open(storage, metaA, "log-a");
        DataStore b = open(storage, metaB, "log-b");
        for (long k = 1; k <= 20; k++) {
            a.put(mine, P0, List.<Object[]>of(row(k, "a")));
            b.put(theirs, P0, List.<Object[]>of(row(k, "b")));
        }
        a.checkpoint();
        b.checkpoint();
        List<String> theirObjects = storage.names().list(SegmentDirectory.collectionDir(8));
        assertThat(theirObjects).isNotEmpty();
        b.close(); // its owner is gone (died or moved away); the collection still exists
        assertThat(a.liveRows(theirs, P0)).as("a statistics call on the other owner's collection").isZero();

        a.checkpoint();
        delays.advance(MISSING.plus(INTERVAL).plus(INTERVAL));
        assertThat(a.sweepGarbage(true)).isZero();
        assertThat(storage.names().list(SegmentDirectory.collectionDir(8))).as("another owner's collection")
                .containsExactlyInAnyOrderElementsOf(theirObjects);

        // Dropped while its owner was away: a whole-bucket sweep finds it, and collects it after the grace.
        layouts.remove(8L);
        assertThat(a.sweepGarbage(true)).as("not before the grace").isZero();
        delays.advance(MISSING.minusSeconds(1));
        assertThat(storage.names().list(SegmentDirectory.collectionDir(8))).isNotEmpty();
        delays.advance(INTERVAL.plus(INTERVAL));
        assertThat(storage.names().list(SegmentDirectory.collectionDir(8))).isEmpty();
        assertThat(storage.names().list(SegmentDirectory.collectionDir(7))).as("this owner's own collection")
                .containsAll(named(metaA, storage.names()));
        a.close();
    }

    /** The segment and tombstone objects the manifest in {@code meta} names (tombstones only where written). */
    private static Set<String> named(MvMetaStore meta, ObjectStore names) throws IOException {
        Set<String> out = new HashSet<>();
        for (SegmentRef ref : Manifests.node(meta).read().segments()) {
            out.add(SegmentDirectory.segmentFile(ref.collectionId(), ref.segmentId()));
            String deletes = SegmentDirectory.deletesFile(ref.collectionId(), ref.segmentId());
            if (names.exists(deletes)) {
                out.add(deletes);
            }
        }
        return out;
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
}
