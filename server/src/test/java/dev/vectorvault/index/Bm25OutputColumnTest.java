package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.text.Bm25;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A BM25 output column ({@link SparseColumn#bm25Output}) keeps its full-text postings and BM25 statistics current as
 * rows are appended, a plain sparse column keeps none, and the top-k read from postings kept that way equals the
 * exhaustive scan however appends, deletions and searches interleave. Prints its seed; replay with
 * {@code -Dtests.seed=<seed>}.
 */
@Timeout(120)
class Bm25OutputColumnTest {
    private static final long SEED = Long.getLong("tests.seed", new Random().nextLong());

    private static SparseVector textRow(Random random) {
        if (random.nextInt(30) == 0) {
            return random.nextBoolean() ? SparseVector.EMPTY : null; // no tokens; null is stored as the empty row
        }
        TreeMap<Long, Float> tf = new TreeMap<>();
        int tokens = 1 + random.nextInt(random.nextInt(10) == 0 ? 150 : 20);
        for (int i = 0; i < tokens; i++) {
            tf.merge((long) Math.floor(Math.pow(random.nextDouble(), 2.5) * 200), 1f, Float::sum);
        }
        return vector(tf);
    }

    private static SparseVector vector(TreeMap<Long, Float> map) {
        float[] values = new float[map.size()];
        int i = 0;
        for (float v : map.values()) {
            values[i++] = v;
        }
        return SparseVector.of(map.keySet().stream().mapToLong(Long::longValue).toArray(), values);
    }

    private static SparseVector queryWeights(Random random) {
        TreeMap<Long, Float> q = new TreeMap<>();
        int terms = 1 + random.nextInt(4);
        for (int i = 0; i < terms; i++) {
            q.merge((long) Math.floor(Math.pow(random.nextDouble(), 2.5) * 220), 0.5f + random.nextFloat(),
                    Float::sum);
        }
        return vector(q);
    }

    private static TermScorer scorer(float avgdl) {
        Bm25 bm25 = new Bm25(1.2f, 0.75f);
        return (stored, length) -> bm25.documentValue(stored, length, avgdl);
    }

    @Test
    void aBm25OutputColumnPostsAndCountsEveryAppendedRowWithoutASearch() {
        Random random = new Random(SEED);
        SparseColumn column = SparseColumn.bm25Output();
        int rows = 1 + random.nextInt(3000);
        for (int i = 0; i < rows; i++) {
            column.append(textRow(random));
            assertThat(column.postedRows()).as("posted after %d appends (seed %s)", i + 1, SEED).isEqualTo(i + 1);
        }
        assertThat(column.countedRows()).as("BM25 statistics (seed %s)", SEED).isEqualTo(rows);
    }

    @Test
    void aPlainSparseColumnBuildsNoPostingsOrStatisticsAsRowsAreAppended() {
        Random random = new Random(SEED);
        SparseColumn column = new SparseColumn();
        for (int i = 0; i < 2000; i++) {
            column.append(textRow(random));
        }
        assertThat(column.postedRows()).isZero();
        assertThat(column.countedRows()).isZero();
    }

    @Test
    void releasedPostingsAreNotRebuiltByLaterAppends() {
        Random random = new Random(SEED);
        SparseColumn column = SparseColumn.bm25Output();
        for (int i = 0; i < 500; i++) {
            column.append(textRow(random));
        }
        column.releasePostings();
        assertThat(column.postedRows()).isZero();
        for (int i = 0; i < 500; i++) {
            column.append(textRow(random));
        }
        assertThat(column.postedRows()).as("seed %s", SEED).isZero();
    }

    /**
     * Rounds of appends (sometimes none, sometimes thousands), deletions and searches with various k, limits, filters
     * and floors: a BM25 output column's top-k equals its exhaustive scan ({@code radius} -inf: the range path scans
     * every row) and a plain column's (postings made at search time), and its statistics equal a plain column's.
     */
    @Test
    void topKFromPostingsKeptAtAppendEqualsTheExhaustiveScanAsInsertsAndSearchesInterleave() {
        System.out.println("Bm25OutputColumnTest seed " + SEED + " (-Dtests.seed=" + SEED + ")");
        Random random = new Random(SEED);
        SparseColumn kept = SparseColumn.bm25Output();
        SparseColumn plain = new SparseColumn();
        BitSet deleted = new BitSet();
        for (int round = 0; round < 80; round++) {
            int appended = switch (random.nextInt(6)) {
                case 0 -> 0;
                case 1 -> 1000 + random.nextInt(3000);
                default -> random.nextInt(200);
            };
            for (int i = 0; i < appended; i++) {
                SparseVector row = textRow(random);
                kept.append(row);
                plain.append(row);
            }
            int size = kept.size();
            for (int i = size == 0 ? 0 : random.nextInt(1 + size / 30); i > 0; i--) {
                deleted.set(random.nextInt(size));
            }
            TermStatistics.Totals fromKept = new TermStatistics.Totals(new int[] {0, 1, 7});
            TermStatistics.Totals fromPlain = new TermStatistics.Totals(new int[] {0, 1, 7});
            kept.termStatistics().addTo(fromKept, size, deleted.cardinality(), deleted::get);
            plain.termStatistics().addTo(fromPlain, size, deleted.cardinality(), deleted::get);
            assertThat(fromKept.rows()).as("N, round %d (seed %s)", round, SEED).isEqualTo(fromPlain.rows());
            assertThat(fromKept.tokens()).as("tokens, round %d (seed %s)", round, SEED)
                    .isEqualTo(fromPlain.tokens());
            assertThat(fromKept.documentFrequencies()).as("n_t, round %d (seed %s)", round, SEED)
                    .containsExactly(fromPlain.documentFrequencies());
            if (fromKept.rows() == 0) {
                continue;
            }
            TermScorer scorer = scorer((float) (fromKept.tokens() / fromKept.rows()));
            for (int search = 0; search < 3; search++) {
                SparseVector weights = queryWeights(random);
                int k = 1 + random.nextInt(random.nextBoolean() ? 10 : 200);
                int limit = random.nextInt(5) == 0 ? random.nextInt(size + 1) : size;
                OrdinalFilter live = deleted.isEmpty() ? OrdinalFilter.ACCEPT_ALL : o -> !deleted.get(o);
                float floor = random.nextInt(4) == 0 ? random.nextFloat() * 3 : Float.NEGATIVE_INFINITY;
                List<SearchHit> scan = kept.searchTermWeighted(weights, scorer, k, limit, live,
                        Float.NEGATIVE_INFINITY, Float.NaN, floor);
                assertThat(kept.searchTermWeighted(weights, scorer, k, limit, live, Float.NaN, Float.NaN, floor))
                        .as("top-%d, round %d, limit %d of %d, floor %s (seed %s)", k, round, limit, size, floor, SEED)
                        .containsExactlyElementsOf(scan);
                assertThat(plain.searchTermWeighted(weights, scorer, k, limit, live, Float.NaN, Float.NaN, floor))
                        .as("plain top-%d, round %d (seed %s)", k, round, SEED)
                        .containsExactlyElementsOf(scan);
            }
            assertThat(kept.postedRows()).as("round %d (seed %s)", round, SEED).isEqualTo(size);
        }
    }

    /**
     * One writer appends while searchers read without a lock, as the column promises: each search over the rows it
     * saw published equals the exhaustive scan of those rows.
     */
    @Test
    void searchesRacingTheWriterSeeEveryPublishedRowInThePostings() throws Exception {
        Random random = new Random(SEED ^ 0x9E3779B97F4A7C15L);
        SparseColumn column = SparseColumn.bm25Output();
        SparseVector[] rows = new SparseVector[20_000];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = textRow(random);
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            for (SparseVector row : rows) {
                column.append(row);
            }
        });
        Thread[] searchers = new Thread[2];
        for (int t = 0; t < searchers.length; t++) {
            long searcherSeed = random.nextLong();
            searchers[t] = new Thread(() -> {
                Random own = new Random(searcherSeed);
                TermScorer scorer = scorer(12f);
                try {
                    while (column.size() < rows.length) {
                        int limit = column.size();
                        SparseVector weights = queryWeights(own);
                        int k = 1 + own.nextInt(20);
                        assertThat(column.searchTermWeighted(weights, scorer, k, limit, OrdinalFilter.ACCEPT_ALL,
                                Float.NaN, Float.NaN, Float.NEGATIVE_INFINITY))
                                .as("top-%d of %d rows (seed %s)", k, limit, SEED)
                                .containsExactlyElementsOf(column.searchTermWeighted(weights, scorer, k, limit,
                                        OrdinalFilter.ACCEPT_ALL, Float.NEGATIVE_INFINITY, Float.NaN,
                                        Float.NEGATIVE_INFINITY));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
        }
        writer.start();
        for (Thread searcher : searchers) {
            searcher.start();
        }
        writer.join();
        for (Thread searcher : searchers) {
            searcher.join();
        }
        assertThat(failure.get()).as("seed %s", SEED).isNull();
        assertThat(column.postedRows()).isEqualTo(rows.length);
    }
}
