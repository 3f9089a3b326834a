package dev.vectorvault.index;

/**
 * Which distance kernels a search uses: {@link #AUTO} takes the Vector API when it is usable
 * ({@link DistanceKernels}), {@link #SCALAR} always the plain loops, so tests and benchmarks can compare the two.
 * A plain branch rather than two subclasses, so the hot loop sees one monomorphic call.
 */
enum KernelPath {
    AUTO,
    SCALAR;

    float dot(float[] a, int aOffset, float[] b, int bOffset, int dim) {
        return this == SCALAR ? DistanceKernels.dotScalar(a, aOffset, b, bOffset, dim)
                : DistanceKernels.dot(a, aOffset, b, bOffset, dim);
    }

    float squaredL2(float[] a, int aOffset, float[] b, int bOffset, int dim) {
        return this == SCALAR ? DistanceKernels.squaredL2Scalar(a, aOffset, b, bOffset, dim)
                : DistanceKernels.squaredL2(a, aOffset, b, bOffset, dim);
    }
}
