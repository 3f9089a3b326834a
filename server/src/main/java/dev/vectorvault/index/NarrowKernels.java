package dev.vectorvault.index;

/**
 * Distance kernels between a float32 vector and stored components of a narrower {@link VectorEncoding}, widened to
 * float on the fly: bfloat16 and float16 from {@code short} bits, int8 from {@code byte}s. The arithmetic is float
 * throughout (the widened value is exact), so a narrow column scores as a float32 column holding the same decoded
 * values would, to within the summation-order rounding {@link DistanceKernels} describes.
 *
 * <p>As there, the unsuffixed methods take the Vector API when it is usable ({@link NarrowVectorApiKernels}) and the
 * {@code *Scalar} methods are the plain loops, the oracle and the fallback. The scalar float16 widening reads a
 * 65,536-entry table (256 KiB): measured 95 ns per 128-d dot product against 430 ns for the bit conversion on this
 * project's machine (docs/benchmarks.md). The SIMD path converts bits instead, because the Vector API of Java 17 has no
 * fast gather.
 *
 * <p>Stored float16 components are finite (a column refuses infinities on append); the SIMD widening relies on it.
 * Stateless and thread-safe.
 */
final class NarrowKernels {
    private static final boolean VECTOR_API =
            DistanceKernels.vectorApiEnabled() && NarrowVectorApiKernels.supported();
    /** Every binary16 bit pattern (as an unsigned index) to its float32 value. */
    private static final float[] HALF_TO_FLOAT = halfTable();

    private NarrowKernels() {}

    /** Whether the unsuffixed kernels take the Vector API (it needs at least 8 float lanes for the byte loads). */
    static boolean vectorApiEnabled() {
        return VECTOR_API;
    }

    static float dotBfloat16(float[] a, int aOffset, short[] b, int bOffset, int dim) {
        return VECTOR_API ? NarrowVectorApiKernels.dotBfloat16(a, aOffset, b, bOffset, dim)
                : dotBfloat16Scalar(a, aOffset, b, bOffset, dim);
    }

    static float squaredL2Bfloat16(float[] a, int aOffset, short[] b, int bOffset, int dim) {
        return VECTOR_API ? NarrowVectorApiKernels.squaredL2Bfloat16(a, aOffset, b, bOffset, dim)
                : squaredL2Bfloat16Scalar(a, aOffset, b, bOffset, dim);
    }

    static float dotFloat16(float[] a, int aOffset, short[] b, int bOffset, int dim) {
        return VECTOR_API ? NarrowVectorApiKernels.dotFloat16(a, aOffset, b, bOffset, dim)
                : dotFloat16Scalar(a, aOffset, b, bOffset, dim);
    }

    static float squaredL2Float16(float[] a, int aOffset, short[] b, int bOffset, int dim) {
        return VECTOR_API ? NarrowVectorApiKernels.squaredL2Float16(a, aOffset, b, bOffset, dim)
                : squaredL2Float16Scalar(a, aOffset, b, bOffset, dim);
    }

    static float dotInt8(float[] a, int aOffset, byte[] b, int bOffset, int dim) {
        return VECTOR_API ? NarrowVectorApiKernels.dotInt8(a, aOffset, b, bOffset, dim)
                : dotInt8Scalar(a, aOffset, b, bOffset, dim);
    }

    static float squaredL2Int8(float[] a, int aOffset, byte[] b, int bOffset, int dim) {
        return VECTOR_API ? NarrowVectorApiKernels.squaredL2Int8(a, aOffset, b, bOffset, dim)
                : squaredL2Int8Scalar(a, aOffset, b, bOffset, dim);
    }

    static float dotBfloat16Scalar(float[] a, int aOffset, short[] b, int bOffset, int dim) {
        float sum = 0f;
        for (int i = 0; i < dim; i++) {
            sum += a[aOffset + i] * Float.intBitsToFloat(b[bOffset + i] << 16);
        }
        return sum;
    }

    static float squaredL2Bfloat16Scalar(float[] a, int aOffset, short[] b, int bOffset, int dim) {
        float sum = 0f;
        for (int i = 0; i < dim; i++) {
            float d = a[aOffset + i] - Float.intBitsToFloat(b[bOffset + i] << 16);
            sum += d * d;
        }
        return sum;
    }

    static float dotFloat16Scalar(float[] a, int aOffset, short[] b, int bOffset, int dim) {
        float sum = 0f;
        for (int i = 0; i < dim; i++) {
            sum += a[aOffset + i] * HALF_TO_FLOAT[b[bOffset + i] & 0xFFFF];
        }
        return sum;
    }

    static float squaredL2Float16Scalar(float[] a, int aOffset, short[] b, int bOffset, int dim) {
        float sum = 0f;
        for (int i = 0; i < dim; i++) {
            float d = a[aOffset + i] - HALF_TO_FLOAT[b[bOffset + i] & 0xFFFF];
            sum += d * d;
        }
        return sum;
    }

    static float dotInt8Scalar(float[] a, int aOffset, byte[] b, int bOffset, int dim) {
        float sum = 0f;
        for (int i = 0; i < dim; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    static float squaredL2Int8Scalar(float[] a, int aOffset, byte[] b, int bOffset, int dim) {
        float sum = 0f;
        for (int i = 0; i < dim; i++) {
            float d = a[aOffset + i] - b[bOffset + i];
            sum += d * d;
        }
        return sum;
    }

    private static float[] halfTable() {
        float[] table = new float[1 << 16];
        for (int bits = 0; bits < table.length; bits++) {
            table[bits] = VectorEncoding.halfToFloat((short) bits);
        }
        return table;
    }
}
