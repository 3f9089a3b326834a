package dev.vectorvault.query;

import static dev.vectorvault.catalog.TestSchemas.array;
import static dev.vectorvault.catalog.TestSchemas.autoIdKey;
import static dev.vectorvault.catalog.TestSchemas.dynamicSchema;
import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.nullable;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.catalog.TestSchemas.varchar;
import static dev.vectorvault.catalog.TestSchemas.varcharKey;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static dev.vectorvault.catalog.TestSchemas.withDefault;
import static dev.vectorvault.query.EntityFixture.DB;
import static dev.vectorvault.query.EntityFixture.batch;
import static dev.vectorvault.query.EntityFixture.failsWith;
import static dev.vectorvault.query.EntityFixture.keys;
import static dev.vectorvault.query.EntityFixture.query;
import static dev.vectorvault.query.EntityFixture.values;
import static dev.vectorvault.query.EntityFixture.withDynamic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.common.ErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class EntityWriterTest {
    @TempDir
    Path dir;

    private EntityFixture fx;
    private EntityWriter writer;

    @BeforeEach
    void setUp() {
        fx = new EntityFixture(dir, 1000);
        writer = fx.writer;
        // id, vec, i8, title, tags, score, level, meta, flag
        fx.createLoaded("items", schema(int64Key("id"), vector("vec", 4), field("i8", DataType.INT8),
                varchar("title", 5), array("tags", DataType.INT64, 3, 0), nullable(field("score", DataType.DOUBLE)),
                withDefault(field("level", DataType.INT32), 7L), field("meta", DataType.JSON),
                field("flag", DataType.BOOL)), "L2");
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    /** Columns for rows with keys from..from+n-1, every field given. */
    private static Map<String, List<Object>> columns(long from, int n) {
        Map<String, List<Object>> columns = new LinkedHashMap<>();
        for (String name : List.of("id", "vec", "i8", "title", "tags", "score", "level", "meta", "flag")) {
            columns.put(name, new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            long k = from + i;
            columns.get("id").add(k);
            columns.get("vec").add(new float[] {k, 0, 0, 1});
            columns.get("i8").add(k % 100);
            columns.get("title").add("t" + k % 100);
            columns.get("tags").add(List.of(k, k + 1));
            columns.get("score").add(k * 0.5);
            columns.get("level").add(k % 5);
            columns.get("meta").add(Map.of("k", k));
            columns.get("flag").add(k % 2 == 0);
        }
        return columns;
    }

    private static ColumnBatch rows(long from, int n) {
        return new ColumnBatch(n, columns(from, n), null);
    }

    /** Valid rows with one column replaced. */
    private static ColumnBatch rowsWith(int n, String name, List<Object> column) {
        Map<String, List<Object>> columns = columns(1, n);
        columns.put(name, column);
        return new ColumnBatch(n, columns, null);
    }

    /** Valid rows without one column. */
    private static ColumnBatch rowsWithout(int n, String name) {
        Map<String, List<Object>> columns = columns(1, n);
        columns.remove(name);
        return new ColumnBatch(n, columns, null);
    }

    private long live() {
        return fx.data.liveRows(Layouts.of(fx.catalog.collection(DB, "items")), -1);
    }

    private Object[] row(String collection, Object key) {
        ResultRows rows = fx.reader.query(query(collection, "id == " + key, List.of("*"), 0, 0));
        assertThat(rows.rows()).hasSize(1);
        return rows.rows().get(0);
    }

    private void refused(String message, ColumnBatch batch) {
        failsWith(ErrorCode.PARAMETER_INVALID, () -> writer.insert(DB, "items", "", batch))
                .hasMessageContaining(message);
        assertThat(live()).as("nothing of a refused batch is written").isZero();
    }

    @Test
    void aValidInsertReturnsKeysAndCountAndStoresTheRows() {
        EntityWriter.WriteResult result = writer.insert(DB, "items", "", rows(1, 3));
        assertThat(result.primaryKeys()).containsExactly(1L, 2L, 3L);
        assertThat(result.count()).isEqualTo(3);
        assertThat(result.timestamp()).isPositive();
        assertThat(live()).isEqualTo(3);
        Object[] stored = row("items", 2);
        assertThat(stored).containsExactly(2L, new float[] {2, 0, 0, 1}, 2L, "t2", List.of(2L, 3L), 1.0, 2L,
                Map.of("k", 2L), true);
    }

    @Test
    void aMissingFieldIsRefused() {
        refused("field i8 is missing in the data, and it is neither nullable nor has a default value",
                rowsWithout(2, "i8"));
        refused("field vec is missing", rowsWithout(2, "vec"));
        refused("field id is missing", rowsWithout(2, "id"));
    }

    @Test
    void valuesOfTheWrongTypeAreRefused() {
        refused("field title expects VARCHAR values (row 2)", rowsWith(2, "title", values("a", 5L)));
        refused("field i8 expects INT64", rowsWith(1, "i8", values("1")));
        refused("field flag expects BOOL", rowsWith(1, "flag", values(1L)));
        refused("field score expects DOUBLE", rowsWith(1, "score", values(1L)));
        refused("field vec expects FLOAT_VECTOR", rowsWith(1, "vec", values(List.of(1f, 2f, 3f, 4f))));
        refused("field tags expects ARRAY", rowsWith(1, "tags", values(5L)));
        refused("field tags expects INT64", rowsWith(1, "tags", values(List.of("x"))));
        refused("field id expects INT64", rowsWith(1, "id", values("1")));
    }

    @Test
    void integersOutsideTheirWidthAreRefused() {
        refused("value 128 of field i8 is out of range [-128, 127]", rowsWith(1, "i8", values(128L)));
        refused("value -129 of field i8 is out of range", rowsWith(1, "i8", values(-129L)));
        refused("of field level is out of range [-2147483648, 2147483647]",
                rowsWith(1, "level", values(1L << 31)));
        writer.insert(DB, "items", "", rowsWith(2, "i8", values(-128L, 127L)));
        assertThat(live()).isEqualTo(2);
    }

    @Test
    void varcharLongerThanMaxLengthIsRefused() {
        refused("the length (6) of 1th VarChar title exceeds max length (5)", rowsWith(1, "title",
                values("abcdef")));
        writer.insert(DB, "items", "", rowsWith(1, "title", values("abcde")));
        assertThat(live()).isEqualTo(1);
    }

    @Test
    void varcharMaxLengthCountsUtf8BytesAsMilvusDoes() {
        refused("the length (6) of 1th VarChar title exceeds max length (5)", rowsWith(1, "title",
                values("ééé")));
        refused("exceeds max length", rowsWith(1, "title", values("a✓✓")));
        writer.insert(DB, "items", "", rowsWith(1, "title", values("ab✓")));
        assertThat(live()).isEqualTo(1);
    }

    @Test
    void vectorsOfTheWrongDimensionAreRefused() {
        refused("the dim (3) of field data(vec) is not equal to schema dim (4)",
                rowsWith(1, "vec", values(new float[] {1, 2, 3})));
        refused("the dim (5) of field data(vec)", rowsWith(1, "vec", values(new float[5])));
    }

    @Test
    void vectorsWithNanOrInfinityAreRefused() {
        refused("vec", rowsWith(1, "vec", values(new float[] {1, Float.NaN, 0, 0})));
        refused("vec", rowsWith(1, "vec", values(new float[] {Float.POSITIVE_INFINITY, 0, 0, 0})));
    }

    @Test
    void arraysOverCapacityAreRefused() {
        refused("the number of elements (4) of array field tags exceeds max capacity (3)",
                rowsWith(1, "tags", values(List.of(1L, 2L, 3L, 4L))));
        writer.insert(DB, "items", "", rowsWith(2, "tags", values(List.of(), List.of(1L, 2L, 3L))));
        assertThat(live()).isEqualTo(2);
    }

    @Test
    void nullForANonNullableFieldIsRefused() {
        refused("the value of field i8 must not be null (row 1)", rowsWith(1, "i8", values((Object) null)));
        refused("must not be null", rowsWith(1, "id", values((Object) null)));
    }

    @Test
    void unknownFieldsAreRefusedWithoutDynamicField() {
        Map<String, List<Object>> columns = columns(1, 1);
        columns.put("color", values("red"));
        refused("field color does not exist in collection items", new ColumnBatch(1, columns, null));
        refused("dynamic fields are not enabled", withDynamic(rows(1, 1), List.of(Map.of("color", "red"))));
        refused("does not exist", rowsWith(1, "$meta", values(Map.of())));
    }

    @Test
    void columnLengthsMustMatchTheRowCountAndBatchesMustHaveRows() {
        refused("the length of field title (1) does not match the number of rows (2)",
                rowsWith(2, "title", values("a")));
        refused("the number of rows must be positive", new ColumnBatch(0, Map.of(), null));
    }

    @Test
    void missingCollectionOrPartitionIsReported() {
        failsWith(ErrorCode.COLLECTION_NOT_FOUND, () -> writer.insert(DB, "nope", "", rows(1, 1)));
        failsWith(ErrorCode.PARTITION_NOT_FOUND, () -> writer.insert(DB, "items", "nope", rows(1, 1)))
                .hasMessageContaining("partition not found[partition=nope]");
        assertThat(live()).isZero();
    }

    @Test
    void nullableFieldsBecomeNullAndDefaultsFillMissingOrNullValues() {
        writer.insert(DB, "items", "", rowsWithout(1, "score"));
        assertThat(row("items", 1)[5]).isNull();
        writer.insert(DB, "items", "", rowsWith(1, "score", values((Object) null)));
        assertThat(row("items", 1)[5]).isNull();

        writer.insert(DB, "items", "", rowsWithout(1, "level"));
        assertThat(row("items", 1)[6]).isEqualTo(7L);
        writer.insert(DB, "items", "", rowsWith(1, "level", values((Object) null)));
        assertThat(row("items", 1)[6]).isEqualTo(7L);
        writer.insert(DB, "items", "", rowsWith(1, "level", values(3L)));
        assertThat(row("items", 1)[6]).isEqualTo(3L);
    }

    @Test
    void insertAndUpsertOfAnExistingKeyReplaceTheRowAndTheLastRowOfARequestWins() {
        writer.insert(DB, "items", "", rows(1, 3));
        writer.upsert(DB, "items", "", rowsWith(1, "title", values("new")));
        assertThat(row("items", 1)[3]).isEqualTo("new");
        writer.insert(DB, "items", "", rowsWith(1, "title", values("again")));
        assertThat(row("items", 1)[3]).isEqualTo("again");

        Map<String, List<Object>> twice = columns(2, 2);
        twice.put("id", values(2L, 2L));
        twice.put("title", values("first", "last"));
        EntityWriter.WriteResult result = writer.upsert(DB, "items", "", new ColumnBatch(2, twice, null));
        assertThat(result.primaryKeys()).containsExactly(2L, 2L);
        assertThat(row("items", 2)[3]).isEqualTo("last");
        assertThat(live()).isEqualTo(3);
    }

    @Test
    void rowsGoToTheNamedPartition() {
        fx.catalog.createPartition(DB, "items", "p1");
        writer.insert(DB, "items", "p1", rows(1, 2));
        writer.insert(DB, "items", "_default", rows(10, 1));
        Collection c = fx.catalog.collection(DB, "items");
        long p1 = c.partition("p1").orElseThrow().partitionId();
        assertThat(fx.data.liveRows(Layouts.of(c), p1)).isEqualTo(2);
        assertThat(live()).isEqualTo(3);
    }

    @Test
    void autoIdKeysAreGeneratedDistinctAndIncreasing() {
        fx.createLoaded("auto", schema(autoIdKey("pk"), vector("v", 2)), "IP");
        EntityWriter.WriteResult first = writer.insert(DB, "auto", "", batch(3, "v",
                values(new float[] {1, 0}, new float[] {0, 1}, new float[] {1, 1})));
        EntityWriter.WriteResult second = writer.insert(DB, "auto", "", batch(1, "v", values(new float[] {2, 2})));
        List<Object> all = new ArrayList<>(first.primaryKeys());
        all.addAll(second.primaryKeys());
        assertThat(all).hasSize(4).doesNotHaveDuplicates().isSortedAccordingTo((a, b) -> Long.compare((Long) a,
                (Long) b));
        assertThat(fx.reader.query(query("auto", "", List.of("count(*)"), 0, 0)).count()).isEqualTo(4);
    }

    @Test
    void autoIdKeysGivenOnInsertAreRefusedAndUpsertMustGiveThem() {
        fx.createLoaded("auto", schema(autoIdKey("pk"), vector("v", 2)), "IP");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> writer.insert(DB, "auto", "", batch(1, "pk", values(5L),
                "v", values(new float[] {1, 0})))).hasMessageContaining("is auto-generated, no need to provide");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> writer.upsert(DB, "auto", "", batch(1,
                "v", values(new float[] {1, 0})))).hasMessageContaining("must assign pk when upsert");
        EntityWriter.WriteResult upserted = writer.upsert(DB, "auto", "", batch(1, "pk", values(5L),
                "v", values(new float[] {1, 0})));
        assertThat(upserted.primaryKeys()).containsExactly(5L);
    }

    @Test
    void autoIdVarcharKeysAreStrings() {
        dev.vectorvault.catalog.FieldSchema key = new dev.vectorvault.catalog.FieldSchema(0, "pk", "", DataType.VARCHAR, true, true, 0, 40, null, 0,
                false, null, false, false);
        fx.createLoaded("autos", schema(key, vector("v", 2)), "L2");
        EntityWriter.WriteResult result = writer.insert(DB, "autos", "", batch(2, "v",
                values(new float[] {1, 0}, new float[] {0, 1})));
        assertThat(result.primaryKeys()).hasSize(2).allMatch(k -> k instanceof String).doesNotHaveDuplicates();
    }

    private static Map<String, Object> redSizeThree() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("color", "red");
        extra.put("size", 3L);
        return extra;
    }

    /** Collection "dyn" with a dynamic field and rows 1 and 2 holding these dynamic keys. */
    private void createDynamicWith(Map<String, Object> one, Map<String, Object> two) {
        fx.createLoaded("dyn", dynamicSchema(int64Key("id"), vector("v", 2)), "L2");
        writer.insert(DB, "dyn", "", withDynamic(batch(2, "id", values(1L, 2L), "v",
                values(new float[] {1, 0}, new float[] {0, 1})), List.of(one, two)));
    }

    @Test
    void dynamicKeysAreStoredInMeta() {
        Map<String, Object> extra = redSizeThree();
        createDynamicWith(extra, Map.of());
        ResultRows rows = fx.reader.query(query("dyn", "id in [1, 2]", List.of("*"), 0, 0));
        assertThat(rows.rows()).extracting(r -> r[2]).containsExactly(extra, Map.of());
        assertThat(keys(fx.reader.query(query("dyn", "color == 'red'", List.of(), 0, 0)))).containsExactly(1L);
    }

    @Test
    void partialUpsertMergesDynamicKeysIntoTheRows() {
        createDynamicWith(redSizeThree(), Map.of("color", "blue"));

        Map<String, Object> sent = new LinkedHashMap<>();
        sent.put("size", 4L);
        sent.put("shape", "round");
        // Row 2 gets {} (what the SDKs send for a row without dynamic keys) with a new vector.
        writer.upsert(DB, "dyn", "", withDynamic(batch(2, "id", values(1L, 2L), "v",
                values(new float[] {1, 1}, new float[] {2, 2})), List.of(sent, Map.of())), true, List.of());

        ResultRows rows = fx.reader.query(query("dyn", "id in [1, 2]", List.of("*"), 0, 0));
        Map<String, Object> merged = new LinkedHashMap<>();
        merged.put("color", "red");
        merged.put("size", 4L);
        merged.put("shape", "round");
        assertThat(rows.rows()).extracting(r -> r[2]).containsExactly(merged, Map.of("color", "blue"));
        assertThat(keys(fx.reader.query(query("dyn", "size == 4 and color == 'red'", List.of(), 0, 0))))
                .containsExactly(1L);
    }

    @Test
    void writesSurviveARestart() {
        writer.insert(DB, "items", "", rows(1, 5));
        fx.writer.delete(DB, "items", "", "id in [2]", Map.of());
        Object[] before = row("items", 3);
        fx.restart();
        writer = fx.writer;
        assertThat(live()).isEqualTo(4);
        assertThat(row("items", 3)).isEqualTo(before);
        assertThat(fx.reader.query(query("items", "id == 2", List.of(), 0, 0)).rows()).isEmpty();
    }

    // ------------------------------------------------------------------ delete

    @Test
    void deleteByKeysCountsOnlyExistingRows() {
        writer.insert(DB, "items", "", rows(1, 5));
        EntityWriter.WriteResult result = writer.delete(DB, "items", "", "id in [1, 3, 3, 99]", Map.of());
        assertThat(result.count()).isEqualTo(2);
        assertThat(result.primaryKeys()).containsExactly(1L, 3L);
        assertThat(live()).isEqualTo(3);
        assertThat(writer.delete(DB, "items", "", "id == 1", Map.of()).count()).isZero();
    }

    @Test
    void deleteByFilterRemovesWhatMatches() {
        writer.insert(DB, "items", "", rows(1, 10));
        EntityWriter.WriteResult result = writer.delete(DB, "items", "", "i8 > 7 or title == 't2'", Map.of());
        assertThat(result.primaryKeys()).containsExactlyInAnyOrder(2L, 8L, 9L, 10L);
        assertThat(result.count()).isEqualTo(4);
        assertThat(keys(fx.reader.query(query("items", "id > 0", List.of(), 0, 0))))
                .containsExactly(1L, 3L, 4L, 5L, 6L, 7L);
    }

    @Test
    void deleteWithTemplates() {
        writer.insert(DB, "items", "", rows(1, 5));
        assertThat(writer.delete(DB, "items", "", "id in {ids}", Map.of("ids", List.of(1L, 2L))).count())
                .isEqualTo(2);
        assertThat(live()).isEqualTo(3);
    }

    @Test
    void deleteWithinAPartitionLeavesOtherPartitionsAlone() {
        fx.catalog.createPartition(DB, "items", "p1");
        writer.insert(DB, "items", "", rows(1, 3));
        writer.insert(DB, "items", "p1", rows(11, 3));
        EntityWriter.WriteResult byFilter = writer.delete(DB, "items", "p1", "id > 0", Map.of());
        assertThat(byFilter.primaryKeys()).containsExactlyInAnyOrder(11L, 12L, 13L);
        EntityWriter.WriteResult byKeys = writer.delete(DB, "items", "p1", "id in [1, 2]", Map.of());
        assertThat(byKeys.count()).as("keys living in another partition").isZero();
        assertThat(keys(fx.reader.query(query("items", "id > 0", List.of(), 0, 0)))).containsExactly(1L, 2L, 3L);
        failsWith(ErrorCode.PARTITION_NOT_FOUND, () -> writer.delete(DB, "items", "nope", "id > 0", Map.of()));
    }

    @Test
    void deleteNeedsAFilterThatParses() {
        writer.insert(DB, "items", "", rows(1, 2));
        failsWith(ErrorCode.PARAMETER_INVALID, () -> writer.delete(DB, "items", "", "", Map.of()))
                .hasMessageContaining("expression cannot be empty when deleting");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> writer.delete(DB, "items", "", "  ", Map.of()));
        failsWith(ErrorCode.PARAMETER_INVALID, () -> writer.delete(DB, "items", "", "id >", Map.of()));
        failsWith(ErrorCode.PARAMETER_INVALID, () -> writer.delete(DB, "items", "", "nofield == 1", Map.of()));
        failsWith(ErrorCode.COLLECTION_NOT_FOUND, () -> writer.delete(DB, "nope", "", "id > 0", Map.of()));
        assertThat(live()).isEqualTo(2);
    }

    @Test
    void deleteByVarcharKeys() {
        fx.createLoaded("names", schema(varcharKey("name", 10), vector("v", 2)), "L2");
        writer.insert(DB, "names", "", batch(3, "name", values("a", "b", "c"), "v",
                values(new float[] {1, 0}, new float[] {0, 1}, new float[] {1, 1})));
        assertThat(writer.delete(DB, "names", "", "name in ['a', 'c', 'z']", Map.of()).count()).isEqualTo(2);
        assertThat(keys(fx.reader.query(query("names", "", List.of(), 10, 0)))).containsExactly("b");
    }

    /** Field index in a query row of {@code items}. */
    private int at(String field) {
        return fx.catalog.collection(DB, "items").schema().fields().indexOf(
                fx.catalog.collection(DB, "items").schema().field(field).orElseThrow());
    }

    @Test
    void partialUpsertKeepsTheFieldsItLeavesOutAndInsertsNewKeysWhole() {
        writer.insert(DB, "items", "", rows(1, 3));
        Map<String, List<Object>> update = new LinkedHashMap<>();
        update.put("id", new ArrayList<>(List.of(2L)));
        update.put("title", new ArrayList<>(List.of("new")));
        update.put("score", new ArrayList<>(java.util.Arrays.asList((Object) null)));
        writer.upsert(DB, "items", "", new ColumnBatch(1, update, null), true, List.of());

        Object[] two = row("items", 2L);
        assertThat(two[at("title")]).isEqualTo("new");
        assertThat(two[at("score")]).isNull();
        assertThat(two[at("i8")]).isEqualTo(2L);
        assertThat(two[at("tags")]).isEqualTo(List.of(2L, 3L));
        assertThat((float[]) two[at("vec")]).containsExactly(2f, 0f, 0f, 1f);
        assertThat(row("items", 1L)[at("title")]).isEqualTo("t1");
        assertThat(live()).isEqualTo(3);

        // A key that does not exist yet is an insert: every required field must be there.
        Map<String, List<Object>> newKey = new LinkedHashMap<>();
        newKey.put("id", new ArrayList<>(List.of(9L)));
        newKey.put("title", new ArrayList<>(List.of("x")));
        failsWith(ErrorCode.PARAMETER_INVALID, () -> writer.upsert(DB, "items", "",
                new ColumnBatch(1, newKey, null), true, List.of())).hasMessageContaining("is missing in the data");
        assertThat(live()).isEqualTo(3);
        writer.upsert(DB, "items", "", rows(9, 1), true, List.of());
        assertThat(row("items", 9L)[at("title")]).isEqualTo("t9");
        assertThat(live()).isEqualTo(4);

        // The key itself is required.
        Map<String, List<Object>> noKey = new LinkedHashMap<>();
        noKey.put("title", new ArrayList<>(List.of("y")));
        failsWith(ErrorCode.PARAMETER_INVALID, () -> writer.upsert(DB, "items", "",
                new ColumnBatch(1, noKey, null), true, List.of())).hasMessageContaining("must assign pk when upsert");

        // And it survives a restart like any write.
        fx.restart();
        writer = fx.writer;
        assertThat(row("items", 2L)[at("title")]).isEqualTo("new");
        assertThat(row("items", 2L)[at("i8")]).isEqualTo(2L);
    }
}
