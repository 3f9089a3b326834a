package dev.vectorvault.query;

import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.catalog.TestSchemas.varchar;
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
import dev.vectorvault.catalog.Partition;
import dev.vectorvault.catalog.PartitionKey;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.index.RequestedMetric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows of a collection with a partition key land in the partition Milvus's hash of the key picks, reads that pin
 * the key see exactly what an unpruned read sees, and naming partitions is refused with Milvus's messages.
 */
@Timeout(60)
class EntityPartitionKeyTest {
    private static final int DIM = 4;
    private static final int PARTITIONS = 5;

    @TempDir
    Path dir;

    private EntityFixture fx;
    private Collection collection;
    private final Map<Long, String> tenantOf = new HashMap<>();

    @BeforeEach
    void setUp() {
        fx = new EntityFixture(dir, 32);
        FieldSchema tenant = varchar("tenant", 16);
        tenant = new FieldSchema(0, tenant.name(), "", tenant.dataType(), false, false, 0, tenant.maxLength(), null, 0,
                false, null, false, true);
        fx.catalog.createCollection(DB, "k", schema(int64Key("id"), vector("vec", DIM), tenant,
                field("n", DataType.INT64)), 1, PARTITIONS, ConsistencyLevel.STRONG, Map.of());
        fx.indexes.create(DB, "k", "vec", "", "FLAT", RequestedMetric.parse("L2"), Map.of());
        fx.indexes.load(DB, "k");
        collection = fx.catalog.collection(DB, "k");
        long seed = Long.getLong("partitionKey.seed", new Random().nextLong());
        System.out.println("EntityPartitionKeyTest seed " + seed + " (-DpartitionKey.seed=" + seed + ")");
        Random random = new Random(seed);
        List<Object> ids = new ArrayList<>();
        List<Object> vecs = new ArrayList<>();
        List<Object> tenants = new ArrayList<>();
        List<Object> ns = new ArrayList<>();
        for (long id = 0; id < 200; id++) {
            String t = "tenant-" + random.nextInt(12);
            tenantOf.put(id, t);
            ids.add(id);
            vecs.add(new float[] {random.nextFloat(), random.nextFloat(), random.nextFloat(), random.nextFloat()});
            tenants.add(t);
            ns.add(id % 7);
        }
        fx.writer.insert(DB, "k", "", batch(200, "id", ids, "vec", vecs, "tenant", tenants, "n", ns));
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void eachRowLandsInThePartitionItsKeyHashesTo() {
        Map<String, Long> expected = tenantOf.values().stream().collect(Collectors.groupingBy(
                t -> "_default_" + (crc32(t) % PARTITIONS), Collectors.counting()));
        for (Partition p : collection.partitions()) {
            assertThat(fx.data.liveRows(Layouts.of(collection), p.partitionId())).as(p.name())
                    .isEqualTo(expected.getOrDefault(p.name(), 0L));
        }
        fx.restart();
        collection = fx.catalog.collection(DB, "k");
        long total = collection.partitions().stream()
                .mapToLong(p -> fx.data.liveRows(Layouts.of(collection), p.partitionId())).sum();
        assertThat(total).isEqualTo(200);
    }

    private static long crc32(String text) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return crc.getValue();
    }

    @Test
    void readsThatPinTheKeyReturnWhatAFullReadReturns() {
        for (String filter : List.of("tenant == \"tenant-3\"", "tenant in [\"tenant-1\", \"tenant-7\"] && n > 2",
                "tenant == \"tenant-2\" || tenant == \"tenant-9\"", "n < 3 && tenant == \"nobody\"")) {
            List<Object> pruned = keys(fx.reader.query(EntityFixture.query("k", filter, List.of("id"), 1000, 0)));
            List<Object> expected = tenantOf.entrySet().stream()
                    .filter(e -> matches(filter, e.getKey(), e.getValue()))
                    .map(e -> (Object) e.getKey()).sorted().toList();
            assertThat(pruned.stream().sorted().toList()).as(filter).isEqualTo(expected);
            float[][] q = {{0.5f, 0.5f, 0.5f, 0.5f}};
            ResultRows hits = fx.reader.search(EntityFixture.search("k", q, 10, filter));
            assertThat(keys(hits)).as(filter).allSatisfy(k -> assertThat(expected).contains(k))
                    .hasSize(Math.min(10, expected.size()));
        }
    }

    /** The filters above, evaluated by hand. */
    private static boolean matches(String filter, long id, String tenant) {
        return switch (filter) {
            case "tenant == \"tenant-3\"" -> tenant.equals("tenant-3");
            case "tenant in [\"tenant-1\", \"tenant-7\"] && n > 2" ->
                    (tenant.equals("tenant-1") || tenant.equals("tenant-7")) && id % 7 > 2;
            case "tenant == \"tenant-2\" || tenant == \"tenant-9\"" ->
                    tenant.equals("tenant-2") || tenant.equals("tenant-9");
            default -> false;
        };
    }

    @Test
    void upsertMovesARowWhoseKeyChangedAndARepeatedKeyKeepsItsLastRow() {
        fx.writer.upsert(DB, "k", "", batch(3, "id", List.of(1L, 2L, 1L),
                "vec", List.of(new float[DIM], new float[DIM], new float[DIM]),
                "tenant", List.of("moved-a", "moved-b", "moved-c"), "n", List.of(0L, 0L, 0L)));
        ResultRows rows = fx.reader.query(EntityFixture.query("k", "id in [1, 2]", List.of("id", "tenant"), 10, 0));
        int tenantColumn = collection.schema().fields().indexOf(collection.schema().field("tenant").orElseThrow());
        Map<Object, Object> tenants = rows.rows().stream()
                .collect(Collectors.toMap(r -> r[rows.primaryKeyField()], r -> r[tenantColumn]));
        assertThat(tenants).containsExactlyInAnyOrderEntriesOf(Map.of(1L, "moved-c", 2L, "moved-b"));
        long total = collection.partitions().stream()
                .mapToLong(p -> fx.data.liveRows(Layouts.of(collection), p.partitionId())).sum();
        assertThat(total).isEqualTo(200);
        assertThat(keys(fx.reader.query(EntityFixture.query("k", "tenant == \"moved-c\"", List.of("id"), 10, 0))))
                .containsExactly(1L);
    }

    @Test
    void namingAPartitionIsRefusedAsMilvusRefusesIt() {
        String message = "not support manually specifying the partition names if partition key mode is used";
        failsWith(ErrorCode.UNEXPECTED, () -> fx.writer.insert(DB, "k", "_default_1", batch(1, "id", List.of(999L),
                "vec", List.of(new float[DIM]), "tenant", List.of("x"), "n", List.of(1L)))).hasMessage(message);
        failsWith(ErrorCode.UNEXPECTED, () -> fx.writer.delete(DB, "k", "_default_1", "id == 1", Map.of()))
                .hasMessage(message);
        failsWith(ErrorCode.UNEXPECTED, () -> fx.reader.search(new SearchRequest(DB, "k", List.of("_default_0"), "",
                new float[][] {new float[DIM]}, 3, 0, "", Map.of(), List.of(), RequestedMetric.none(), Float.NaN,
                Float.NaN))).hasMessage(message);
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.query(new QueryRequest(DB, "k", List.of("_default_0"),
                "id > 0", Map.of(), List.of(), 10, 0))).hasMessage(message + ": invalid parameter");
        assertThat(keys(fx.reader.query(EntityFixture.query("k", "id == 999", List.of("id"), 10, 0)))).isEmpty();
    }

    @Test
    void isolationRequiresEverySearchToPinTheKeyWithEqualsThroughAndOnly() {
        fx.indexes.release(DB, "k");
        fx.indexes.drop(DB, "k", "vec", "");
        fx.catalog.alterProperties(DB, "k", Map.of(PartitionKey.ISOLATION_PROPERTY, "true"), List.of());
        fx.indexes.create(DB, "k", "vec", "", "FLAT", RequestedMetric.parse("L2"), Map.of());
        fx.indexes.load(DB, "k");
        float[][] q = {{0.5f, 0.5f, 0.5f, 0.5f}};
        assertThat(keys(fx.reader.search(EntityFixture.search("k", q, 5, "tenant == \"tenant-3\" && n > 1"))))
                .allSatisfy(k -> assertThat(tenantOf.get((Long) k)).isEqualTo("tenant-3"));
        Map<String, String> refused = Map.of(
                "", "partition key not found in expr or the expr is invalid when validating partition key isolation",
                "n > 1", "partition key not found in expr or the expr is invalid when validating partition key"
                        + " isolation",
                "tenant == \"a\" || n > 1", "partition key isolation does not support OR",
                "not (tenant == \"a\")", "partition key isolation does not support NOT",
                "tenant in [\"a\"]", "partition key isolation does not support IN",
                "tenant != \"a\"", "partition key isolation does not support NotEqual",
                "\"a\" < tenant", "partition key isolation does not support GreaterThan",
                "\"a\" < tenant < \"b\"", "partition key isolation does not support BinaryRange");
        refused.forEach((filter, message) -> failsWith(ErrorCode.UNEXPECTED,
                () -> fx.reader.search(EntityFixture.search("k", q, 5, filter))).as(filter).hasMessage(message));
        // Query is not bound by isolation, as in Milvus.
        assertThat(keys(fx.reader.query(EntityFixture.query("k", "n == 1", List.of("id"), 1000, 0)))).isNotEmpty();
    }
}
