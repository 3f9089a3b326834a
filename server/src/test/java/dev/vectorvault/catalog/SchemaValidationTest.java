package dev.vectorvault.catalog;

import static dev.vectorvault.catalog.CatalogFixture.failsWith;
import static dev.vectorvault.catalog.TestSchemas.array;
import static dev.vectorvault.catalog.TestSchemas.dynamicSchema;
import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.nullable;
import static dev.vectorvault.catalog.TestSchemas.primaryKey;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.catalog.TestSchemas.varchar;
import static dev.vectorvault.catalog.TestSchemas.varcharKey;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static dev.vectorvault.catalog.TestSchemas.withDefault;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.common.ErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@code createCollection} refuses in a schema, with Milvus's codes, and how it completes a valid one. */
@Timeout(60)
class SchemaValidationTest {
    @TempDir
    Path dir;

    private CatalogFixture fx;

    @BeforeEach
    void setUp() {
        fx = new CatalogFixture(dir);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private void refused(ErrorCode code, String message, FieldSchema... fields) {
        failsWith(code, () -> fx.create("c", schema(fields))).hasMessageContaining(message);
        assertThat(fx.catalog.listCollections("default")).as("nothing created").isEmpty();
    }

    @Test
    void aValidSchemaGetsFieldIdsFromOneHundredInOrder() {
        Collection c = fx.create("c", schema(varchar("title", 10), int64Key("id"), vector("vec", 8)));
        assertThat(c.schema().fields()).extracting(FieldSchema::name, FieldSchema::fieldId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("title", 100L),
                        org.assertj.core.groups.Tuple.tuple("id", 101L),
                        org.assertj.core.groups.Tuple.tuple("vec", 102L));
        assertThat(c.schema().primaryKey().name()).isEqualTo("id");
        assertThat(c.schema().dynamicField()).isEmpty();
        assertThat(c.partitions()).extracting(Partition::name).containsExactly("_default");
        assertThat(c.indexes()).isEmpty();
        assertThat(c.loaded()).isFalse();
    }

    @Test
    void dynamicFieldIsAppendedAsHiddenMetaJson() {
        Collection c = fx.create("c", dynamicSchema(int64Key("id"), vector("vec", 2)));
        FieldSchema meta = c.schema().fields().get(2);
        assertThat(meta.name()).isEqualTo("$meta");
        assertThat(meta.dataType()).isEqualTo(DataType.JSON);
        assertThat(meta.dynamic()).isTrue();
        assertThat(meta.fieldId()).isEqualTo(102);
        assertThat(c.schema().dynamicField()).contains(meta);
    }

    @Test
    void aGivenDynamicFieldIsReplacedNotDuplicated() {
        Collection first = fx.create("c", dynamicSchema(int64Key("id"), vector("vec", 2)));
        Collection again = fx.create("d", first.schema());
        assertThat(again.schema().fields()).extracting(FieldSchema::name).containsExactly("id", "vec", "$meta");
    }

    @Test
    void noPrimaryKeyIsAnIllegalSchema() {
        refused(ErrorCode.ILLEGAL_SCHEMA, "primary key is not specified", field("id", DataType.INT64),
                vector("vec", 4));
    }

    @Test
    void twoPrimaryKeysAreAnIllegalSchema() {
        refused(ErrorCode.ILLEGAL_SCHEMA, "more than one primary key", int64Key("a"), int64Key("b"),
                vector("vec", 4));
    }

    @Test
    void primaryKeyMustBeInt64OrVarchar() {
        for (DataType type : List.of(DataType.INT32, DataType.FLOAT, DataType.BOOL, DataType.JSON)) {
            refused(ErrorCode.ILLEGAL_SCHEMA, "should be Int64 or VarChar", primaryKey(field("id", type)),
                    vector("vec", 4));
        }
        assertThat(fx.create("c", schema(varcharKey("id", 64), vector("vec", 4))).schema().primaryKey()
                .dataType()).isEqualTo(DataType.VARCHAR);
    }

    @Test
    void primaryKeyCannotBeNullableOrDefaulted() {
        refused(ErrorCode.ILLEGAL_SCHEMA, "primary field not support null", nullable(int64Key("id")),
                vector("vec", 4));
        refused(ErrorCode.ILLEGAL_SCHEMA, "not support default value", withDefault(int64Key("id"), 1L),
                vector("vec", 4));
    }

    @Test
    void onlyThePrimaryKeyMayBeAutoId() {
        FieldSchema autoAge = new FieldSchema(0, "age", "", DataType.INT64, false, true, 0, 0, null, 0, false, null,
                false, false);
        refused(ErrorCode.ILLEGAL_SCHEMA, "only primary field can speficy AutoID", int64Key("id"), autoAge,
                vector("vec", 4));
    }

    @Test
    void aSchemaWithoutVectorFieldIsRefused() {
        refused(ErrorCode.PARAMETER_INVALID, "schema does not contain vector field", int64Key("id"),
                varchar("title", 5));
    }

    @Test
    void aSchemaWithoutFieldsIsRefused() {
        refused(ErrorCode.ILLEGAL_SCHEMA, "schema has no fields");
    }

    @Test
    void atMostSixtyFourFields() {
        List<FieldSchema> fields = new ArrayList<>(List.of(int64Key("id"), vector("vec", 4)));
        for (int i = 0; i < 62; i++) {
            fields.add(field("f" + i, DataType.INT32));
        }
        fx.create("ok", schema(fields.toArray(FieldSchema[]::new)));
        fields.add(field("one_more", DataType.INT32));
        refusedWithAnother(ErrorCode.ILLEGAL_SCHEMA, "maximum field's number should be limited to 64",
                fields.toArray(FieldSchema[]::new));
    }

    private void refusedWithAnother(ErrorCode code, String message, FieldSchema... fields) {
        failsWith(code, () -> fx.create("another", schema(fields))).hasMessageContaining(message);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 32_769, Integer.MAX_VALUE})
    void vectorDimensionMustBeOneTo32768(int dim) {
        refused(ErrorCode.PARAMETER_INVALID, "invalid dimension: " + dim, int64Key("id"), vector("vec", dim));
    }

    @Test
    void vectorDimensionBoundsAreAccepted() {
        fx.create("one", schema(int64Key("id"), vector("vec", 1)));
        fx.create("max", schema(int64Key("id"), vector("vec", 32_768)));
    }

    @Test
    void aVectorFieldCannotHaveADefault() {
        refused(ErrorCode.ILLEGAL_SCHEMA, "does not support default value", int64Key("id"),
                withDefault(vector("vec", 2), "x"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -5, 65_536})
    void varcharMaxLengthMustBeOneTo65535(int maxLength) {
        refused(ErrorCode.PARAMETER_INVALID, "should be in (0, 65535], but got " + maxLength, int64Key("id"),
                vector("vec", 2), varchar("title", maxLength));
        refused(ErrorCode.PARAMETER_INVALID, "maximum length", varcharKey("id", maxLength), vector("vec", 2));
    }

    @Test
    void varcharMaxLengthBoundsAreAccepted() {
        fx.create("c", schema(varcharKey("id", 65_535), vector("vec", 2), varchar("t", 1)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 4_097})
    void arrayCapacityMustBeOneTo4096(int capacity) {
        refused(ErrorCode.PARAMETER_INVALID, "maximum capacity specified for a Array", int64Key("id"),
                vector("vec", 2), array("tags", DataType.INT64, capacity, 0));
    }

    @Test
    void arrayElementsMustBeScalarAndVarcharElementsNeedAMaxLength() {
        fx.create("ok", schema(int64Key("id"), vector("vec", 2), array("a", DataType.INT64, 4_096, 0),
                array("b", DataType.VARCHAR, 1, 10)));
        for (DataType element : new DataType[] {DataType.JSON, DataType.ARRAY, DataType.FLOAT_VECTOR, null}) {
            refusedWithAnother(ErrorCode.ILLEGAL_SCHEMA, "is not supported for array field", int64Key("id"),
                    vector("vec", 2), array("a", element, 4, 0));
        }
        refusedWithAnother(ErrorCode.PARAMETER_INVALID, "maximum length", int64Key("id"), vector("vec", 2),
                array("a", DataType.VARCHAR, 4, 0));
    }

    @Test
    void duplicateFieldNamesAreRefused() {
        refused(ErrorCode.PARAMETER_INVALID, "duplicated field name age", int64Key("id"), vector("vec", 2),
                field("age", DataType.INT32), field("age", DataType.INT64));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1a", "a-b", "a b", "$meta", "é"})
    void badFieldNamesAreRefused(String name) {
        refused(ErrorCode.PARAMETER_INVALID, "field", int64Key("id"), vector("vec", 2), field(name,
                DataType.INT64));
    }

    @Test
    void defaultValuesOfTheFieldsTypeAreAccepted() {
        Collection c = fx.create("c", schema(int64Key("id"), vector("vec", 2),
                withDefault(field("b", DataType.BOOL), true),
                withDefault(field("i8", DataType.INT8), -128L),
                withDefault(field("i32", DataType.INT32), 7),
                withDefault(field("f", DataType.FLOAT), 1.5f),
                withDefault(field("d", DataType.DOUBLE), 2.5),
                withDefault(varchar("s", 3), "abc")));
        assertThat(c.schema().fields()).extracting(FieldSchema::defaultValue)
                .containsExactly(null, null, true, -128L, 7L, 1.5, 2.5, "abc");
    }

    @Test
    void defaultValuesOfAnotherTypeOrOutOfRangeAreRefused() {
        List<FieldSchema> bad = List.of(
                withDefault(field("b", DataType.BOOL), 1L),
                withDefault(field("i8", DataType.INT8), 128L),
                withDefault(field("i16", DataType.INT16), -32_769L),
                withDefault(field("i32", DataType.INT32), 1L << 31),
                withDefault(field("i64", DataType.INT64), "1"),
                withDefault(field("f", DataType.FLOAT), "x"),
                withDefault(field("d", DataType.DOUBLE), true),
                withDefault(varchar("s", 3), "abcd"),
                withDefault(varchar("u", 3), "éé"),
                withDefault(varchar("t", 3), 5L),
                withDefault(field("j", DataType.JSON), "{}"),
                withDefault(array("a", DataType.INT64, 3, 0), 1L));
        for (FieldSchema field : bad) {
            failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.create("c", schema(int64Key("id"), vector("vec", 2),
                    field))).as(field.name()).hasMessageContaining(field.name());
        }
        assertThat(fx.catalog.listCollections("default")).isEmpty();
    }
}
