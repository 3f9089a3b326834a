package dev.vectorvault.index;

/**
 * Similarity metrics with Milvus's names and score semantics. Scores are reported exactly as Milvus reports them, so
 * the direction of "better" depends on the metric.
 */
public enum MetricType {
    /** Squared Euclidean distance (no square root, as in Milvus); smaller is better. */
    L2,
    /** Inner product; larger is better. Equals cosine only for unit-length vectors. */
    IP,
    /** Cosine similarity in [-1, 1]; larger is better. Defined as 0 when either vector is the zero vector. */
    COSINE;

    /** Whether a larger score means a closer match. */
    public boolean higherIsBetter() {
        return switch (this) {
            case L2 -> false;
            case IP, COSINE -> true;
        };
    }
}
