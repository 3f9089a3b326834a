package dev.vectorvault.query;

import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static dev.vectorvault.query.EntityFixture.DB;
import static dev.vectorvault.query.EntityFixture.batch;
import static dev.vectorvault.query.EntityFixture.failsWith;
import static dev.vectorvault.query.EntityFixture.values;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.catalog.DataType;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.index.RequestedMetric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Search against a brute-force oracle in double precision over random vectors spread over several segments, with
 * tombstones and replaced rows. Prints its seed; replay with {@code -Dtests.seed=<seed>}.
 */
@Timeout(60)
class EntityReaderSearchTest {
    private static final int DIM = 8;
    private static final int ROWS = 300;
    private static final long SEED = seed();

    @TempDir
    Path dir;

    private EntityFixture fx;
    private Random random;
    private String replay;
    /** The model: live key → vector, i8 value and partition name. */
    private final Map<Long, float[]> vectors = new LinkedHashMap<>();
    private final Map<Long, Long> i8 = new LinkedHashMap<>();
    private final Map<Long, String> partitionOf = new LinkedHashMap<>();

    private static long seed() {
        String property = System.getProperty("tests.seed");
        return property == null || property.isBlank() ? new Random().nextLong() : Long.parseLong(property.trim());
    }

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    /** A loaded collection "s" (id, vec, i8) of ROWS random rows in _default and p1, some deleted or replaced. */
    private void populate(String metric, String testName) {
        System.out.println("EntityReaderSearchTest." + testName + " seed " + SEED + " (replay with -Dtests.seed="
                + SEED + ")");
        replay = " (replay with -Dtests.seed=" + SEED + ")";
        random = new Random(SEED ^ testName.hashCode());
        fx = new EntityFixture(dir, 64);
        fx.createLoaded("s", schema(int64Key("id"), vector("vec", DIM), field("i8", DataType.INT8)), metric);
        fx.catalog.createPartition(DB, "s", "p1");
        for (int start = 0; start < ROWS; start += 50) {
            insert(start, 50);
        }
        List<Object> deleted = new ArrayList<>();
        for (long k = 0; k < ROWS; k += 7) {
            deleted.add(k);
            vectors.remove(k);
            i8.remove(k);
            partitionOf.remove(k);
        }
        fx.writer.delete(DB, "s", "", "id in " + deleted, Map.of());
        for (long k = 5; k < ROWS; k += 11) {
            insert(k, 1); // replaced with a new vector (or brought back)
        }
    }

    private void insert(long from, int n) {
        List<Object> ids = new ArrayList<>();
        List<Object> vecs = new ArrayList<>();
        List<Object> smalls = new ArrayList<>();
        String partition = random.nextBoolean() ? "p1" : "_default";
        for (long k = from; k < from + n; k++) {
            float[] v = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                v[d] = (float) random.nextGaussian();
            }
            long small = random.nextInt(10);
            ids.add(k);
            vecs.add(v);
            smalls.add(small);
            vectors.put(k, v);
            i8.put(k, small);
            partitionOf.put(k, partition);
        }
        fx.writer.insert(DB, "s", partition, batch(n, "id", ids, "vec", vecs, "i8", smalls));
    }

    private float[] randomQuery() {
        float[] q = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            q[d] = (float) random.nextGaussian();
        }
        return q;
    }

    static double score(String metric, float[] a, float[] b) {
        double dot = 0;
        double l2 = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            l2 += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return switch (metric) {
            case "L2" -> l2;
            case "IP" -> dot;
            default -> dot / Math.sqrt(na * nb);
        };
    }

    private record Scored(long key, double score) {}

    /** Every live row the predicate accepts, best first. */
    private List<Scored> ranked(String metric, float[] query, Predicate<Long> accept) {
        List<Scored> out = new ArrayList<>();
        for (Map.Entry<Long, float[]> e : vectors.entrySet()) {
            if (accept.test(e.getKey())) {
                out.add(new Scored(e.getKey(), score(metric, query, e.getValue())));
            }
        }
        Comparator<Scored> byScore = Comparator.comparingDouble(Scored::score);
        out.sort(metric.equals("L2") ? byScore : byScore.reversed());
        return out;
    }

    /** Checks hits [first, first+count) of a result against the oracle's expected list (already paged). */
    private void assertHits(String metric, float[] query, ResultRows result, int first, int count,
                            List<Scored> expected, Predicate<Long> accept) {
        assertThat(count).as("hits" + replay).isEqualTo(expected.size());
        Set<Object> seen = new HashSet<>();
        for (int i = 0; i < count; i++) {
            Object[] row = result.rows().get(first + i);
            long key = (Long) row[result.primaryKeyField()];
            float actual = result.scores()[first + i];
            assertThat(seen.add(key)).as("hit " + key + " twice" + replay).isTrue();
            assertThat(accept.test(key)).as("hit " + key + " should have been filtered out" + replay).isTrue();
            assertThat(vectors).as("hit " + key + " is live" + replay).containsKey(key);
            assertThat((double) actual).as("score of hit " + i + replay)
                    .isCloseTo(expected.get(i).score(), org.assertj.core.data.Offset.offset(tolerance(actual)));
            assertThat((double) actual).as("score of key " + key + replay)
                    .isCloseTo(score(metric, query, vectors.get(key)),
                            org.assertj.core.data.Offset.offset(tolerance(actual)));
            assertThat((float[]) row[1]).isEqualTo(vectors.get(key));
        }
    }

    /** The best {@code n}, or all when a filter or partition leaves fewer (the random data may). */
    private static List<Scored> top(List<Scored> ranked, int n) {
        return ranked.subList(0, Math.min(n, ranked.size()));
    }

    private static double tolerance(float score) {
        return 1e-4 * Math.max(1, Math.abs(score));
    }

    private SearchRequest request(float[][] queries, int topK, int offset, String filter, List<String> partitions,
                                  float radius, float rangeFilter) {
        return new SearchRequest(DB, "s", partitions, "", queries, topK, offset, filter, Map.of(),
                List.of("i8", "vec"), RequestedMetric.none(), radius, rangeFilter);
    }

    @ParameterizedTest
    @ValueSource(strings = {"L2", "IP", "COSINE"})
    void exactTopKEqualsBruteForce(String metric) {
        populate(metric, "exactTopKEqualsBruteForce" + metric);
        float[][] queries = {randomQuery(), randomQuery(), randomQuery(), vectors.values().iterator().next()};
        ResultRows result = fx.reader.search(request(queries, 10, 0, "", List.of(), Float.NaN, Float.NaN));
        assertThat(result.perQuery()).containsExactly(10, 10, 10, 10);
        assertThat(result.output().names()).contains("i8");
        int first = 0;
        for (float[] q : queries) {
            List<Scored> expected = ranked(metric, q, k -> true).subList(0, 10);
            assertHits(metric, q, result, first, 10, expected, k -> true);
            first += 10;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"L2", "IP", "COSINE"})
    void filtersAndPartitionsAreRespected(String metric) {
        populate(metric, "filtersAndPartitionsAreRespected" + metric);
        float[] q = randomQuery();
        Predicate<Long> filter = k -> i8.get(k) < 4 && k > 20;
        ResultRows filtered = fx.reader.search(request(new float[][] {q}, 15, 0, "i8 < 4 and id > 20", List.of(),
                Float.NaN, Float.NaN));
        assertHits(metric, q, filtered, 0, filtered.perQuery()[0], top(ranked(metric, q, filter), 15),
                filter);

        Predicate<Long> inP1 = k -> partitionOf.get(k).equals("p1");
        ResultRows p1 = fx.reader.search(request(new float[][] {q}, 15, 0, "", List.of("p1"), Float.NaN,
                Float.NaN));
        assertHits(metric, q, p1, 0, p1.perQuery()[0], top(ranked(metric, q, inP1), 15), inP1);

        Predicate<Long> both = k -> !inP1.test(k) && i8.get(k) >= 5;
        ResultRows combined = fx.reader.search(request(new float[][] {q}, 200, 0, "i8 >= 5", List.of("_default"),
                Float.NaN, Float.NaN));
        List<Scored> all = ranked(metric, q, both);
        assertHits(metric, q, combined, 0, combined.perQuery()[0], all, both);
    }

    @Test
    void offsetSkipsTheBestHits() {
        populate("L2", "offsetSkipsTheBestHits");
        float[] q = randomQuery();
        ResultRows page = fx.reader.search(request(new float[][] {q}, 5, 7, "", List.of(), Float.NaN, Float.NaN));
        assertThat(page.perQuery()).containsExactly(5);
        assertHits("L2", q, page, 0, 5, ranked("L2", q, k -> true).subList(7, 12), k -> true);

        ResultRows beyond = fx.reader.search(request(new float[][] {q}, 10, vectors.size() - 3, "", List.of(),
                Float.NaN, Float.NaN));
        assertThat(beyond.perQuery()).containsExactly(3);
    }

    @Test
    void fewerRowsThanTopKReturnsThemAll() {
        populate("IP", "fewerRowsThanTopKReturnsThemAll");
        float[] q = randomQuery();
        ResultRows result = fx.reader.search(request(new float[][] {q}, 1000, 0, "", List.of(), Float.NaN,
                Float.NaN));
        assertHits("IP", q, result, 0, result.perQuery()[0], ranked("IP", q, k -> true), k -> true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"L2", "IP", "COSINE"})
    void rangeSearchKeepsScoresBetweenRadiusAndRangeFilter(String metric) {
        populate(metric, "rangeSearch" + metric);
        float[] q = randomQuery();
        List<Scored> all = ranked(metric, q, k -> true);
        // Bounds halfway between neighbouring scores, so float rounding cannot move a row across one.
        float inner = (float) ((all.get(4).score() + all.get(5).score()) / 2);
        float outer = (float) ((all.get(60).score() + all.get(61).score()) / 2);
        ResultRows result = fx.reader.search(request(new float[][] {q}, 100, 0, "", List.of(), outer, inner));
        assertHits(metric, q, result, 0, result.perQuery()[0], all.subList(5, 61), k -> true);

        ResultRows radiusOnly = fx.reader.search(request(new float[][] {q}, 100, 0, "", List.of(), outer,
                Float.NaN));
        assertHits(metric, q, radiusOnly, 0, radiusOnly.perQuery()[0], all.subList(0, 61), k -> true);

        ResultRows limited = fx.reader.search(request(new float[][] {q}, 10, 0, "", List.of(), outer, inner));
        assertHits(metric, q, limited, 0, limited.perQuery()[0], all.subList(5, 15), k -> true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"L2", "IP"})
    void aRangeWindowThatIsEmptyByConstructionIsRefused(String metric) {
        populate(metric, "emptyRange" + metric);
        float[][] q = {randomQuery()};
        float small = 1;
        float large = 2;
        float radius = metric.equals("L2") ? small : large;
        float rangeFilter = metric.equals("L2") ? large : small;
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(request(q, 10, 0, "", List.of(), radius,
                rangeFilter))).hasMessageContaining("range_filter must be");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(request(q, 10, 0, "", List.of(), 1f, 1f)));
    }

    @Test
    void topKAndOffsetLimits() {
        populate("L2", "topKAndOffsetLimits");
        float[][] q = {randomQuery()};
        for (int topK : new int[] {0, -1, 16_385}) {
            failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(request(q, topK, 0, "", List.of(),
                    Float.NaN, Float.NaN))).hasMessageContaining("topk [" + topK + "] is invalid");
        }
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(request(q, 10, 16_375, "", List.of(),
                Float.NaN, Float.NaN))).hasMessage("offset+topk [16385] is invalid, (offset+limit) should be in range"
                + " [1, 16384], but got 16385");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(request(q, 10, -1, "", List.of(),
                Float.NaN, Float.NaN)));
        assertThat(fx.reader.search(request(q, 16_384, 0, "", List.of(), Float.NaN, Float.NaN)).perQuery())
                .containsExactly(vectors.size());
        assertThat(fx.reader.search(request(q, 10, 16_374, "", List.of(), Float.NaN, Float.NaN)).perQuery())
                .containsExactly(0);
    }

    @Test
    void aMetricOtherThanTheIndexesIsRefused() {
        populate("L2", "metricMismatch");
        float[][] q = {randomQuery()};
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(new SearchRequest(DB, "s", List.of(), "",
                q, 3, 0, "", Map.of(), List.of(), RequestedMetric.parse("ip"), Float.NaN, Float.NaN)))
                .hasMessage("metric type not match: invalid parameter[expected=L2][actual=IP]");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(new SearchRequest(DB, "s", List.of(), "",
                q, 3, 0, "", Map.of(), List.of(), RequestedMetric.parse("hamming"), Float.NaN, Float.NaN)))
                .hasMessage("metric type not match: invalid parameter[expected=L2][actual=HAMMING]");
        for (RequestedMetric same : List.of(RequestedMetric.parse("L2"), RequestedMetric.parse("l2"),
                RequestedMetric.none())) {
            assertThat(fx.reader.search(new SearchRequest(DB, "s", List.of(), "", q, 3, 0, "", Map.of(),
                    List.of(), same, Float.NaN, Float.NaN)).perQuery()).containsExactly(3);
        }
    }

    @Test
    void anUnloadedCollectionCannotBeSearched() {
        populate("L2", "unloaded");
        float[][] q = {randomQuery()};
        fx.indexes.release(DB, "s");
        failsWith(ErrorCode.COLLECTION_NOT_LOADED, () -> fx.reader.search(request(q, 3, 0, "", List.of(),
                Float.NaN, Float.NaN))).hasMessageContaining("collection not loaded[collection=s]");
        fx.indexes.load(DB, "s");
        assertThat(fx.reader.search(request(q, 3, 0, "", List.of(), Float.NaN, Float.NaN)).perQuery())
                .containsExactly(3);
    }

    @Test
    void badRequestsAreRefusedWithTheirCodes() {
        populate("COSINE", "badRequests");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(request(new float[][] {new float[3]}, 3, 0,
                "", List.of(), Float.NaN, Float.NaN))).hasMessageContaining("vector dimension mismatch");
        float[] nan = randomQuery();
        nan[2] = Float.NaN;
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(request(new float[][] {nan}, 3, 0, "",
                List.of(), Float.NaN, Float.NaN)));
        float[][] q = {randomQuery()};
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(request(q, 3, 0, "i8 >", List.of(),
                Float.NaN, Float.NaN)));
        failsWith(ErrorCode.PARTITION_NOT_FOUND, () -> fx.reader.search(request(q, 3, 0, "", List.of("nope"),
                Float.NaN, Float.NaN)));
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(new SearchRequest(DB, "s", List.of(),
                "other", q, 3, 0, "", Map.of(), List.of(), RequestedMetric.none(), Float.NaN, Float.NaN)))
                .hasMessageContaining("fieldName(other) not found");
        failsWith(ErrorCode.FIELD_NOT_FOUND, () -> fx.reader.search(new SearchRequest(DB, "s", List.of(),
                "vec", q, 3, 0, "", Map.of(), List.of("nope"), RequestedMetric.none(), Float.NaN, Float.NaN)));
        failsWith(ErrorCode.COLLECTION_NOT_FOUND, () -> fx.reader.search(new SearchRequest(DB, "nope", List.of(),
                "", q, 3, 0, "", Map.of(), List.of(), RequestedMetric.none(), Float.NaN,
                Float.NaN)));
    }

    @Test
    void searchOfAnEmptyCollectionFindsNothing() {
        fx = new EntityFixture(dir, 64);
        fx.createLoaded("e", schema(int64Key("id"), vector("vec", 2)), "L2");
        ResultRows result = fx.reader.search(new SearchRequest(DB, "e", List.of(), "", new float[][] {{1, 2}},
                3, 0, "", Map.of(), List.of(), RequestedMetric.none(), Float.NaN, Float.NaN));
        assertThat(result.perQuery()).containsExactly(0);
        assertThat(result.rows()).isEmpty();
        assertThat(fx.reader.search(new SearchRequest(DB, "e", List.of(), "", new float[][] {{1, 2}},
                3, 0, "", Map.of(), List.of(), RequestedMetric.none(), 2f, 1f)).perQuery()).as("range search")
                .containsExactly(0);
    }

    @Test
    void resultsAreTheSameAfterARestartAndAfterCheckpoints() {
        populate("IP", "restart");
        float[][] q = {randomQuery(), randomQuery()};
        SearchRequest request = request(q, 20, 3, "i8 != 3", List.of(), Float.NaN, Float.NaN);
        ResultRows before = fx.reader.search(request);
        // The whole window (offset rows included): deleting a key that ranked within the offset shifts the page.
        ResultRows window = fx.reader.search(request(q, 23, 0, "i8 != 3", List.of(), Float.NaN, Float.NaN));
        fx.data.checkpoint();
        fx.writer.delete(DB, "s", "", "id in [1, 2, 3]", Map.of()); // tombstones after the checkpoint
        fx.writer.insert(DB, "s", "", batch(1, "id", values(1L), "vec", values(vectors.get(1L)), "i8", values(i8
                .get(1L))));
        vectors.remove(2L);
        vectors.remove(3L);
        ResultRows after = fx.reader.search(request);
        fx.restart();
        ResultRows restarted = fx.reader.search(request);
        assertThat(EntityFixture.keys(restarted)).isEqualTo(EntityFixture.keys(after));
        assertThat(restarted.scores()).isEqualTo(after.scores());
        if (window.rows().stream().noneMatch(r -> r[0].equals(1L) || r[0].equals(2L) || r[0].equals(3L))) {
            assertThat(EntityFixture.keys(after)).isEqualTo(EntityFixture.keys(before));
        }
    }
}
