package dev.vectorvault.storage.data;

import static dev.vectorvault.storage.data.DataStoreFixture.layout;
import static dev.vectorvault.storage.data.DataStoreFixture.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.data.DataManifest.SegmentRef;
import dev.vectorvault.storage.io.LocalDisk;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading a manifest's segments from shared storage, several at once: the sink still gets every segment whole, in
 * the manifest's order, on the calling thread, and a damaged file fails the load with the error of the first
 * damaged segment in manifest order, after the segments before it and none after.
 */
@Timeout(60)
class SegmentDirectoryLoadTest {
    private static final long COLLECTION = 7;
    private static final long PARTITION = 10;
    private static final int SEGMENTS = 3 * SegmentDirectory.LOAD_PARALLELISM + 1;

    @TempDir
    Path dir;
    private MvMetaStore meta;
    private LocalDisk bucket;
    private SegmentDirectory directory;
    private final CollectionLayout layout = layout(COLLECTION, PARTITION);
    private final List<SegmentRef> refs = new ArrayList<>();
    private final java.util.concurrent.ExecutorService loads =
            java.util.concurrent.Executors.newFixedThreadPool(SegmentDirectory.LOAD_PARALLELISM);

    @BeforeEach
    void writeSegments() throws IOException {
        meta = MvMetaStore.open(dir.resolve("meta"));
        bucket = LocalDisk.open(dir.resolve("bucket"));
        directory = new SegmentDirectory(bucket, Manifests.node(meta), true, loads);
        for (int s = 0; s < SEGMENTS; s++) {
            long segmentId = 100 + s;
            Segment segment = new Segment(segmentId, layout.vectorDims(), layout.vectorEncodings());
            for (int r = 0; r <= s; r++) { // segment s holds s + 1 rows
                segment.append(PARTITION, Segment.NO_INSERT_TIME, row(segmentId * 1000 + r, "text " + r));
            }
            segment.seal();
            directory.writeSegment(COLLECTION, segment, layout);
            refs.add(new SegmentRef(COLLECTION, segmentId));
        }
    }

    @AfterEach
    void close() {
        loads.shutdownNow();
        meta.close();
    }

    @Test
    void segmentsReachTheSinkWholeInManifestOrderOnTheCallingThread() {
        List<Long> loaded = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        directory.loadSegments(new DataManifest(0, refs), c -> Optional.of(layout), (l, segment) -> {
            loaded.add(segment.segmentId());
            threads.add(Thread.currentThread());
            assertThat(segment.size()).isEqualTo((int) (segment.segmentId() - 100) + 1);
            assertThat(segment.value(0, segment.size() - 1)).isEqualTo(segment.segmentId() * 1000 + segment.size() - 1);
        });
        assertThat(loaded).containsExactlyElementsOf(refs.stream().map(SegmentRef::segmentId).toList());
        assertThat(threads).containsOnly(Thread.currentThread());
    }

    @Test
    void segmentsAreReadSeveralAtOnce() throws Exception {
        // The first segment read waits (up to 20 s) for a second read to start: a sequential load never starts one.
        java.util.concurrent.CountDownLatch twoReading = new java.util.concurrent.CountDownLatch(2);
        java.util.concurrent.atomic.AtomicBoolean overlapped = new java.util.concurrent.atomic.AtomicBoolean();
        dev.vectorvault.storage.io.ObjectStore watched = (dev.vectorvault.storage.io.ObjectStore)
                java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {dev.vectorvault.storage.io.ObjectStore.class}, (proxy, method, args) -> {
                            if (method.getName().equals("readAll") && ((String) args[0]).endsWith(".seg")) {
                                twoReading.countDown();
                                if (twoReading.await(20, java.util.concurrent.TimeUnit.SECONDS)) {
                                    overlapped.set(true);
                                }
                            }
                            try {
                                return method.invoke(bucket, args);
                            } catch (java.lang.reflect.InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
        SegmentDirectory overObjects = new SegmentDirectory(watched, Manifests.node(meta), true, loads);
        List<Long> loaded = new ArrayList<>();
        overObjects.loadSegments(new DataManifest(0, refs), c -> Optional.of(layout),
                (l, segment) -> loaded.add(segment.segmentId()));
        assertThat(overlapped).as("two segment reads in flight at once").isTrue();
        assertThat(loaded).hasSize(SEGMENTS);
    }

    @Test
    void theFirstDamagedSegmentInManifestOrderFailsTheLoad() throws IOException {
        bucket.write(SegmentDirectory.segmentFile(COLLECTION, 103), new byte[] {1, 2, 3});
        bucket.write(SegmentDirectory.segmentFile(COLLECTION, 105), new byte[] {4, 5, 6});
        List<Long> loaded = new ArrayList<>();

        assertThatThrownBy(() -> directory.loadSegments(new DataManifest(0, refs), c -> Optional.of(layout),
                (l, segment) -> loaded.add(segment.segmentId())))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_CORRUPT))
                .hasMessageContaining("103.seg");
        assertThat(loaded).containsExactly(100L, 101L, 102L);
    }

    @Test
    void segmentsOfCollectionsWithoutALayoutAreSkipped() {
        List<SegmentRef> mixed = new ArrayList<>(refs);
        mixed.add(1, new SegmentRef(COLLECTION + 1, 1)); // a dropped collection: no file is read for it
        List<Long> loaded = new ArrayList<>();
        directory.loadSegments(new DataManifest(0, mixed),
                c -> c == COLLECTION ? Optional.of(layout) : Optional.empty(),
                (l, segment) -> loaded.add(segment.segmentId()));
        assertThat(loaded).hasSize(SEGMENTS);
    }
}
