package dev.vectorvault.index;

/**
 * Build parameters of an {@link IvfFlatIndex}, with Milvus's names and ranges.
 *
 * @param nlist number of clusters (inverted lists), 1 to 65536 as in Milvus; a column with fewer vectors gets one
 *              list per vector
 * @param seed  seeds the k-means sample and initial centroids, so a build is reproducible
 */
public record IvfParams(int nlist, long seed) implements IndexParams {
    /** Knowhere's default. */
    public static final int DEFAULT_NLIST = 128;
    public static final int MIN_NLIST = 1;
    public static final int MAX_NLIST = 65_536;

    public IvfParams {
        if (nlist < MIN_NLIST || nlist > MAX_NLIST) {
            throw new IllegalArgumentException("nlist out of range: " + nlist + ", expected [" + MIN_NLIST + ", "
                    + MAX_NLIST + "]");
        }
    }
}
