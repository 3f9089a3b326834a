package dev.vectorvault.index;

/**
 * A row's value for one query term, from the term's stored value (a term frequency) and the row's length (the sum of
 * its stored values): how a term-weighted search ({@link SparseColumn#searchTermWeighted}) scores, the score of a row
 * being the sum over shared terms of query weight × this value. BM25's document side is one.
 */
@FunctionalInterface
public interface TermScorer {
    float value(float stored, float rowLength);
}
