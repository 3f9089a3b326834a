package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class DistanceKernelsTest {
    private static final int MAX_DIM = 300;
    private static final int TRIALS_PER_DIM = 20;

    @Test
    void vectorApiIsActiveWhenTheModuleIsAdded() {
        // Surefire runs with --add-modules jdk.incubator.vector; without this the SIMD-vs-scalar checks below would
        // compare the scalar path with itself and prove nothing.
        assertThat(DistanceKernels.vectorApiEnabled()).isTrue();
        assertThat(VectorApiKernels.lanes()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void simdDotEqualsScalarDotForEveryDimensionUpTo300() {
        Random random = TestSeeds.random("simdDotEqualsScalarDotForEveryDimensionUpTo300");
        for (int dim = 1; dim <= MAX_DIM; dim++) {
            for (int trial = 0; trial < TRIALS_PER_DIM; trial++) {
                Slice a = Slice.random(random, dim);
                Slice b = Slice.random(random, dim);
                float simd = VectorApiKernels.dot(a.array, a.offset, b.array, b.offset, dim);
                float scalar = DistanceKernels.dotScalar(a.array, a.offset, b.array, b.offset, dim);
                double sumOfMagnitudes = 0;
                double exact = 0;
                for (int i = 0; i < dim; i++) {
                    double product = (double) a.array[a.offset + i] * b.array[b.offset + i];
                    sumOfMagnitudes += Math.abs(product);
                    exact += product;
                }
                // A dot product can cancel to ~0, so the error is bounded relative to sum |a_i b_i|, not the result:
                // each float summation order is within dim * ulp(1) of that, so two orders differ by at most twice.
                double tolerance = 2 * dim * Math.ulp(1f) * sumOfMagnitudes + Float.MIN_NORMAL;
                assertThat((double) simd).as(TestSeeds.describe("dot dim=" + dim)).isCloseTo(scalar, within(tolerance));
                assertThat((double) simd).as(TestSeeds.describe("dot dim=" + dim)).isCloseTo(exact, within(tolerance));
            }
        }
    }

    @Test
    void simdSquaredL2EqualsScalarForEveryDimensionUpTo300() {
        Random random = TestSeeds.random("simdSquaredL2EqualsScalarForEveryDimensionUpTo300");
        for (int dim = 1; dim <= MAX_DIM; dim++) {
            for (int trial = 0; trial < TRIALS_PER_DIM; trial++) {
                Slice a = Slice.random(random, dim);
                Slice b = Slice.random(random, dim);
                float simd = VectorApiKernels.squaredL2(a.array, a.offset, b.array, b.offset, dim);
                float scalar = DistanceKernels.squaredL2Scalar(a.array, a.offset, b.array, b.offset, dim);
                // All terms are non-negative, so a plain relative tolerance is sound here.
                double tolerance = 2 * dim * Math.ulp(1f) * Math.max(scalar, Float.MIN_NORMAL);
                assertThat((double) simd).as(TestSeeds.describe("L2 dim=" + dim)).isCloseTo(scalar, within(tolerance));
            }
        }
    }

    @Test
    void kernelsReadOnlyTheirSlice() {
        Random random = TestSeeds.random("kernelsReadOnlyTheirSlice");
        for (int dim = 1; dim <= 70; dim++) {
            float[] a = poisoned(random, dim, 5);
            float[] b = poisoned(random, dim, 9);
            assertThat(VectorApiKernels.dot(a, 5, b, 9, dim)).isFinite();
            assertThat(VectorApiKernels.squaredL2(a, 5, b, 9, dim)).isFinite();
            assertThat(DistanceKernels.norm(a, 5, dim)).isFinite();
        }
    }

    @Test
    void dispatchingKernelsAgreeWithTheVectorApiOnes() {
        float[] a = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
        float[] b = {19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
        assertThat(DistanceKernels.dot(a, 0, b, 0, a.length)).isEqualTo(VectorApiKernels.dot(a, 0, b, 0, a.length));
        assertThat(DistanceKernels.squaredL2(a, 0, b, 0, a.length))
                .isEqualTo(VectorApiKernels.squaredL2(a, 0, b, 0, a.length))
                .isEqualTo(DistanceKernels.squaredL2Scalar(a, 0, b, 0, a.length));
    }

    @Test
    void normIsAccumulatedInDoubleSoLargeVectorsStayFinite() {
        float[] large = {3e20f, 4e20f};
        assertThat(DistanceKernels.norm(large, 0, 2)).isCloseTo(5e20f, within(5e14f));
        assertThat(DistanceKernels.norm(new float[] {3, 4}, 0, 2)).isEqualTo(5f);
    }

    @Test
    void cosineWithAZeroNormIsZeroNotNaN() {
        assertThat(DistanceKernels.cosine(0f, 0f, 3f)).isZero();
        assertThat(DistanceKernels.cosine(0f, 3f, 0f)).isZero();
        assertThat(DistanceKernels.cosine(0f, 0f, 0f)).isZero();
    }

    @Test
    void cosineIsClampedToTheUnitInterval() {
        assertThat(DistanceKernels.cosine(1.0000002f, 1f, 1f)).isEqualTo(1f);
        assertThat(DistanceKernels.cosine(-1.0000002f, 1f, 1f)).isEqualTo(-1f);
        assertThat(DistanceKernels.cosine(3f, 1f, 5f)).isEqualTo(0.6f);
    }

    /** A slice at a random offset inside a larger array, as stored vectors are inside a chunk. */
    private record Slice(float[] array, int offset) {
        static Slice random(Random random, int dim) {
            int offset = random.nextInt(17);
            float[] array = new float[offset + dim + random.nextInt(17)];
            float scale = (float) Math.pow(10, random.nextInt(7) - 3);
            for (int i = 0; i < array.length; i++) {
                array[i] = (float) random.nextGaussian() * scale;
            }
            return new Slice(array, offset);
        }
    }

    private static float[] poisoned(Random random, int dim, int offset) {
        float[] array = new float[offset + dim + 40];
        Arrays.fill(array, Float.NaN);
        for (int i = 0; i < dim; i++) {
            array[offset + i] = (float) random.nextGaussian();
        }
        return array;
    }
}
