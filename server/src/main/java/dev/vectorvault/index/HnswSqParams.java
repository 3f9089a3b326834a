package dev.vectorvault.index;

/**
 * Build parameters of an {@link HnswSqIndex}, with Milvus's names.
 *
 * @param graph      {@code M}, {@code efConstruction} and the seed, as for HNSW
 * @param sqType     {@code sq_type}: only {@code SQ8} is built here ({@link HnswSqKind} refuses the others)
 * @param refine     {@code refine}: re-rank the graph's best candidates by exact float distance
 * @param refineType {@code refine_type}: only {@code FP32} (the segment's own float column, no extra copy)
 */
record HnswSqParams(HnswParams graph, String sqType, boolean refine, String refineType) implements IndexParams {
    static final String SQ8 = "SQ8";
    static final String FP32 = "FP32";

    HnswSqParams {
        if (!SQ8.equals(sqType) || !FP32.equals(refineType)) {
            throw new IllegalArgumentException("sq_type " + sqType + " with refine_type " + refineType
                    + " is not built here: SQ8 with FP32 only");
        }
    }
}
