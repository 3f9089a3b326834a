package dev.vectorvault.index;

import dev.vectorvault.storage.io.ObjectStore;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * Milvus's IVF_SQ8: the inverted lists of IVF_FLAT ({@link IvfLists}, same k-means and assignment by the metric), but a
 * probed list is scanned over 8-bit codes ({@link Sq8Codes}, ranges trained per dimension on the segment) instead of
 * the float vectors: one byte per dimension instead of four. Codes are stored in list order, so a probe is one
 * sequential pass over contiguous bytes; the float column is neither read nor rearranged by a search.
 *
 * <p>Scores are the metric's score of the decoded vector (asymmetric: float query, quantized vector), so they differ
 * from FLAT's by the quantization error, as Milvus's do; probing every list is not exact either, for the same reason.
 * Filters are checked per list entry before it is scored. Immutable once built; thread-safe.
 */
final class IvfSq8Index extends CodedIvfIndex {
    static final String FILE_KIND = "ivf_sq8";
    /** The common frame starts at version 2 ({@link IndexFile}); this kind's first body layout. */
    static final int FILE_VERSION = 2;

    private final IvfParams params;
    /** In list order, as {@link #ordinalAt}. */
    private final Sq8Codes codes;

    private IvfSq8Index(VectorColumn.View vectors, MetricType metric, IvfParams params, IvfLists lists,
            Sq8Codes codes) {
        super(vectors, metric, lists);
        this.params = params;
        this.codes = codes;
    }

    static IvfSq8Index build(VectorColumn column, MetricType metric, IvfParams params, int threads,
            BuildProgress progress) {
        VectorColumn.View vectors = column.view();
        IvfLists lists = IvfLists.cluster(vectors, metric, params, threads, progress);
        IvfSq8Index index = new IvfSq8Index(vectors, metric, params, lists,
                Sq8Codes.encode(vectors, metric, lists.order(vectors.size)));
        progress.indexed(vectors.size, vectors.size);
        return index;
    }

    @Override
    public IndexKind kind() {
        return IvfSq8Kind.INSTANCE;
    }

    @Override
    List<SearchHit> search(float[] query, int k, int nprobe, OrdinalFilter filter) {
        IvfLists.requireSearch(k, nprobe, filter);
        int dim = vectors.dim;
        VectorColumn.requireVector(query, dim, "query");
        float[] prepared = metric.prepareQuery(query);
        Sq8Codes.Query coded = codes.prepare(prepared);
        NodeHeap probes = IvfLists.probe(prepared, metric, lists.centroids(), dim, nprobe);
        TopK top = TopK.forMetric(metric, k);
        boolean acceptAll = filter == OrdinalFilter.ACCEPT_ALL;
        for (int p = 0; p < probes.size(); p++) {
            int list = probes.nodeAt(p);
            for (int row = listStart[list], end = listStart[list + 1]; row < end; row++) {
                int ordinal = ordinalAt[row];
                if (acceptAll || filter.accept(ordinal)) {
                    top.offer(ordinal, metric.scoreOf(codes.distance(coded, row)));
                }
            }
        }
        return top.drainBestFirst();
    }

    IvfParams params() {
        return params;
    }

    /** Codes, per-row terms, centroids, list bounds and the row-to-ordinal array; the float column is not counted. */
    @Override
    public long memoryBytes() {
        return codes.memoryBytes() + listMemoryBytes();
    }

    // ------------------------------------------------------------------ persistence

    /**
     * Body of version 2 (little-endian, in the common frame): metric, dim, size, vector fingerprint, nlist, seed, the
     * lists as IVF_FLAT writes them ({@link IvfLists#write}), then the quantizer and the codes in list order
     * ({@link Sq8Codes#write}).
     */
    @Override
    public void write(ObjectStore store, String name) {
        IndexFile.write(store, name, FILE_KIND, FILE_VERSION, this::writeBody);
    }

    private void writeBody(DataOutput out) throws IOException {
        writeHeader(out, params);
        lists.write(out);
        codes.write(out);
    }

    static IvfSq8Index read(ObjectStore store, String name, VectorColumn column, MetricType metric) {
        VectorColumn.View vectors = column.view();
        String file = store.describe(name);
        // IndexFile admits only FILE_VERSION here, so every body is of this one layout.
        return IndexFile.read(store, name, FILE_KIND, FILE_VERSION, FILE_VERSION,
                (in, version) -> readBody(file, in, vectors, metric));
    }

    private static IvfSq8Index readBody(String file, DataInput in, VectorColumn.View vectors, MetricType metric)
            throws IOException {
        VectorFingerprint.checkHeader(file, in, vectors, metric);
        IvfParams params;
        try {
            params = new IvfParams(in.readInt(), in.readLong());
        } catch (IllegalArgumentException e) {
            throw new CorruptIndexException(file, e.getMessage());
        }
        IvfLists lists = IvfLists.read(file, in, params.nlist(), vectors.size, vectors.dim);
        Sq8Codes codes = Sq8Codes.read(file, in, metric, vectors.dim, vectors.size);
        return new IvfSq8Index(vectors, metric, params, lists, codes);
    }
}
