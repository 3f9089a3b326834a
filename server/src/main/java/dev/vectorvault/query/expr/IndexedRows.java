package dev.vectorvault.query.expr;

import java.util.BitSet;
import java.util.function.ToIntFunction;

/**
 * The scalar indexes of one stored segment, as a filter may use them: for each indexed field, which rows hold a value
 * in a run of the field's value order, and which rows are null. Rows are the segment's ordinals
 * {@code [0, rowCount())}. Implemented by the query layer over the index package (which this package does not see).
 */
public interface IndexedRows {
    int rowCount();

    /** The index of {@code field} in this segment, or null when the segment scans that field. */
    FieldIndex field(String field);

    /** The term index of text field {@code field} in this segment, or null when the segment scans it. */
    default TextIndex text(String field) {
        return null;
    }

    /** What an index's values are; a filter asks it only about constants of the same kind. */
    enum Keys { NONE, BOOL, NUMBER, STRING }

    /** One field's index in one segment. Its value order is the filters' order (numbers by value, strings by code point). */
    interface FieldIndex {
        Keys keys();

        /** Whether the index is over the elements of an array field rather than whole values. */
        boolean arrayElements();

        /** The rows whose value is null; the caller may change the set it gets. */
        BitSet nulls();

        /**
         * The rows holding a value (for an array field: an element) in a contiguous run of the value order;
         * {@code position} says of a value whether it lies below the run (negative), in it (0) or above (positive),
         * and is monotonic over the order. The caller may change the set it gets.
         */
        BitSet rowsWhere(ToIntFunction<Object> position);
    }
}
