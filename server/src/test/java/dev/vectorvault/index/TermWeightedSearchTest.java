package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.text.Bm25;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * BM25's moving parts below the query layer against a brute force written here: the per-segment statistics
 * ({@link TermStatistics}) as rows are appended and deleted between searches, and the term-weighted top-k of a
 * growing column ({@link GrowingPostings}) and of each sparse index algorithm, hit for hit (ordinals and scores,
 * ties by smaller ordinal). Term frequencies are small whole numbers, so ties and equal bounds occur. Prints its
 * seed; replay with {@code -Dtests.seed=<seed>}.
 */
@Timeout(120)
class TermWeightedSearchTest {
    private static final long SEED = Long.getLong("tests.seed", new Random().nextLong());

    private static SparseVector textRow(Random random) {
        if (random.nextInt(30) == 0) {
            return SparseVector.EMPTY; // an empty text: counted in N, no tokens
        }
        java.util.TreeMap<Long, Float> tf = new java.util.TreeMap<>();
        int tokens = 1 + random.nextInt(random.nextInt(10) == 0 ? 200 : 25);
        for (int i = 0; i < tokens; i++) {
            long term = (long) Math.floor(Math.pow(random.nextDouble(), 2.5) * 300);
            if (random.nextInt(40) == 0) {
                term = 0xFFFF_FFFEL - random.nextInt(20); // hashes above 2^31, compared unsigned
            }
            tf.merge(term, 1f, Float::sum);
        }
        return SparseVector.of(tf.keySet().stream().mapToLong(Long::longValue).toArray(), values(tf));
    }

    private static float[] values(java.util.TreeMap<Long, Float> map) {
        float[] v = new float[map.size()];
        int i = 0;
        for (float f : map.values()) {
            v[i++] = f;
        }
        return v;
    }

    private static SparseVector query(Random random) {
        java.util.TreeMap<Long, Float> q = new java.util.TreeMap<>();
        int terms = 1 + random.nextInt(5);
        for (int i = 0; i < terms; i++) {
            q.merge((long) Math.floor(Math.pow(random.nextDouble(), 2.5) * 320), 1f, Float::sum);
        }
        return SparseVector.of(q.keySet().stream().mapToLong(Long::longValue).toArray(), values(q));
    }

    /** N, tokens and n_t over the live rows, counted afresh. */
    private static long[] bruteStatistics(SparseColumn column, int size, BitSet deleted, int[] terms) {
        long[] out = new long[2 + terms.length];
        for (int o = 0; o < size; o++) {
            if (deleted.get(o)) {
                continue;
            }
            SparseVector row = column.get(o);
            out[0]++;
            out[1] += (long) row.sum();
            for (int t = 0; t < terms.length; t++) {
                for (int i = 0; i < row.size(); i++) {
                    if (row.index(i) == terms[t]) {
                        out[2 + t]++;
                    }
                }
            }
        }
        return out;
    }

    /** Every live row with a positive score, best first, ties by smaller ordinal; the first k. */
    private static List<SearchHit> bruteTopK(SparseColumn column, int size, BitSet deleted, SparseVector weights,
                                             TermScorer scorer, int k) {
        List<SearchHit> all = new ArrayList<>();
        for (int o = 0; o < size; o++) {
            SparseVector row = column.get(o);
            float score = weights.weightedDot(row, scorer, row.sum());
            if (!deleted.get(o) && score > 0) {
                all.add(new SearchHit(o, score));
            }
        }
        all.sort(Comparator.comparingDouble((SearchHit h) -> -h.score()).thenComparingInt(SearchHit::ordinal));
        return all.subList(0, Math.min(k, all.size()));
    }

    @Test
    void statisticsAndGrowingTopKEqualBruteForceAsRowsAreAppendedAndDeletedBetweenSearches() {
        System.out.println("TermWeightedSearchTest seed " + SEED + " (-Dtests.seed=" + SEED + ")");
        Random random = new Random(SEED);
        SparseColumn column = new SparseColumn();
        BitSet deleted = new BitSet();
        Bm25 bm25 = new Bm25(0.5f + random.nextFloat(), random.nextFloat());
        for (int round = 0; round < 60; round++) {
            int appended = random.nextInt(4) == 0 ? 0 : random.nextInt(120);
            for (int i = 0; i < appended; i++) {
                column.append(textRow(random));
            }
            int size = column.size();
            int deletes = size == 0 ? 0 : random.nextInt(1 + size / 20);
            for (int i = 0; i < deletes; i++) {
                deleted.set(random.nextInt(size));
            }
            SparseVector q = query(random);
            int[] terms = new int[q.size()];
            for (int i = 0; i < terms.length; i++) {
                terms[i] = q.index(i);
            }
            TermStatistics.Totals totals = new TermStatistics.Totals(terms);
            column.termStatistics().addTo(totals, size, deleted.cardinality(), deleted::get);
            long[] want = bruteStatistics(column, size, deleted, terms);
            assertThat(totals.rows()).as("N, round %d (seed %s)", round, SEED).isEqualTo(want[0]);
            assertThat(totals.tokens()).as("tokens, round %d (seed %s)", round, SEED).isEqualTo((double) want[1]);
            for (int t = 0; t < terms.length; t++) {
                assertThat(totals.documentFrequencies()[t]).as("n_t of %s, round %d (seed %s)",
                        Integer.toUnsignedString(terms[t]), round, SEED).isEqualTo(want[2 + t]);
            }
            if (totals.rows() == 0) {
                continue;
            }
            float avgdl = (float) (totals.tokens() / totals.rows());
            long[] indices = new long[q.size()];
            float[] weights = new float[q.size()];
            for (int i = 0; i < q.size(); i++) {
                indices[i] = Integer.toUnsignedLong(q.index(i));
                weights[i] = (float) (q.value(i) * Bm25.idf(totals.rows(), totals.documentFrequencies()[i]));
            }
            SparseVector w = SparseVector.of(indices, weights);
            TermScorer scorer = (stored, length) -> bm25.documentValue(stored, length, avgdl);
            int k = 1 + random.nextInt(12);
            OrdinalFilter live = deleted.isEmpty() ? OrdinalFilter.ACCEPT_ALL : o -> !deleted.get(o);
            // A search may see fewer rows than an earlier one added (a limit below the column's size).
            int limit = random.nextInt(5) == 0 ? random.nextInt(size + 1) : size;
            assertThat(column.searchTermWeighted(w, scorer, k, limit, live, Float.NaN, Float.NaN,
                    Float.NEGATIVE_INFINITY))
                    .as("growing top-%d, round %d, limit %d (seed %s)", k, round, limit, SEED)
                    .containsExactlyElementsOf(bruteTopK(column, limit, deleted, w, scorer, k));
            if (round % 10 == 9) {
                for (String algorithm : new String[] {"TAAT_NAIVE", "DAAT_WAND", "DAAT_MAXSCORE"}) {
                    IndexKind kind = IndexKinds.of("SPARSE_INVERTED_INDEX").orElseThrow();
                    VectorIndex index = kind.build(column, MetricType.IP,
                            kind.parse(Map.of("inverted_index_algo", algorithm)), 1, (done, total) -> { });
                    assertThat(index.searchTermWeighted(w, scorer, k, live, Float.NEGATIVE_INFINITY))
                            .as("%s top-%d, round %d (seed %s)", algorithm, k, round, SEED)
                            .containsExactlyElementsOf(bruteTopK(column, size, deleted, w, scorer, k));
                }
            }
        }
    }

    /**
     * Long posting lists spanning many blocks, with regions of long rows (low block bounds, skipped) between regions
     * of short ones, and frequencies that repeat (equal bounds and tied scores): the block-max search of the sealed
     * index (DAAT_MAXSCORE) and of the growing lists (full blocks and an unfinished last one, a limit inside a block)
     * equal the brute force hit for hit, with and without a filter, for k from 1 up.
     */
    @Test
    void blockMaxScoreOverLongListsEqualsBruteForce() {
        Random random = new Random(SEED ^ 0x5DEECE66DL);
        SparseColumn column = new SparseColumn();
        int rows = 3 * BlockFrontiers.BLOCK * 20 + random.nextInt(BlockFrontiers.BLOCK);
        long tokens = 0;
        for (int o = 0; o < rows; o++) {
            boolean longRegion = (o / 700) % 2 == 1;
            java.util.TreeMap<Long, Float> tf = new java.util.TreeMap<>();
            tf.put(0L, (float) (1 + random.nextInt(3))); // in every row, as "webster" in dict-gcide
            if (random.nextInt(3) == 0) {
                tf.put(1L, (float) (1 + random.nextInt(2)));
            }
            if (random.nextInt(40) == 0) {
                tf.put(2L, 1f);
            }
            int filler = longRegion ? 60 + random.nextInt(60) : random.nextInt(6);
            for (int i = 0; i < filler; i++) {
                tf.merge(10L + random.nextInt(500), 1f, Float::sum);
            }
            SparseVector row = SparseVector.of(tf.keySet().stream().mapToLong(Long::longValue).toArray(), values(tf));
            tokens += (long) row.sum();
            column.append(row);
        }
        float avgdl = (float) tokens / rows;
        Bm25 bm25 = new Bm25(1.2f, 0.75f);
        TermScorer scorer = (stored, length) -> bm25.documentValue(stored, length, avgdl);
        IndexKind kind = IndexKinds.of("SPARSE_INVERTED_INDEX").orElseThrow();
        VectorIndex sealed = kind.build(column, MetricType.IP, kind.parse(Map.of("inverted_index_algo",
                "DAAT_MAXSCORE")), 1, (done, total) -> { });
        BitSet none = new BitSet();
        BitSet deleted = new BitSet();
        for (int i = 0; i < rows / 10; i++) {
            deleted.set(random.nextInt(rows));
        }
        long[][] queries = {{0}, {1}, {0, 1}, {0, 2}, {1, 2}, {0, 1, 2}, {0, 1, 2, 10, 11}, {2, 99_999}};
        for (long[] terms : queries) {
            float[] weights = new float[terms.length];
            for (int i = 0; i < terms.length; i++) {
                weights[i] = 0.25f + random.nextInt(8) / 4f;
            }
            SparseVector w = SparseVector.of(terms, weights);
            for (int k : new int[] {1, 2, 10, 100}) {
                for (BitSet gone : new BitSet[] {none, deleted}) {
                    OrdinalFilter live = gone.isEmpty() ? OrdinalFilter.ACCEPT_ALL : o -> !gone.get(o);
                    String what = java.util.Arrays.toString(terms) + " top-" + k + (gone.isEmpty() ? "" : ", filtered");
                    assertThat(sealed.searchTermWeighted(w, scorer, k, live, Float.NEGATIVE_INFINITY))
                            .as("sealed %s (seed %s)", what, SEED)
                            .containsExactlyElementsOf(bruteTopK(column, rows, gone, w, scorer, k));
                    int limit = rows - random.nextInt(BlockFrontiers.BLOCK * 2);
                    assertThat(column.searchTermWeighted(w, scorer, k, limit, live, Float.NaN, Float.NaN,
                            Float.NEGATIVE_INFINITY))
                            .as("growing %s, limit %d (seed %s)", what, limit, SEED)
                            .containsExactlyElementsOf(bruteTopK(column, limit, gone, w, scorer, k));
                }
            }
        }
    }

    /** What a BM25 search derives (row lengths, block frontiers) counts in the index's memory once it exists. */
    @Test
    void theDerivedRowLengthsAndBlockFrontiersAreCountedInMemoryBytes() {
        Random random = new Random(SEED ^ 0x3E3L);
        SparseColumn column = new SparseColumn();
        java.util.Map<Integer, Integer> postings = new java.util.HashMap<>();
        int rows = 3000;
        for (int o = 0; o < rows; o++) {
            SparseVector row = textRow(random);
            for (int i = 0; i < row.size(); i++) {
                postings.merge(row.index(i), 1, Integer::sum);
            }
            column.append(row);
        }
        // Each block of each list keeps at least one point (value and length) and its end.
        long blocks = postings.values().stream().mapToLong(n -> (n + BlockFrontiers.BLOCK - 1) / BlockFrontiers.BLOCK)
                .sum();
        IndexKind kind = IndexKinds.of("SPARSE_INVERTED_INDEX").orElseThrow();
        VectorIndex index = kind.build(column, MetricType.IP, kind.parse(Map.of("inverted_index_algo",
                "DAAT_MAXSCORE")), 1, (done, total) -> { });
        long before = index.memoryBytes();
        Bm25 bm25 = new Bm25(1.2f, 0.75f);
        index.searchTermWeighted(query(random), (stored, length) -> bm25.documentValue(stored, length, 5f), 10,
                OrdinalFilter.ACCEPT_ALL, Float.NEGATIVE_INFINITY);
        assertThat(index.memoryBytes() - before).as("seed %s", SEED)
                .isGreaterThanOrEqualTo(4L * rows + 12L * blocks);
    }

    /**
     * A floor (the k-th score of segments searched before) leaves out exactly the rows scoring at or below it: every
     * algorithm's hits equal the brute force's top k among the rows above it, with the floor at a hit's score (ties
     * on the floor), just below or above it, below every score and above every one.
     */
    @Test
    void aFloorLeavesOutExactlyTheRowsAtOrBelowIt() {
        Random random = new Random(SEED ^ 0xF100L);
        SparseColumn column = new SparseColumn();
        int rows = 2 * BlockFrontiers.BLOCK * 10 + random.nextInt(BlockFrontiers.BLOCK);
        long tokens = 0;
        for (int o = 0; o < rows; o++) {
            SparseVector row = textRow(random);
            tokens += (long) row.sum();
            column.append(row);
        }
        float avgdl = (float) tokens / rows;
        Bm25 bm25 = new Bm25(1.2f, 0.75f);
        TermScorer scorer = (stored, length) -> bm25.documentValue(stored, length, avgdl);
        BitSet deleted = new BitSet();
        for (int i = 0; i < rows / 8; i++) {
            deleted.set(random.nextInt(rows));
        }
        for (String algorithm : new String[] {"TAAT_NAIVE", "DAAT_WAND", "DAAT_MAXSCORE"}) {
            IndexKind kind = IndexKinds.of("SPARSE_INVERTED_INDEX").orElseThrow();
            VectorIndex sealed = kind.build(column, MetricType.IP, kind.parse(Map.of("inverted_index_algo",
                    algorithm)), 1, (done, total) -> { });
            for (int q = 0; q < 40; q++) {
                SparseVector w = query(random);
                BitSet gone = random.nextBoolean() ? new BitSet() : deleted;
                OrdinalFilter live = gone.isEmpty() ? OrdinalFilter.ACCEPT_ALL : o -> !gone.get(o);
                List<SearchHit> all = bruteTopK(column, rows, gone, w, scorer, rows);
                if (all.isEmpty()) {
                    continue;
                }
                float at = all.get(random.nextInt(all.size())).score();
                for (float floor : new float[] {at, Math.nextDown(at), Math.nextUp(at), 0, all.get(0).score(),
                        Float.NEGATIVE_INFINITY}) {
                    int k = 1 + random.nextInt(20);
                    List<SearchHit> expected = all.stream().filter(h -> h.score() > floor).limit(k).toList();
                    String what = algorithm + " " + w + " top-" + k + " floor " + floor;
                    assertThat(sealed.searchTermWeighted(w, scorer, k, live, floor))
                            .as("sealed %s (seed %s)", what, SEED).containsExactlyElementsOf(expected);
                    assertThat(column.searchTermWeighted(w, scorer, k, rows, live, Float.NaN, Float.NaN, floor))
                            .as("growing %s (seed %s)", what, SEED).containsExactlyElementsOf(expected);
                }
            }
        }
    }

    @Test
    void statisticsStartOverWhenTheRowsTheyCountedAreGone() {
        SparseColumn column = new SparseColumn();
        column.append(SparseVector.of(new long[] {1, 2}, new float[] {2, 1}));
        column.append(SparseVector.of(new long[] {2}, new float[] {4}));
        BitSet deleted = new BitSet();
        deleted.set(1);
        TermStatistics.Totals before = new TermStatistics.Totals(new int[] {2});
        column.termStatistics().addTo(before, 2, 1, deleted::get);
        assertThat(before.rows()).isEqualTo(1);
        assertThat(before.documentFrequencies()).containsExactly(1);
        // A view with fewer deletions than already subtracted cannot follow from the last: counted again.
        TermStatistics.Totals after = new TermStatistics.Totals(new int[] {2});
        column.termStatistics().addTo(after, 2, 0, o -> false);
        assertThat(after.rows()).isEqualTo(2);
        assertThat(after.tokens()).isEqualTo(7.0);
        assertThat(after.documentFrequencies()).containsExactly(2);
    }
}
