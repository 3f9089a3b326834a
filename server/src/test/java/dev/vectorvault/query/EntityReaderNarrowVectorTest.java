package dev.vectorvault.query;

import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.query.EntityFixture.DB;
import static dev.vectorvault.query.EntityFixture.batch;
import static dev.vectorvault.query.EntityFixture.keys;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.ConsistencyLevel;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.RequestedMetric;
import dev.vectorvault.index.VectorColumn;
import dev.vectorvault.index.VectorEncoding;
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
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Float16, BFloat16 and Int8 vector fields end to end below the wire: rows hold exactly the stored values, FLAT
 * equals a plain brute-force model (scores computed in double from the decoded values), HNSW and IVF_FLAT reach
 * their recall, and all of it survives a restart (rows read back from the log and from segment files, which hold the
 * narrow bytes). Prints its seed; replay with {@code -Dtests.seed=<seed>}.
 */
@Timeout(180)
class EntityReaderNarrowVectorTest {
    private static final long SEED = Long.getLong("tests.seed", new Random().nextLong());
    private static final int ROWS = 1200;
    private static final int DIM = 16;

    @TempDir
    Path dir;

    private EntityFixture fx;
    private final Map<Long, float[]> live = new LinkedHashMap<>();

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    /** A random vector whose components are values of {@code encoding} (what a decoded row holds). */
    private static float[] vector(Random random, VectorEncoding encoding) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = encoding == VectorEncoding.INT8 ? random.nextInt(256) - 128 : (float) random.nextGaussian();
        }
        return encoding.decode(encoding.encode(v));
    }

    private static double score(MetricType metric, float[] q, float[] v) {
        double dot = 0;
        double l2 = 0;
        double qq = 0;
        double vv = 0;
        for (int d = 0; d < q.length; d++) {
            dot += (double) q[d] * v[d];
            l2 += ((double) q[d] - v[d]) * ((double) q[d] - v[d]);
            qq += (double) q[d] * q[d];
            vv += (double) v[d] * v[d];
        }
        return switch (metric) {
            case L2 -> l2;
            case IP -> dot;
            case COSINE -> qq == 0 || vv == 0 ? 0 : dot / Math.sqrt(qq * vv);
            default -> throw new IllegalArgumentException(metric.toString());
        };
    }

    /** Brute force: every live row by the plain model, best first. */
    private List<Map.Entry<Long, Double>> expected(MetricType metric, float[] q) {
        Comparator<Map.Entry<Long, Double>> order = Comparator.comparingDouble(Map.Entry::getValue);
        if (metric != MetricType.L2) {
            order = order.reversed();
        }
        List<Map.Entry<Long, Double>> all = new ArrayList<>();
        live.forEach((k, v) -> all.add(Map.entry(k, score(metric, q, v))));
        all.sort(order);
        return all;
    }

    private Collection awaitIndex() throws InterruptedException {
        Collection collection = fx.catalog.collection(DB, "n");
        long deadline = System.nanoTime() + 120_000_000_000L;
        IndexProgress progress = fx.reader.indexProgress(collection, "v");
        while (!progress.finished() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            progress = fx.reader.indexProgress(collection, "v");
        }
        assertThat(progress.finished()).as("index built: " + progress).isTrue();
        return collection;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({"FLOAT16_VECTOR, FLAT, L2", "FLOAT16_VECTOR, HNSW, COSINE", "FLOAT16_VECTOR, IVF_FLAT, IP",
            "BFLOAT16_VECTOR, FLAT, IP", "BFLOAT16_VECTOR, HNSW, L2", "BFLOAT16_VECTOR, IVF_FLAT, COSINE",
            "INT8_VECTOR, FLAT, COSINE", "INT8_VECTOR, HNSW, IP", "INT8_VECTOR, AUTOINDEX, L2"})
    void searchMatchesTheModelAndRowsReadBackExactlyAcrossARestart(DataType type, String indexType,
                                                                   MetricType metric) throws Exception {
        System.out.println("EntityReaderNarrowVectorTest seed " + SEED + " (replay with -Dtests.seed=" + SEED + ")");
        Random random = new Random(SEED ^ type.hashCode() ^ indexType.hashCode());
        VectorEncoding encoding = type.encoding();
        fx = new EntityFixture(dir, 400);
        FieldSchema vectorField = new FieldSchema(0, "v", "", type, false, false, DIM, 0, null, 0, false, null,
                false, false);
        fx.catalog.createCollection(DB, "n", schema(int64Key("id"), vectorField, field("tag", DataType.INT64)), 1,
                ConsistencyLevel.STRONG, Map.of());
        Map<String, String> params = switch (indexType) {
            case "HNSW" -> Map.of("M", "16", "efConstruction", "128");
            case "IVF_FLAT" -> Map.of("nlist", "8");
            default -> Map.of();
        };
        fx.indexes.create(DB, "n", "v", "", indexType, RequestedMetric.of(metric), params);
        fx.indexes.load(DB, "n");
        for (long start = 0; start < ROWS; start += 300) {
            List<Object> ids = new ArrayList<>();
            List<Object> vectors = new ArrayList<>();
            List<Object> tags = new ArrayList<>();
            for (long k = start; k < start + 300; k++) {
                float[] v = vector(random, encoding);
                ids.add(k);
                vectors.add(v);
                tags.add(k % 3);
                live.put(k, v);
            }
            fx.writer.insert(DB, "n", "", batch(300, "id", ids, "v", vectors, "tag", tags));
        }
        awaitIndex();
        List<float[]> queries = new ArrayList<>();
        for (int q = 0; q < 20; q++) {
            queries.add(vector(random, encoding));
        }
        Map<String, String> searchParams = switch (indexType) {
            case "HNSW" -> Map.of("ef", "128");
            case "IVF_FLAT" -> Map.of("nprobe", "8");
            default -> Map.of();
        };
        boolean exact = indexType.equals("FLAT") || indexType.equals("IVF_FLAT");
        for (int round = 0; round < 2; round++) {
            int found = 0;
            for (float[] q : queries) {
                ResultRows rows = fx.reader.search(new SearchRequest(DB, "n", List.of(), "v", new float[][] {q}, 10,
                        0, "", Map.of(), List.of("v"), RequestedMetric.none(), Float.NaN, Float.NaN, searchParams,
                        null, null, List.of()));
                List<Map.Entry<Long, Double>> best = expected(metric, q);
                double tolerance = 1e-3 * Math.max(1, Math.abs(best.get(0).getValue()));
                Set<Object> truth = new HashSet<>();
                best.subList(0, 10).forEach(e -> truth.add(e.getKey()));
                assertThat(rows.rows()).hasSize(10);
                for (int i = 0; i < rows.rows().size(); i++) {
                    Object[] row = rows.rows().get(i);
                    float[] stored = live.get((Long) row[0]);
                    assertThat((float[]) row[1]).as("the vector output field").containsExactly(stored);
                    assertThat((double) rows.scores()[i]).as("seed %d: score of %s", SEED, row[0])
                            .isCloseTo(score(metric, q, stored), org.assertj.core.data.Offset.offset(tolerance));
                    if (exact) {
                        assertThat((double) rows.scores()[i]).as("seed %d: rank %d as brute force", SEED, i)
                                .isCloseTo(best.get(i).getValue(), org.assertj.core.data.Offset.offset(tolerance));
                    }
                }
                found += (int) keys(rows).stream().filter(truth::contains).count();
            }
            double recall = found / (10.0 * queries.size());
            assertThat(recall).as("seed %d: recall@10 of %s round %d", SEED, indexType, round)
                    .isGreaterThanOrEqualTo(exact ? 0.99 : 0.9);
            ResultRows queried = fx.reader.query(EntityFixture.query("n", "id in [1, 401, 1199]", List.of("v"), 10,
                    0));
            assertThat(queried.rows()).hasSize(3);
            for (Object[] r : queried.rows()) {
                assertThat((float[]) r[1]).containsExactly(live.get((Long) r[0]));
            }
            assertHeldAtFieldWidth(encoding);
            fx.restart(); // rows from segment files and the log, the index rebuilt or read back
            awaitIndex();
        }
    }

    /**
     * Every segment's column of the field (growing, sealed, loaded from files, arranged by IVF_FLAT) holds the
     * field's encoding: its arrays cost the encoding's width per component and a 4-byte norm per vector, with at
     * most the first chunk's doubling as spare room (half of float32's cost even then, for a 2-byte encoding).
     */
    private void assertHeldAtFieldWidth(VectorEncoding encoding) {
        Collection collection = fx.catalog.collection(DB, "n");
        long perVector = (long) DIM * encoding.bytesPerComponent() + 4;
        int segments = fx.data.read(Layouts.of(collection), view -> {
            for (int s = 0; s < view.segmentCount(); s++) {
                VectorColumn column = view.vectors(s, 1);
                assertThat(column.encoding()).isEqualTo(encoding);
                long capacity = Math.max(16, Integer.highestOneBit(2 * column.size()));
                assertThat(column.memoryBytes()).as("segment %d of %d rows", s, column.size())
                        .isBetween(perVector * column.size(), perVector * capacity);
            }
            return view.segmentCount();
        });
        assertThat(segments).isGreaterThan(1);
    }
}
