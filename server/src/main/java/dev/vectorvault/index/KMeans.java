package dev.vectorvault.index;

import java.util.SplittableRandom;

/**
 * Lloyd's k-means for IVF centroids, trained on a seeded sample of at most {@link #SAMPLE_PER_CENTROID} vectors per
 * centroid (as FAISS does: more samples barely move the centroids). Centroids start at distinct sampled vectors; a
 * cluster that empties is re-seeded with a random sample vector so that no list is wasted. Means are taken in double.
 * For COSINE (vectors already unit length) centroids are normalised after each update (spherical k-means), so a
 * centroid's inner product with a query ranks lists the same way as the vectors in them.
 */
final class KMeans {
    static final int SAMPLE_PER_CENTROID = 64;
    static final int ITERATIONS = 10;

    private KMeans() {}

    /** {@code clusters} centroids ({@code clusters * dim} floats); {@code clusters} must not exceed the size. */
    static float[] train(PackedVectors vectors, int clusters, long seed, int threads) {
        int dim = vectors.dim;
        SplittableRandom random = new SplittableRandom(seed);
        int[] sample = sample(vectors.size, (int) Math.min(vectors.size, (long) clusters * SAMPLE_PER_CENTROID),
                random);
        float[] centroids = new float[clusters * dim];
        // The sample is a random permutation prefix, so its first `clusters` entries are distinct random vectors.
        for (int c = 0; c < clusters; c++) {
            System.arraycopy(vectors.data, sample[c] * dim, centroids, c * dim, dim);
        }
        int[] assignment = new int[sample.length];
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            float[] current = centroids;
            Parallel.forRange(threads, sample.length, (from, to) -> {
                for (int i = from; i < to; i++) {
                    assignment[i] = nearestL2(current, clusters, vectors.data, sample[i] * dim, dim);
                }
            });
            centroids = update(vectors, sample, assignment, clusters, random);
        }
        return centroids;
    }

    private static float[] update(PackedVectors vectors, int[] sample, int[] assignment, int clusters,
                                  SplittableRandom random) {
        int dim = vectors.dim;
        double[] sums = new double[clusters * dim];
        int[] counts = new int[clusters];
        for (int i = 0; i < sample.length; i++) {
            int c = assignment[i];
            counts[c]++;
            int offset = sample[i] * dim;
            for (int d = 0; d < dim; d++) {
                sums[c * dim + d] += vectors.data[offset + d];
            }
        }
        float[] centroids = new float[clusters * dim];
        for (int c = 0; c < clusters; c++) {
            if (counts[c] == 0) {
                System.arraycopy(vectors.data, sample[random.nextInt(sample.length)] * dim, centroids, c * dim, dim);
                continue;
            }
            for (int d = 0; d < dim; d++) {
                centroids[c * dim + d] = (float) (sums[c * dim + d] / counts[c]);
            }
            if (vectors.metric == MetricType.COSINE) {
                PackedVectors.scale(centroids, c * dim, dim, DistanceKernels.norm(centroids, c * dim, dim));
            }
        }
        return centroids;
    }

    /** The centroid nearest in Euclidean distance, used while training whatever the metric (as FAISS does). */
    static int nearestL2(float[] centroids, int clusters, float[] data, int offset, int dim) {
        int best = 0;
        float bestDistance = Float.POSITIVE_INFINITY;
        for (int c = 0; c < clusters; c++) {
            float distance = DistanceKernels.squaredL2(data, offset, centroids, c * dim, dim);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = c;
            }
        }
        return best;
    }

    /** {@code count} distinct ordinals below {@code size}, in random order (a partial Fisher-Yates shuffle). */
    private static int[] sample(int size, int count, SplittableRandom random) {
        int[] ordinals = new int[size];
        for (int i = 0; i < size; i++) {
            ordinals[i] = i;
        }
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(size - i);
            int swap = ordinals[i];
            ordinals[i] = ordinals[j];
            ordinals[j] = swap;
        }
        return java.util.Arrays.copyOf(ordinals, count);
    }
}
