package dev.vectorvault.bench.ann;

import dev.vectorvault.index.MetricType;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Seeded synthetic vectors shaped like embeddings rather than noise, after the recipe in the performance anchors
 * (section 3): a Gaussian mixture whose variance decays across dimensions, with uneven cluster sizes and spreads,
 * turned so that the decay is not along the axes. Fully determined by {@code (dim, clusters, seed)}.
 * <ul>
 *   <li>spectrum: dimension j (0-based) has variance {@code (j + 1)^-ALPHA}, so a few directions carry most of the
 *       spread and the intrinsic dimension is far below {@code dim} (a participation ratio of about 18 at d = 128,
 *       32 at d = 768), as in real embeddings; uniform noise, where every distance is nearly the same, would make
 *       top-k arbitrary;</li>
 *   <li>cluster centres: N(0, spectrum); cluster sizes: Zipf with exponent {@code ZIPF}, so a few clusters are big
 *       and many are small; a cluster's spread: {@code WITHIN} times a log-normal factor (sigma {@code SPREAD_SIGMA}),
 *       so tight and loose clusters neighbour each other;</li>
 *   <li>a point: {@code centre + spread * N(0, spectrum)}, then the rotation: twice, a random permutation of the
 *       dimensions followed by independent random 32 x 32 orthogonal blocks. A full random d x d rotation would cost
 *       d^2 per vector (10^12 flops for 1 M x 768); the two block rounds mix every dimension with 32^2 others at
 *       64 multiply-adds per dimension, enough that no axis is special.</li>
 * </ul>
 * Stored vectors and queries are independent draws (streams 0 and 1), so a query is never a stored vector.
 */
final class AnisotropicClusters {
    /** Part of the description and so of the cache key: bump it whenever the points change. */
    static final int VERSION = 2;
    static final double ALPHA = 1.0;
    static final double ZIPF = 1.1;
    static final double WITHIN = 0.55;
    static final double SPREAD_SIGMA = 0.35;
    static final int BLOCK = 32;
    private static final int ROUNDS = 2;
    /** Points generated per task; each task seeds its own generator, so parallel generation stays deterministic. */
    private static final int POINTS_PER_TASK = 2048;

    private final int dim;
    private final long seed;
    private final double[] scale;
    private final float[][] centres;
    private final double[] spreads;
    private final double[] cumulative;
    private final int[][] permutations;
    /** {@code rotations[round][block]} is a BLOCK x BLOCK orthogonal matrix, row-major. */
    private final double[][][] rotations;

    AnisotropicClusters(int dim, int clusters, long seed) {
        this.dim = dim;
        this.seed = seed;
        SplittableRandom random = new SplittableRandom(seed);
        scale = new double[dim];
        for (int j = 0; j < dim; j++) {
            scale[j] = Math.pow(j + 1, -ALPHA / 2);
        }
        centres = new float[clusters][dim];
        spreads = new double[clusters];
        cumulative = new double[clusters];
        double total = 0;
        for (int c = 0; c < clusters; c++) {
            for (int j = 0; j < dim; j++) {
                centres[c][j] = (float) (scale[j] * random.nextGaussian());
            }
            spreads[c] = WITHIN * Math.exp(SPREAD_SIGMA * random.nextGaussian());
            total += Math.pow(c + 1, -ZIPF);
            cumulative[c] = total;
        }
        for (int c = 0; c < clusters; c++) {
            cumulative[c] /= total;
        }
        cumulative[clusters - 1] = 1.0;
        permutations = new int[ROUNDS][];
        rotations = new double[ROUNDS][][];
        for (int round = 0; round < ROUNDS; round++) {
            permutations[round] = permutation(random);
            int blocks = (dim + BLOCK - 1) / BLOCK;
            rotations[round] = new double[blocks][];
            for (int b = 0; b < blocks; b++) {
                rotations[round][b] = orthogonal(Math.min(BLOCK, dim - b * BLOCK), random);
            }
        }
    }

    /** Default cluster count for {@code rows} stored vectors: about 100 points per cluster, 16 to 1,000 clusters. */
    static int defaultClusters(int rows) {
        return Math.max(16, Math.min(1_000, rows / 100));
    }

    static Dataset dataset(int dim, int rows, int queries, long seed) {
        int clusters = defaultClusters(rows);
        AnisotropicClusters generator = new AnisotropicClusters(dim, clusters, seed);
        return new Dataset("synthetic-" + dim, String.format(Locale.ROOT,
                "synthetic anisotropic Gaussian clusters (generator v%d, seed %d, %d clusters, Zipf %.1f sizes,"
                        + " spectrum j^-%.1f, block-rotated): %,d stored, %,d queries, %d-d, L2", VERSION, seed,
                clusters, ZIPF, ALPHA, rows, queries, dim), MetricType.L2, generator.points(rows, 0),
                generator.points(queries, 1));
    }

    /** {@code count} points of stream {@code stream}; the same call gives the same points. */
    float[][] points(int count, int stream) {
        float[][] out = new float[count][];
        int tasks = (count + POINTS_PER_TASK - 1) / POINTS_PER_TASK;
        // Task seeds drawn from one generator, not computed as seed + task * constant: SplittableRandom seeds that
        // differ by a multiple of its internal increment give the same sequence shifted, i.e. duplicate points.
        SplittableRandom seeds = new SplittableRandom(seed + 1 + stream);
        long[] taskSeeds = new long[tasks];
        for (int t = 0; t < tasks; t++) {
            taskSeeds[t] = seeds.nextLong();
        }
        IntStream.range(0, tasks).parallel().forEach(task -> {
            SplittableRandom random = new SplittableRandom(taskSeeds[task]);
            double[] work = new double[dim];
            double[] spare = new double[dim];
            int end = Math.min(count, (task + 1) * POINTS_PER_TASK);
            for (int i = task * POINTS_PER_TASK; i < end; i++) {
                out[i] = point(random, work, spare);
            }
        });
        return out;
    }

    private float[] point(SplittableRandom random, double[] work, double[] spare) {
        int cluster = pick(random.nextDouble());
        float[] centre = centres[cluster];
        double spread = spreads[cluster];
        for (int j = 0; j < dim; j++) {
            work[j] = centre[j] + spread * scale[j] * random.nextGaussian();
        }
        for (int round = 0; round < ROUNDS; round++) {
            rotate(round, work, spare);
        }
        float[] v = new float[dim];
        for (int j = 0; j < dim; j++) {
            v[j] = (float) work[j];
        }
        return v;
    }

    /** {@code work = blocks(round) * permute(round, work)}, using {@code spare} as scratch. */
    private void rotate(int round, double[] work, double[] spare) {
        int[] perm = permutations[round];
        for (int j = 0; j < dim; j++) {
            spare[j] = work[perm[j]];
        }
        double[][] blocks = rotations[round];
        for (int b = 0; b < blocks.length; b++) {
            int from = b * BLOCK;
            int size = Math.min(BLOCK, dim - from);
            double[] matrix = blocks[b];
            for (int r = 0; r < size; r++) {
                double sum = 0;
                for (int c = 0; c < size; c++) {
                    sum += matrix[r * size + c] * spare[from + c];
                }
                work[from + r] = sum;
            }
        }
    }

    private int[] permutation(SplittableRandom random) {
        int[] perm = IntStream.range(0, dim).toArray();
        for (int i = dim - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return perm;
    }

    /** A random n x n orthogonal matrix: Gram-Schmidt on Gaussian rows (row-major). */
    private static double[] orthogonal(int n, SplittableRandom random) {
        double[] m = new double[n * n];
        for (int r = 0; r < n; r++) {
            while (true) {
                for (int c = 0; c < n; c++) {
                    m[r * n + c] = random.nextGaussian();
                }
                for (int p = 0; p < r; p++) {
                    double dot = 0;
                    for (int c = 0; c < n; c++) {
                        dot += m[r * n + c] * m[p * n + c];
                    }
                    for (int c = 0; c < n; c++) {
                        m[r * n + c] -= dot * m[p * n + c];
                    }
                }
                double norm = 0;
                for (int c = 0; c < n; c++) {
                    norm += m[r * n + c] * m[r * n + c];
                }
                norm = Math.sqrt(norm);
                if (norm > 1e-6) {
                    for (int c = 0; c < n; c++) {
                        m[r * n + c] /= norm;
                    }
                    break;
                }
            }
        }
        return m;
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
