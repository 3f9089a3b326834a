package dev.vectorvault.query.expr;

import java.util.BitSet;

/**
 * One segment's term index of a text field (token to rows, with positions), built with the field's analyzer, for
 * {@code text_match} and {@code phrase_match}. Rows are the segment's ordinals.
 */
public interface TextIndex {
    /** The rows whose value is null; the caller may change the set it gets. */
    BitSet nulls();

    /** The rows whose analyzed value holds {@code term}; the caller may change the set it gets. */
    BitSet rowsWith(String term);

    /** The positions of {@code term} in row {@code row}, ascending; empty when the row lacks it. */
    int[] positions(String term, int row);
}
