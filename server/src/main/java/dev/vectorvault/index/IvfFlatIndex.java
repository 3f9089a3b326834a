package dev.vectorvault.index;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Milvus's IVF_FLAT: the vectors are clustered by k-means into {@code nlist} inverted lists; a search ranks the
 * centroids against the query and scans the {@code nprobe} best lists exactly. The index arranges its segment's
 * column in list order ({@link VectorColumn#arrangedAs}) and the segment keeps only that arrangement
 * ({@link #arrangedColumn}), so each list is a contiguous run of slots, a probe is one sequential scan, and every
 * vector is held once. (Scanning lists through their ordinals in the appended column, the other way to hold vectors
 * once, measured 2.4x to 2.6x fewer queries/s: each vector was a cache miss of its own; docs/benchmarks.md.) Lists
 * are assigned and probed by the index's metric (as FAISS does); k-means itself runs in Euclidean distance,
 * spherical for COSINE ({@link KMeans}). Every scanned vector is scored as {@link FlatIndex} scores it, so probing
 * every list gives FLAT's exact results.
 *
 * <p>Filters are checked per list entry before it is scored. Immutable once built; thread-safe.
 */
public final class IvfFlatIndex implements VectorIndex {
    /** Kind and body version of this index's files ({@link #write}); a new body layout gets a new version. */
    public static final String FILE_KIND = "ivf_flat";
    public static final int FILE_VERSION = 2;

    /** The column in list order: list {@code c} is slots {@code [listStart[c], listStart[c + 1])}. */
    private final VectorColumn arranged;
    final VectorColumn.View vectors;
    final MetricType metric;
    final IvfParams params;
    final float[] centroids;
    private final int[] listStart;

    /**
     * Lists over {@code column}'s vectors; arranges the column in list order unless it already is.
     *
     * @param listOrdinals per list, its ordinals; together each ordinal of the column once
     */
    IvfFlatIndex(VectorColumn column, MetricType metric, IvfParams params, float[] centroids, int[][] listOrdinals) {
        this.metric = metric;
        this.params = params;
        this.centroids = centroids;
        this.listStart = new int[listOrdinals.length + 1];
        int[] order = IvfLists.order(listOrdinals, column.size(), listStart);
        this.arranged = column.isArrangedAs(order) ? column : column.arrangedAs(order);
        this.vectors = arranged.view();
    }

    /**
     * Clusters and fills the lists over the vectors the column holds now; a column with fewer vectors than
     * {@code nlist} gets one list per vector.
     *
     * @param threads 1 or more, for k-means assignment and list filling
     * @throws IllegalArgumentException on a null argument or {@code threads < 1}
     */
    public static IvfFlatIndex build(VectorColumn column, MetricType metric, IvfParams params, int threads,
                                     BuildProgress progress) {
        if (column == null || metric == null || params == null || progress == null) {
            throw new IllegalArgumentException("vectors, metric, params and progress are required");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        IvfLists lists = IvfLists.cluster(column.view(), metric, params, threads, progress);
        IvfFlatIndex index = new IvfFlatIndex(column, metric, params, lists.centroids(), lists.ordinals());
        progress.indexed(column.size(), column.size());
        return index;
    }

    @Override
    public IndexKind kind() {
        return IvfFlatKind.INSTANCE;
    }

    @Override
    public List<SearchHit> search(float[] query, int k, SearchParams params, OrdinalFilter filter) {
        return search(query, k, ((IvfFlatKind.Search) params).nprobe(), filter);
    }

    /**
     * The exact {@code k} best matches among the accepted ordinals of the {@code nprobe} lists whose centroids rank
     * best for the query.
     *
     * @param nprobe lists to scan, at least 1; above the number of lists every list is scanned (exact search)
     * @return at most {@code k} hits, best first (ties by smaller ordinal); unmodifiable
     * @throws IllegalArgumentException on a wrong dimension, a non-finite component, {@code k < 1}, {@code nprobe < 1}
     *                                  or a null filter
     */
    public List<SearchHit> search(float[] query, int k, int nprobe, OrdinalFilter filter) {
        IvfLists.requireSearch(k, nprobe, filter);
        int dim = vectors.dim;
        VectorColumn.requireVector(query, dim, "query");
        float[] prepared = metric.prepareQuery(query);
        float queryNorm = DistanceKernels.norm(query, 0, dim);
        NodeHeap nearest = IvfLists.probe(prepared, metric, centroids, dim, nprobe);
        TopK top = TopK.forMetric(metric, k);
        boolean acceptAll = filter == OrdinalFilter.ACCEPT_ALL;
        for (int p = 0; p < nearest.size(); p++) {
            int list = nearest.nodeAt(p);
            // A list is a run of slots; walk it chunk by chunk.
            for (int slot = listStart[list], end = listStart[list + 1]; slot < end; ) {
                int runEnd = (int) Math.min(end, ((long) (slot >>> vectors.chunkShift) + 1) << vectors.chunkShift);
                scanRun(query, queryNorm, slot, runEnd, acceptAll ? null : filter, top);
                slot = runEnd;
            }
        }
        return top.drainBestFirst();
    }

    /**
     * The hot loop: slots {@code [from, to)} of one chunk ({@code filter} null when every ordinal is accepted). A
     * method of its own, as FLAT's block scan, so the compiler inlines the distance kernel into a small loop.
     */
    private void scanRun(float[] query, float queryNorm, int from, int to, OrdinalFilter filter, TopK top) {
        if (vectors.vectors == null) {
            scanNarrowRun(query, queryNorm, from, to, filter, top);
            return;
        }
        int dim = vectors.dim;
        int chunk = from >>> vectors.chunkShift;
        float[] data = vectors.vectors[chunk];
        float[] norms = vectors.norms[chunk];
        int[] ordinalAt = vectors.ordinalAt;
        for (int slot = from, at = from & vectors.chunkMask; slot < to; slot++, at++) {
            int ordinal = ordinalAt[slot];
            if (filter == null || filter.accept(ordinal)) {
                top.offer(ordinal, metric.score(KernelPath.AUTO, query, queryNorm, data, at * dim, norms[at], dim));
            }
        }
    }

    /** {@link #scanRun} over a column of float16, bfloat16 or int8 components, widened as they are read. */
    private void scanNarrowRun(float[] query, float queryNorm, int from, int to, OrdinalFilter filter, TopK top) {
        int[] ordinalAt = vectors.ordinalAt;
        for (int slot = from; slot < to; slot++) {
            int ordinal = ordinalAt[slot];
            if (filter == null || filter.accept(ordinal)) {
                top.offer(ordinal, metric.score(KernelPath.AUTO, query, queryNorm, vectors, slot));
            }
        }
    }

    @Override
    public int size() {
        return vectors.size;
    }

    @Override
    public MetricType metric() {
        return metric;
    }

    public IvfParams params() {
        return params;
    }

    /** Number of inverted lists actually built (at most {@code nlist}). */
    public int listCount() {
        return listStart.length - 1;
    }

    /** The ordinals of list {@code c}, in slot order (a copy). */
    int[] listOrdinals(int c) {
        return Arrays.copyOfRange(vectors.ordinalAt, listStart[c], listStart[c + 1]);
    }

    /** The segment's column in this index's list order; the segment keeps it instead of its appended one. */
    @Override
    public Optional<VectorColumn> arrangedColumn() {
        return Optional.of(arranged);
    }

    /**
     * Heap bytes the index adds to the vectors: centroids, list bounds and the arranged column's two translation
     * arrays (slot to ordinal and back). The vectors themselves are the column's, held once.
     */
    @Override
    public long memoryBytes() {
        return 4L * centroids.length + 4L * listStart.length + 8L * vectors.size;
    }

    // ------------------------------------------------------------------ persistence

    /**
     * Writes centroids and lists (not the vectors, which live in the segment) to {@code file}, atomically; see
     * {@link IndexFile} for the framing and {@link IvfFileV1} for the body (versions 1 and 2 share it).
     */
    public void write(Path file) {
        IndexFile.write(file, FILE_KIND, FILE_VERSION, out -> IvfFileV1.write(this, out));
    }

    /** As {@link #write(Path)}, as object {@code name} of {@code store} (the segment's store). */
    @Override
    public void write(dev.vectorvault.storage.io.ObjectStore store, String name) {
        IndexFile.write(store, name, FILE_KIND, FILE_VERSION, out -> IvfFileV1.write(this, out));
    }

    /**
     * Loads an index written by {@link #write} (any version with a reader) over the same vectors.
     *
     * @throws CorruptIndexException        when damaged, truncated, of an unknown version or built over other vectors
     * @throws dev.vectorvault.storage.StorageException when it cannot be read at all
     */
    public static IvfFlatIndex read(Path file, VectorColumn column, MetricType metric) {
        return IndexFile.read(file, FILE_KIND, IvfFileV1.VERSION, FILE_VERSION,
                (in, version) -> readVersion(file.toString(), in, version, column, metric));
    }

    /** As {@link #read(Path, VectorColumn, MetricType)}, from object {@code name} of {@code store}. */
    public static IvfFlatIndex read(dev.vectorvault.storage.io.ObjectStore store, String name, VectorColumn column,
                                    MetricType metric) {
        return IndexFile.read(store, name, FILE_KIND, IvfFileV1.VERSION, FILE_VERSION,
                (in, version) -> readVersion(store.describe(name), in, version, column, metric));
    }

    /**
     * One reader per format version; a new body layout adds a class and a case here, old ones stay readable.
     * Version 2 moved to the common little-endian frame and kept version 1's body fields.
     */
    private static IvfFlatIndex readVersion(String file, DataInput in, int version, VectorColumn column,
            MetricType metric) throws IOException {
        if (version == IvfFileV1.VERSION || version == 2) {
            return IvfFileV1.read(file, in, column, metric);
        }
        throw new CorruptIndexException(file, "no reader for " + FILE_KIND + " format version " + version);
    }
}
