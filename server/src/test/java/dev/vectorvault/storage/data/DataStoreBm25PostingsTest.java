package dev.vectorvault.storage.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.index.SparseColumn;
import dev.vectorvault.index.SparseVector;
import dev.vectorvault.storage.wal.Durability;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layout's BM25 outputs reach the growing segments: their columns hold every written row in their full-text
 * postings without a search, after writes and after the log is replayed at start-up, while a plain sparse field of
 * the same collection keeps none.
 */
class DataStoreBm25PostingsTest {
    /** {@code [pk INT64, text VARCHAR, text_sparse (BM25 output), plain_sparse]}. */
    private static final CollectionLayout LAYOUT = CollectionLayout.builder(41, 0,
            new int[] {0, 0, CollectionLayout.SPARSE, CollectionLayout.SPARSE}).partitions(Set.of(1L))
            .bm25Outputs(false, false, true, false).build();
    private static final int BM25 = 2;
    private static final int PLAIN = 3;

    @TempDir
    Path dir;
    private DataStoreFixture fx;

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
    }

    private static List<Object[]> rows(long from, long to) {
        List<Object[]> rows = new ArrayList<>();
        for (long k = from; k < to; k++) {
            SparseVector tf = SparseVector.of(new long[] {k % 7, 100 + k % 13}, new float[] {1, 2});
            rows.add(new Object[] {k, "text " + k, tf, tf});
        }
        return rows;
    }

    /** Per segment: {size, rows posted by the BM25 output, rows posted by the plain field}. */
    private List<int[]> postings() {
        return fx.store.read(fx.layouts.get(41L), view -> {
            List<int[]> out = new ArrayList<>();
            for (int s = 0; s < view.segmentCount(); s++) {
                SparseColumn bm25 = view.sparseVectors(s, BM25);
                SparseColumn plain = view.sparseVectors(s, PLAIN);
                out.add(new int[] {view.segmentSize(s), bm25.postedRows(), plain.postedRows()});
            }
            return out;
        });
    }

    @Test
    void growingSegmentsPostTheirBm25OutputAsRowsAreWrittenAndAfterTheLogIsReplayed() {
        fx = new DataStoreFixture(dir, Durability.FSYNC, 1000);
        fx.add(LAYOUT);
        fx.store.put(LAYOUT, 1L, rows(0, 700));
        fx.store.put(LAYOUT, 1L, rows(700, 1500)); // the first segment seals at 1000 rows, a second one grows
        assertThat(postings()).hasSize(2).allSatisfy(segment -> {
            assertThat(segment[1]).as("BM25 output posted").isEqualTo(segment[0]);
            assertThat(segment[2]).as("plain sparse field posted").isZero();
        });

        fx.crash(); // recovery replays the log into growing segments again
        assertThat(postings()).isNotEmpty().allSatisfy(segment -> {
            assertThat(segment[1]).as("BM25 output posted after replay").isEqualTo(segment[0]);
            assertThat(segment[2]).as("plain sparse field posted after replay").isZero();
        });
        assertThat(postings().stream().mapToInt(segment -> segment[0]).sum()).isEqualTo(1500);
    }

    /** Once a sealed segment's index is ready, its kept postings go without waiting for a search to drop them. */
    @Test
    void aSealedSegmentsPostingsAreReleasedOnceItsIndexIsReady() throws InterruptedException {
        dev.vectorvault.index.IndexKind kind = dev.vectorvault.index.IndexKinds.of("SPARSE_INVERTED_INDEX")
                .orElseThrow();
        VectorIndexSpec spec = new VectorIndexSpec(905, kind, dev.vectorvault.index.MetricType.BM25,
                kind.parse(java.util.Map.of("inverted_index_algo", "DAAT_MAXSCORE")));
        CollectionLayout indexed = LAYOUT.toBuilder().vectorIndexes(null, null, spec, null).build();
        fx = new DataStoreFixture(dir, Durability.FSYNC, IndexBuildSettings.DEFAULT_MIN_SEGMENT_ROWS);
        fx.add(indexed);
        fx.store.put(indexed, 1L, rows(0, IndexBuildSettings.DEFAULT_MIN_SEGMENT_ROWS + 300));
        fx.store.checkpoint();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline && (!fx.store.indexProgress(indexed, BM25).finished()
                || postings().get(0)[1] != 0)) {
            Thread.sleep(20);
        }
        List<int[]> segments = postings();
        assertThat(segments.get(0)[1]).as("postings of the indexed segment (within a minute)").isZero();
        assertThat(segments.get(segments.size() - 1)[1]).as("postings of the last segment, too small to index")
                .isEqualTo(segments.get(segments.size() - 1)[0]).isPositive();
    }
}
