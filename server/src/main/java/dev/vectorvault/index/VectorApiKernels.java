package dev.vectorvault.index;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD bodies of {@link DistanceKernels}, on the incubating Vector API. They live apart from the dispatching class
 * because merely verifying a class that mentions {@code FloatVector} fails when the JVM was started without
 * {@code --add-modules jdk.incubator.vector}; isolated here, such a JVM only loses speed, not search.
 *
 * <p>Four independent accumulators hide the FMA latency (4 cycles on current x86) behind its throughput (2 per cycle);
 * one accumulator would leave the core mostly idle. The remainder below one full vector is finished with scalar code:
 * masked loads are slow on Java 17, and the tail is at most {@code lanes - 1} elements.
 *
 * <p>The remainder lives in a method of its own to keep each kernel's bytecode under C2's {@code FreqInlineSize}
 * (325 bytes): at 363 bytes the L2 kernel was "hot method too big" and every scored vector paid a call; small
 * enough, it is inlined into the scan loops of FLAT, HNSW and IVF.
 */
final class VectorApiKernels {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final int UNROLLED = 4 * LANES;

    private VectorApiKernels() {}

    static int lanes() {
        return LANES;
    }

    static float dot(float[] a, int aOffset, float[] b, int bOffset, int dim) {
        if (dim < UNROLLED) {
            return dotTail(a, aOffset, b, bOffset, 0, dim);
        }
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        FloatVector acc2 = FloatVector.zero(SPECIES);
        FloatVector acc3 = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = dim - dim % UNROLLED; i < bound; i += UNROLLED) {
            acc0 = load(a, aOffset + i).fma(load(b, bOffset + i), acc0);
            acc1 = load(a, aOffset + i + LANES).fma(load(b, bOffset + i + LANES), acc1);
            acc2 = load(a, aOffset + i + 2 * LANES).fma(load(b, bOffset + i + 2 * LANES), acc2);
            acc3 = load(a, aOffset + i + 3 * LANES).fma(load(b, bOffset + i + 3 * LANES), acc3);
        }
        float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        return i == dim ? sum : sum + dotTail(a, aOffset, b, bOffset, i, dim);
    }

    /** Components {@code [from, dim)}: whole vectors one at a time, then scalars. */
    private static float dotTail(float[] a, int aOffset, float[] b, int bOffset, int from, int dim) {
        int i = from;
        float sum = 0f;
        if (dim - i >= LANES) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int bound = i + SPECIES.loopBound(dim - i); i < bound; i += LANES) {
                acc = load(a, aOffset + i).fma(load(b, bOffset + i), acc);
            }
            sum = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < dim; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    static float squaredL2(float[] a, int aOffset, float[] b, int bOffset, int dim) {
        if (dim < UNROLLED) {
            return squaredL2Tail(a, aOffset, b, bOffset, 0, dim);
        }
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        FloatVector acc2 = FloatVector.zero(SPECIES);
        FloatVector acc3 = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = dim - dim % UNROLLED; i < bound; i += UNROLLED) {
            FloatVector d0 = load(a, aOffset + i).sub(load(b, bOffset + i));
            FloatVector d1 = load(a, aOffset + i + LANES).sub(load(b, bOffset + i + LANES));
            FloatVector d2 = load(a, aOffset + i + 2 * LANES).sub(load(b, bOffset + i + 2 * LANES));
            FloatVector d3 = load(a, aOffset + i + 3 * LANES).sub(load(b, bOffset + i + 3 * LANES));
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
            acc2 = d2.fma(d2, acc2);
            acc3 = d3.fma(d3, acc3);
        }
        float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        return i == dim ? sum : sum + squaredL2Tail(a, aOffset, b, bOffset, i, dim);
    }

    /** Components {@code [from, dim)}: whole vectors one at a time, then scalars. */
    private static float squaredL2Tail(float[] a, int aOffset, float[] b, int bOffset, int from, int dim) {
        int i = from;
        float sum = 0f;
        if (dim - i >= LANES) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int bound = i + SPECIES.loopBound(dim - i); i < bound; i += LANES) {
                FloatVector d = load(a, aOffset + i).sub(load(b, bOffset + i));
                acc = d.fma(d, acc);
            }
            sum = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < dim; i++) {
            float d = a[aOffset + i] - b[bOffset + i];
            sum += d * d;
        }
        return sum;
    }

    /**
     * The smallest squared distance's centroid ({@link PqSubspace}): {@code dim} components of {@code x} against
     * {@code stride} centroids stored component-major, a vector's width of centroids at a time; {@code distances}
     * ({@code stride} floats) keeps them for the second pass that finds the first lane holding the minimum. Product
     * then add, no FMA: the same rounding as the scalar loop. 0 when no distance is a number (NaN input).
     */
    static int nearestByComponent(float[] x, int xOffset, int dim, float[] byComponent, int stride,
            float[] distances) {
        FloatVector min = FloatVector.broadcast(SPECIES, Float.POSITIVE_INFINITY);
        for (int k = 0; k < stride; k += LANES) {
            FloatVector sum = FloatVector.zero(SPECIES);
            for (int d = 0; d < dim; d++) {
                FloatVector diff = FloatVector.broadcast(SPECIES, x[xOffset + d])
                        .sub(load(byComponent, d * stride + k));
                sum = sum.add(diff.mul(diff));
            }
            sum.intoArray(distances, k);
            min = min.min(sum);
        }
        float best = min.reduceLanes(VectorOperators.MIN);
        for (int k = 0; k < stride; k += LANES) {
            VectorMask<Float> at = load(distances, k).eq(best);
            if (at.anyTrue()) {
                return k + at.firstTrue();
            }
        }
        return 0;
    }

    private static FloatVector load(float[] array, int offset) {
        return FloatVector.fromArray(SPECIES, array, offset);
    }
}
