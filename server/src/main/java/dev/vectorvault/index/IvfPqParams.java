package dev.vectorvault.index;

/**
 * Build parameters of an {@link IvfPqIndex}, with Milvus's names.
 *
 * @param lists {@code nlist} and the seed, as for IVF_FLAT
 * @param m     {@code m}: sub-quantizers per vector; the field's dimension must be a multiple of it (checked against
 *              the field by {@link IvfPqKind#checkDimension})
 * @param nbits {@code nbits}: bits per sub-quantizer code, so {@code 2^nbits} centroids per sub-space; Milvus takes
 *              [1, 24], this server builds [1, 8] (one byte per code) and refuses the rest
 */
record IvfPqParams(IvfParams lists, int m, int nbits) implements IndexParams {
    /** Knowhere's default. */
    static final int DEFAULT_NBITS = 8;
    static final int MAX_M = 65_536;
    /** Milvus's (FAISS's) upper bound for {@code nbits}. */
    static final int MILVUS_MAX_NBITS = 24;
    /** The most this server builds: a code is one byte. */
    static final int MAX_NBITS = 8;

    IvfPqParams {
        if (m < 1 || m > MAX_M || nbits < 1 || nbits > MAX_NBITS) {
            throw new IllegalArgumentException("m " + m + " or nbits " + nbits + " out of range");
        }
    }
}
