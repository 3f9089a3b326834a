package dev.vectorvault.query;

import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.nullable;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.catalog.TestSchemas.varchar;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static dev.vectorvault.catalog.TestSchemas.withDefault;
import static dev.vectorvault.query.EntityFixture.DB;
import static dev.vectorvault.query.EntityFixture.batch;
import static dev.vectorvault.query.EntityFixture.keys;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.catalog.CollectionSchema;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.ErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * AddCollectionField: rows written before the field read its default value or null (in output and in filters),
 * wherever they are (segment files, sealed and growing segments in memory, the log), new rows carry it, and all of
 * that survives restarts and compaction.
 */
@Timeout(120)
class AddCollectionFieldTest {
    private static final int DIM = 4;

    @TempDir
    Path dir;

    private EntityFixture fx;

    @BeforeEach
    void setUp() {
        fx = new EntityFixture(dir, 16); // 16-row segments: old rows sealed, persisted, growing and log-only
        fx.createLoaded("t", schema(int64Key("id"), vector("vec", DIM), field("n", DataType.INT64)), "L2");
        insert(0, 40, Map.of());
        fx.data.checkpoint();
        insert(40, 30, Map.of()); // 40..63 sealed in memory, 64..69 growing, both only in the log
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private void insert(long from, int n, Map<String, Object> added) {
        List<Object> ids = new ArrayList<>();
        List<Object> vecs = new ArrayList<>();
        List<Object> ns = new ArrayList<>();
        Map<String, List<Object>> extra = new HashMap<>();
        for (long k = from; k < from + n; k++) {
            ids.add(k);
            vecs.add(new float[] {k, 1, 0, -k});
            ns.add(k % 5);
            added.forEach((name, value) -> extra.computeIfAbsent(name, x -> new ArrayList<>()).add(value));
        }
        List<Object> columns = new ArrayList<>(List.of("id", ids, "vec", vecs, "n", ns));
        extra.forEach((name, values) -> {
            columns.add(name);
            columns.add(values);
        });
        fx.writer.insert(DB, "t", "", batch(n, columns.toArray()));
    }

    private static FieldSchema score() {
        return withDefault(nullable(field("score", DataType.INT64)), 7L);
    }

    private static FieldSchema tag() {
        return nullable(varchar("tag", 16));
    }

    private ResultRows query(String filter, List<String> output) {
        return fx.reader.query(EntityFixture.query("t", filter, output, 10_000, 0));
    }

    private List<Object> keysWhere(String filter) {
        return keys(query(filter, List.of("id")));
    }

    private Map<Object, List<Object>> addedValues() {
        CollectionSchema schema = fx.catalog.collection(DB, "t").schema();
        int score = schema.fields().indexOf(schema.field("score").orElseThrow());
        int tag = schema.fields().indexOf(schema.field("tag").orElseThrow());
        ResultRows rows = query("id >= 0", List.of("score", "tag"));
        Map<Object, List<Object>> out = new HashMap<>();
        for (Object[] row : rows.rows()) {
            out.put(row[rows.primaryKeyField()], java.util.Arrays.asList(row[score], row[tag]));
        }
        return out;
    }

    private void checkOldAndNewRows(int oldRows) {
        Map<Object, List<Object>> values = addedValues();
        assertThat(values).hasSize(oldRows + 5);
        for (long k = 0; k < 70; k++) {
            if (values.containsKey(k)) {
                assertThat(values.get(k)).as("row " + k).containsExactly(7L, null);
            }
        }
        for (long k = 100; k < 105; k++) {
            assertThat(values.get(k)).as("row " + k).containsExactly(1L, "new");
        }
        assertThat(keysWhere("tag is null")).hasSize(oldRows);
        assertThat(keysWhere("score == 7")).hasSize(oldRows);
        assertThat(keysWhere("tag == \"new\" and score == 1")).containsExactlyInAnyOrder(100L, 101L, 102L, 103L,
                104L);
        assertThat(keysWhere("tag is not null")).hasSize(5);
    }

    @Test
    void oldRowsReadTheDefaultOrNullAndNewRowsCarryTheField() {
        fx.catalog.addField(DB, "t", score());
        fx.catalog.addField(DB, "t", tag());
        assertThat(fx.catalog.collection(DB, "t").schema().version()).isEqualTo(2);

        Map<Object, List<Object>> before = addedValues();
        assertThat(before).hasSize(70).allSatisfy((k, v) -> assertThat(v).containsExactly(7L, null));

        insert(100, 5, Map.of("score", 1L, "tag", "new")); // into a new, wider growing segment
        checkOldAndNewRows(70);
        float[][] q = {{3, 1, 0, -3}};
        assertThat(keys(fx.reader.search(EntityFixture.search("t", q, 10, "tag is null")))).hasSize(10)
                .doesNotContain(100L, 101L, 102L, 103L, 104L);

        fx.restart(); // the log replays rows of both widths
        checkOldAndNewRows(70);

        // Delete most of the persisted old rows: the next checkpoint compacts their segments, copying old rows
        // into segments of the new width.
        fx.data.checkpoint();
        fx.writer.delete(DB, "t", "", "id < 40 and id % 2 == 0", Map.of());
        fx.data.checkpoint();
        checkOldAndNewRows(50);
        fx.restart();
        checkOldAndNewRows(50);

        // A manual compaction merges the small segments of both widths into one of the new width.
        fx.writer.delete(DB, "t", "", "id == 41", Map.of());
        assertThat(fx.data.compact(Layouts.of(fx.catalog.collection(DB, "t")), java.util.Set.of())).isNotEmpty();
        checkOldAndNewRows(49);
        fx.restart();
        checkOldAndNewRows(49);
    }

    @Test
    void anUpsertOfAnOldRowMayCarryTheAddedField() {
        fx.catalog.addField(DB, "t", tag());
        fx.writer.upsert(DB, "t", "", batch(1, "id", List.of(3L), "vec", List.of(new float[DIM]), "n",
                List.of(0L), "tag", List.of("up")));
        assertThat(keysWhere("tag == \"up\"")).containsExactly(3L);
        assertThat(keysWhere("tag is null")).hasSize(69);
    }

    @Test
    void milvusRulesRefuseFieldsThatCannotBeAdded() {
        FieldSchema notNullable = field("x", DataType.INT64);
        EntityFixture.failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.catalog.addField(DB, "t", notNullable))
                .hasMessage("added field must be nullable, please check it, field name = x: invalid parameter");
        EntityFixture.failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.catalog.addField(DB, "t",
                nullable(vector("v2", DIM))))
                .hasMessage("not support to add vector field, field name = v2: invalid parameter");
        EntityFixture.failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.catalog.addField(DB, "t",
                nullable(field("n", DataType.INT64))))
                .hasMessage("duplicate field name: n: invalid parameter");
        FieldSchema key = new FieldSchema(0, "k2", "", DataType.INT64, true, false, 0, 0, null, 0, true, null,
                false, false);
        EntityFixture.failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.catalog.addField(DB, "t", key))
                .hasMessage("not support to add pk field, field name = k2: invalid parameter");
        FieldSchema partitionKey = new FieldSchema(0, "pk2", "", DataType.INT64, false, false, 0, 0, null, 0, true,
                null, false, true);
        EntityFixture.failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.catalog.addField(DB, "t", partitionKey))
                .hasMessage("not support to add partition key field, field name  = pk2: invalid parameter");
        EntityFixture.failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.catalog.addField(DB, "t",
                nullable(varchar("s", 0)))).hasMessageContaining("type param(max_length) should be specified");
        EntityFixture.failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.catalog.addField(DB, "t",
                withDefault(nullable(varchar("s", 2)), "long"))).hasMessageContaining("default value long");
        EntityFixture.failsWith(ErrorCode.COLLECTION_NOT_FOUND, () -> fx.catalog.addField(DB, "nope", tag()));
        assertThat(fx.catalog.collection(DB, "t").schema().fields()).hasSize(3);
        assertThat(fx.catalog.collection(DB, "t").schema().version()).isZero();

        for (int i = 3; i < 64; i++) {
            fx.catalog.addField(DB, "t", nullable(field("f" + i, DataType.INT32)));
        }
        EntityFixture.failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.catalog.addField(DB, "t", tag()))
                .hasMessage("The number of fields has reached the maximum value 64: invalid parameter");
    }
}
