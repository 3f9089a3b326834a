package dev.vectorvault.query;

import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.index.SparseVector;
import java.util.List;

/** Checks one value against its field: type, integer range, string length, vector dimension, array capacity. */
final class ValueRules {
    private ValueRules() {}

    static Object check(FieldSchema field, Object value, int row) {
        return checkAs(field, field.dataType(), value, row);
    }

    private static Object checkAs(FieldSchema field, DataType type, Object value, int row) {
        switch (type) {
            case BOOL -> require(value instanceof Boolean, field, type, row);
            case INT8 -> range(field, value, row, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case INT16 -> range(field, value, row, Short.MIN_VALUE, Short.MAX_VALUE);
            case INT32 -> range(field, value, row, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case INT64 -> require(value instanceof Long, field, type, row);
            case FLOAT, DOUBLE -> require(value instanceof Double, field, type, row);
            case VARCHAR -> {
                require(value instanceof String, field, type, row);
                // Milvus counts max_length in UTF-8 bytes, not characters. A char is at most 3 bytes, so most
                // strings are short enough to need no encoding here (an insert's texts are encoded for the log).
                String text = (String) value;
                if (3L * text.length() > field.maxLength()) {
                    int length = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                    if (length > field.maxLength()) {
                        throw MilvusException.invalidParameter("the length (" + length + ") of " + (row + 1)
                                + "th VarChar " + field.name() + " exceeds max length (" + field.maxLength() + ")");
                    }
                }
            }
            case JSON -> { }
            case ARRAY -> {
                require(value instanceof List<?>, field, type, row);
                List<?> list = (List<?>) value;
                if (list.size() > field.maxCapacity()) {
                    throw MilvusException.invalidParameter("the number of elements (" + list.size()
                            + ") of array field " + field.name() + " exceeds max capacity (" + field.maxCapacity()
                            + ")");
                }
                for (Object element : list) {
                    checkAs(field, field.elementType(), element, row);
                }
            }
            case FLOAT_VECTOR, FLOAT16_VECTOR, BFLOAT16_VECTOR, INT8_VECTOR -> {
                require(value instanceof float[], field, type, row);
                int dim = ((float[]) value).length;
                if (dim != field.dim()) {
                    throw MilvusException.invalidParameter("the dim (" + dim + ") of field data(" + field.name()
                            + ") is not equal to schema dim (" + field.dim() + ")");
                }
                for (float component : (float[]) value) {
                    if (!Float.isFinite(component)) {
                        throw MilvusException.invalidParameter("float vector field " + field.name() + " (row "
                                + (row + 1) + ") holds " + component + ", which is not a number or infinity");
                    }
                }
            }
            case BINARY_VECTOR -> {
                require(value instanceof byte[], field, type, row);
                int bytes = ((byte[]) value).length;
                if (bytes * 8 != field.dim()) {
                    throw MilvusException.invalidParameter("the dim (" + bytes * 8 + ") of field data("
                            + field.name() + ") is not equal to schema dim (" + field.dim() + ")");
                }
            }
            // Checked when decoded from the wire (SparseVector.fromMilvusBytes): sorted, finite, non-negative.
            case SPARSE_FLOAT_VECTOR -> require(value instanceof SparseVector, field, type, row);
        }
        return value;
    }

    private static void range(FieldSchema field, Object value, int row, long min, long max) {
        require(value instanceof Long, field, DataType.INT64, row);
        long v = (Long) value;
        if (v < min || v > max) {
            throw MilvusException.invalidParameter("value " + v + " of field " + field.name() + " is out of range ["
                    + min + ", " + max + "]");
        }
    }

    private static void require(boolean ok, FieldSchema field, DataType type, int row) {
        if (!ok) {
            throw MilvusException.invalidParameter("field " + field.name() + " expects " + type + " values (row "
                    + (row + 1) + ")");
        }
    }
}
