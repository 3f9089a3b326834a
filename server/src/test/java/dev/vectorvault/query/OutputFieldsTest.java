package dev.vectorvault.query;

import static dev.vectorvault.catalog.TestSchemas.dynamicSchema;
import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.catalog.CollectionSchema;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class OutputFieldsTest {
    /** id, vec, age, then $meta when dynamic. */
    private static CollectionSchema complete(boolean dynamic) {
        List<FieldSchema> fields = new ArrayList<>(List.of(int64Key("id").withId(100), vector("vec", 2).withId(101),
                field("age", DataType.INT32).withId(102)));
        if (dynamic) {
            fields.add(new FieldSchema(103, "$meta", "", DataType.JSON, false, false, 0, 0, null, 0, false, null, true,
                    false));
        }
        return new CollectionSchema("", fields, dynamic);
    }

    private static List<String> fieldNames(OutputFields out) {
        return out.fields().stream().map(FieldSchema::name).toList();
    }

    @Test
    void nothingRequestedGivesThePrimaryKeyOrNothing() {
        OutputFields query = OutputFields.resolve(complete(true), List.of(), true);
        assertThat(fieldNames(query)).containsExactly("id");
        assertThat(query.names()).containsExactly("id");
        assertThat(query.dynamicKeys()).isEmpty();
        assertThat(fieldNames(OutputFields.resolve(complete(true), List.of(), false))).isEmpty();
    }

    @Test
    void starMeansEveryFieldVectorsAndDynamicIncluded() {
        OutputFields out = OutputFields.resolve(complete(true), List.of("*"), false);
        assertThat(fieldNames(out)).containsExactly("id", "vec", "age", "$meta");
        assertThat(out.names()).containsExactly("id", "vec", "age", "$meta");
        assertThat(out.dynamicKeys()).as("all dynamic keys").isNull();
        assertThat(fieldNames(OutputFields.resolve(complete(false), List.of("*"), true)))
                .containsExactly("id", "vec", "age");
    }

    @Test
    void schemaFieldsComeInSchemaOrderWhateverTheRequestOrder() {
        OutputFields out = OutputFields.resolve(complete(false), List.of("age", " vec ", ""), true);
        assertThat(fieldNames(out)).containsExactly("id", "vec", "age");
        assertThat(out.names()).containsExactly("id", "vec", "age");
    }

    @Test
    void otherNamesAreDynamicKeysWhenTheDynamicFieldExists() {
        OutputFields out = OutputFields.resolve(complete(true), List.of("color", "age", "size"), false);
        assertThat(fieldNames(out)).containsExactly("age", "$meta");
        assertThat(out.names()).containsExactly("age", "color", "size");
        assertThat(out.dynamicKeys()).containsExactly("color", "size");
    }

    @Test
    void metaMeansTheWholeDynamicField() {
        OutputFields out = OutputFields.resolve(complete(true), List.of("$meta", "color"), false);
        assertThat(fieldNames(out)).containsExactly("$meta");
        assertThat(out.names()).containsExactly("$meta", "color");
        assertThat(out.dynamicKeys()).isNull();
    }

    @Test
    void unknownNamesWithoutDynamicFieldAreFieldNotFound() {
        assertThatThrownBy(() -> OutputFields.resolve(complete(false), List.of("color"), true))
                .isInstanceOf(MilvusException.class)
                .hasMessageContaining("field color not exist")
                .satisfies(e -> assertThat(((MilvusException) e).errorCode()).isEqualTo(ErrorCode.FIELD_NOT_FOUND));
    }

    @Test
    void worksOnACatalogCompletedSchema() {
        CollectionSchema given = dynamicSchema(int64Key("id"), vector("vec", 2));
        assertThat(given.dynamicField()).isEmpty();
        OutputFields out = OutputFields.resolve(schema(int64Key("id"), vector("vec", 2)), List.of("vec"), true);
        assertThat(fieldNames(out)).containsExactly("id", "vec");
    }
}
