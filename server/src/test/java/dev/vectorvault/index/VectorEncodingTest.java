package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The stored forms of Float16, BFloat16 and Int8 vectors against plain reference models: every binary16 value
 * converts exactly and back, float32 rounds to the nearest binary16 (ties to even) as a search over all binary16
 * values says, bfloat16 is the top half of a float32, and rows read back as the bytes written.
 */
class VectorEncodingTest {
    /** Every finite binary16 value in ascending order, by exact value: the reference for rounding. */
    private static final double[] FINITE_HALVES = finiteHalves();

    private static double[] finiteHalves() {
        double[] out = new double[0x7C00 * 2 - 1];
        int n = 0;
        for (int bits = 0x7BFF; bits > 0; bits--) { // negatives, most negative first
            out[n++] = -referenceHalf(bits);
        }
        for (int bits = 0; bits < 0x7C00; bits++) {
            out[n++] = referenceHalf(bits);
        }
        return out;
    }

    /** The value of a non-negative binary16 bit pattern from IEEE 754's definition, in double. */
    private static double referenceHalf(int bits) {
        int exponent = bits >> 10;
        int fraction = bits & 0x3FF;
        return exponent == 0 ? fraction * Math.pow(2, -24) : (1 + fraction / 1024.0) * Math.pow(2, exponent - 15);
    }

    @Test
    void everyBinary16ValueConvertsExactlyToFloatAndBack() {
        for (int bits = 0; bits <= 0xFFFF; bits++) {
            short half = (short) bits;
            float value = VectorEncoding.halfToFloat(half);
            int exponent = (bits >> 10) & 0x1F;
            if (exponent == 0x1F && (bits & 0x3FF) != 0) {
                assertThat(value).isNaN();
                continue;
            }
            if (exponent != 0x1F) {
                double expected = referenceHalf(bits & 0x7FFF) * ((bits & 0x8000) != 0 ? -1 : 1);
                assertThat((double) value).as("half %04x", bits).isEqualTo(expected);
            }
            assertThat(VectorEncoding.floatToHalf(value)).as("half %04x back", bits).isEqualTo(half);
        }
    }

    @Test
    void float32RoundsToTheNearestBinary16WithTiesToEven() {
        Random random = TestSeeds.random("float32RoundsToTheNearestBinary16WithTiesToEven");
        for (int i = 0; i < 20_000; i++) {
            float x = switch (i % 4) {
                case 0 -> (float) (random.nextGaussian() * 100);
                case 1 -> (float) (random.nextGaussian() * 1e-5); // subnormal territory
                case 2 -> (random.nextFloat() * 2 - 1) * 70_000f; // around overflow
                default -> { // exact midpoints between neighbours: ties go to the even one
                    int at = random.nextInt(FINITE_HALVES.length - 1);
                    yield (float) ((FINITE_HALVES[at] + FINITE_HALVES[at + 1]) / 2);
                }
            };
            float actual = VectorEncoding.halfToFloat(VectorEncoding.floatToHalf(x));
            assertThat(actual).as(TestSeeds.describe("rounding " + x)).isEqualTo(referenceRound(x));
        }
    }

    /** Nearest finite binary16 by exact comparison (ties to the even pattern); beyond 65520 it is infinity. */
    private static float referenceRound(float x) {
        if (Math.abs(x) >= 65520f) {
            return x > 0 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
        }
        float chosen = nearest(x);
        return chosen == 0 ? Math.copySign(0f, x) : chosen;
    }

    private static float nearest(float x) {
        int at = Arrays.binarySearch(FINITE_HALVES, x);
        if (at >= 0) {
            return (float) FINITE_HALVES[at];
        }
        int above = -at - 1;
        if (above == 0 || above == FINITE_HALVES.length) { // between +-65504 and the overflow threshold
            return x > 0 ? 65504f : -65504f;
        }
        double low = FINITE_HALVES[above - 1];
        double high = FINITE_HALVES[above];
        int cmp = new BigDecimal(x).subtract(new BigDecimal(low))
                .compareTo(new BigDecimal(high).subtract(new BigDecimal(x)));
        if (cmp != 0) {
            return (float) (cmp < 0 ? low : high);
        }
        boolean lowEven = low == 0 || (VectorEncoding.floatToHalf((float) low) & 1) == 0;
        return (float) (lowEven ? low : high);
    }

    @ParameterizedTest
    @EnumSource(VectorEncoding.class)
    void rowsOfStoredValuesReadBackAsTheSameBytes(VectorEncoding encoding) {
        Random random = TestSeeds.random("rowsOfStoredValuesReadBackAsTheSameBytes" + encoding);
        for (int round = 0; round < 500; round++) {
            int dim = 1 + random.nextInt(40);
            byte[] row = new byte[dim * encoding.bytesPerComponent()];
            random.nextBytes(row);
            float[] decoded = encoding.decode(row);
            if (!allFinite(decoded)) {
                continue; // NaN payloads do not survive float arithmetic, and rows holding them are refused
            }
            assertThat(encoding.encode(decoded)).as(TestSeeds.describe(encoding + " round " + round))
                    .isEqualTo(row);
        }
    }

    private static boolean allFinite(float[] vector) {
        for (float v : vector) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void layoutsAreMilvussLittleEndianOnes() {
        float[] v = {1f, -2f};
        assertThat(VectorEncoding.FLOAT16.encode(v)).containsExactly(0x00, 0x3C, 0x00, 0xC0);
        assertThat(VectorEncoding.BFLOAT16.encode(v)).containsExactly(0x80, 0x3F, 0x00, 0xC0);
        assertThat(VectorEncoding.INT8.encode(new float[] {-128, 127, -1})).containsExactly(0x80, 0x7F, 0xFF);
        assertThat(VectorEncoding.FLOAT32.encode(v)).containsExactly(0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0);
        assertThat(VectorEncoding.INT8.decode(new byte[] {(byte) 0x80, 5})).containsExactly(-128f, 5f);
    }

    @Test
    void float32QueriesConvertAsMilvusConvertsThem() {
        assertThat(VectorEncoding.FLOAT16.fromFloat32(new float[] {0.1f, 0f, -65504f}))
                .containsExactly(VectorEncoding.halfToFloat(VectorEncoding.floatToHalf(0.1f)), 0f, -65504f);
        assertThatThrownBy(() -> VectorEncoding.FLOAT16.fromFloat32(new float[] {70_000f}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float16 range");
        assertThatThrownBy(() -> VectorEncoding.FLOAT16.fromFloat32(new float[] {1e-6f}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float16 range");
        float x = Float.intBitsToFloat(0x3F80_FFFF); // just below 1.0079; truncation keeps 1.0
        assertThat(VectorEncoding.BFLOAT16.fromFloat32(new float[] {x})).containsExactly(1f);
        assertThatThrownBy(() -> VectorEncoding.BFLOAT16.fromFloat32(new float[] {Float.NaN}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
