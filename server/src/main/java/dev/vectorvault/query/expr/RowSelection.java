package dev.vectorvault.query.expr;

import java.util.BitSet;

/**
 * The rows of one segment a filter's indexes leave: exactly the matching rows when {@code exact}, else a superset of
 * them that the filter must still test row by row.
 */
public record RowSelection(BitSet rows, boolean exact) {}
