package dev.vectorvault.index;

/**
 * Build parameters of the sparse inverted indexes: the search algorithm ({@code inverted_index_algo}) and
 * {@code drop_ratio_build}, which Milvus 2.6's engine accepts in [0, 1) but no longer applies (deprecated): it is
 * validated and kept so the definition reads back, and changes nothing here either.
 */
public record SparseIndexParams(SparseAlgorithm algorithm, double dropRatioBuild) implements IndexParams {
    public SparseIndexParams {
        if (algorithm == null) {
            throw new IllegalArgumentException("algorithm is required");
        }
    }
}
