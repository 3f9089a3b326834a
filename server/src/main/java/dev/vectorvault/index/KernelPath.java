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

    float dotBfloat16(float[] a, int aOffset, short[] b, int bOffset, int dim) {
        return this == SCALAR ? NarrowKernels.dotBfloat16Scalar(a, aOffset, b, bOffset, dim)
                : NarrowKernels.dotBfloat16(a, aOffset, b, bOffset, dim);
    }

    float squaredL2Bfloat16(float[] a, int aOffset, short[] b, int bOffset, int dim) {
        return this == SCALAR ? NarrowKernels.squaredL2Bfloat16Scalar(a, aOffset, b, bOffset, dim)
                : NarrowKernels.squaredL2Bfloat16(a, aOffset, b, bOffset, dim);
    }

    float dotFloat16(float[] a, int aOffset, short[] b, int bOffset, int dim) {
        return this == SCALAR ? NarrowKernels.dotFloat16Scalar(a, aOffset, b, bOffset, dim)
                : NarrowKernels.dotFloat16(a, aOffset, b, bOffset, dim);
    }

    float squaredL2Float16(float[] a, int aOffset, short[] b, int bOffset, int dim) {
        return this == SCALAR ? NarrowKernels.squaredL2Float16Scalar(a, aOffset, b, bOffset, dim)
                : NarrowKernels.squaredL2Float16(a, aOffset, b, bOffset, dim);
    }

    float dotInt8(float[] a, int aOffset, byte[] b, int bOffset, int dim) {
        return this == SCALAR ? NarrowKernels.dotInt8Scalar(a, aOffset, b, bOffset, dim)
                : NarrowKernels.dotInt8(a, aOffset, b, bOffset, dim);
    }

    float squaredL2Int8(float[] a, int aOffset, byte[] b, int bOffset, int dim) {
        return this == SCALAR ? NarrowKernels.squaredL2Int8Scalar(a, aOffset, b, bOffset, dim)
                : NarrowKernels.squaredL2Int8(a, aOffset, b, bOffset, dim);
    }
}
