package dev.vectorvault.query;

import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.query.EntityFixture.DB;
import static dev.vectorvault.query.EntityFixture.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.ConsistencyLevel;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.RequestedMetric;
import dev.vectorvault.storage.data.IndexProgress;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * BinaryVector fields end to end below the wire: rows hold exactly the inserted bytes, BIN_FLAT (and BIN_IVF_FLAT
 * probing every list) equal a bit-by-bit brute-force model, filters and ranges apply, upserts replace, and all of it
 * survives a restart (rows from the log and from segment files, which hold the packed bytes; indexes rebuilt or read
 * back). Prints its seed; replay with {@code -Dtests.seed=<seed>}.
 */
@Timeout(180)
class EntityReaderBinaryVectorTest {
    private static final long SEED = Long.getLong("tests.seed", new Random().nextLong());
    private static final int ROWS = 1200;
    private static final int DIM = 72; // one whole long and a byte of tail per row

    @TempDir
    Path dir;

    private EntityFixture fx;
    private final Map<Long, byte[]> live = new LinkedHashMap<>();

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    private static byte[] row(Random random) {
        byte[] row = new byte[DIM / 8];
        random.nextBytes(row);
        return row;
    }

    private static double model(MetricType metric, byte[] a, byte[] b) {
        int differ = 0;
        int both = 0;
        int either = 0;
        for (int i = 0; i < DIM; i++) {
            boolean x = (a[i / 8] >> (7 - i % 8) & 1) != 0;
            boolean y = (b[i / 8] >> (7 - i % 8) & 1) != 0;
            differ += x != y ? 1 : 0;
            both += x && y ? 1 : 0;
            either += x || y ? 1 : 0;
        }
        // JACCARD in float32 as the server reports it, so that a row exactly at a range bound is judged alike.
        return metric == MetricType.HAMMING ? differ : either == 0 ? 0 : 1f - (float) both / (float) either;
    }

    private void awaitIndex() throws InterruptedException {
        Collection collection = fx.catalog.collection(DB, "b");
        long deadline = System.nanoTime() + 120_000_000_000L;
        IndexProgress progress = fx.reader.indexProgress(collection, "v");
        while (!progress.finished() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            progress = fx.reader.indexProgress(collection, "v");
        }
        assertThat(progress.finished()).as("index built: " + progress).isTrue();
    }

    private void create(String indexType, MetricType metric, Map<String, String> params) {
        FieldSchema vectorField = new FieldSchema(0, "v", "", DataType.BINARY_VECTOR, false, false, DIM, 0, null, 0,
                false, null, false, false);
        fx.catalog.createCollection(DB, "b", schema(int64Key("id"), vectorField, field("tag", DataType.INT64)), 1,
                ConsistencyLevel.STRONG, Map.of());
        fx.indexes.create(DB, "b", "v", "", indexType, metric == null ? RequestedMetric.none()
                : RequestedMetric.of(metric), params);
        fx.indexes.load(DB, "b");
    }

    private void insert(Random random, long from, long to, boolean upsert) {
        List<Object> ids = new ArrayList<>();
        List<Object> vectors = new ArrayList<>();
        List<Object> tags = new ArrayList<>();
        for (long k = from; k < to; k++) {
            byte[] v = row(random);
            ids.add(k);
            vectors.add(v);
            tags.add(k % 3);
            live.put(k, v);
        }
        var columns = batch((int) (to - from), "id", ids, "v", vectors, "tag", tags);
        if (upsert) {
            fx.writer.upsert(DB, "b", "", columns);
        } else {
            fx.writer.insert(DB, "b", "", columns);
        }
    }

    private ResultRows search(byte[] q, int topK, String filter, float radius, float rangeFilter,
                              Map<String, String> params) {
        return fx.reader.search(new SearchRequest(DB, "b", List.of(), "v", new float[0][], topK, 0, filter, Map.of(),
                List.of("v", "tag"), RequestedMetric.none(), radius, rangeFilter, params, null, null, List.of(),
                List.of(), List.of(q)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"BIN_FLAT, HAMMING", "BIN_FLAT, JACCARD", "BIN_IVF_FLAT, HAMMING", "BIN_IVF_FLAT, JACCARD",
            "AUTOINDEX, HAMMING"})
    void searchEqualsTheModelWithFiltersRangesAndUpsertsAcrossARestart(String indexType, MetricType metric)
            throws Exception {
        System.out.println("EntityReaderBinaryVectorTest seed " + SEED + " (replay with -Dtests.seed=" + SEED + ")");
        Random random = new Random(SEED ^ indexType.hashCode() ^ metric.hashCode());
        fx = new EntityFixture(dir, 400);
        create(indexType, indexType.equals("AUTOINDEX") ? null : metric,
                indexType.equals("BIN_IVF_FLAT") ? Map.of("nlist", "8") : Map.of());
        assertThat(fx.catalog.collection(DB, "b").indexOnField("v").orElseThrow().indexType())
                .isEqualTo(indexType.equals("AUTOINDEX") ? "BIN_IVF_FLAT" : indexType);
        for (long start = 0; start < ROWS; start += 300) {
            insert(random, start, start + 300, false);
        }
        insert(random, 100, 130, true); // upserted rows replace their vectors
        awaitIndex();
        // Every list probed: the approximate index must answer exactly as brute force.
        Map<String, String> params = indexType.equals("BIN_FLAT") ? Map.of() : Map.of("nprobe", "1024");
        List<byte[]> queries = new ArrayList<>();
        for (int q = 0; q < 15; q++) {
            queries.add(row(random));
        }
        for (int round = 0; round < 2; round++) {
            for (byte[] q : queries) {
                List<Double> expected = new ArrayList<>();
                live.values().forEach(v -> expected.add(model(metric, q, v)));
                expected.sort(null);
                ResultRows rows = search(q, 10, "", Float.NaN, Float.NaN, params);
                assertThat(rows.rows()).hasSize(10);
                for (int i = 0; i < 10; i++) {
                    Object[] r = rows.rows().get(i);
                    byte[] stored = live.get((Long) r[0]);
                    assertThat((byte[]) r[1]).as("the inserted bytes").containsExactly(stored);
                    assertThat((double) rows.scores()[i]).as("seed %d rank %d", SEED, i)
                            .isCloseTo(expected.get(i), org.assertj.core.data.Offset.offset(1e-6))
                            .isCloseTo(model(metric, q, stored), org.assertj.core.data.Offset.offset(1e-6));
                }
                // A filtered range search: tag == 1 only, range_filter <= d < radius.
                float radius = (float) (double) expected.get(expected.size() / 4);
                float rangeFilter = (float) (double) expected.get(expected.size() / 50);
                ResultRows ranged = search(q, 1000, "tag == 1", radius, rangeFilter, Map.of());
                long want = live.entrySet().stream().filter(e -> e.getKey() % 3 == 1).filter(e -> {
                    float d = (float) model(metric, q, e.getValue());
                    return d >= rangeFilter && d < radius;
                }).count();
                assertThat(ranged.rows()).as("seed %d: range [%s, %s)", SEED, rangeFilter, radius)
                        .hasSize((int) want);
                for (int i = 0; i < ranged.rows().size(); i++) {
                    assertThat(ranged.rows().get(i)[2]).isEqualTo(1L);
                    assertThat(ranged.scores()[i]).isGreaterThanOrEqualTo(rangeFilter).isLessThan(radius);
                }
            }
            ResultRows queried = fx.reader.query(EntityFixture.query("b", "id in [1, 101, 1199]", List.of("v"), 10,
                    0));
            assertThat(queried.rows()).hasSize(3);
            for (Object[] r : queried.rows()) {
                assertThat((byte[]) r[1]).containsExactly(live.get((Long) r[0]));
            }
            fx.restart();
            awaitIndex();
        }
    }

    @Test
    void floatQueriesAndWrongWidthsAreRefusedAndFloatIndexesCannotBeBuilt() {
        fx = new EntityFixture(dir, 400);
        FieldSchema vectorField = new FieldSchema(0, "v", "", DataType.BINARY_VECTOR, false, false, DIM, 0, null, 0,
                false, null, false, false);
        fx.catalog.createCollection(DB, "b", schema(int64Key("id"), vectorField), 1, ConsistencyLevel.STRONG,
                Map.of());
        assertThatThrownBy(() -> fx.indexes.create(DB, "b", "v", "", "HNSW", RequestedMetric.none(), Map.of()))
                .isInstanceOf(MilvusException.class).hasMessageContaining("BinaryVector can't build with this index");
        assertThatThrownBy(() -> fx.indexes.create(DB, "b", "v", "", "BIN_FLAT", RequestedMetric.of(MetricType.L2),
                Map.of())).isInstanceOf(MilvusException.class).hasMessageContaining("HAMMING, JACCARD");
        fx.indexes.create(DB, "b", "v", "", "BIN_FLAT", RequestedMetric.none(), Map.of());
        fx.indexes.load(DB, "b");
        assertThatThrownBy(() -> fx.reader.search(new SearchRequest(DB, "b", List.of(), "v",
                new float[][] {new float[DIM]}, 10, 0, "", Map.of(), List.of(), RequestedMetric.none(), Float.NaN,
                Float.NaN))).isInstanceOf(MilvusException.class)
                .hasMessageContaining("vector type must be the same: field type BinaryVector, search type FloatVector");
        assertThatThrownBy(() -> search(new byte[DIM / 8 + 1], 10, "", Float.NaN, Float.NaN, Map.of()))
                .isInstanceOf(MilvusException.class).hasMessageContaining("expected vector size(byte) 9, actual 10");
        assertThatThrownBy(() -> fx.writer.insert(DB, "b", "", batch(1, "id", List.of(1L), "v",
                List.of(new byte[3])))).isInstanceOf(MilvusException.class).hasMessageContaining("dim (24)");
        FieldSchema odd = new FieldSchema(0, "v", "", DataType.BINARY_VECTOR, false, false, 12, 0, null, 0, false,
                null, false, false);
        assertThatThrownBy(() -> fx.catalog.createCollection(DB, "odd", schema(int64Key("id"), odd), 1,
                ConsistencyLevel.STRONG, Map.of())).isInstanceOf(MilvusException.class)
                .hasMessageContaining("binary vector dimension should be multiple of 8");
    }
}
