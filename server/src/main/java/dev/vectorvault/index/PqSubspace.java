package dev.vectorvault.index;

import java.util.Arrays;

/**
 * The centroids of one product-quantizer sub-space laid out component-major for the nearest-centroid search that
 * training and encoding repeat for every sub-vector: component {@code d} of centroid {@code k} at
 * {@code d * stride + k}. A sub-vector is 2 to 16 floats, shorter than one load of the row-major kernels, which then
 * paid a call and a scalar loop per centroid; here one SIMD lane holds one centroid, so a sub-vector is compared with
 * a vector's width of centroids per instruction ({@link VectorApiKernels#nearestByComponent}).
 *
 * <p>Each distance is summed component by component in order, product then add, from 0: the same floats as the scalar
 * row-major loop, so both paths (and the scalar fallback here) pick the same centroid; ties go to the smaller
 * centroid number. Slots past {@code ksub} (up to a multiple of the lane count) hold +infinity and never win.
 *
 * <p>Immutable; a search's scratch is the caller's ({@link #scratch}), so one instance serves any number of threads.
 */
final class PqSubspace {
    private final int ksub;
    private final int subDim;
    /** {@code ksub} rounded up to whole SIMD vectors when the Vector API is in use. */
    private final int stride;
    private final float[] byComponent;

    /** Centroids {@code [0, ksub)} of {@code subDim} floats each, row-major from {@code offset} in {@code centroids}. */
    PqSubspace(float[] centroids, int offset, int ksub, int subDim) {
        int lanes = DistanceKernels.vectorApiEnabled() ? VectorApiKernels.lanes() : 1;
        this.ksub = ksub;
        this.subDim = subDim;
        this.stride = (ksub + lanes - 1) / lanes * lanes;
        this.byComponent = new float[stride * subDim];
        Arrays.fill(byComponent, Float.POSITIVE_INFINITY);
        for (int k = 0; k < ksub; k++) {
            for (int d = 0; d < subDim; d++) {
                byComponent[d * stride + k] = centroids[offset + k * subDim + d];
            }
        }
    }

    /** Room for one search's distances. */
    float[] scratch() {
        return new float[stride];
    }

    /** The centroid nearest (squared L2) to {@code x[offset..offset+subDim)}; 0 if no distance is a number. */
    int nearest(float[] x, int offset, float[] scratch) {
        if (DistanceKernels.vectorApiEnabled()) {
            return VectorApiKernels.nearestByComponent(x, offset, subDim, byComponent, stride, scratch);
        }
        return nearestScalar(x, offset);
    }

    /** {@link #nearest} without the Vector API (a JVM without the incubator module), over the same layout. */
    int nearestScalar(float[] x, int offset) {
        int best = 0;
        float bestDistance = Float.POSITIVE_INFINITY;
        for (int k = 0; k < ksub; k++) {
            float distance = 0f;
            for (int d = 0; d < subDim; d++) {
                float diff = x[offset + d] - byComponent[d * stride + k];
                distance += diff * diff;
            }
            if (distance < bestDistance) {
                bestDistance = distance;
                best = k;
            }
        }
        return best;
    }
}
