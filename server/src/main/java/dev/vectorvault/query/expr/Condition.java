package dev.vectorvault.query.expr;

import java.util.Collection;

/** A boolean node of a compiled filter. Implementations are immutable and safe to share between threads. */
interface Condition {
    Truth evaluate(Row row);

    /**
     * Adds to {@code keys} the primary-key values this condition matches exactly and returns true, when the
     * condition is nothing but {@code pk == v} / {@code pk in [...]} (possibly OR-ed); returns false otherwise.
     */
    default boolean collectKeys(String primaryKey, Collection<Object> keys) {
        return false;
    }
}
