package dev.vectorvault.query.expr;

import java.util.Collection;
import java.util.Set;

/** A boolean node of a compiled filter. Implementations are immutable and safe to share between threads. */
interface Condition {
    Truth evaluate(Row row);

    /**
     * This condition's exact answer over one segment from its scalar indexes, or null when some part of it needs the
     * rows themselves (no index on a field it reads, an operator no index answers).
     */
    default Selection select(IndexedRows rows) {
        return null;
    }

    /**
     * A superset of the rows of one segment where this condition is TRUE, from the parts its indexes answer; null
     * when they narrow nothing. The rows in it must still be tested unless {@link #select} answered.
     */
    default java.util.BitSet candidates(IndexedRows rows) {
        Selection exact = select(rows);
        return exact == null ? null : exact.trueRows();
    }

    /**
     * Adds to {@code keys} the primary-key values this condition matches exactly and returns true, when the
     * condition is nothing but {@code pk == v} / {@code pk in [...]} (possibly OR-ed); returns false otherwise.
     */
    default boolean collectKeys(String primaryKey, Collection<Object> keys) {
        return false;
    }

    /**
     * The values {@code field} must hold for this condition to be TRUE ({@code field == v}, {@code field in [..]},
     * their AND and OR), or null when the condition does not pin the field. Lets a read skip the partitions no
     * such value hashes to.
     */
    default Set<Object> pinnedValues(String field) {
        return null;
    }

    /**
     * Milvus's partition key isolation rule: true when this condition pins {@code key} with {@code ==} through ANDs
     * only; false when it does not mention the key in a way the rule knows.
     *
     * @throws IsolationViolation naming what the rule does not allow on the key (OR, NOT, IN, another operator)
     */
    default boolean pinsIsolatedKey(String key) {
        return false;
    }

    /** A use of the partition key that isolation forbids; the message is Milvus's. */
    final class IsolationViolation extends RuntimeException {
        IsolationViolation(String what) {
            super("partition key isolation does not support " + what, null, false, false);
        }
    }
}
