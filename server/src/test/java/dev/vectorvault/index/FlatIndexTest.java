package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(120)
class FlatIndexTest {
    private static final OrdinalFilter ALL = OrdinalFilter.ACCEPT_ALL;
    private static final int ALL_ORDINALS = Integer.MAX_VALUE;

    @ParameterizedTest
    @EnumSource(value = MetricType.class, mode = EnumSource.Mode.EXCLUDE, names = {"BM25", "HAMMING", "JACCARD"})
    void topKEqualsABruteForceSortOfRandomVectors(MetricType metric) {
        Random random = TestSeeds.random("topKEqualsABruteForceSortOfRandomVectors-" + metric);
        for (int dim : new int[] {1, 3, 16, 17, 100, 128, 131}) {
            Fixture fixture = Fixture.gaussian(random, dim, 1_500, 3);
            BitSet kept = randomBits(random, 1_500, 0.3);
            for (OrdinalFilter filter : List.of(ALL, (OrdinalFilter) kept::get)) {
                for (int k : new int[] {1, 10, 37, 2_000}) {
                    int limit = random.nextBoolean() ? ALL_ORDINALS : random.nextInt(1_500);
                    float[] query = TestSeeds.gaussian(random, dim);
                    List<BruteForce.Scored> oracle = BruteForce.rank(fixture.vectors, query, metric, limit, filter);
                    String description = metric + " dim=" + dim + " k=" + k + " limit=" + limit;
                    for (boolean vectorApi : new boolean[] {true, false}) {
                        List<SearchHit> hits =
                                new FlatIndex(fixture.column, metric, vectorApi).search(query, k, limit, filter);
                        assertMatchesOracle(hits, oracle, k, metric, query, fixture.vectors,
                                description + " vectorApi=" + vectorApi);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = MetricType.class, names = {"L2", "IP"})
    void exactScoresReproduceTheBruteForceOrderIncludingTies(MetricType metric) {
        Random random = TestSeeds.random("exactScoresReproduceTheBruteForceOrderIncludingTies-" + metric);
        for (int round = 0; round < 40; round++) {
            int dim = 1 + random.nextInt(40);
            int n = 1 + random.nextInt(600);
            // Components in [-2, 2]: many equal scores, and every float sum is exact, so the order must match exactly.
            Fixture fixture = Fixture.smallIntegers(random, dim, n, 2);
            BitSet kept = randomBits(random, n, 0.5);
            OrdinalFilter filter = random.nextBoolean() ? ALL : kept::get;
            int k = 1 + random.nextInt(n + 10);
            float[] query = TestSeeds.smallIntegers(random, dim, 2);
            List<SearchHit> expected = BruteForce.rank(fixture.vectors, query, metric, ALL_ORDINALS, filter).stream()
                    .limit(k).map(s -> new SearchHit(s.ordinal(), (float) s.score())).toList();
            assertThat(new FlatIndex(fixture.column, metric).search(query, k, ALL_ORDINALS, filter))
                    .as(TestSeeds.describe(metric + " round " + round))
                    .containsExactlyElementsOf(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(value = MetricType.class, mode = EnumSource.Mode.EXCLUDE, names = {"BM25", "HAMMING", "JACCARD"})
    void duplicateVectorsTieAndComeBackInOrdinalOrder(MetricType metric) {
        Random random = TestSeeds.random("duplicateVectorsTieAndComeBackInOrdinalOrder-" + metric);
        float[][] distinct = new float[5][];
        for (int i = 0; i < distinct.length; i++) {
            distinct[i] = TestSeeds.gaussian(random, 24);
        }
        VectorColumn column = new VectorColumn(24, 3);
        for (int ordinal = 0; ordinal < 60; ordinal++) {
            column.append(distinct[ordinal % 5]);
        }
        List<SearchHit> hits = new FlatIndex(column, metric).search(TestSeeds.gaussian(random, 24), 60, 60, ALL);

        assertThat(hits).hasSize(60);
        for (int group = 0; group < 5; group++) {
            List<SearchHit> members = hits.subList(group * 12, group * 12 + 12);
            int source = members.get(0).ordinal() % 5;
            assertThat(members).extracting(SearchHit::ordinal)
                    .as(TestSeeds.describe("group " + group))
                    .isSorted()
                    .allMatch(ordinal -> ordinal % 5 == source);
            assertThat(members).extracting(SearchHit::score).containsOnly(members.get(0).score());
        }
    }

    @Test
    void kOfOneReturnsTheSingleBestAndKBeyondTheCandidatesReturnsThemAll() {
        VectorColumn column = oneDimensional(0, 1, 2, 3, 4);
        FlatIndex index = new FlatIndex(column, MetricType.L2);
        float[] query = {2.2f};
        assertThat(index.search(query, 1, ALL_ORDINALS, ALL)).extracting(SearchHit::ordinal).containsExactly(2);
        assertThat(index.search(query, 100, ALL_ORDINALS, ALL)).extracting(SearchHit::ordinal)
                .containsExactly(2, 3, 1, 4, 0);
        assertThat(index.search(query, 100, ALL_ORDINALS, o -> o % 2 == 0)).extracting(SearchHit::ordinal)
                .containsExactly(2, 4, 0);
    }

    @Test
    void limitExcludesLaterOrdinalsAndIsClampedToTheColumnSize() {
        FlatIndex index = new FlatIndex(oneDimensional(5, 4, 3, 2, 1), MetricType.IP);
        assertThat(index.search(new float[] {1}, 10, 2, ALL)).extracting(SearchHit::ordinal).containsExactly(0, 1);
        assertThat(index.search(new float[] {1}, 10, 0, ALL)).isEmpty();
        assertThat(index.search(new float[] {1}, 10, 1_000, ALL)).hasSize(5);
    }

    @Test
    void emptyColumnsAndFiltersThatRejectEverythingReturnNoHits() {
        assertThat(new FlatIndex(new VectorColumn(3), MetricType.COSINE).search(new float[3], 5, ALL_ORDINALS, ALL))
                .isEmpty();
        FlatIndex index = new FlatIndex(oneDimensional(1, 2, 3), MetricType.L2);
        assertThat(index.search(new float[] {0}, 5, ALL_ORDINALS, ordinal -> false)).isEmpty();
    }

    @Test
    void cosineWithZeroVectorsScoresZeroAndNeverNaN() {
        VectorColumn column = new VectorColumn(2);
        column.append(new float[] {0, 0});
        column.append(new float[] {1, 0});
        column.append(new float[] {-1, 0});
        column.append(new float[] {0, 0});
        FlatIndex index = new FlatIndex(column, MetricType.COSINE);

        assertThat(index.search(new float[] {2, 0}, 4, ALL_ORDINALS, ALL)).containsExactly(
                new SearchHit(1, 1f), new SearchHit(0, 0f), new SearchHit(3, 0f), new SearchHit(2, -1f));
        assertThat(index.search(new float[] {0, 0}, 4, ALL_ORDINALS, ALL)).containsExactly(
                new SearchHit(0, 0f), new SearchHit(1, 0f), new SearchHit(2, 0f), new SearchHit(3, 0f));
    }

    @Test
    void cosineIgnoresMagnitudeButInnerProductDoesNot() {
        VectorColumn column = new VectorColumn(2);
        column.append(new float[] {10, 10});
        column.append(new float[] {1, 0});
        float[] query = {1, 0};
        assertThat(new FlatIndex(column, MetricType.COSINE).search(query, 1, ALL_ORDINALS, ALL).get(0).ordinal())
                .isEqualTo(1);
        assertThat(new FlatIndex(column, MetricType.IP).search(query, 1, ALL_ORDINALS, ALL).get(0).ordinal())
                .isEqualTo(0);
    }

    @Test
    void l2RangeKeepsRangeFilterInclusiveAndRadiusExclusive() {
        // Squared distances from 0 to the ordinals' vectors: 0, 1, 4, 9, 16.
        FlatIndex index = new FlatIndex(oneDimensional(0, 1, 2, 3, 4), MetricType.L2);
        float[] query = {0};
        assertThat(ordinals(index.rangeSearch(query, 10, ALL_ORDINALS, ALL, 9f, 1f))).containsExactly(1, 2);
        assertThat(ordinals(index.rangeSearch(query, 10, ALL_ORDINALS, ALL, 9f, Float.NaN))).containsExactly(0, 1, 2);
        assertThat(ordinals(index.rangeSearch(query, 10, ALL_ORDINALS, ALL, Float.NaN, 4f))).containsExactly(2, 3, 4);
        assertThat(ordinals(index.rangeSearch(query, 10, ALL_ORDINALS, ALL, Float.NaN, Float.NaN)))
                .containsExactly(0, 1, 2, 3, 4);
        assertThat(ordinals(index.rangeSearch(query, 1, ALL_ORDINALS, ALL, 17f, 1f))).containsExactly(1);
        assertThatThrownBy(() -> index.rangeSearch(query, 10, ALL_ORDINALS, ALL, 4f, 4f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("less than radius");
    }

    @Test
    void innerProductRangeKeepsRadiusExclusiveAndRangeFilterInclusive() {
        // Inner products with 1: 0, 1, 2, 3, 4.
        FlatIndex index = new FlatIndex(oneDimensional(0, 1, 2, 3, 4), MetricType.IP);
        float[] query = {1};
        assertThat(ordinals(index.rangeSearch(query, 10, ALL_ORDINALS, ALL, 1f, 3f))).containsExactly(3, 2);
        assertThat(ordinals(index.rangeSearch(query, 10, ALL_ORDINALS, ALL, 1f, Float.NaN))).containsExactly(4, 3, 2);
        assertThat(ordinals(index.rangeSearch(query, 10, ALL_ORDINALS, ALL, Float.NaN, 3f)))
                .containsExactly(3, 2, 1, 0);
        assertThat(ordinals(index.rangeSearch(query, 2, ALL_ORDINALS, ALL, -1f, 4f))).containsExactly(4, 3);
        assertThatThrownBy(() -> index.rangeSearch(query, 10, ALL_ORDINALS, ALL, 3f, 1f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("greater than radius");
    }

    @Test
    void cosineRangeKeepsRadiusExclusiveAndRangeFilterInclusive() {
        VectorColumn column = new VectorColumn(2);
        column.append(new float[] {1, 0}); // cosine 1
        column.append(new float[] {3, 4}); // 0.6 exactly as a float: 3 / (1 * 5)
        column.append(new float[] {0, 1}); // 0
        column.append(new float[] {-3, 4}); // -0.6
        column.append(new float[] {-1, 0}); // -1
        column.append(new float[] {0, 0}); // 0 by definition
        FlatIndex index = new FlatIndex(column, MetricType.COSINE);
        float[] query = {1, 0};
        assertThat(index.rangeSearch(query, 10, ALL_ORDINALS, ALL, 0f, 0.6f)).containsExactly(new SearchHit(1, 0.6f));
        assertThat(ordinals(index.rangeSearch(query, 10, ALL_ORDINALS, ALL, -0.6f, 1f))).containsExactly(0, 1, 2, 5);
        assertThat(ordinals(index.rangeSearch(query, 10, ALL_ORDINALS, ALL, Float.NaN, 0f)))
                .containsExactly(2, 5, 3, 4);
        assertThat(ordinals(index.rangeSearch(query, 10, ALL_ORDINALS, ALL, 0.6f, Float.NaN))).containsExactly(0);
    }

    @Test
    void rangeSearchAppliesTheFilterAndTheLimit() {
        FlatIndex index = new FlatIndex(oneDimensional(0, 1, 2, 3, 4), MetricType.L2);
        assertThat(ordinals(index.rangeSearch(new float[] {0}, 10, 4, o -> o != 1, 100f, Float.NaN)))
                .containsExactly(0, 2, 3);
    }

    @ParameterizedTest
    @EnumSource(value = MetricType.class, mode = EnumSource.Mode.EXCLUDE, names = {"BM25", "HAMMING", "JACCARD"})
    void batchSearchOnManyThreadsEqualsOneQueryAtATime(MetricType metric) throws Exception {
        Random random = TestSeeds.random("batchSearchOnManyThreadsEqualsOneQueryAtATime-" + metric);
        Fixture fixture = Fixture.gaussian(random, 8, 20_000, 10);
        BitSet kept = randomBits(random, 20_000, 0.7);
        Set<Thread> filterThreads = ConcurrentHashMap.newKeySet();
        OrdinalFilter filter = ordinal -> {
            filterThreads.add(Thread.currentThread());
            return kept.get(ordinal);
        };
        float[][] queries = new float[7][];
        for (int q = 0; q < queries.length; q++) {
            queries[q] = TestSeeds.gaussian(random, 8);
        }
        FlatIndex index = new FlatIndex(fixture.column, metric);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<List<SearchHit>> batch = index.searchBatch(queries, 25, 19_000, filter, pool, 4);
            float radius = metric == MetricType.L2 ? 8f : 0.5f;
            List<List<SearchHit>> rangeBatch =
                    index.rangeSearchBatch(queries, 25, 19_000, filter, radius, Float.NaN, pool, 4);
            for (int q = 0; q < queries.length; q++) {
                assertThat(batch.get(q)).as(TestSeeds.describe("query " + q))
                        .containsExactlyElementsOf(index.search(queries[q], 25, 19_000, kept::get));
                assertThat(rangeBatch.get(q)).as(TestSeeds.describe("range query " + q))
                        .containsExactlyElementsOf(
                                index.rangeSearch(queries[q], 25, 19_000, kept::get, radius, Float.NaN));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(filterThreads).as("threads that scanned slices").hasSizeGreaterThan(1);
    }

    @ParameterizedTest
    @EnumSource(value = MetricType.class, mode = EnumSource.Mode.EXCLUDE, names = {"BM25", "HAMMING", "JACCARD"})
    void anArrangedColumnIsSearchedExactlyAsTheAppendedOneWithFiltersLimitsAndRanges(MetricType metric)
            throws Exception {
        Random random = TestSeeds.random("anArrangedColumnIsSearchedExactlyAsTheAppendedOne-" + metric);
        Fixture fixture = Fixture.gaussian(random, 8, 12_000, 10);
        int[] order = new int[12_000];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        FlatIndex appended = new FlatIndex(fixture.column, metric);
        FlatIndex arranged = new FlatIndex(fixture.column.arrangedAs(order), metric);
        BitSet kept = randomBits(random, 12_000, 0.6);
        float radius = metric == MetricType.L2 ? 8f : 0.5f;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int q = 0; q < 5; q++) {
                float[] query = TestSeeds.gaussian(random, 8);
                for (int limit : new int[] {12_000, 7_001}) {
                    assertThat(arranged.search(query, 20, limit, kept::get)).as(TestSeeds.describe("limit " + limit))
                            .containsExactlyElementsOf(appended.search(query, 20, limit, kept::get));
                    assertThat(arranged.search(query, 20, limit, OrdinalFilter.ACCEPT_ALL))
                            .containsExactlyElementsOf(appended.search(query, 20, limit, OrdinalFilter.ACCEPT_ALL));
                    assertThat(arranged.rangeSearch(query, 20, limit, kept::get, radius, Float.NaN))
                            .containsExactlyElementsOf(
                                    appended.rangeSearch(query, 20, limit, kept::get, radius, Float.NaN));
                    assertThat(arranged.searchBatch(new float[][] {query}, 20, limit, kept::get, pool, 3).get(0))
                            .containsExactlyElementsOf(appended.search(query, 20, limit, kept::get));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(value = VectorEncoding.class)
    void aFilterWithCandidatesIsAnsweredFromThemAsThePerOrdinalFilter(VectorEncoding encoding) {
        Random random = TestSeeds.random("aFilterWithCandidatesIsAnsweredFromThem-" + encoding);
        VectorColumn column = new VectorColumn(7, encoding);
        for (int i = 0; i < 9_000; i++) {
            float[] v = TestSeeds.gaussian(random, 7);
            for (int d = 0; d < v.length; d++) {
                v[d] = encoding == VectorEncoding.INT8 ? Math.max(-128, Math.min(127, Math.round(v[d] * 30))) : v[d];
            }
            column.append(v);
        }
        int[] order = new int[column.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = (i * 7_919) % order.length; // 7919 is prime to 9000: a permutation
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        // A stored column (a quantized index's segment) reads FLOAT32 candidates one by one from its source.
        VectorColumn stored = VectorColumn.stored(7, encoding, column.size(), new WindowedVectors(column, 1_000));
        try {
            for (VectorColumn searched : List.of(column, column.arrangedAs(order), stored)) {
                for (MetricType metric : List.of(MetricType.L2, MetricType.IP, MetricType.COSINE)) {
                    FlatIndex flat = new FlatIndex(searched, metric);
                    for (int round = 0; round < 6; round++) {
                        BitSet candidates = randomBits(random, 9_000, round % 2 == 0 ? 0.01 : 0.6);
                        BitSet live = randomBits(random, 9_000, 0.8);
                        OrdinalFilter within = OrdinalFilter.within(candidates, live::get);
                        OrdinalFilter plain = o -> candidates.get(o) && live.get(o);
                        float[] query = TestSeeds.gaussian(random, 7);
                        int k = 1 + random.nextInt(60);
                        int limit = random.nextBoolean() ? ALL_ORDINALS : random.nextInt(9_000);
                        String as = TestSeeds.describe(encoding + " " + metric + " column " + searched.resident()
                                + "/" + (searched != column) + " round " + round);
                        assertThat(flat.search(query, k, limit, within)).as(as)
                                .containsExactlyElementsOf(flat.search(query, k, limit, plain));
                        List<SearchHit> ranged = flat.rangeSearch(query, k, limit, plain, 0.5f, Float.NaN);
                        assertThat(flat.rangeSearch(query, k, limit, within, 0.5f, Float.NaN)).as(as)
                                .containsExactlyElementsOf(ranged);
                        assertThat(flat.searchBatch(new float[][] {query, query}, k, limit, within, pool, 2))
                                .as(as).allSatisfy(hits -> assertThat(hits)
                                        .containsExactlyElementsOf(flat.search(query, k, limit, plain)));
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void batchSearchRethrowsAFailureFromAnySlice() {
        Fixture fixture = Fixture.gaussian(new Random(1), 4, 20_000, 1);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            OrdinalFilter broken = ordinal -> {
                if (ordinal == 15_000) {
                    throw new IllegalStateException("filter failed at " + ordinal);
                }
                return true;
            };
            assertThatThrownBy(() -> new FlatIndex(fixture.column, MetricType.L2)
                    .searchBatch(new float[][] {new float[4]}, 5, ALL_ORDINALS, broken, pool, 4))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("15000");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void invalidRequestsAreRejectedWithTheReason() {
        FlatIndex index = new FlatIndex(oneDimensional(1, 2), MetricType.L2);
        assertThatThrownBy(() -> index.search(new float[] {1}, 0, 10, ALL)).hasMessageContaining("k must");
        assertThatThrownBy(() -> index.search(new float[] {1}, 1, -1, ALL)).hasMessageContaining("limit");
        assertThatThrownBy(() -> index.search(new float[] {1, 2}, 1, 10, ALL)).hasMessageContaining("dim 2");
        assertThatThrownBy(() -> index.search(new float[] {Float.NaN}, 1, 10, ALL)).hasMessageContaining("finite");
        assertThatThrownBy(() -> index.search(new float[] {1}, 1, 10, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.searchBatch(new float[][] {{1}}, 1, 10, ALL, Runnable::run, 0))
                .hasMessageContaining("parallelism");
    }

    /**
     * Checks hits against the double-precision oracle, allowing float rounding only where scores nearly tie. Per-hit
     * checks are plain code that reports the first problem: one AssertJ call per hit would dominate the run time.
     */
    private static void assertMatchesOracle(List<SearchHit> hits, List<BruteForce.Scored> oracle, int k,
            MetricType metric, float[] query, List<float[]> vectors, String description) {
        String as = TestSeeds.describe(description);
        assertThat(hits).as(as).hasSize(Math.min(k, oracle.size()));
        Map<Integer, Double> oracleScores = new HashMap<>();
        oracle.forEach(s -> oracleScores.put(s.ordinal(), s.score()));
        double worstTolerance = 0;
        String problem = null;
        for (int i = 0; i < hits.size() && problem == null; i++) {
            SearchHit hit = hits.get(i);
            Double expected = oracleScores.get(hit.ordinal());
            if (expected == null) {
                problem = hit + " is not a candidate (filtered out or beyond the limit)";
                break;
            }
            double tolerance = BruteForce.tolerance(metric, query, vectors.get(hit.ordinal()));
            worstTolerance = Math.max(worstTolerance, tolerance);
            if (Math.abs(hit.score() - expected) > tolerance) {
                problem = hit + " but the exact score is " + expected;
            } else if (i > 0 && !inOrder(metric, hits.get(i - 1), hit)) {
                problem = hits.get(i - 1) + " comes before " + hit;
            }
        }
        for (int i = 0; i < hits.size() && problem == null; i++) {
            if (Math.abs(hits.get(i).score() - oracle.get(i).score()) > 2 * worstTolerance + 1e-6) {
                problem = "rank " + i + " is " + hits.get(i) + " but the exact ranking has " + oracle.get(i);
            }
        }
        assertThat(problem).as(as).isNull();
        // Recall must be exactly 1 unless the k-th and (k+1)-th true scores are closer than float rounding can tell.
        int kept = hits.size();
        boolean separated = oracle.size() <= kept
                || Math.abs(oracle.get(kept - 1).score() - oracle.get(kept).score()) > 4 * worstTolerance + 1e-6;
        if (separated) {
            Set<Integer> expected = oracle.stream().limit(kept).map(BruteForce.Scored::ordinal)
                    .collect(Collectors.toSet());
            assertThat(hits).extracting(SearchHit::ordinal).as(as + ": recall@" + kept)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    /** Best first, and equal scores by smaller ordinal. */
    private static boolean inOrder(MetricType metric, SearchHit first, SearchHit second) {
        boolean better = metric.higherIsBetter() ? first.score() > second.score() : first.score() < second.score();
        return better || (first.score() == second.score() && first.ordinal() < second.ordinal());
    }

    private record Fixture(VectorColumn column, List<float[]> vectors) {
        static Fixture gaussian(Random random, int dim, int n, int chunkShift) {
            Fixture fixture = new Fixture(new VectorColumn(dim, chunkShift), new ArrayList<>());
            for (int i = 0; i < n; i++) {
                fixture.add(TestSeeds.gaussian(random, dim));
            }
            return fixture;
        }

        static Fixture smallIntegers(Random random, int dim, int n, int bound) {
            Fixture fixture = new Fixture(new VectorColumn(dim, 4), new ArrayList<>());
            for (int i = 0; i < n; i++) {
                fixture.add(TestSeeds.smallIntegers(random, dim, bound));
            }
            return fixture;
        }

        void add(float[] vector) {
            column.append(vector);
            vectors.add(vector);
        }
    }

    private static VectorColumn oneDimensional(float... values) {
        VectorColumn column = new VectorColumn(1);
        for (float value : values) {
            column.append(new float[] {value});
        }
        return column;
    }

    private static BitSet randomBits(Random random, int n, double density) {
        BitSet bits = new BitSet(n);
        for (int i = 0; i < n; i++) {
            bits.set(i, random.nextDouble() < density);
        }
        return bits;
    }

    private static List<Integer> ordinals(List<SearchHit> hits) {
        return hits.stream().map(SearchHit::ordinal).toList();
    }
}
