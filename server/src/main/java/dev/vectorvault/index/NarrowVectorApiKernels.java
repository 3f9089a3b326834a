package dev.vectorvault.index;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD bodies of {@link NarrowKernels}, apart for the reason {@link VectorApiKernels} gives. Each step loads one
 * float vector's worth of narrow components (half or a quarter of its width), widens them to float lanes and
 * accumulates as the float kernels do:
 * <ul>
 *   <li>bfloat16: sign-extend the shorts to ints and shift them into the top half, which is the float's bits;</li>
 *   <li>float16: normal values rebias the exponent by integer addition (shift the 15 magnitude bits into place and
 *       add {@code (127 - 15) << 23}); subnormal ones (exponent 0) are their 10-bit significand converted to float
 *       times 2^-24; a blend picks per lane, and the sign bit is ORed back. Measured 27 ns per 128-d dot product
 *       against 47 ns for the one-multiply conversion ({@code bits * 2^112}), which meets float subnormals and their
 *       microcode assists (docs/benchmarks.md). Valid for finite values only, which is all a column stores;</li>
 *   <li>int8: the bytes convert to float lanes directly.</li>
 * </ul>
 * Two accumulators rather than four keep each kernel small enough to be inlined into the scan loops (the widening
 * adds bytecode); the rest below two vectors is one vector at a time, then scalar.
 */
final class NarrowVectorApiKernels {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = FLOATS.length();
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());
    /** Shorts as many as float lanes; needs {@link #supported()}. */
    private static final VectorSpecies<Short> SHORTS = species(short.class, 16);
    /** Bytes as many as float lanes; needs {@link #supported()}. */
    private static final VectorSpecies<Byte> BYTES = species(byte.class, 8);
    private static final int FLOAT16_BIAS = (127 - 15) << 23;

    private NarrowVectorApiKernels() {}

    /** Whether there is a byte vector as many lanes long as a float vector (64 bits at least: 8 lanes). */
    static boolean supported() {
        return SHORTS != null && BYTES != null;
    }

    private static <E> VectorSpecies<E> species(Class<E> type, int bits) {
        try {
            return VectorSpecies.of(type, VectorShape.forBitSize(LANES * bits));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static FloatVector bfloat16(short[] array, int offset) {
        return widenShorts(array, offset).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    static FloatVector float16(short[] array, int offset) {
        IntVector bits = widenShorts(array, offset);
        IntVector magnitude = bits.and(0x7FFF);
        FloatVector normal = magnitude.lanewise(VectorOperators.LSHL, 13).add(FLOAT16_BIAS).reinterpretAsFloats();
        FloatVector subnormal = ((FloatVector) magnitude.convert(VectorOperators.I2F, 0)).mul(0x1p-24f);
        FloatVector unsigned = normal.blend(subnormal, magnitude.compare(VectorOperators.LT, 0x400).cast(FLOATS));
        return unsigned.reinterpretAsInts().or(bits.and(0x8000).lanewise(VectorOperators.LSHL, 16))
                .reinterpretAsFloats();
    }

    static FloatVector int8(byte[] array, int offset) {
        return (FloatVector) ByteVector.fromArray(BYTES, array, offset).convertShape(VectorOperators.B2F, FLOATS, 0);
    }

    private static IntVector widenShorts(short[] array, int offset) {
        return (IntVector) ShortVector.fromArray(SHORTS, array, offset).convertShape(VectorOperators.S2I, INTS, 0);
    }

    static float dotBfloat16(float[] a, int aOffset, short[] b, int bOffset, int dim) {
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        int i = 0;
        for (int bound = dim - dim % (2 * LANES); i < bound; i += 2 * LANES) {
            acc0 = load(a, aOffset + i).fma(bfloat16(b, bOffset + i), acc0);
            acc1 = load(a, aOffset + i + LANES).fma(bfloat16(b, bOffset + i + LANES), acc1);
        }
        for (; i <= dim - LANES; i += LANES) {
            acc0 = load(a, aOffset + i).fma(bfloat16(b, bOffset + i), acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        return i == dim ? sum : sum + NarrowKernels.dotBfloat16Scalar(a, aOffset + i, b, bOffset + i, dim - i);
    }

    static float squaredL2Bfloat16(float[] a, int aOffset, short[] b, int bOffset, int dim) {
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        int i = 0;
        for (int bound = dim - dim % (2 * LANES); i < bound; i += 2 * LANES) {
            FloatVector d0 = load(a, aOffset + i).sub(bfloat16(b, bOffset + i));
            FloatVector d1 = load(a, aOffset + i + LANES).sub(bfloat16(b, bOffset + i + LANES));
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
        }
        for (; i <= dim - LANES; i += LANES) {
            FloatVector d = load(a, aOffset + i).sub(bfloat16(b, bOffset + i));
            acc0 = d.fma(d, acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        return i == dim ? sum : sum + NarrowKernels.squaredL2Bfloat16Scalar(a, aOffset + i, b, bOffset + i, dim - i);
    }

    static float dotFloat16(float[] a, int aOffset, short[] b, int bOffset, int dim) {
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        int i = 0;
        for (int bound = dim - dim % (2 * LANES); i < bound; i += 2 * LANES) {
            acc0 = load(a, aOffset + i).fma(float16(b, bOffset + i), acc0);
            acc1 = load(a, aOffset + i + LANES).fma(float16(b, bOffset + i + LANES), acc1);
        }
        for (; i <= dim - LANES; i += LANES) {
            acc0 = load(a, aOffset + i).fma(float16(b, bOffset + i), acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        return i == dim ? sum : sum + NarrowKernels.dotFloat16Scalar(a, aOffset + i, b, bOffset + i, dim - i);
    }

    static float squaredL2Float16(float[] a, int aOffset, short[] b, int bOffset, int dim) {
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        int i = 0;
        for (int bound = dim - dim % (2 * LANES); i < bound; i += 2 * LANES) {
            FloatVector d0 = load(a, aOffset + i).sub(float16(b, bOffset + i));
            FloatVector d1 = load(a, aOffset + i + LANES).sub(float16(b, bOffset + i + LANES));
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
        }
        for (; i <= dim - LANES; i += LANES) {
            FloatVector d = load(a, aOffset + i).sub(float16(b, bOffset + i));
            acc0 = d.fma(d, acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        return i == dim ? sum : sum + NarrowKernels.squaredL2Float16Scalar(a, aOffset + i, b, bOffset + i, dim - i);
    }

    static float dotInt8(float[] a, int aOffset, byte[] b, int bOffset, int dim) {
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        int i = 0;
        for (int bound = dim - dim % (2 * LANES); i < bound; i += 2 * LANES) {
            acc0 = load(a, aOffset + i).fma(int8(b, bOffset + i), acc0);
            acc1 = load(a, aOffset + i + LANES).fma(int8(b, bOffset + i + LANES), acc1);
        }
        for (; i <= dim - LANES; i += LANES) {
            acc0 = load(a, aOffset + i).fma(int8(b, bOffset + i), acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        return i == dim ? sum : sum + NarrowKernels.dotInt8Scalar(a, aOffset + i, b, bOffset + i, dim - i);
    }

    static float squaredL2Int8(float[] a, int aOffset, byte[] b, int bOffset, int dim) {
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        int i = 0;
        for (int bound = dim - dim % (2 * LANES); i < bound; i += 2 * LANES) {
            FloatVector d0 = load(a, aOffset + i).sub(int8(b, bOffset + i));
            FloatVector d1 = load(a, aOffset + i + LANES).sub(int8(b, bOffset + i + LANES));
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
        }
        for (; i <= dim - LANES; i += LANES) {
            FloatVector d = load(a, aOffset + i).sub(int8(b, bOffset + i));
            acc0 = d.fma(d, acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        return i == dim ? sum : sum + NarrowKernels.squaredL2Int8Scalar(a, aOffset + i, b, bOffset + i, dim - i);
    }

    private static FloatVector load(float[] array, int offset) {
        return FloatVector.fromArray(FLOATS, array, offset);
    }
}
