package dev.vectorvault.storage.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.index.IndexKind;
import dev.vectorvault.index.IndexKinds;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.wal.Durability;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A sealed segment whose quantized index is ready lets its resident vectors go to the segment file whatever the order
 * in which it got there: the index ready before the segment is persisted (the checkpoint lets them go), persisted
 * before the index is ready (the build does), and the index loaded from its file after a restart. Index builds run
 * only when the test drains them, so each order is the one named, not whichever thread won.
 */
@Timeout(60)
class QuantizedVectorReleaseTest {
    private static final long C = 12;
    private static final long P = 120;
    private static final int DIM = 8;
    private static final int SEAL = 600;
    private static final long SEED = Long.getLong("tests.seed", new Random().nextLong());

    @TempDir
    Path dir;

    /** Index builds (and vector releases) submitted and not yet run: {@link #runBuilds()} runs them in order. */
    private final Queue<Runnable> builds = new ConcurrentLinkedQueue<>();
    private final DataExecutors executors = new DataExecutors(builds::add, Runnable::run, (delay, task) -> { });
    private CollectionLayout layout;
    private MvMetaStore meta;
    private DataStore store;

    @AfterEach
    void close() {
        if (store != null) {
            runBuilds(); // the store's close waits for what it submitted
            store.close();
            meta.close();
        }
        executors.close();
    }

    private void open() {
        meta = MvMetaStore.open(dir.resolve("meta"));
        store = DataStore.open(dir.resolve("data"), Durability.OS_BUFFERED, meta,
                id -> Optional.ofNullable(layout).filter(l -> l.collectionId() == id), SEAL,
                DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES, new IndexBuildSettings(1, 16), executors);
        store.startBackgroundWork();
    }

    private void restart() {
        runBuilds();
        store.close();
        meta.close();
        open();
    }

    private void runBuilds() {
        for (Runnable build = builds.poll(); build != null; build = builds.poll()) {
            build.run();
        }
    }

    private static CollectionLayout quantized(String indexType) {
        IndexKind kind = IndexKinds.of(indexType).orElseThrow();
        Map<String, String> params = Map.of("nlist", "8", "M", "8", "efConstruction", "32", "refine", "true",
                "m", "4");
        return CollectionLayout.builder(C, 0, new int[] {0, DIM}).partitions(Set.of(P))
                .vectorIndexes(null, new VectorIndexSpec(1200, kind, MetricType.L2, kind.parse(params))).build();
    }

    /**
     * Two full segments, sealed by the writes, and one row more (which seals the second; the growing segment holding it
     * is too small for an index); the vectors by key.
     */
    private List<float[]> insertTwoSegments() {
        Random random = new Random(SEED);
        List<float[]> vectors = new ArrayList<>();
        List<Object[]> rows = new ArrayList<>();
        for (int key = 0; key <= 2 * SEAL; key++) {
            float[] v = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                v[d] = (key % 5) * ((d % 3) - 1) + (float) random.nextGaussian() * 0.5f;
            }
            vectors.add(v);
            rows.add(new Object[] {(long) key, v});
        }
        store.put(layout, P, rows);
        return vectors;
    }

    /** Per full segment: whether its vectors are on the heap (false: read from the segment file). */
    private List<Boolean> residency() {
        return store.read(layout, view -> {
            List<Boolean> resident = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                resident.add(view.vectors(s, 1).resident());
            }
            return resident;
        });
    }

    /** Per full segment: whether its index is ready (searches use it). */
    private List<Boolean> ready() {
        return store.read(layout, view -> {
            List<Boolean> ready = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                ready.add(view.annIndex(s, 1) != null);
            }
            return ready;
        });
    }

    private long vectorBytes() {
        return store.read(layout, view -> {
            long bytes = 0;
            for (int s = 0; s < 2; s++) {
                bytes += view.vectors(s, 1).memoryBytes();
            }
            return bytes;
        });
    }

    private void assertVectorsReadBackExactly(List<float[]> inserted) {
        int checked = store.read(layout, view -> {
            int rows = 0;
            for (int s = 0; s < view.segmentCount(); s++) {
                for (int ordinal = 0; ordinal < view.segmentSize(s); ordinal++) {
                    long key = (Long) view.value(s, 0, ordinal);
                    assertThat((float[]) view.value(s, 1, ordinal)).as("seed %d key %d", SEED, key)
                            .containsExactly(inserted.get((int) key));
                    rows++;
                }
            }
            return rows;
        });
        assertThat(checked).isEqualTo(inserted.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"IVF_SQ8", "IVF_PQ", "HNSW_SQ"})
    void anIndexReadyBeforeTheSegmentIsPersistedLetsTheVectorsGoAtTheCheckpoint(String indexType) {
        System.out.println("QuantizedVectorReleaseTest tests.seed=" + SEED);
        layout = quantized(indexType);
        open();
        List<float[]> vectors = insertTwoSegments();
        runBuilds();
        assertThat(ready()).as("indexed while only in the log").containsExactly(true, true);
        assertThat(residency()).as("no segment file to read them from yet").containsExactly(true, true);
        long resident = vectorBytes();

        store.checkpoint();
        runBuilds();

        assertThat(residency()).as("seed %d", SEED).containsExactly(false, false);
        long stored = vectorBytes();
        System.out.printf("%s: vectors of %d rows x %d dims, %d bytes resident, %d stored (%d freed)%n", indexType,
                2 * SEAL, DIM, resident, stored, resident - stored);
        assertThat(stored).as("a file position a row").isEqualTo(8L * 2 * SEAL);
        assertVectorsReadBackExactly(vectors);
    }

    @ParameterizedTest
    @ValueSource(strings = {"IVF_SQ8", "IVF_PQ", "HNSW_SQ"})
    void aSegmentPersistedBeforeItsIndexIsReadyLetsTheVectorsGoWhenTheBuildEnds(String indexType) {
        layout = quantized(indexType);
        open();
        List<float[]> vectors = insertTwoSegments();
        store.checkpoint();
        assertThat(ready()).as("builds not run yet").containsExactly(false, false);
        assertThat(residency()).containsExactly(true, true);

        runBuilds();

        assertThat(ready()).containsExactly(true, true);
        assertThat(residency()).as("seed %d", SEED).containsExactly(false, false);
        assertVectorsReadBackExactly(vectors);
    }

    @ParameterizedTest
    @ValueSource(strings = {"IVF_SQ8", "IVF_PQ", "HNSW_SQ"})
    void anIndexLoadedFromItsFileAfterARestartLetsTheVectorsGo(String indexType) {
        layout = quantized(indexType);
        open();
        List<float[]> vectors = insertTwoSegments();
        store.checkpoint();
        runBuilds();

        restart();
        assertThat(residency()).as("read back from the segment files onto the heap").containsExactly(true, true);
        runBuilds();

        SegmentFieldIndex.Origin origin = store.read(layout, view -> ((SegmentIndex) view.annIndex(0, 1)).origin());
        assertThat(origin).isEqualTo(SegmentFieldIndex.Origin.LOADED);
        assertThat(residency()).as("seed %d", SEED).containsExactly(false, false);
        assertVectorsReadBackExactly(vectors);
    }
}
