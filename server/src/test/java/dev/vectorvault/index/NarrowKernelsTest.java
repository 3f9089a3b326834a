package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The widening kernels against a plain reference: every finite float16 and bfloat16 bit pattern and every int8
 * widens to its exact value on both paths (the reference computes the value from sign, exponent and significand in
 * double, independent of {@link VectorEncoding}), and random slices, with subnormals, signed zeros and the largest
 * float16 mixed in, score within float rounding of a double-precision sum. Prints its seed.
 */
@Timeout(120)
class NarrowKernelsTest {
    private static final int MAX_DIM = 200;
    private static final int TRIALS_PER_DIM = 8;
    /** Float16 patterns worth meeting often: +-0, the smallest and largest subnormal, the smallest normal, +-65504. */
    private static final short[] FLOAT16_SPECIALS = {0x0000, (short) 0x8000, 0x0001, (short) 0x8001, 0x03FF,
        0x0400, 0x7BFF, (short) 0xFBFF, 0x3C00};
    /** Bfloat16 patterns worth meeting often: +-0, the smallest and largest subnormal, the smallest normal, 1. */
    private static final short[] BFLOAT16_SPECIALS = {0x0000, (short) 0x8000, 0x0001, (short) 0x807F, 0x007F,
        0x0080, 0x3F80};

    @Test
    void theVectorApiPathIsTakenWhereAByteVectorSpansAFloatVector() {
        // Surefire adds jdk.incubator.vector; with at least 8 float lanes the SIMD checks below compare two paths.
        assertThat(NarrowKernels.vectorApiEnabled())
                .isEqualTo(DistanceKernels.vectorApiEnabled() && VectorApiKernels.lanes() >= 8);
    }

    /** The value of binary16 {@code bits}, from its fields, in double. */
    private static double float16Reference(int bits) {
        int exponent = (bits >>> 10) & 0x1F;
        int significand = bits & 0x3FF;
        double magnitude = exponent == 0 ? Math.scalb((double) significand, -24)
                : Math.scalb((double) (1024 + significand), exponent - 25);
        return (bits & 0x8000) != 0 ? -magnitude : magnitude;
    }

    /** The value of bfloat16 {@code bits}, from its fields, in double. */
    private static double bfloat16Reference(int bits) {
        int exponent = (bits >>> 7) & 0xFF;
        int significand = bits & 0x7F;
        double magnitude = exponent == 0 ? Math.scalb((double) significand, -133)
                : Math.scalb((double) (128 + significand), exponent - 134);
        return (bits & 0x8000) != 0 ? -magnitude : magnitude;
    }

    @Test
    void everyFiniteFloat16AndBfloat16PatternWidensExactlyOnBothPaths() {
        int dim = 2 * VectorApiKernels.lanes() + 3; // main loop, single vector and scalar tail all get a turn
        short[] data = new short[dim];
        float[] oneHot = new float[dim];
        for (int bits = 0; bits < 1 << 16; bits++) {
            int at = bits % dim;
            data[at] = (short) bits;
            oneHot[at] = 1f;
            if (((bits >>> 10) & 0x1F) != 0x1F) {
                double expected = float16Reference(bits);
                assertThat((double) VectorEncoding.halfToFloat((short) bits)).isEqualTo(expected);
                assertThat((double) NarrowKernels.dotFloat16(oneHot, 0, data, 0, dim)).as("float16 %04x", bits)
                        .isCloseTo(expected, within(0d));
                assertThat((double) NarrowKernels.dotFloat16Scalar(oneHot, 0, data, 0, dim)).as("float16 %04x", bits)
                        .isCloseTo(expected, within(0d));
                assertThat((double) NarrowKernels.squaredL2Float16(new float[dim], 0, data, 0, dim))
                        .as("float16 %04x squared", bits).isCloseTo((float) expected * (float) expected, within(0d));
            }
            if (((bits >>> 7) & 0xFF) != 0xFF) {
                double expected = bfloat16Reference(bits);
                assertThat((double) NarrowKernels.dotBfloat16(oneHot, 0, data, 0, dim)).as("bfloat16 %04x", bits)
                        .isCloseTo(expected, within(0d));
                assertThat((double) NarrowKernels.dotBfloat16Scalar(oneHot, 0, data, 0, dim))
                        .as("bfloat16 %04x", bits).isCloseTo(expected, within(0d));
            }
            data[at] = 0;
            oneHot[at] = 0f;
        }
    }

    @Test
    void everyInt8WidensExactlyOnBothPaths() {
        int dim = 2 * VectorApiKernels.lanes() + 3;
        byte[] data = new byte[dim];
        float[] ones = new float[dim];
        java.util.Arrays.fill(ones, 1f);
        for (int value = -128; value <= 127; value++) {
            java.util.Arrays.fill(data, (byte) value);
            assertThat(NarrowKernels.dotInt8(ones, 0, data, 0, dim)).isEqualTo((float) value * dim);
            assertThat(NarrowKernels.dotInt8Scalar(ones, 0, data, 0, dim)).isEqualTo((float) value * dim);
            assertThat(NarrowKernels.squaredL2Int8(new float[dim], 0, data, 0, dim))
                    .isEqualTo((float) value * value * dim);
        }
    }

    /** A slice of {@code dim} narrow components at a random offset, a tenth of them special values. */
    private record Narrow(VectorEncoding encoding, short[] halves, byte[] bytes, int offset, double[] values) {
        static Narrow random(Random random, VectorEncoding encoding, int dim) {
            int offset = random.nextInt(5);
            short[] halves = new short[offset + dim];
            byte[] bytes = new byte[offset + dim];
            double[] values = new double[dim];
            for (int i = 0; i < dim; i++) {
                int at = offset + i;
                switch (encoding) {
                    case FLOAT16 -> {
                        short bits = random.nextInt(10) == 0
                                ? FLOAT16_SPECIALS[random.nextInt(FLOAT16_SPECIALS.length)]
                                : (short) (random.nextInt(0x7C00) | (random.nextBoolean() ? 0x8000 : 0));
                        halves[at] = bits;
                        values[i] = float16Reference(bits & 0xFFFF);
                    }
                    case BFLOAT16 -> {
                        // Exponents within 2^+-20 keep every product and square finite in float.
                        short bits = random.nextInt(10) == 0
                                ? BFLOAT16_SPECIALS[random.nextInt(BFLOAT16_SPECIALS.length)]
                                : (short) ((107 + random.nextInt(41)) << 7 | random.nextInt(128)
                                        | (random.nextBoolean() ? 0x8000 : 0));
                        halves[at] = bits;
                        values[i] = bfloat16Reference(bits & 0xFFFF);
                    }
                    case INT8 -> {
                        bytes[at] = (byte) random.nextInt(256);
                        values[i] = bytes[at];
                    }
                    default -> throw new IllegalArgumentException(encoding.toString());
                }
            }
            return new Narrow(encoding, halves, bytes, offset, values);
        }

        float dot(float[] a, int aOffset, int dim, boolean scalar) {
            return switch (encoding) {
                case FLOAT16 -> scalar ? NarrowKernels.dotFloat16Scalar(a, aOffset, halves, offset, dim)
                        : NarrowKernels.dotFloat16(a, aOffset, halves, offset, dim);
                case BFLOAT16 -> scalar ? NarrowKernels.dotBfloat16Scalar(a, aOffset, halves, offset, dim)
                        : NarrowKernels.dotBfloat16(a, aOffset, halves, offset, dim);
                default -> scalar ? NarrowKernels.dotInt8Scalar(a, aOffset, bytes, offset, dim)
                        : NarrowKernels.dotInt8(a, aOffset, bytes, offset, dim);
            };
        }

        float squaredL2(float[] a, int aOffset, int dim, boolean scalar) {
            return switch (encoding) {
                case FLOAT16 -> scalar ? NarrowKernels.squaredL2Float16Scalar(a, aOffset, halves, offset, dim)
                        : NarrowKernels.squaredL2Float16(a, aOffset, halves, offset, dim);
                case BFLOAT16 -> scalar ? NarrowKernels.squaredL2Bfloat16Scalar(a, aOffset, halves, offset, dim)
                        : NarrowKernels.squaredL2Bfloat16(a, aOffset, halves, offset, dim);
                default -> scalar ? NarrowKernels.squaredL2Int8Scalar(a, aOffset, bytes, offset, dim)
                        : NarrowKernels.squaredL2Int8(a, aOffset, bytes, offset, dim);
            };
        }
    }

    @Test
    void randomSlicesScoreWithinFloatRoundingOfADoubleSumOnBothPaths() {
        Random random = TestSeeds.random("narrowKernelsRandomSlices");
        for (VectorEncoding encoding : new VectorEncoding[] {VectorEncoding.FLOAT16, VectorEncoding.BFLOAT16,
            VectorEncoding.INT8}) {
            for (int dim = 1; dim <= MAX_DIM; dim++) {
                for (int trial = 0; trial < TRIALS_PER_DIM; trial++) {
                    Narrow b = Narrow.random(random, encoding, dim);
                    int aOffset = random.nextInt(5);
                    float[] a = new float[aOffset + dim];
                    double scale = encoding == VectorEncoding.FLOAT16 ? 100 : encoding == VectorEncoding.INT8 ? 50 : 1;
                    for (int i = 0; i < dim; i++) {
                        a[aOffset + i] = (float) (random.nextGaussian() * scale);
                    }
                    double dot = 0;
                    double magnitudes = 0;
                    double l2 = 0;
                    for (int i = 0; i < dim; i++) {
                        double product = a[aOffset + i] * b.values[i];
                        dot += product;
                        magnitudes += Math.abs(product);
                        double d = a[aOffset + i] - b.values[i];
                        l2 += d * d;
                    }
                    // As DistanceKernelsTest: relative to sum |a_i b_i| for the dot product, which can cancel.
                    double dotTolerance = 2 * dim * Math.ulp(1f) * magnitudes + Float.MIN_NORMAL;
                    double l2Tolerance = 2 * (dim + 1) * Math.ulp(1f) * l2 + Float.MIN_NORMAL;
                    for (boolean scalar : new boolean[] {false, true}) {
                        String what = TestSeeds.describe(encoding + " dim=" + dim + (scalar ? " scalar" : " simd"));
                        assertThat((double) b.dot(a, aOffset, dim, scalar)).as(what).isCloseTo(dot,
                                within(dotTolerance));
                        assertThat((double) b.squaredL2(a, aOffset, dim, scalar)).as(what).isCloseTo(l2,
                                within(l2Tolerance));
                    }
                }
            }
        }
    }
}
