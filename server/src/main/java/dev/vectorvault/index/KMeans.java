package dev.vectorvault.index;

import java.util.SplittableRandom;

/**
 * Lloyd's k-means for IVF centroids, trained on a seeded sample of at most {@link #SAMPLE_PER_CENTROID} vectors per
 * centroid (as FAISS does: more samples barely move the centroids). Centroids start at distinct sampled vectors; a
 * cluster that empties is re-seeded with a random sample vector so that no list is wasted. Means are taken in double.
 * The sample is copied out of the column in the form the metric compares ({@link MetricType#prepareStored}: unit
 * length for COSINE), so training is spherical k-means for COSINE: centroids are normalised after each update, and a
 * centroid's inner product with a query ranks lists the same way as the vectors in them. The copy is the sample only
 * (at most {@code clusters * SAMPLE_PER_CENTROID} vectors) and lives for the training alone.
 */
final class KMeans {
    static final int SAMPLE_PER_CENTROID = 64;
    static final int ITERATIONS = 10;

    private KMeans() {}

    /** {@code clusters} centroids ({@code clusters * dim} floats); {@code clusters} must not exceed the size. */
    static float[] train(VectorColumn.View vectors, MetricType metric, int clusters, long seed, int threads) {
        int dim = vectors.dim;
        SplittableRandom random = new SplittableRandom(seed);
        int[] sample = sample(vectors.size, (int) Math.min(vectors.size, (long) clusters * SAMPLE_PER_CENTROID),
                random);
        float[] data = new float[sample.length * dim];
        for (int i = 0; i < sample.length; i++) {
            vectors.decode(sample[i], data, i * dim);
            metric.prepareStored(data, i * dim, dim, vectors.norm(sample[i]));
        }
        // The sample is a random permutation prefix, so its first `clusters` entries are distinct random vectors.
        return lloyd(data, dim, metric, clusters, random, threads);
    }

    /**
     * Lloyd's iterations over vectors already in the form the metric compares, {@code data.length / dim} of them in
     * random order (the first {@code clusters} are the initial centroids), each assigned to its nearest centroid by
     * {@link #nearestL2}.
     */
    static float[] lloyd(float[] data, int dim, MetricType metric, int clusters, SplittableRandom random,
            int threads) {
        return lloyd(data, dim, metric, clusters, random, threads, (centroids, from, to, assignment) -> {
            for (int i = from; i < to; i++) {
                assignment[i] = nearestL2(centroids, clusters, data, i * dim, dim);
            }
        });
    }

    /**
     * Assigns rows {@code [from, to)} of one Lloyd iteration to their nearest of {@code centroids} (row-major, as
     * {@link #lloyd} keeps them), the same centroid the Euclidean scan would pick: IVF_PQ's sub-spaces search
     * their few short centroids another way ({@link PqSubspace}).
     */
    @FunctionalInterface
    interface Assignment {
        void assign(float[] centroids, int from, int to, int[] assignment);
    }

    /** {@link #lloyd} with its nearest-centroid search given. */
    static float[] lloyd(float[] data, int dim, MetricType metric, int clusters, SplittableRandom random, int threads,
            Assignment nearest) {
        int rows = data.length / dim;
        float[] centroids = new float[clusters * dim];
        System.arraycopy(data, 0, centroids, 0, clusters * dim);
        int[] assignment = new int[rows];
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            float[] current = centroids;
            Parallel.forRange(threads, rows, (from, to) -> nearest.assign(current, from, to, assignment));
            centroids = update(data, dim, metric, assignment, clusters, random);
        }
        return centroids;
    }

    private static float[] update(float[] data, int dim, MetricType metric, int[] assignment, int clusters,
                                  SplittableRandom random) {
        double[] sums = new double[clusters * dim];
        int[] counts = new int[clusters];
        for (int i = 0; i < assignment.length; i++) {
            int c = assignment[i];
            counts[c]++;
            int offset = i * dim;
            for (int d = 0; d < dim; d++) {
                sums[c * dim + d] += data[offset + d];
            }
        }
        float[] centroids = new float[clusters * dim];
        for (int c = 0; c < clusters; c++) {
            if (counts[c] == 0) {
                System.arraycopy(data, random.nextInt(assignment.length) * dim, centroids, c * dim, dim);
                continue;
            }
            for (int d = 0; d < dim; d++) {
                centroids[c * dim + d] = (float) (sums[c * dim + d] / counts[c]);
            }
            metric.prepareStored(centroids, c * dim, dim, DistanceKernels.norm(centroids, c * dim, dim));
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
    static int[] sample(int size, int count, SplittableRandom random) {
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
