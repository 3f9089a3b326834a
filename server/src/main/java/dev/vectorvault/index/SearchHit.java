package dev.vectorvault.index;

/**
 * One search result: the ordinal of a stored vector and its score under the index's {@link MetricType}.
 *
 * @param ordinal position of the vector in its {@link VectorColumn}, never negative
 * @param score   distance or similarity, in the metric's own units and direction
 */
public record SearchHit(int ordinal, float score) {
    public SearchHit {
        if (ordinal < 0) {
            throw new IllegalArgumentException("ordinal must not be negative: " + ordinal);
        }
    }
}
