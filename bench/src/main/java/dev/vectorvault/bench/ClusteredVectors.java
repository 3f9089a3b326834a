package dev.vectorvault.bench;

import java.util.SplittableRandom;

/**
 * Seeded synthetic vectors that look more like embeddings than uniform noise does: a mixture of isotropic Gaussian
 * clusters with uneven sizes and uneven spreads.
 *
 * <p>The generator, fully determined by {@code (clusters, dim, seed)}:
 * <ul>
 *   <li>cluster centres: every component drawn from N(0, 1), so two centres lie about {@code sqrt(2 * dim)} apart
 *       (16 at d = 128);</li>
 *   <li>per-cluster spread sigma_c drawn uniformly from [0.10, 0.35]: a point lies about
 *       {@code sigma_c * sqrt(dim)} (1.1 to 4.0 at d = 128) from its centre, so clusters are tight, loose or in
 *       between, and never overlap much;</li>
 *   <li>cluster weights drawn uniformly from [0.5, 1.5] and normalised: the biggest cluster holds up to three times
 *       as many points as the smallest;</li>
 *   <li>a point: pick a cluster by weight, then {@code centre + sigma_c * N(0, I)}.</li>
 * </ul>
 * Uniform noise would be the wrong test data: in 128 dimensions all its pairwise distances are nearly equal, so top-k
 * is almost arbitrary, whereas here a query's neighbours come from its own cluster, as with real embeddings. Stored
 * vectors and queries come from two independent streams of the same mixture ({@link #points} with different stream
 * numbers), so queries are not copies of stored vectors.
 */
final class ClusteredVectors {
    static final double MIN_SPREAD = 0.10;
    static final double MAX_SPREAD = 0.35;

    private final int dim;
    private final long seed;
    private final float[][] centres;
    private final double[] spreads;
    /** Cumulative weights, the last one 1.0: cluster c is picked for a uniform u when {@code u < cumulative[c]}. */
    private final double[] cumulative;

    ClusteredVectors(int clusters, int dim, long seed) {
        this.dim = dim;
        this.seed = seed;
        SplittableRandom random = new SplittableRandom(seed);
        centres = new float[clusters][dim];
        spreads = new double[clusters];
        cumulative = new double[clusters];
        double total = 0;
        for (int c = 0; c < clusters; c++) {
            for (int d = 0; d < dim; d++) {
                centres[c][d] = (float) random.nextGaussian();
            }
            spreads[c] = MIN_SPREAD + (MAX_SPREAD - MIN_SPREAD) * random.nextDouble();
            total += 0.5 + random.nextDouble();
            cumulative[c] = total;
        }
        for (int c = 0; c < clusters; c++) {
            cumulative[c] /= total;
        }
        cumulative[clusters - 1] = 1.0;
    }

    /** {@code count} points of stream {@code stream} (0: stored vectors, 1: queries); same call, same points. */
    float[][] points(int count, int stream) {
        SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (stream + 1)));
        float[][] out = new float[count][];
        for (int i = 0; i < count; i++) {
            out[i] = point(random);
        }
        return out;
    }

    int clusters() {
        return centres.length;
    }

    private float[] point(SplittableRandom random) {
        int cluster = pick(random.nextDouble());
        float[] centre = centres[cluster];
        double spread = spreads[cluster];
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
            v[d] = (float) (centre[d] + spread * random.nextGaussian());
        }
        return v;
    }

    private int pick(double u) {
        int low = 0;
        int high = cumulative.length - 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (u < cumulative[mid]) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }
}
