package dev.vectorvault.query;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.MilvusException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The array operations of a partial upsert: which fields they apply to (checked as Milvus checks them, before
 * anything is read or written) and the merged value of one row. The result is a plain array value, so what reaches
 * the log is an ordinary full row, embedded or in a cluster alike.
 */
final class ArrayOperations {
    private ArrayOperations() {}

    /**
     * The fields that carry an append or remove, by name. Refused (code 1100): an operation without a field name, two
     * on one field, one on the primary key, on a field the collection lacks, on a field that is not an array, or on a
     * field the request sends no values for. REPLACE operations pass: they say what the upsert does anyway.
     */
    static Map<String, FieldOperation.Kind> resolve(Collection collection, ColumnBatch batch,
                                                    List<FieldOperation> operations) {
        Map<String, FieldOperation.Kind> byField = new HashMap<>();
        Set<String> named = new HashSet<>();
        for (FieldOperation operation : operations) {
            String name = operation.fieldName();
            if (name.isEmpty()) {
                throw MilvusException.invalidParameter("FieldPartialUpdateOp.field_name is required");
            }
            if (!named.add(name)) {
                throw MilvusException.invalidParameter("duplicate partial-update op for field \"" + name + "\"");
            }
            if (operation.kind() == FieldOperation.Kind.REPLACE) {
                continue;
            }
            FieldSchema field = collection.schema().field(name).filter(f -> !f.dynamic())
                    .orElseThrow(() -> MilvusException.invalidParameter("field \"" + name
                            + "\" not found in collection schema"));
            if (field.primaryKey()) {
                throw MilvusException.invalidParameter("field \"" + name
                        + "\" is the primary key and cannot carry a partial-update op");
            }
            if (field.dataType() != DataType.ARRAY) {
                throw MilvusException.invalidParameter("op " + operation.kind() + " requires Array field, but field \""
                        + name + "\" is " + field.dataType());
            }
            if (!batch.columns().containsKey(name)) {
                throw MilvusException.invalidParameter("partial-update op targets field \"" + name
                        + "\" not present in fields_data");
            }
            byField.put(name, operation.kind());
        }
        return byField;
    }

    /**
     * The value of an array field after {@code kind} applied {@code sent} (already checked against the field) to
     * {@code stored}. A null sent value changes nothing. A stored null, or a row that does not exist yet, counts as
     * the empty array: an append then stores the sent elements, a remove the empty array. An append that would
     * exceed the field's max_capacity is refused (code 1100).
     */
    static Object apply(FieldSchema field, FieldOperation.Kind kind, Object stored, Object sent, int row) {
        if (sent == null) {
            return stored;
        }
        List<?> base = stored == null ? List.of() : (List<?>) stored;
        List<?> elements = (List<?>) sent;
        return switch (kind) {
            case REPLACE -> sent;
            case ARRAY_APPEND -> {
                int length = base.size() + elements.size();
                if (length > field.maxCapacity()) {
                    throw MilvusException.invalidParameter("ARRAY_APPEND on field \"" + field.name() + "\" (row "
                            + (row + 1) + ") would hold " + length + " elements, exceeding max_capacity "
                            + field.maxCapacity());
                }
                List<Object> merged = new ArrayList<>(length);
                merged.addAll(base);
                merged.addAll(elements);
                yield merged;
            }
            case ARRAY_REMOVE -> {
                List<Object> kept = new ArrayList<>(base.size());
                for (Object element : base) {
                    if (elements.stream().noneMatch(removed -> same(field.elementType(), element, removed))) {
                        kept.add(element);
                    }
                }
                yield kept;
            }
        };
    }

    /**
     * Element equality as Milvus compares them: numbers by value in the element type's own precision (a FLOAT element
     * is held as a double here, compared as the float it was), IEEE style, so NaN matches nothing.
     */
    private static boolean same(DataType elementType, Object stored, Object removed) {
        if (stored instanceof Double a && removed instanceof Double b) {
            return elementType == DataType.FLOAT ? a.floatValue() == b.floatValue()
                    : a.doubleValue() == b.doubleValue();
        }
        return java.util.Objects.equals(stored, removed);
    }
}
