package dev.vectorvault.query;

import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.nullable;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.catalog.TestSchemas.varchar;
import static dev.vectorvault.catalog.TestSchemas.varcharKey;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static dev.vectorvault.query.EntityFixture.DB;
import static dev.vectorvault.query.EntityFixture.batch;
import static dev.vectorvault.query.EntityFixture.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.ConsistencyLevel;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.RequestedMetric;
import dev.vectorvault.storage.data.IndexProgress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hybrid search over a collection with two vector fields ({@code a}: L2, {@code b}: IP or COSINE), sealed indexed
 * segments, the growing one, deletes, two partitions, per-sub-request filters and group-by. The property: a hybrid
 * search answers exactly what fusing the answers of its sub-requests run as plain searches gives, fused by the plain
 * reference ({@link FusionReference}); row fields come from the fused rows. Prints its seed; replay with
 * {@code -Dtests.seed=<seed>}.
 */
@Timeout(240)
class EntityReaderHybridSearchTest {
    private static final int DIM_A = 8;
    private static final int DIM_B = 5;
    private static final int ROWS = 1500;
    private static final long SEED = seed();
    private static final List<String> FILTERS = List.of("", "grp > 3", "cat == 'c1' or cat == 'c2'",
            "grp is null or grp < 2");

    @TempDir
    Path dir;

    private EntityFixture fx;
    private final Map<Object, String> catOf = new LinkedHashMap<>();

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

    private void populate(boolean stringKeys, String indexA, String indexB, MetricType metricB, Random random)
            throws Exception {
        fx = new EntityFixture(dir, 500);
        fx.catalog.createCollection(DB, "h", schema(stringKeys ? varcharKey("id", 16) : int64Key("id"),
                vector("a", DIM_A), vector("b", DIM_B), nullable(field("grp", DataType.INT64)), varchar("cat", 8)),
                1, ConsistencyLevel.STRONG, Map.of());
        fx.catalog.createPartition(DB, "h", "p1");
        fx.indexes.create(DB, "h", "a", "", indexA, RequestedMetric.of(MetricType.L2),
                indexA.equals("HNSW") ? Map.of("M", "8", "efConstruction", "64") : Map.of());
        fx.indexes.create(DB, "h", "b", "", indexB, RequestedMetric.of(metricB),
                indexB.equals("IVF_FLAT") ? Map.of("nlist", "4") : Map.of());
        fx.indexes.load(DB, "h");
        for (int start = 0; start < ROWS; start += 250) {
            List<Object> ids = new ArrayList<>();
            List<Object> as = new ArrayList<>();
            List<Object> bs = new ArrayList<>();
            List<Object> grp = new ArrayList<>();
            List<Object> cat = new ArrayList<>();
            for (int k = start; k < start + 250; k++) {
                Object key = stringKeys ? "k" + k : (Object) (long) k;
                ids.add(key);
                as.add(gaussian(random, DIM_A));
                bs.add(gaussian(random, DIM_B));
                grp.add(random.nextInt(12) == 0 ? null : (Object) (long) random.nextInt(8));
                String c = "c" + random.nextInt(4);
                cat.add(c);
                catOf.put(key, c);
            }
            fx.writer.insert(DB, "h", start % 500 == 0 ? "" : "p1", batch(250, "id", ids, "a", as, "b", bs,
                    "grp", grp, "cat", cat));
        }
        List<String> deleted = new ArrayList<>();
        for (int k = 4; k < ROWS; k += 9) {
            deleted.add(stringKeys ? "'k" + k + "'" : String.valueOf(k));
        }
        fx.writer.delete(DB, "h", "", "id in " + deleted, Map.of());
        Collection collection = fx.catalog.collection(DB, "h");
        for (String f : List.of("a", "b")) {
            long deadline = System.nanoTime() + 120_000_000_000L;
            IndexProgress progress = fx.reader.indexProgress(collection, f);
            while (!progress.finished() && System.nanoTime() < deadline) {
                Thread.sleep(20);
                progress = fx.reader.indexProgress(collection, f);
            }
            assertThat(progress.finished()).as("index on " + f + " built").isTrue();
        }
    }

    private static float[] gaussian(Random random, int dim) {
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
            v[d] = (float) random.nextGaussian();
        }
        return v;
    }

    private static Ranker randomRanker(Random random, int subs) {
        if (random.nextBoolean()) {
            return new Ranker.Rrf(random.nextInt(4) == 0 ? 60 : 1 + random.nextInt(200));
        }
        float[] weights = new float[subs];
        for (int i = 0; i < subs; i++) {
            weights[i] = random.nextFloat();
        }
        return new Ranker.Weighted(weights, random.nextBoolean());
    }

    @ParameterizedTest(name = "{0} keys, a {1}, b {2} {3}")
    @CsvSource({"false, FLAT, FLAT, IP", "true, HNSW, IVF_FLAT, COSINE", "false, IVF_FLAT, HNSW, IP"})
    void hybridSearchEqualsTheFusionOfItsSubSearches(boolean stringKeys, String indexA, String indexB,
                                                     String metricB) throws Exception {
        System.out.println("EntityReaderHybridSearchTest tests.seed=" + SEED);
        Random random = new Random(SEED ^ (indexA + indexB + stringKeys).hashCode());
        MetricType mb = MetricType.valueOf(metricB);
        populate(stringKeys, indexA, indexB, mb, random);
        for (int round = 0; round < 40; round++) {
            int nq = 1 + random.nextInt(3);
            int subCount = 1 + random.nextInt(3);
            List<String> partitions = random.nextInt(3) == 0 ? List.of("p1") : List.of();
            GroupBy groupBy = random.nextInt(3) == 0
                    ? new GroupBy(random.nextBoolean() ? "grp" : "cat", 1 + random.nextInt(3), random.nextBoolean())
                    : null;
            List<HybridSearchRequest.SubRequest> subs = new ArrayList<>();
            List<MetricType> metrics = new ArrayList<>();
            for (int s = 0; s < subCount; s++) {
                boolean onA = random.nextBoolean();
                float[][] queries = new float[nq][];
                for (int q = 0; q < nq; q++) {
                    queries[q] = gaussian(random, onA ? DIM_A : DIM_B);
                }
                String indexType = onA ? indexA : indexB;
                Map<String, String> params = indexType.equals("HNSW") ? Map.of("ef", "48")
                        : indexType.equals("IVF_FLAT") ? Map.of("nprobe", "2") : Map.of();
                subs.add(new HybridSearchRequest.SubRequest(new SearchRequest(DB, "h", List.of(), onA ? "a" : "b",
                        queries, 1 + random.nextInt(30), 0, FILTERS.get(random.nextInt(FILTERS.size())), Map.of(),
                        List.of(), RequestedMetric.none(), Float.NaN, Float.NaN, params), -1));
                metrics.add(onA ? MetricType.L2 : mb);
            }
            Ranker ranker = randomRanker(random, subCount);
            int limit = 1 + random.nextInt(15);
            int offset = random.nextInt(4);
            int roundDecimal = random.nextInt(4) == 0 ? random.nextInt(7) : -1;
            GroupScorer scorer = GroupScorer.values()[random.nextInt(3)];
            ResultRows actual = fx.reader.hybridSearch(new HybridSearchRequest(DB, "h", partitions, subs, ranker,
                    limit, offset, roundDecimal, List.of("cat"), groupBy, scorer));

            // The reference: each sub-request as a plain search, then the plain fusion.
            List<List<List<RankFusion.Hit>>> perSub = new ArrayList<>();
            for (HybridSearchRequest.SubRequest sub : subs) {
                SearchRequest s = sub.search();
                ResultRows plain = fx.reader.search(new SearchRequest(DB, "h", partitions, s.annsField(),
                        s.queries(), s.topK(), 0, s.filter(), Map.of(), List.of(), RequestedMetric.none(), Float.NaN,
                        Float.NaN, s.searchParams(), groupBy, null));
                List<List<RankFusion.Hit>> lists = new ArrayList<>();
                int at = 0;
                for (int q = 0; q < nq; q++) {
                    List<RankFusion.Hit> list = new ArrayList<>();
                    for (int i = at; i < at + plain.perQuery()[q]; i++) {
                        list.add(new RankFusion.Hit(plain.rows().get(i)[plain.primaryKeyField()], plain.scores()[i],
                                0, 0, groupBy == null ? null : plain.groupValues().get(i)));
                    }
                    at += plain.perQuery()[q];
                    lists.add(list);
                }
                perSub.add(lists);
            }
            String context = "seed " + SEED + " round " + round + " ranker " + ranker + " metrics " + metrics
                    + " limit " + limit + " offset " + offset + " groupBy " + groupBy + " " + scorer
                    + " partitions " + partitions;
            int at = 0;
            int catField = 4;
            for (int q = 0; q < nq; q++) {
                List<List<RankFusion.Hit>> lists = new ArrayList<>();
                for (List<List<RankFusion.Hit>> sub : perSub) {
                    lists.add(sub.get(q));
                }
                List<Object[]> expected = FusionReference.fuse(ranker, lists, metrics, limit, offset, roundDecimal,
                        groupBy, scorer);
                List<List<Object>> got = new ArrayList<>();
                for (int i = at; i < at + actual.perQuery()[q]; i++) {
                    Object key = actual.rows().get(i)[actual.primaryKeyField()];
                    got.add(List.of(key, actual.scores()[i]));
                    assertThat(actual.rows().get(i)[catField]).as(context).isEqualTo(catOf.get(key));
                }
                at += actual.perQuery()[q];
                assertThat(got).as(context + " query " + q)
                        .isEqualTo(expected.stream().map(e -> List.of(e[0], e[1])).toList());
            }
        }
    }

    /**
     * Sub-requests run at once on the search workers (one group each, two groups, or as their work decides) answer
     * exactly what they answer one after the other: rows, scores, per-query counts and group values, for either
     * ranker (which sees the sub-requests' lists in request order), filters, partitions and group-by.
     */
    @ParameterizedTest(name = "a {0}, b {1}")
    @CsvSource({"FLAT, FLAT", "HNSW, IVF_FLAT"})
    void subRequestsRunAtOnceAnswerAsOneAfterTheOther(String indexA, String indexB) throws Exception {
        System.out.println("EntityReaderHybridSearchTest.atOnce tests.seed=" + SEED);
        Random random = new Random(SEED ^ 991 ^ (indexA + indexB).hashCode());
        populate(false, indexA, indexB, MetricType.IP, random);
        for (int round = 0; round < 25; round++) {
            int nq = 1 + random.nextInt(4);
            int subCount = 2 + random.nextInt(2);
            List<HybridSearchRequest.SubRequest> subs = new ArrayList<>();
            for (int s = 0; s < subCount; s++) {
                boolean onA = s % 2 == 0;
                float[][] queries = new float[nq][];
                for (int q = 0; q < nq; q++) {
                    queries[q] = gaussian(random, onA ? DIM_A : DIM_B);
                }
                subs.add(new HybridSearchRequest.SubRequest(new SearchRequest(DB, "h", List.of(), onA ? "a" : "b",
                        queries, 1 + random.nextInt(30), 0, FILTERS.get(random.nextInt(FILTERS.size())), Map.of(),
                        List.of(), RequestedMetric.none(), Float.NaN, Float.NaN, Map.of()),
                        random.nextInt(4) == 0 ? 2 : -1));
            }
            GroupBy groupBy = random.nextInt(3) == 0 ? new GroupBy("grp", 1 + random.nextInt(3), false) : null;
            HybridSearchRequest request = new HybridSearchRequest(DB, "h",
                    random.nextInt(3) == 0 ? List.of("p1") : List.of(), subs, randomRanker(random, subCount),
                    1 + random.nextInt(15), random.nextInt(4), -1, List.of("cat", "grp"), groupBy,
                    GroupScorer.values()[random.nextInt(3)]);
            List<Object> oneAfterTheOther = answer(fx.reader.hybridSearch(request, 1));
            for (int chunks : new int[] {0, 2, subCount}) {
                assertThat(answer(fx.reader.hybridSearch(request, chunks)))
                        .as("seed %d round %d chunks %d", SEED, round, chunks).isEqualTo(oneAfterTheOther);
            }
        }
    }

    /** Everything a hybrid search answers, comparable with equals. */
    private static List<Object> answer(ResultRows rows) {
        List<Object> all = new ArrayList<>();
        rows.rows().forEach(row -> all.add(Arrays.asList(row)));
        for (float score : rows.scores()) {
            all.add(score);
        }
        all.add(Arrays.toString(rows.perQuery()));
        all.add(String.valueOf(rows.groupValues()));
        return all;
    }

    @Test
    void subRequestsAreCheckedAsSearchesAndTogether() throws Exception {
        populate(false, "FLAT", "FLAT", MetricType.IP, new Random(SEED));
        float[][] one = {new float[DIM_A]};
        float[][] two = {new float[DIM_B], new float[DIM_B]};
        HybridSearchRequest.SubRequest onA = new HybridSearchRequest.SubRequest(new SearchRequest(DB, "h",
                List.of(), "a", one, 5, 0, "", Map.of(), List.of(), RequestedMetric.none(), Float.NaN, Float.NaN), -1);
        HybridSearchRequest.SubRequest onBTwice = new HybridSearchRequest.SubRequest(new SearchRequest(DB, "h",
                List.of(), "b", two, 5, 0, "", Map.of(), List.of(), RequestedMetric.none(), Float.NaN, Float.NaN), -1);
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.hybridSearch(new HybridSearchRequest(DB, "h",
                List.of(), List.of(onA, onBTwice), new Ranker.Rrf(60), 5, 0, -1, List.of(), null, null)))
                .hasMessageContaining("sub search request nq should be the same: invalid parameter[expected=1][actual=2]");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.hybridSearch(new HybridSearchRequest(DB, "h",
                List.of(), List.of(onA), new Ranker.Weighted(new float[] {0.5f, 0.5f}, false), 5, 0, -1, List.of(),
                null, null))).hasMessageContaining("the length of weights param mismatch with ann search requests");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.hybridSearch(new HybridSearchRequest(DB, "h",
                List.of(), List.of(), new Ranker.Rrf(60), 5, 0, -1, List.of(), null, null)))
                .hasMessageContaining("minimum of ann search requests is 1");
        HybridSearchRequest.SubRequest wrongMetric = new HybridSearchRequest.SubRequest(new SearchRequest(DB, "h",
                List.of(), "a", one, 5, 0, "", Map.of(), List.of(), RequestedMetric.of(MetricType.IP), Float.NaN,
                Float.NaN), -1);
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.hybridSearch(new HybridSearchRequest(DB, "h",
                List.of(), List.of(wrongMetric), new Ranker.Rrf(60), 5, 0, -1, List.of(), null, null)))
                .hasMessageContaining("metric type not match");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.hybridSearch(new HybridSearchRequest(DB, "h",
                List.of(), List.of(onA), new Ranker.Rrf(60), 16000, 1000, -1, List.of(), null, null)))
                .hasMessageContaining("invalid max query result window");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.hybridSearch(new HybridSearchRequest(DB, "h",
                List.of(), List.of(onA), new Ranker.Rrf(60), 5, 0, -1, List.of(), new GroupBy("a", 1, false),
                null))).hasMessageContaining("unsupported data type FloatVector for group by operator");

        // A sub-request's own round_decimal rounds its scores before fusion; duplicates across lists fuse once.
        HybridSearchRequest.SubRequest rounded = new HybridSearchRequest.SubRequest(new SearchRequest(DB, "h",
                List.of(), "a", one, 5, 0, "", Map.of(), List.of(), RequestedMetric.none(), Float.NaN, Float.NaN), 1);
        ResultRows rows = fx.reader.hybridSearch(new HybridSearchRequest(DB, "h", List.of(), List.of(rounded, onA),
                new Ranker.Weighted(new float[] {1f, 0f}, false), 5, 0, -1, List.of(), null, null));
        assertThat(rows.perQuery()).containsExactly(5);
        for (float score : rows.scores()) {
            assertThat(score * 10).isCloseTo(Math.round(score * 10), org.assertj.core.data.Offset.offset(1e-3f));
        }
        assertThat(EntityFixture.keys(rows)).doesNotHaveDuplicates();
    }
}
