package dev.vectorvault.query;

import java.util.List;

/**
 * How a partial upsert applies the values sent for one field to the stored row (Milvus 2.6.17's
 * {@code FieldPartialUpdateOp}): replace them, append them to the stored array, or remove every occurrence of them
 * from it. A field without an operation is replaced. Immutable.
 */
public record FieldOperation(String fieldName, Kind kind) {
    public enum Kind {
        /** The sent value replaces the stored one: what a partial upsert does to every field anyway. */
        REPLACE,
        /** The sent elements are added after the stored ones, duplicates and order kept. */
        ARRAY_APPEND,
        /** Every stored element equal to one of the sent elements is removed; the others keep their order. */
        ARRAY_REMOVE
    }

    public FieldOperation {
        if (fieldName == null || kind == null) {
            throw new IllegalArgumentException("a field operation needs a field name and a kind");
        }
    }

    /**
     * Whether these operations make an upsert partial whatever its {@code partial_update} flag says: an array
     * operation needs the stored row, as in Milvus.
     */
    public static boolean needStoredRows(List<FieldOperation> operations) {
        return operations.stream().anyMatch(operation -> operation.kind() != Kind.REPLACE);
    }
}
