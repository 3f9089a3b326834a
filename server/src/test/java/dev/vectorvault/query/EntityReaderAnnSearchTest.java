package dev.vectorvault.query;

import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static dev.vectorvault.query.EntityFixture.DB;
import static dev.vectorvault.query.EntityFixture.batch;
import static dev.vectorvault.query.EntityFixture.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.RequestedMetric;
import dev.vectorvault.storage.data.IndexProgress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Search through HNSW and IVF_FLAT indexes of sealed segments, merged with the exactly searched growing segment:
 * filters and deletes are honoured, a selective filter still fills topk, results match a brute-force oracle to the
 * stated recall, and the build progress is reported. Prints its seed; replay with {@code -Dtests.seed=<seed>}.
 */
@Timeout(120)
class EntityReaderAnnSearchTest {
    private static final int DIM = 12;
    private static final int ROWS = 3000;
    private static final long SEED = Long.getLong("tests.seed", new Random().nextLong());

    @TempDir
    Path dir;

    private EntityFixture fx;
    private final Map<Long, float[]> live = new LinkedHashMap<>();
    private final Map<Long, Long> tags = new LinkedHashMap<>();

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    /** 3000 rows over two sealed 1200-row segments and a growing one; every 5th key deleted. */
    private Collection populate(String indexType, Map<String, String> params, Random random) throws Exception {
        fx = new EntityFixture(dir, 1200);
        Collection c = fx.catalog.createCollection(DB, "a", schema(int64Key("id"), vector("vec", DIM),
                field("tag", DataType.INT64)), 1, dev.vectorvault.catalog.ConsistencyLevel.STRONG, Map.of());
        fx.indexes.create(DB, "a", "vec", "", indexType, RequestedMetric.of(MetricType.L2), params);
        fx.indexes.load(DB, "a");
        float[][] centres = new float[10][DIM];
        for (float[] centre : centres) {
            for (int d = 0; d < DIM; d++) {
                centre[d] = (float) random.nextGaussian() * 3;
            }
        }
        for (long start = 0; start < ROWS; start += 300) {
            List<Object> ids = new ArrayList<>();
            List<Object> vecs = new ArrayList<>();
            List<Object> tagValues = new ArrayList<>();
            for (long k = start; k < start + 300; k++) {
                float[] centre = centres[random.nextInt(centres.length)];
                float[] v = new float[DIM];
                for (int d = 0; d < DIM; d++) {
                    v[d] = centre[d] + (float) random.nextGaussian();
                }
                ids.add(k);
                vecs.add(v);
                tagValues.add(k % 20);
                live.put(k, v);
                tags.put(k, k % 20);
            }
            fx.writer.insert(DB, "a", "", batch(300, "id", ids, "vec", vecs, "tag", tagValues));
        }
        List<Long> deleted = new ArrayList<>();
        for (long k = 0; k < ROWS; k += 5) {
            deleted.add(k);
            live.remove(k);
        }
        fx.writer.delete(DB, "a", "", "id in " + deleted, Map.of());
        Collection collection = fx.catalog.collection(DB, "a");
        long deadline = System.nanoTime() + 60_000_000_000L;
        IndexProgress progress = fx.reader.indexProgress(collection, "vec");
        assertThat(progress.totalRows()).isEqualTo(live.size());
        while (!progress.finished() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            progress = fx.reader.indexProgress(collection, "vec");
        }
        assertThat(progress).isEqualTo(new IndexProgress(live.size(), live.size(), 0, ""));
        return collection;
    }

    private static SearchRequest request(float[] query, int topK, String filter, Map<String, String> params) {
        return new SearchRequest(DB, "a", List.of(), "", new float[][] {query}, topK, 0, filter, Map.of(),
                List.of("tag"), RequestedMetric.none(), Float.NaN, Float.NaN, params);
    }

    private List<Long> exactKeys(float[] query, int topK, long tag) {
        return live.entrySet().stream().filter(e -> tag < 0 || tags.get(e.getKey()) == tag)
                .sorted(Comparator.comparingDouble(e -> squaredL2(query, e.getValue())))
                .limit(topK).map(Map.Entry::getKey).toList();
    }

    private static double squaredL2(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
        }
        return sum;
    }

    @ParameterizedTest
    @ValueSource(strings = {"HNSW", "IVF_FLAT", "AUTOINDEX"})
    void indexedSegmentsAndTheGrowingOneMergeWithFiltersAndDeletesHonoured(String type) throws Exception {
        System.out.println("EntityReaderAnnSearchTest." + type + " tests.seed=" + SEED);
        Random random = new Random(SEED ^ type.hashCode());
        Map<String, String> buildParams = type.equals("IVF_FLAT") ? Map.of("nlist", "16") : Map.of("M", "12");
        populate(type, type.equals("AUTOINDEX") ? Map.of() : buildParams, random);
        Map<String, String> searchParams = type.equals("IVF_FLAT") ? Map.of("nprobe", "6") : Map.of("ef", "48");
        List<Long> keys = new ArrayList<>(live.keySet());
        double found = 0;
        double wanted = 0;
        for (int q = 0; q < 40; q++) {
            float[] query = live.get(keys.get(random.nextInt(keys.size()))).clone();
            query[q % DIM] += 0.5f;
            for (long tag : new long[] {-1, 7}) {
                ResultRows result = fx.reader.search(request(query, 10, tag < 0 ? "" : "tag == " + tag,
                        searchParams));
                List<Object> returned = EntityFixture.keys(result);
                // A 5% filter: filtering an unfiltered top-ef afterwards would not fill topk, in-search does.
                assertThat(returned).as("seed " + SEED).hasSize(10).doesNotHaveDuplicates()
                        .allSatisfy(k -> assertThat(live).containsKey((Long) k));
                if (tag >= 0) {
                    assertThat(returned).allSatisfy(k -> assertThat(tags.get((Long) k)).isEqualTo(tag));
                }
                Set<Long> truth = new HashSet<>(exactKeys(query, 10, tag));
                found += returned.stream().filter(truth::contains).count();
                wanted += 10;
            }
        }
        assertThat(found / wanted).as("recall@10 (seed " + SEED + ")").isGreaterThanOrEqualTo(0.9);
    }

    /**
     * A search with many queries is cut into chunks searched at once on the search workers (each with its own run
     * and row cursor over one view); every query's answer, with a filter and an offset, is what it gets alone.
     */
    @ParameterizedTest
    @ValueSource(strings = {"HNSW", "FLAT"})
    void aSearchWithManyQueriesSplitOverTheCoresAnswersEachQueryAsItWouldAlone(String type) throws Exception {
        System.out.println("EntityReaderAnnSearchTest.split" + type + " tests.seed=" + SEED);
        Random random = new Random(SEED ^ 77 ^ type.hashCode());
        populate(type, type.equals("HNSW") ? Map.of("M", "12") : Map.of(), random);
        List<Long> keys = new ArrayList<>(live.keySet());
        float[][] queries = new float[64][];
        for (int q = 0; q < queries.length; q++) {
            queries[q] = live.get(keys.get(random.nextInt(keys.size()))).clone();
            queries[q][q % DIM] += 0.5f;
        }
        // 64 queries over 3,000 rows of 12 dimensions: enough work to split wherever there are 2 cores or more.
        assertThat(SearchWorkers.chunks(queries.length, (long) queries.length * DIM * ROWS))
                .isEqualTo(Math.min(2, Runtime.getRuntime().availableProcessors()));
        for (String filter : new String[] {"", "tag in [3, 7, 11]"}) {
            SearchRequest all = new SearchRequest(DB, "a", List.of(), "", queries, 10, 3, filter, Map.of(),
                    List.of("tag"), RequestedMetric.none(), Float.NaN, Float.NaN, Map.of());
            ResultRows together = fx.reader.search(all);
            int at = 0;
            for (int q = 0; q < queries.length; q++) {
                SearchRequest one = new SearchRequest(DB, "a", List.of(), "", new float[][] {queries[q]}, 10, 3,
                        filter, Map.of(), List.of("tag"), RequestedMetric.none(), Float.NaN, Float.NaN, Map.of());
                ResultRows alone = fx.reader.search(one);
                List<Object> aloneKeys = EntityFixture.keys(alone);
                assertThat(together.perQuery()[q]).as("query %d, seed %d", q, SEED).isEqualTo(aloneKeys.size());
                assertThat(EntityFixture.keys(together).subList(at, at + aloneKeys.size()))
                        .as("query %d, filter '%s', seed %d", q, filter, SEED).isEqualTo(aloneKeys);
                at += aloneKeys.size();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ef", "nprobe"})
    void searchParametersOutsideMilvusRangesAreRefused(String name) throws Exception {
        populate("HNSW", Map.of(), new Random(SEED));
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(request(new float[DIM], 3, "",
                Map.of(name, "0")))).hasMessageContaining("param '" + name + "' (0) should be in range");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(request(new float[DIM], 3, "",
                Map.of(name, "x")))).hasMessageContaining("should be integer");
    }
}
