package dev.vectorvault.storage.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.index.IndexKind;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.OrdinalFilter;
import dev.vectorvault.index.SearchHit;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.io.FaultyDisk;
import dev.vectorvault.storage.wal.Durability;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A segment index whose build (or the write of its file) failed is tried again after a delay that doubles up to a
 * bound, for as long as the segment and the index definition exist, and the segment stays searchable meanwhile. Time
 * is a {@link ManualDelays} clock and builds run on the calling thread, so nothing here waits or sleeps.
 */
@Timeout(60)
class IndexBuildRetryTest {
    private static final long C = 9;
    private static final long P = 90;
    private static final int DIM = 4;
    private static final int ROWS = 100;
    private static final Duration FIRST = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofMinutes(5);

    private final FaultyDisk disk = new FaultyDisk();
    private final MvMetaStore meta = MvMetaStore.inMemory();
    private final ManualDelays delays = new ManualDelays();
    private final DataExecutors executors = new DataExecutors(Runnable::run, Runnable::run, delays);
    /** What the catalog would answer; an empty reference is a dropped collection. */
    private final AtomicReference<CollectionLayout> layout = new AtomicReference<>();
    /** HNSW builds still to fail (with an OutOfMemoryError), and the builds tried. */
    private final AtomicInteger buildsToFail = new AtomicInteger();
    private final AtomicInteger builds = new AtomicInteger();
    private DataStore store;

    @AfterEach
    void tearDown() {
        disk.clearFaults();
        if (store != null) {
            store.close();
        }
        meta.close();
        executors.close();
    }

    /**
     * The real HNSW kind, except that a build fails while {@link #buildsToFail} says so: the fault-injecting
     * counterpart of {@link FaultyDisk} for the memory a build needs. A proxy, so it forwards every other method.
     */
    private IndexKind failingHnsw() {
        IndexKind hnsw = VectorIndexSpec.hnsw(1, MetricType.L2, 8, 32).kind();
        return (IndexKind) Proxy.newProxyInstance(IndexKind.class.getClassLoader(), new Class<?>[] {IndexKind.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("equals") && method.getParameterCount() == 1) {
                        return proxy == args[0];
                    }
                    if (method.getName().equals("hashCode") && method.getParameterCount() == 0) {
                        return System.identityHashCode(proxy);
                    }
                    if (method.getName().equals("build")) {
                        builds.incrementAndGet();
                        if (buildsToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                            throw new OutOfMemoryError("injected: Java heap space");
                        }
                    }
                    try {
                        return method.invoke(hnsw, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private CollectionLayout indexed(IndexKind kind) {
        VectorIndexSpec hnsw = VectorIndexSpec.hnsw(700, MetricType.L2, 8, 32);
        return CollectionLayout.builder(C, 0, new int[] {0, DIM}).partitions(Set.of(P))
                .vectorIndexes(null, new VectorIndexSpec(700, kind, hnsw.metric(), hnsw.params())).build();
    }

    /**
     * Opens the store and writes one full segment and one row more (which seals it), before any background work is
     * allowed: segment 1 (ordinal 0) waits for its index, the growing one is searched exactly by design.
     */
    private void openWithOneSealedSegment(CollectionLayout asked) {
        layout.set(asked);
        store = DataStore.open(disk, Durability.FSYNC, meta, id -> Optional.ofNullable(layout.get())
                        .filter(l -> l.collectionId() == id), ROWS, DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES,
                new IndexBuildSettings(1, 16, FIRST, MAX), executors);
        List<Object[]> rows = new ArrayList<>();
        for (long k = 0; k <= ROWS; k++) {
            rows.add(new Object[] {k, vector(k)});
        }
        store.put(asked, P, rows);
        int segments = store.read(asked, CollectionView::segmentCount);
        assertThat(segments).isEqualTo(2);
    }

    private static float[] vector(long key) {
        return new float[] {key, -0.5f * key, (key % 7) * 0.25f, 1};
    }

    private List<String> indexFiles() {
        return disk.list("segments/").stream().filter(name -> name.endsWith(".idx")).toList();
    }

    private AnnIndex annIndex() {
        return store.read(layout.get(), view -> view.annIndex(0, 1));
    }

    private static long nearest(AnnIndex index, long key) {
        List<SearchHit> hits = index.search(vector(key), 1,
                VectorIndexSpec.hnsw(1, MetricType.L2, 8, 32).kind().parseSearch(Map.of("ef", "32"), 1),
                OrdinalFilter.ACCEPT_ALL);
        return hits.get(0).ordinal();
    }

    @Test
    void aBuildWhoseFileHitAFullDiskIsTriedAgainUntilTheFileIsWritten() {
        openWithOneSealedSegment(indexed(failingHnsw()));
        disk.diskFullAfter(0);

        store.startBackgroundWork();

        assertThat(indexFiles()).as("the disk was full").isEmpty();
        assertThat(delays.asked()).containsExactly(FIRST);
        AnnIndex inMemory = annIndex();
        assertThat(inMemory).as("built: searched through the index in memory while its file is missing").isNotNull();
        assertThat(nearest(inMemory, 42)).isEqualTo(42);
        assertThat(store.indexProgress(layout.get(), 1).finished()).isTrue();

        delays.advance(FIRST);
        assertThat(indexFiles()).as("still full").isEmpty();
        assertThat(delays.asked()).containsExactly(FIRST, FIRST.multipliedBy(2));

        disk.clearFaults();
        delays.advance(FIRST.multipliedBy(2));

        assertThat(indexFiles()).as("written once the fault cleared")
                .containsExactly(SegmentDirectory.indexFile(C, layout.get().vectorIndexes()[1], 1, 1));
        assertThat(builds.get()).as("only the write was tried again, not the build").isEqualTo(1);
        assertThat(delays.pendingCount()).as("nothing left to try").isZero();
        assertThat(annIndex()).isSameAs(inMemory);
    }

    @Test
    void aFailedBuildLeavesTheSegmentSearchedExactlyAndIsTriedAgainAfterADelay() {
        openWithOneSealedSegment(indexed(failingHnsw()));
        buildsToFail.set(1);

        store.startBackgroundWork();

        assertThat(annIndex()).as("no index: searched exactly meanwhile").isNull();
        IndexProgress failed = store.indexProgress(layout.get(), 1);
        assertThat(failed.failed()).isTrue();
        assertThat(failed.failure()).contains("OutOfMemoryError");
        assertThat(failed.pendingRows()).isEqualTo(ROWS);
        int segmentRows = store.read(layout.get(), view -> view.segmentSize(0));
        assertThat(segmentRows).isEqualTo(ROWS);
        assertThat(indexFiles()).isEmpty();

        delays.advance(FIRST.minusMillis(1));
        assertThat(builds.get()).as("not before its delay").isEqualTo(1);
        delays.advance(Duration.ofMillis(1));

        assertThat(builds.get()).isEqualTo(2);
        assertThat(store.indexProgress(layout.get(), 1)).isEqualTo(new IndexProgress(ROWS + 1, ROWS + 1, 0, ""));
        assertThat(nearest(annIndex(), 17)).isEqualTo(17);
        assertThat(indexFiles()).hasSize(1);
    }

    @Test
    void theDelayDoublesUpToItsBoundWhileTheBuildKeepsFailing() {
        openWithOneSealedSegment(indexed(failingHnsw()));
        buildsToFail.set(12);

        store.startBackgroundWork();
        for (int i = 0; i < 12; i++) {
            delays.advance(MAX);
        }

        List<Duration> expected = new ArrayList<>();
        for (int seconds = 1; seconds < 300; seconds *= 2) {
            expected.add(Duration.ofSeconds(seconds)); // 1, 2, 4, ... 256
        }
        expected.add(MAX);
        expected.add(MAX);
        expected.add(MAX);
        assertThat(delays.asked()).isEqualTo(expected);
        assertThat(builds.get()).as("the first try and twelve more").isEqualTo(13);
        assertThat(annIndex()).isNotNull();
        assertThat(delays.pendingCount()).isZero();
    }

    @Test
    void noRetryOnceTheIndexIsDropped() {
        openWithOneSealedSegment(indexed(failingHnsw()));
        buildsToFail.set(1);
        store.startBackgroundWork();
        assertThat(delays.pendingCount()).isEqualTo(1);

        layout.set(CollectionLayout.builder(C, 0, new int[] {0, DIM}).partitions(Set.of(P)).build());
        store.indexesChanged(C);
        delays.advance(MAX);

        assertThat(builds.get()).as("the retry found its index gone").isEqualTo(1);
        assertThat(delays.pendingCount()).isZero();
        assertThat(store.indexProgress(layout.get(), 1)).isEqualTo(new IndexProgress(ROWS + 1, ROWS + 1, 0, ""));
    }

    @Test
    void noRetryOnceTheCollectionIsDropped() {
        openWithOneSealedSegment(indexed(failingHnsw()));
        buildsToFail.set(1);
        store.startBackgroundWork();

        layout.set(null);
        store.collectionDropped(C);
        delays.advance(MAX);

        assertThat(builds.get()).as("the retry found its segment gone").isEqualTo(1);
        assertThat(delays.pendingCount()).isZero();
    }

    @Test
    void noRetryAfterTheStoreIsClosed() {
        openWithOneSealedSegment(indexed(failingHnsw()));
        buildsToFail.set(1);
        store.startBackgroundWork();

        store.close();
        store = null;
        delays.advance(MAX);

        assertThat(builds.get()).isEqualTo(1);
    }
}
