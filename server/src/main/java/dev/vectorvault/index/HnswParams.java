package dev.vectorvault.index;

/**
 * Build parameters of an {@link HnswIndex}, with Milvus's names and ranges.
 *
 * @param m              {@code M}: links per node on the upper layers; layer 0 keeps up to {@code 2 * M} (as in the
 *                       HNSW paper and hnswlib). Milvus accepts 2 to 2048
 * @param efConstruction {@code efConstruction}: the beam width while inserting; larger builds slower and a better
 *                       graph. Milvus accepts 1 to {@code Integer.MAX_VALUE}
 * @param seed           seeds the random layer of every node, so a single-threaded build is reproducible
 */
public record HnswParams(int m, int efConstruction, long seed) implements IndexParams {
    /** Ours, the common hnswlib / ann-benchmarks setting. */
    public static final int DEFAULT_M = 16;
    public static final int DEFAULT_EF_CONSTRUCTION = 200;
    public static final int MIN_M = 2;
    public static final int MAX_M = 2048;
    public static final int MIN_EF_CONSTRUCTION = 1;
    public static final int MAX_EF_CONSTRUCTION = Integer.MAX_VALUE;

    public HnswParams {
        if (m < MIN_M || m > MAX_M) {
            throw new IllegalArgumentException("M out of range: " + m + ", expected [" + MIN_M + ", " + MAX_M + "]");
        }
        if (efConstruction < MIN_EF_CONSTRUCTION) {
            throw new IllegalArgumentException("efConstruction out of range: " + efConstruction + ", expected ["
                    + MIN_EF_CONSTRUCTION + ", " + MAX_EF_CONSTRUCTION + "]");
        }
    }
}
