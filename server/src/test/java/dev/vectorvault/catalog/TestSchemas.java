package dev.vectorvault.catalog;

import java.util.List;

/** Schemas and fields for tests, so each test spells out only what it is about. Shared with the query tests. */
public final class TestSchemas {
    private TestSchemas() {}

    public static FieldSchema field(String name, DataType type) {
        return new FieldSchema(0, name, "", type, false, false, 0, 0, null, 0, false, null, false, false);
    }

    public static FieldSchema int64Key(String name) {
        return primaryKey(field(name, DataType.INT64));
    }

    public static FieldSchema varcharKey(String name, int maxLength) {
        return primaryKey(varchar(name, maxLength));
    }

    public static FieldSchema autoIdKey(String name) {
        FieldSchema f = int64Key(name);
        return new FieldSchema(0, f.name(), "", f.dataType(), true, true, 0, 0, null, 0, false, null, false, false);
    }

    public static FieldSchema primaryKey(FieldSchema f) {
        return new FieldSchema(f.fieldId(), f.name(), f.description(), f.dataType(), true, f.autoId(), f.dim(),
                f.maxLength(), f.elementType(), f.maxCapacity(), f.nullable(), f.defaultValue(), f.dynamic(),
                f.partitionKey());
    }

    public static FieldSchema vector(String name, int dim) {
        return new FieldSchema(0, name, "", DataType.FLOAT_VECTOR, false, false, dim, 0, null, 0, false, null, false,
                false);
    }

    public static FieldSchema varchar(String name, int maxLength) {
        return new FieldSchema(0, name, "", DataType.VARCHAR, false, false, 0, maxLength, null, 0, false, null, false,
                false);
    }

    public static FieldSchema array(String name, DataType elementType, int maxCapacity, int maxLength) {
        return new FieldSchema(0, name, "", DataType.ARRAY, false, false, 0, maxLength, elementType, maxCapacity,
                false, null, false, false);
    }

    public static FieldSchema nullable(FieldSchema f) {
        return new FieldSchema(f.fieldId(), f.name(), f.description(), f.dataType(), f.primaryKey(), f.autoId(),
                f.dim(), f.maxLength(), f.elementType(), f.maxCapacity(), true, f.defaultValue(), f.dynamic(),
                f.partitionKey());
    }

    public static FieldSchema withDefault(FieldSchema f, Object defaultValue) {
        return new FieldSchema(f.fieldId(), f.name(), f.description(), f.dataType(), f.primaryKey(), f.autoId(),
                f.dim(), f.maxLength(), f.elementType(), f.maxCapacity(), f.nullable(), defaultValue, f.dynamic(),
                f.partitionKey());
    }

    public static CollectionSchema schema(FieldSchema... fields) {
        return new CollectionSchema("", List.of(fields), false);
    }

    public static CollectionSchema dynamicSchema(FieldSchema... fields) {
        return new CollectionSchema("", List.of(fields), true);
    }

    /** {@code id} INT64 key and {@code vec} FLOAT_VECTOR(4). */
    public static CollectionSchema simple() {
        return schema(int64Key("id"), vector("vec", 4));
    }
}
