package dev.vectorvault.query;

import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static dev.vectorvault.query.EntityFixture.DB;
import static dev.vectorvault.query.EntityFixture.batch;
import static dev.vectorvault.query.EntityFixture.failsWith;
import static dev.vectorvault.query.EntityFixture.keys;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.ConsistencyLevel;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.RequestedMetric;
import dev.vectorvault.index.SparseVector;
import dev.vectorvault.storage.data.IndexProgress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Sparse vector fields end to end below the wire: insert, delete, query output, exact and indexed search (every
 * algorithm) with filters, offset, partitions and group-by equal to a brute-force oracle, restart (rows and index
 * files read back), hybrid search with a dense field. Prints its seed; replay with {@code -Dtests.seed=<seed>}.
 */
@Timeout(120)
class EntityReaderSparseSearchTest {
    private static final long SEED = Long.getLong("tests.seed", new Random().nextLong());
    private static final int ROWS = 1500;

    @TempDir
    Path dir;

    private EntityFixture fx;
    private final Map<Long, SparseVector> live = new LinkedHashMap<>();
    private final Map<Long, Long> tags = new LinkedHashMap<>();

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    static SparseVector row(Random random, int entries) {
        TreeMap<Long, Float> map = new TreeMap<>();
        for (int i = 0; i < entries; i++) {
            map.put((long) Math.floor(Math.pow(random.nextDouble(), 2) * 500), (1 + random.nextInt(8)) / 4f);
        }
        long[] indices = map.keySet().stream().mapToLong(Long::longValue).toArray();
        float[] values = new float[indices.length];
        int i = 0;
        for (float v : map.values()) {
            values[i++] = v;
        }
        return SparseVector.of(indices, values);
    }

    private Collection populate(String indexType, Map<String, String> params, Random random) throws Exception {
        fx = new EntityFixture(dir, 400);
        fx.catalog.createCollection(DB, "s", schema(int64Key("id"), vector("dense", 4),
                field("sp", DataType.SPARSE_FLOAT_VECTOR), field("tag", DataType.INT64)), 1,
                ConsistencyLevel.STRONG, Map.of());
        fx.indexes.create(DB, "s", "dense", "", "FLAT", RequestedMetric.of(MetricType.L2), Map.of());
        fx.indexes.create(DB, "s", "sp", "", indexType, RequestedMetric.none(), params);
        fx.indexes.load(DB, "s");
        for (long start = 0; start < ROWS; start += 300) {
            List<Object> ids = new ArrayList<>();
            List<Object> dense = new ArrayList<>();
            List<Object> sparse = new ArrayList<>();
            List<Object> tagValues = new ArrayList<>();
            for (long k = start; k < start + 300; k++) {
                SparseVector v = row(random, 1 + random.nextInt(20));
                ids.add(k);
                dense.add(new float[] {k % 7, k % 3, 1, random.nextFloat()});
                sparse.add(v);
                tagValues.add(k % 5);
                live.put(k, v);
                tags.put(k, k % 5);
            }
            fx.writer.insert(DB, "s", "", batch(300, "id", ids, "dense", dense, "sp", sparse, "tag", tagValues));
        }
        List<Long> deleted = new ArrayList<>();
        for (long k = 0; k < ROWS; k += 7) {
            deleted.add(k);
            live.remove(k);
        }
        fx.writer.delete(DB, "s", "", "id in " + deleted, Map.of());
        return awaitIndex();
    }

    private Collection awaitIndex() throws InterruptedException {
        Collection collection = fx.catalog.collection(DB, "s");
        long deadline = System.nanoTime() + 60_000_000_000L;
        IndexProgress progress = fx.reader.indexProgress(collection, "sp");
        while (!progress.finished() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            progress = fx.reader.indexProgress(collection, "sp");
        }
        assertThat(progress.finished()).as("index built: " + progress).isTrue();
        return collection;
    }

    private static SearchRequest request(SparseVector query, int topK, int offset, String filter,
                                         Map<String, String> params) {
        return new SearchRequest(DB, "s", List.of(), "sp", new float[0][], topK, offset, filter, Map.of(),
                List.of("sp", "tag"), RequestedMetric.none(), Float.NaN, Float.NaN, params, null, null,
                List.of(query));
    }

    /** An empty sparse query on field sp with no output fields. */
    private static SearchRequest bare(Map<String, String> params) {
        return new SearchRequest(DB, "s", List.of(), "sp", new float[0][], 3, 0, "", Map.of(), List.of(),
                RequestedMetric.none(), Float.NaN, Float.NaN, params, null, null, List.of(SparseVector.EMPTY));
    }

    /** Brute force: positive inner products, best first, ties by key (keys were inserted in ascending order). */
    private List<Long> expected(SparseVector query, int topK, int offset, long tag) {
        return live.entrySet().stream().filter(e -> tag < 0 || tags.get(e.getKey()) == tag)
                .filter(e -> query.dot(e.getValue()) > 0)
                .sorted(Comparator.<Map.Entry<Long, SparseVector>>comparingDouble(e -> -query.dot(e.getValue()))
                        .thenComparing(Map.Entry::getKey))
                .skip(offset).limit(topK).map(Map.Entry::getKey).toList();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"SPARSE_INVERTED_INDEX, DAAT_MAXSCORE", "SPARSE_INVERTED_INDEX, DAAT_WAND",
            "SPARSE_INVERTED_INDEX, TAAT_NAIVE", "SPARSE_WAND, ''", "AUTOINDEX, ''"})
    void indexedSearchEqualsBruteForceWithFiltersAndOffsetAndSurvivesARestart(String type, String algo)
            throws Exception {
        System.out.println("EntityReaderSparseSearchTest seed " + SEED + " (replay with -Dtests.seed=" + SEED + ")");
        Random random = new Random(SEED);
        populate(type, algo.isEmpty() ? Map.of() : Map.of("inverted_index_algo", algo, "drop_ratio_build", "0.2"),
                random);
        List<SparseVector> queries = new ArrayList<>();
        for (int q = 0; q < 25; q++) {
            queries.add(row(random, 1 + random.nextInt(12)));
        }
        for (int round = 0; round < 2; round++) {
            for (int q = 0; q < queries.size(); q++) {
                SparseVector query = queries.get(q);
                long tag = q % 3 == 0 ? q % 5 : -1;
                int offset = q % 4;
                ResultRows rows = fx.reader.search(request(query, 10, offset, tag < 0 ? "" : "tag == " + tag,
                        Map.of("drop_ratio_search", "0")));
                assertThat(keys(rows)).as("seed %d query %d round %d", SEED, q, round)
                        .isEqualTo(new ArrayList<Object>(expected(query, 10, offset, tag)));
                for (int i = 0; i < rows.rows().size(); i++) {
                    Object[] r = rows.rows().get(i);
                    SparseVector stored = live.get((Long) r[0]);
                    assertThat(r[2]).as("the sparse output field").isEqualTo(stored);
                    assertThat(rows.scores()[i]).isEqualTo(query.dot(stored));
                }
            }
            fx.restart(); // rows from segment files and the log, the index from its files
            awaitIndex();
        }
    }

    @Test
    void queryReturnsTheInsertedSparseRowsAndGroupByAndHybridSearchWork() throws Exception {
        Random random = new Random(SEED ^ 77);
        populate("SPARSE_INVERTED_INDEX", Map.of(), random);
        ResultRows queried = fx.reader.query(EntityFixture.query("s", "id in [1, 2, 3]", List.of("sp"), 10, 0));
        for (Object[] r : queried.rows()) {
            assertThat(r[2]).isEqualTo(live.get((Long) r[0]));
        }
        SparseVector query = row(random, 15);
        ResultRows grouped = fx.reader.search(request(query, 3, 0, "", Map.of())
                .withGroupBy(new GroupBy("tag", 2, false)));
        assertThat(grouped.rows()).isNotEmpty();
        assertThat(grouped.rows().stream().map(r -> r[3]).distinct().count()).isLessThanOrEqualTo(3);

        // A range search (what the search iterator pages with): radius < score <= range_filter, best first.
        ResultRows ranged = fx.reader.search(new SearchRequest(DB, "s", List.of(), "sp", new float[0][], 1000, 0, "",
                Map.of(), List.of(), RequestedMetric.none(), 0.5f, 2f, Map.of(), null, null, List.of(query)));
        List<Long> inRange = live.entrySet().stream().filter(e -> query.dot(e.getValue()) > 0.5f
                        && query.dot(e.getValue()) <= 2f)
                .sorted(Comparator.<Map.Entry<Long, SparseVector>>comparingDouble(e -> -query.dot(e.getValue()))
                        .thenComparing(Map.Entry::getKey)).map(Map.Entry::getKey).toList();
        assertThat(keys(ranged)).isEqualTo(new ArrayList<Object>(inRange));

        SearchRequest dense = new SearchRequest(DB, "s", List.of(), "dense", new float[][] {{1, 1, 1, 0.5f}}, 20, 0,
                "", Map.of(), List.of(), RequestedMetric.none(), Float.NaN, Float.NaN);
        SearchRequest sparse = request(query, 20, 0, "", Map.of());
        ResultRows hybrid = fx.reader.hybridSearch(new HybridSearchRequest(DB, "s", List.of(),
                List.of(new HybridSearchRequest.SubRequest(dense, -1), new HybridSearchRequest.SubRequest(sparse, -1)),
                new Ranker.Rrf(60), 10, 0, -1, List.of("sp"), null, null));
        assertThat(hybrid.rows()).hasSize(10);
        List<Object> sparseTop = keys(fx.reader.search(request(query, 20, 0, "", Map.of())));
        List<Object> denseTop = keys(fx.reader.search(dense));
        for (Object key : keys(hybrid)) {
            assertThat(sparseTop.contains(key) || denseTop.contains(key)).isTrue();
        }
    }

    @Test
    void wrongMetricsIndexesQueriesAndSchemasAreRefused() throws Exception {
        fx = new EntityFixture(dir, 400);
        fx.catalog.createCollection(DB, "s", schema(int64Key("id"), field("sp", DataType.SPARSE_FLOAT_VECTOR),
                vector("dense", 4)), 1, ConsistencyLevel.STRONG, Map.of());
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.indexes.create(DB, "s", "sp", "", "SPARSE_INVERTED_INDEX",
                RequestedMetric.parse("L2"), Map.of())).hasMessageContaining("supported: [IP]");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.indexes.create(DB, "s", "sp", "", "HNSW",
                RequestedMetric.parse("IP"), Map.of())).hasMessageContaining("can't build with this index HNSW");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.indexes.create(DB, "s", "dense", "", "SPARSE_WAND",
                RequestedMetric.parse("IP"), Map.of())).hasMessageContaining("can't build with this index");
        fx.indexes.create(DB, "s", "sp", "", "SPARSE_WAND", RequestedMetric.none(), Map.of());
        fx.indexes.create(DB, "s", "dense", "", "FLAT", RequestedMetric.none(), Map.of());
        fx.indexes.load(DB, "s");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(new SearchRequest(DB, "s", List.of(), "sp",
                new float[][] {{1, 2, 3, 4}}, 3, 0, "", Map.of(), List.of(), RequestedMetric.none(), Float.NaN,
                Float.NaN))).hasMessageContaining("vector type must be the same");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(new SearchRequest(DB, "s", List.of(),
                "dense", new float[0][], 3, 0, "", Map.of(), List.of(), RequestedMetric.none(), Float.NaN, Float.NaN,
                Map.of(), null, null, List.of(SparseVector.EMPTY))))
                .hasMessageContaining("vector type must be the same");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(bare(Map.of("drop_ratio_search", "1"))))
                .hasMessageContaining("drop_ratio_search");
        FieldSchema withDim = new FieldSchema(0, "sp", "", DataType.SPARSE_FLOAT_VECTOR, false, false, 8, 0, null, 0,
                false, null, false, false);
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.catalog.createCollection(DB, "t", schema(int64Key("id"),
                withDim), 1, ConsistencyLevel.STRONG, Map.of()))
                .hasMessageContaining("dim should not be specified for sparse vector field sp");
        assertThat(fx.reader.search(bare(Map.of())).rows())
                .as("an empty query matches nothing").isEmpty();
    }
}
