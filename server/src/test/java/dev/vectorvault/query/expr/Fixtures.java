package dev.vectorvault.query.expr;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The schema, rows and parse helpers the filter tests share. */
final class Fixtures {
    /** id (pk), age?, price, name, title?, active, a, b, c, meta? (JSON), tags (Array[VarChar]), scores? (Array[Int64]), embedding. */
    static final Schema SCHEMA = schema(null);
    /** {@link #SCHEMA} plus the dynamic field {@code $meta}. */
    static final Schema DYNAMIC = schema("$meta");

    private Fixtures() {
    }

    static Schema schema(String dynamicField) {
        Map<String, FieldType> fields = new HashMap<>();
        fields.put("id", FieldType.of(ValueType.INT));
        fields.put("age", FieldType.nullable(ValueType.INT));
        fields.put("price", FieldType.of(ValueType.FLOAT));
        fields.put("name", FieldType.of(ValueType.STRING));
        fields.put("title", FieldType.nullable(ValueType.STRING));
        fields.put("active", FieldType.of(ValueType.BOOL));
        fields.put("a", FieldType.of(ValueType.BOOL));
        fields.put("b", FieldType.of(ValueType.BOOL));
        fields.put("c", FieldType.of(ValueType.BOOL));
        fields.put("meta", FieldType.nullable(ValueType.JSON));
        fields.put("tags", FieldType.arrayOf(ValueType.STRING));
        fields.put("scores", new FieldType(ValueType.ARRAY, ValueType.INT, true));
        fields.put("embedding", FieldType.of(ValueType.VECTOR));
        if (dynamicField != null) {
            fields.put(dynamicField, FieldType.of(ValueType.JSON));
        }
        return schema(fields, dynamicField);
    }

    static Schema schema(Map<String, FieldType> fields, String dynamicField) {
        return new Schema() {
            @Override
            public Optional<FieldType> field(String name) {
                return Optional.ofNullable(fields.get(name));
            }

            @Override
            public Optional<String> dynamicField() {
                return Optional.ofNullable(dynamicField);
            }
        };
    }

    /** A row from alternating names and values; values may be null, absent names read as null too. */
    static Row row(Object... namesAndValues) {
        Map<String, Object> values = map(namesAndValues);
        return values::get;
    }

    /** An insertion-ordered map (a JSON object) from alternating keys and values, nulls allowed. */
    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            values.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return values;
    }

    /** A typical complete row. */
    static Row bob() {
        return row("id", 1L, "age", 30L, "price", 9.5, "name", "bob", "title", null, "active", true,
                "meta", map("city", "Oslo", "n", 2L, "nested", map("k", 5L), "list", List.of(10L, 20L)),
                "tags", List.of("red", "blue"), "scores", List.of(1L, 2L, 3L));
    }

    static FilterExpression parse(String text) {
        return FilterExpression.parse(text, SCHEMA, Map.of());
    }

    static boolean matches(String text, Row row) {
        return parse(text).test(row);
    }

    static boolean matchesDynamic(String text, Row row) {
        return FilterExpression.parse(text, DYNAMIC, Map.of()).test(row);
    }

    /** The exception parsing {@code text} against {@link #SCHEMA} throws; fails if it parses. */
    static ExpressionException rejection(String text) {
        try {
            parse(text);
        } catch (ExpressionException e) {
            return e;
        }
        throw new AssertionError("expected a parse error for: " + text);
    }
}
