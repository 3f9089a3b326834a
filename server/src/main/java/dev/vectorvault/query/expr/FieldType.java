package dev.vectorvault.query.expr;

import java.util.Objects;

/**
 * The static type of a field as the filter sees it.
 *
 * @param type the kind of value
 * @param elementType the element kind for {@link ValueType#ARRAY}, and {@code null} for every other kind
 * @param nullable whether rows may hold null for this field
 */
public record FieldType(ValueType type, ValueType elementType, boolean nullable) {
    public FieldType {
        Objects.requireNonNull(type, "type");
        if ((type == ValueType.ARRAY) != (elementType != null)) {
            throw new IllegalArgumentException("an element type is required for ARRAY and only for ARRAY, got "
                    + type + " of " + elementType);
        }
    }

    /** A non-nullable scalar, JSON or vector field. */
    public static FieldType of(ValueType type) {
        return new FieldType(type, null, false);
    }

    /** A nullable scalar or JSON field. */
    public static FieldType nullable(ValueType type) {
        return new FieldType(type, null, true);
    }

    /** A non-nullable array field. */
    public static FieldType arrayOf(ValueType elementType) {
        return new FieldType(ValueType.ARRAY, elementType, false);
    }

    boolean is(ValueType kind) {
        return type == kind;
    }

    boolean isNumeric() {
        return type == ValueType.INT || type == ValueType.FLOAT;
    }

    /** Milvus's spelling, e.g. {@code VarChar} or {@code Array[Int64]}. */
    String milvusName() {
        return type == ValueType.ARRAY ? "Array[" + elementType.milvusName() + "]" : type.milvusName();
    }
}
