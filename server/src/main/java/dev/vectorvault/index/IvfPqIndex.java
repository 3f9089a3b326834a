package dev.vectorvault.index;

import dev.vectorvault.storage.io.ObjectStore;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Milvus's IVF_PQ: the inverted lists of IVF_FLAT ({@link IvfLists}), but each vector is kept only as {@code m}
 * one-byte product-quantization codes ({@link PqCodebook}) of its residual, the vector minus its list's centroid (as
 * Knowhere's FAISS index does by default: residuals are smaller and more alike than the vectors, so one codebook shared
 * by all lists fits them far better). COSINE quantizes vectors divided by their norm, so it is the inner product of
 * directions, as for the other IVF kinds. Codes are stored in list order; the float column is not read by a search.
 *
 * <p>A search probes the {@code nprobe} lists of IVF_FLAT and scores each entry from one table a query (ADC): the
 * query's inner product with every sub-space centroid, plus the probed list's centroid's inner product with the query
 * (a decoded vector is its centroid plus its decoded residual). L2 adds the query's and the decoded vector's squared
 * norms, COSINE divides by the decoded vector's norm (both kept per row, derived on load). Scores are
 * those of the decoded vectors, so they differ from FLAT's by the quantization error, as Milvus's do; Milvus's IVF_PQ
 * has no refine step and neither has this one. Filters are checked per entry before it is scored. Immutable once
 * built; thread-safe.
 */
final class IvfPqIndex extends CodedIvfIndex {
    static final String FILE_KIND = "ivf_pq";
    /** The common frame starts at version 2 ({@link IndexFile}); this kind's first body layout. */
    static final int FILE_VERSION = 2;

    private final IvfPqParams params;
    private final PqCodebook codebook;
    /** Row {@code r}'s codes at {@code [r * m, (r + 1) * m)}, rows in list order as {@link #ordinalAt}. */
    private final byte[] codes;
    /**
     * Per row, derived on load: for L2 the squared norm of the decoded vector, so that {@code |q - y|^2 = |q|^2 -
     * 2 q.y + |y|^2} needs only the query's inner-product table (one table a query, not one per probed list); for
     * COSINE its inverse norm (0 for a zero vector): the decoded direction is not unit length, and for a query close
     * to a vector the error along the vector is what the inner product sees most, so it is divided out, as IVF_SQ8
     * does; IP keeps none.
     */
    private final float[] rowTerm;

    private IvfPqIndex(VectorColumn.View vectors, MetricType metric, IvfPqParams params, IvfLists lists,
            PqCodebook codebook, byte[] codes) {
        super(vectors, metric, lists);
        this.params = params;
        this.codebook = codebook;
        this.codes = codes;
        this.rowTerm = metric == MetricType.IP ? new float[0] : rowTerms();
    }

    private float[] rowTerms() {
        int dim = vectors.dim;
        float[] centroids = lists.centroids();
        float[] decoded = new float[dim];
        float[] terms = new float[ordinalAt.length];
        for (int list = 0; list < lists.count(); list++) {
            for (int row = listStart[list]; row < listStart[list + 1]; row++) {
                codebook.decode(codes, row * codebook.m, decoded);
                double squared = 0;
                for (int d = 0; d < dim; d++) {
                    double value = centroids[list * dim + d] + decoded[d];
                    squared += value * value;
                }
                terms[row] = metric == MetricType.L2 ? (float) squared
                        : squared == 0 ? 0f : (float) (1 / Math.sqrt(squared));
            }
        }
        return terms;
    }

    static IvfPqIndex build(VectorColumn column, MetricType metric, IvfPqParams params, int threads,
            BuildProgress progress) {
        VectorColumn.View vectors = column.view();
        int dim = vectors.dim;
        if (dim % params.m() != 0) {
            throw new IllegalArgumentException("dimension " + dim + " is not a multiple of m " + params.m());
        }
        IvfLists lists = IvfLists.cluster(vectors, metric, params.lists(), threads, progress);
        int[] listOf = new int[vectors.size];
        for (int c = 0; c < lists.count(); c++) {
            for (int ordinal : lists.ordinals()[c]) {
                listOf[ordinal] = c;
            }
        }
        PqCodebook codebook = trainCodebook(vectors, metric, params, lists, listOf, threads);
        int[] order = lists.order(vectors.size);
        int m = params.m();
        byte[] codes = new byte[Math.multiplyExact(vectors.size, m)];
        Parallel.forRange(threads, order.length, (from, to) -> {
            float[] residual = new float[dim];
            PqCodebook.Encoder encoder = codebook.encoder();
            for (int row = from; row < to; row++) {
                residual(vectors, metric, lists, order[row], listOf[order[row]], residual);
                encoder.encode(residual, 0, codes, row * m);
            }
        });
        progress.indexed(vectors.size, vectors.size);
        return new IvfPqIndex(vectors, metric, params, lists, codebook, codes);
    }

    /**
     * Trains the sub-quantizers on the residuals of a seeded sample, {@link KMeans#SAMPLE_PER_CENTROID} vectors per
     * centroid as for the lists; an empty column trains on one zero vector (one centroid, never looked up).
     */
    private static PqCodebook trainCodebook(VectorColumn.View vectors, MetricType metric, IvfPqParams params,
            IvfLists lists, int[] listOf, int threads) {
        int dim = vectors.dim;
        SplittableRandom random = new SplittableRandom(params.lists().seed()).split();
        int count = (int) Math.min(vectors.size, (long) KMeans.SAMPLE_PER_CENTROID << params.nbits());
        int[] sample = KMeans.sample(vectors.size, count, random);
        float[] data = new float[Math.max(1, sample.length) * dim];
        float[] residual = new float[dim];
        for (int i = 0; i < sample.length; i++) {
            residual(vectors, metric, lists, sample[i], listOf[sample[i]], residual);
            System.arraycopy(residual, 0, data, i * dim, dim);
        }
        return PqCodebook.train(data, dim, params.m(), params.nbits(), random, threads);
    }

    /** Ordinal's vector as the metric compares it (unit length for COSINE) minus its list's centroid. */
    private static void residual(VectorColumn.View vectors, MetricType metric, IvfLists lists, int ordinal, int list,
            float[] out) {
        int dim = vectors.dim;
        vectors.decode(ordinal, out, 0);
        metric.prepareStored(out, 0, dim, vectors.norm(ordinal));
        float[] centroids = lists.centroids();
        for (int d = 0; d < dim; d++) {
            out[d] -= centroids[list * dim + d];
        }
    }

    @Override
    public IndexKind kind() {
        return IvfPqKind.INSTANCE;
    }

    @Override
    List<SearchHit> search(float[] query, int k, int nprobe, OrdinalFilter filter) {
        IvfLists.requireSearch(k, nprobe, filter);
        int dim = vectors.dim;
        VectorColumn.requireVector(query, dim, "query");
        float[] prepared = metric.prepareQuery(query);
        float[] centroids = lists.centroids();
        NodeHeap probes = IvfLists.probe(prepared, metric, centroids, dim, nprobe);
        float[] table = codebook.dotTable(prepared);
        float squaredNorm = DistanceKernels.dot(prepared, 0, prepared, 0, dim);
        int m = codebook.m;
        TopK top = TopK.forMetric(metric, k);
        boolean acceptAll = filter == OrdinalFilter.ACCEPT_ALL;
        for (int p = 0; p < probes.size(); p++) {
            int list = probes.nodeAt(p);
            // A decoded vector is its list's centroid plus its decoded residual, so is its inner product.
            float base = DistanceKernels.dot(prepared, 0, centroids, list * dim, dim);
            for (int row = listStart[list], end = listStart[list + 1]; row < end; row++) {
                int ordinal = ordinalAt[row];
                if (acceptAll || filter.accept(ordinal)) {
                    float dot = base + codebook.lookup(table, codes, row * m);
                    float distance = switch (metric) {
                        case L2 -> Math.max(0f, squaredNorm - 2 * dot + rowTerm[row]);
                        case COSINE -> -dot * rowTerm[row];
                        default -> -dot;
                    };
                    top.offer(ordinal, metric.scoreOf(distance));
                }
            }
        }
        return top.drainBestFirst();
    }

    IvfPqParams params() {
        return params;
    }

    PqCodebook codebook() {
        return codebook;
    }

    /**
     * Codes, per-row terms, codebook, centroids, list bounds and the row-to-ordinal array; the float column
     * is not counted.
     */
    @Override
    public long memoryBytes() {
        return codes.length + 4L * rowTerm.length + codebook.memoryBytes() + listMemoryBytes();
    }

    // ------------------------------------------------------------------ persistence

    /**
     * Body of version 2 (little-endian, in the common frame): metric, dim, size, vector fingerprint, nlist, seed,
     * m, nbits, the lists as IVF_FLAT writes them ({@link IvfLists#write}), the codebook ({@link PqCodebook#write}),
     * then {@code size * m} code bytes in list order.
     */
    @Override
    public void write(ObjectStore store, String name) {
        IndexFile.write(store, name, FILE_KIND, FILE_VERSION, this::writeBody);
    }

    private void writeBody(DataOutput out) throws IOException {
        writeHeader(out, params.lists());
        out.writeInt(params.m());
        out.writeInt(params.nbits());
        lists.write(out);
        codebook.write(out);
        out.write(codes);
    }

    static IvfPqIndex read(ObjectStore store, String name, VectorColumn column, MetricType metric) {
        VectorColumn.View vectors = column.view();
        String file = store.describe(name);
        // IndexFile admits only FILE_VERSION here, so every body is of this one layout.
        return IndexFile.read(store, name, FILE_KIND, FILE_VERSION, FILE_VERSION,
                (in, version) -> readBody(file, in, vectors, metric));
    }

    private static IvfPqIndex readBody(String file, DataInput in, VectorColumn.View vectors, MetricType metric)
            throws IOException {
        VectorFingerprint.checkHeader(file, in, vectors, metric);
        IvfPqParams params;
        try {
            params = new IvfPqParams(new IvfParams(in.readInt(), in.readLong()), in.readInt(), in.readInt());
        } catch (IllegalArgumentException e) {
            throw new CorruptIndexException(file, e.getMessage());
        }
        if (vectors.dim % params.m() != 0) {
            throw new CorruptIndexException(file, "m " + params.m() + " does not divide dimension " + vectors.dim);
        }
        IvfLists lists = IvfLists.read(file, in, params.lists().nlist(), vectors.size, vectors.dim);
        PqCodebook codebook = PqCodebook.read(file, in, vectors.dim, params.m(), params.nbits());
        byte[] codes = new byte[Math.multiplyExact(vectors.size, params.m())];
        in.readFully(codes);
        for (byte code : codes) {
            if ((code & 0xff) >= codebook.ksub) {
                throw new CorruptIndexException(file, "a code beyond the " + codebook.ksub + " centroids");
            }
        }
        return new IvfPqIndex(vectors, metric, params, lists, codebook, codes);
    }
}
