package dev.vectorvault.query;

import dev.vectorvault.catalog.CollectionSchema;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.query.expr.FieldType;
import dev.vectorvault.query.expr.Schema;
import dev.vectorvault.query.expr.ValueType;
import java.util.Optional;

/** A collection schema as the filter-expression language sees it. */
final class ExpressionSchema implements Schema {
    private final CollectionSchema schema;

    ExpressionSchema(CollectionSchema schema) {
        this.schema = schema;
    }

    @Override
    public Optional<FieldType> field(String name) {
        return schema.field(name).map(f -> new FieldType(type(f.dataType()),
                f.dataType() == DataType.ARRAY ? type(f.elementType()) : null, f.nullable()));
    }

    @Override
    public Optional<String> dynamicField() {
        return schema.dynamicField().map(FieldSchema::name);
    }

    private static ValueType type(DataType type) {
        return switch (type) {
            case BOOL -> ValueType.BOOL;
            case INT8, INT16, INT32, INT64 -> ValueType.INT;
            case FLOAT, DOUBLE -> ValueType.FLOAT;
            case VARCHAR -> ValueType.STRING;
            case JSON -> ValueType.JSON;
            case ARRAY -> ValueType.ARRAY;
            case FLOAT_VECTOR, SPARSE_FLOAT_VECTOR, FLOAT16_VECTOR, BFLOAT16_VECTOR, INT8_VECTOR, BINARY_VECTOR ->
                    ValueType.VECTOR;
        };
    }
}
