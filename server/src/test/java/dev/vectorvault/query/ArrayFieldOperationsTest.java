package dev.vectorvault.query;

import static dev.vectorvault.catalog.TestSchemas.array;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.nullable;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.catalog.TestSchemas.varchar;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static dev.vectorvault.query.EntityFixture.DB;
import static dev.vectorvault.query.EntityFixture.batch;
import static dev.vectorvault.query.EntityFixture.failsWith;
import static dev.vectorvault.query.EntityFixture.query;
import static dev.vectorvault.query.EntityFixture.values;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.catalog.DataType;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.query.FieldOperation.Kind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Partial upserts with ARRAY_APPEND and ARRAY_REMOVE field operations, through the writer as the server calls it. */
@Timeout(60)
class ArrayFieldOperationsTest {
    @TempDir
    Path dir;

    private EntityFixture fx;

    @BeforeEach
    void setUp() {
        fx = new EntityFixture(dir, 1000);
        fx.createLoaded("items", schema(int64Key("id"), vector("vec", 2), varchar("title", 10),
                array("tags", DataType.INT64, 4, 0), array("words", DataType.VARCHAR, 4, 8),
                nullable(array("ratios", DataType.FLOAT, 4, 0)), array("flags", DataType.BOOL, 4, 0)), "L2");
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    /** Inserts row {@code id} with every field given. */
    private void insert(long id, List<Object> tags, List<Object> ratios) {
        fx.writer.insert(DB, "items", "", batch(1, "id", values(id), "vec", values(new float[] {id, 1}),
                "title", values("t" + id), "tags", values(tags), "words", values(List.of("a", "b", "a")),
                "ratios", values(ratios), "flags", values(List.of(true, false, true))));
    }

    private void upsert(boolean partialUpdate, ColumnBatch batch, FieldOperation... operations) {
        fx.writer.upsert(DB, "items", "", batch, partialUpdate, List.of(operations));
    }

    private Object value(long id, String field) {
        ResultRows rows = fx.reader.query(query("items", "id == " + id, List.of("*"), 0, 0));
        assertThat(rows.rows()).as("row %d", id).hasSize(1);
        var fields = fx.catalog.collection(DB, "items").schema().fields();
        return rows.rows().get(0)[fields.indexOf(fields.stream().filter(f -> f.name().equals(field)).findFirst()
                .orElseThrow())];
    }

    private static FieldOperation op(String field, Kind kind) {
        return new FieldOperation(field, kind);
    }

    @Test
    void appendAddsTheSentElementsAfterTheStoredOnesKeepingDuplicatesAndOtherFields() {
        insert(1, List.of(1L, 2L), List.of(0.5));
        upsert(true, batch(1, "id", values(1L), "tags", values(List.of(2L, 3L))), op("tags", Kind.ARRAY_APPEND));
        assertThat(value(1, "tags")).isEqualTo(List.of(1L, 2L, 2L, 3L));
        assertThat(value(1, "title")).isEqualTo("t1");
        assertThat(value(1, "words")).isEqualTo(List.of("a", "b", "a"));
    }

    @Test
    void removeDropsEveryOccurrenceOfEachSentValueAndIgnoresValuesNotStored() {
        insert(1, List.of(1L, 2L, 1L, 3L), List.of(0.5));
        upsert(true, batch(1, "id", values(1L), "tags", values(List.of(1L, 9L)), "words", values(List.of("a"))),
                op("tags", Kind.ARRAY_REMOVE), op("words", Kind.ARRAY_REMOVE));
        assertThat(value(1, "tags")).isEqualTo(List.of(2L, 3L));
        assertThat(value(1, "words")).isEqualTo(List.of("b"));
    }

    @Test
    void removeComparesBooleansAndFloatsByValueAndNaNMatchesNothing() {
        // Stored as the float 0.1 widened; the sent double 0.1 differs from it as a double, not as a float.
        insert(1, List.of(1L), List.of((double) 0.1f, (double) Float.NaN, 2.5));
        upsert(true, batch(1, "id", values(1L), "ratios", values(List.of(0.1, (double) Float.NaN)),
                "flags", values(List.of(true))), op("ratios", Kind.ARRAY_REMOVE), op("flags", Kind.ARRAY_REMOVE));
        @SuppressWarnings("unchecked")
        List<Object> ratios = (List<Object>) value(1, "ratios");
        assertThat(ratios).hasSize(2);
        assertThat((Double) ratios.get(0)).isNaN();
        assertThat(ratios.get(1)).isEqualTo(2.5);
        assertThat(value(1, "flags")).isEqualTo(List.of(false));
    }

    @Test
    void anArrayOperationMakesTheUpsertPartialWithoutThePartialUpdateFlag() {
        insert(1, List.of(1L), List.of(0.5));
        upsert(false, batch(1, "id", values(1L), "tags", values(List.of(4L))), op("tags", Kind.ARRAY_APPEND));
        assertThat(value(1, "tags")).isEqualTo(List.of(1L, 4L));
        assertThat(value(1, "title")).isEqualTo("t1");
    }

    @Test
    void replaceOperationsLeaveAnUpsertAsItWas() {
        insert(1, List.of(1L), List.of(0.5));
        failsWith(ErrorCode.PARAMETER_INVALID, () -> upsert(false, batch(1, "id", values(1L), "tags",
                values(List.of(4L))), op("tags", Kind.REPLACE))).hasMessageContaining("is missing in the data");
        upsert(true, batch(1, "id", values(1L), "tags", values(List.of(4L))), op("tags", Kind.REPLACE));
        assertThat(value(1, "tags")).isEqualTo(List.of(4L));
    }

    @Test
    void anAppendBeyondMaxCapacityRefusesTheWholeRequest() {
        insert(1, List.of(1L), List.of(0.5));
        insert(2, List.of(1L, 2L, 3L), List.of(0.5));
        failsWith(ErrorCode.PARAMETER_INVALID, () -> upsert(true, batch(2, "id", values(1L, 2L), "tags",
                values(List.of(5L), List.of(5L, 6L))), op("tags", Kind.ARRAY_APPEND)))
                .hasMessageContaining("max_capacity 4").hasMessageContaining("row 2");
        assertThat(value(1, "tags")).as("the row that fitted is not written either").isEqualTo(List.of(1L));
        upsert(true, batch(1, "id", values(2L), "tags", values(List.of(4L))), op("tags", Kind.ARRAY_APPEND));
        assertThat(value(2, "tags")).as("exactly max_capacity fits").isEqualTo(List.of(1L, 2L, 3L, 4L));
    }

    @Test
    void aNewKeyStartsFromTheEmptyArray() {
        upsert(true, batch(2, "id", values(1L, 2L), "vec", values(new float[] {1, 1}, new float[] {2, 1}),
                "title", values("a", "b"), "tags", values(List.of(7L), List.of(8L)), "words",
                values(List.of("x"), List.of("y")), "ratios", values(null, null), "flags",
                values(List.of(true), List.of(false))), op("tags", Kind.ARRAY_APPEND), op("words", Kind.ARRAY_REMOVE));
        assertThat(value(1, "tags")).isEqualTo(List.of(7L));
        assertThat(value(2, "words")).isEqualTo(List.of());
    }

    @Test
    void aStoredNullCountsAsEmptyAndASentNullChangesNothing() {
        insert(1, List.of(1L), null);
        insert(2, List.of(1L), List.of(0.5));
        upsert(true, batch(2, "id", values(1L, 2L), "ratios", values(List.of(1.5), null)),
                op("ratios", Kind.ARRAY_APPEND));
        assertThat(value(1, "ratios")).isEqualTo(List.of(1.5));
        assertThat(value(2, "ratios")).isEqualTo(List.of(0.5));
    }

    @Test
    void operationsThatCannotApplyAreRefusedAndNothingIsWritten() {
        insert(1, List.of(1L), List.of(0.5));
        ColumnBatch tags = batch(1, "id", values(1L), "tags", values(List.of(2L)));
        refused("field_name is required", tags, op("", Kind.ARRAY_APPEND));
        refused("duplicate partial-update op for field \"tags\"", tags, op("tags", Kind.REPLACE),
                op("tags", Kind.ARRAY_APPEND));
        refused("\"id\" is the primary key", tags, op("id", Kind.ARRAY_REMOVE));
        refused("field \"nope\" not found in collection schema", tags, op("nope", Kind.ARRAY_APPEND));
        refused("op ARRAY_APPEND requires Array field, but field \"title\" is VARCHAR",
                batch(1, "id", values(1L), "title", values("x")), op("title", Kind.ARRAY_APPEND));
        refused("field \"words\" not present in fields_data", tags, op("words", Kind.ARRAY_REMOVE));
        assertThat(value(1, "tags")).isEqualTo(List.of(1L));
        assertThat(value(1, "title")).isEqualTo("t1");
    }

    private void refused(String message, ColumnBatch batch, FieldOperation... operations) {
        failsWith(ErrorCode.PARAMETER_INVALID, () -> upsert(true, batch, operations)).hasMessageContaining(message);
    }

    @Test
    void theMergedRowIsWhatTheLogKeepsAcrossARestart() {
        insert(1, List.of(1L, 2L), List.of(0.5));
        upsert(true, batch(1, "id", values(1L), "tags", values(List.of(1L))), op("tags", Kind.ARRAY_REMOVE));
        upsert(true, batch(1, "id", values(1L), "tags", values(List.of(5L))), op("tags", Kind.ARRAY_APPEND));
        fx.restart();
        assertThat(value(1, "tags")).isEqualTo(List.of(2L, 5L));
        assertThat(value(1, "title")).isEqualTo("t1");
    }
}
