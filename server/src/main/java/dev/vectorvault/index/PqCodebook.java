package dev.vectorvault.index;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * A product quantizer: a vector of {@code dim} floats is cut into {@code m} sub-vectors of {@code dim / m} floats and
 * each is replaced by the index (one byte) of its nearest centroid among the {@code ksub} of its sub-space. Every
 * sub-space has its own codebook, trained with {@link KMeans#lloyd} (Euclidean) on that slice of a sample; the
 * nearest-centroid searches of training and encoding go through {@link PqSubspace}.
 *
 * <p>Distances are asymmetric (ADC): the float query is never quantized. Per query one table of {@code m * ksub} floats
 * ({@link #dotTable}) holds the query's inner product with every centroid of every sub-space, so a code's inner
 * product with the query is {@code m} table look-ups and adds (inner products add up over sub-spaces).
 *
 * <p>Immutable; thread-safe.
 */
final class PqCodebook {
    final int dim;
    final int m;
    final int subDim;
    /** Centroids per sub-space: {@code 2^nbits}, or fewer when trained on fewer vectors. */
    final int ksub;
    /** Sub-space {@code j}'s centroid {@code k} at {@code ((j * ksub) + k) * subDim}. */
    private final float[] centroids;

    private PqCodebook(int dim, int m, int ksub, float[] centroids) {
        if (m < 1 || dim % m != 0 || ksub < 1 || ksub > 256 || centroids.length != ksub * dim) {
            throw new IllegalArgumentException("codebook of dim " + dim + ", m " + m + ", ksub " + ksub + " and "
                    + centroids.length + " floats");
        }
        this.dim = dim;
        this.m = m;
        this.subDim = dim / m;
        this.ksub = ksub;
        this.centroids = centroids;
    }

    /**
     * Trains on {@code data} ({@code rows * dim} floats, rows in random order): {@code min(2^nbits, rows)} centroids
     * per sub-space, Lloyd's iterations ({@link KMeans#lloyd}) on that slice of every row, nearest centroids found
     * component-major ({@link PqSubspace}). Sub-spaces are independent, so with at least as many as {@code threads}
     * each trains on one thread, several at once; with fewer, one at a time, each iteration's assignment split over the
     * threads. Each sub-space draws from a generator split off {@code random} in sub-space order before any runs (it
     * re-seeds emptied clusters), so the codebook does not depend on the thread count.
     */
    static PqCodebook train(float[] data, int dim, int m, int nbits, SplittableRandom random, int threads) {
        int rows = data.length / dim;
        int ksub = Math.min(1 << nbits, rows);
        int subDim = dim / m;
        float[] centroids = new float[ksub * dim];
        SplittableRandom[] randoms = new SplittableRandom[m];
        for (int j = 0; j < m; j++) {
            randoms[j] = random.split();
        }
        IntConsumer trainSubspace = j -> {
            float[] slice = new float[rows * subDim];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(data, r * dim + j * subDim, slice, r * subDim, subDim);
            }
            int perSubspace = m >= threads ? 1 : threads;
            float[] trained = KMeans.lloyd(slice, subDim, MetricType.L2, ksub, randoms[j], perSubspace,
                    (current, from, to, assignment) -> {
                        PqSubspace space = new PqSubspace(current, 0, ksub, subDim);
                        float[] scratch = space.scratch();
                        for (int i = from; i < to; i++) {
                            assignment[i] = space.nearest(slice, i * subDim, scratch);
                        }
                    });
            System.arraycopy(trained, 0, centroids, j * ksub * subDim, ksub * subDim);
        };
        if (m >= threads) {
            Parallel.forEachItem(threads, m, trainSubspace);
        } else {
            for (int j = 0; j < m; j++) {
                trainSubspace.accept(j);
            }
        }
        return new PqCodebook(dim, m, ksub, centroids);
    }

    /** Encodes vectors with this codebook; one per thread (it holds scratch space). */
    Encoder encoder() {
        return new Encoder();
    }

    /** The sub-spaces' centroids laid out for the nearest-centroid search, and its scratch space. */
    final class Encoder {
        private final PqSubspace[] spaces = new PqSubspace[m];
        private final float[] scratch;

        private Encoder() {
            for (int j = 0; j < m; j++) {
                spaces[j] = new PqSubspace(centroids, j * ksub * subDim, ksub, subDim);
            }
            scratch = spaces[0].scratch();
        }

        /** Writes the {@code m} codes of {@code vector[offset..offset+dim)} to {@code codes[at..at+m)}. */
        void encode(float[] vector, int offset, byte[] codes, int at) {
            for (int j = 0; j < m; j++) {
                codes[at + j] = (byte) spaces[j].nearest(vector, offset + j * subDim, scratch);
            }
        }
    }

    /** The vector {@code codes[at..at+m)} stands for, into {@code out[0..dim)}. */
    void decode(byte[] codes, int at, float[] out) {
        for (int j = 0; j < m; j++) {
            System.arraycopy(centroids, (j * ksub + (codes[at + j] & 0xff)) * subDim, out, j * subDim, subDim);
        }
    }

    /** Per sub-space and centroid: the inner product with that slice of {@code query}. */
    float[] dotTable(float[] query) {
        float[] table = new float[m * ksub];
        for (int j = 0; j < m; j++) {
            for (int k = 0; k < ksub; k++) {
                int centroid = (j * ksub + k) * subDim;
                float dot = 0;
                for (int d = 0; d < subDim; d++) {
                    dot += query[j * subDim + d] * centroids[centroid + d];
                }
                table[j * ksub + k] = dot;
            }
        }
        return table;
    }

    /** The sum of a table's entries for the codes {@code codes[at..at+m)}. */
    float lookup(float[] table, byte[] codes, int at) {
        float sum = 0;
        for (int j = 0, base = 0; j < m; j++, base += ksub) {
            sum += table[base + (codes[at + j] & 0xff)];
        }
        return sum;
    }

    long memoryBytes() {
        return 4L * centroids.length + 32L;
    }

    // ------------------------------------------------------------------ persistence (a section of IVF_PQ bodies)

    /** {@code ksub}, then the centroids; {@code dim} and {@code m} are the body's. */
    void write(DataOutput out) throws IOException {
        out.writeInt(ksub);
        IndexFile.writeFloats(out, centroids);
    }

    static PqCodebook read(String file, DataInput in, int dim, int m, int nbits) throws IOException {
        int ksub = in.readInt();
        if (ksub < 1 || ksub > 1 << nbits) {
            throw new CorruptIndexException(file, ksub + " centroids per sub-space for nbits " + nbits);
        }
        float[] centroids = new float[ksub * dim];
        IndexFile.readFloats(in, centroids);
        for (float value : centroids) {
            if (!Float.isFinite(value)) {
                throw new CorruptIndexException(file, "a product-quantizer centroid is not finite");
            }
        }
        return new PqCodebook(dim, m, ksub, centroids);
    }
}
