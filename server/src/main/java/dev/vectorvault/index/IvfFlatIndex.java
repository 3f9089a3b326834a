package dev.vectorvault.index;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Milvus's IVF_FLAT: the vectors are clustered by k-means into {@code nlist} inverted lists; a search ranks the
 * centroids against the query and scans the {@code nprobe} best lists exactly. A list holds only the ordinals of its
 * vectors, ascending; the vectors themselves are read from the segment's own {@link VectorColumn} (a view of it), so a
 * sealed segment holds each vector once (issue 9; before, each list kept a contiguous copy of its vectors and norms,
 * about the size of the vectors again). The price is locality: a probed list's vectors are scattered over the
 * column, so each one can be a cache miss of its own (docs/benchmarks.md, "Vectors held once", has the A/B figures);
 * a segment that stores its vectors in list order would win the locality back without a copy. Lists are assigned and
 * probed by the index's metric (as FAISS does); k-means itself runs in Euclidean distance, spherical for COSINE
 * ({@link KMeans}). Every scanned vector is scored as {@link FlatIndex} scores it (same kernel, same stored norm), so
 * probing every list gives FLAT's exact results.
 *
 * <p>Filters are checked per list entry before it is scored. Immutable once built; thread-safe.
 */
public final class IvfFlatIndex implements VectorIndex {
    /** Kind and body version of this index's files ({@link #write}); a new body layout gets a new version. */
    public static final String FILE_KIND = "ivf_flat";
    public static final int FILE_VERSION = 2;

    final VectorColumn.View vectors;
    final MetricType metric;
    final IvfParams params;
    final float[] centroids;
    /** Per list, the ordinals of its vectors in the column, ascending; the vectors are not copied. */
    final int[][] listOrdinals;

    IvfFlatIndex(VectorColumn.View vectors, MetricType metric, IvfParams params, float[] centroids,
            int[][] listOrdinals) {
        this.vectors = vectors;
        this.metric = metric;
        this.params = params;
        this.centroids = centroids;
        this.listOrdinals = listOrdinals;
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
        VectorColumn.View vectors = column.view();
        int size = vectors.size;
        int lists = Math.min(params.nlist(), size);
        if (lists == 0) {
            progress.indexed(0, 0);
            return new IvfFlatIndex(vectors, metric, params, new float[0], new int[0][]);
        }
        float[] centroids = KMeans.train(vectors, metric, lists, params.seed(), threads);
        int[] assignment = new int[size];
        AtomicLong done = new AtomicLong();
        Parallel.forRange(threads, size, (from, to) -> {
            for (int i = from; i < to; i++) {
                assignment[i] = nearestList(vectors, metric, centroids, lists, i);
                if ((i - from) % 1024 == 1023) {
                    progress.indexed(done.addAndGet(1024), size);
                }
            }
        });
        IvfFlatIndex index = new IvfFlatIndex(vectors, metric, params, centroids, fill(assignment, lists));
        progress.indexed(size, size);
        return index;
    }

    /** The list whose centroid is nearest to a stored vector, by the metric (the centroid in the query's role). */
    private static int nearestList(VectorColumn.View vectors, MetricType metric, float[] centroids, int lists,
            int ordinal) {
        int dim = vectors.dim;
        float[] data = vectors.chunk(ordinal);
        int offset = vectors.offset(ordinal);
        float norm = vectors.norm(ordinal);
        int best = 0;
        float bestDistance = Float.POSITIVE_INFINITY;
        for (int c = 0; c < lists; c++) {
            // COSINE: -dot(centroid, v) / |v| ranks like -dot(centroid, v / |v|); the centroids are unit length.
            float distance = metric.distance(centroids, c * dim, data, offset, norm, dim);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = c;
            }
        }
        return best;
    }

    /** Ordinals per list, ascending within each list. */
    private static int[][] fill(int[] assignment, int lists) {
        int[] counts = new int[lists];
        for (int list : assignment) {
            counts[list]++;
        }
        int[][] ordinals = new int[lists][];
        for (int c = 0; c < lists; c++) {
            ordinals[c] = new int[counts[c]];
        }
        int[] filled = new int[lists];
        for (int ordinal = 0; ordinal < assignment.length; ordinal++) {
            int list = assignment[ordinal];
            ordinals[list][filled[list]++] = ordinal;
        }
        return ordinals;
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
        if (k < 1 || nprobe < 1) {
            throw new IllegalArgumentException("k and nprobe must be at least 1: k=" + k + " nprobe=" + nprobe);
        }
        if (filter == null) {
            throw new IllegalArgumentException("filter is required");
        }
        int dim = vectors.dim;
        VectorColumn.requireVector(query, dim, "query");
        float[] prepared = metric.prepareQuery(query);
        float queryNorm = DistanceKernels.norm(query, 0, dim);
        int lists = listOrdinals.length;
        int probes = Math.min(nprobe, lists);
        NodeHeap nearest = NodeHeap.farthestOnTop(probes + 1);
        for (int c = 0; c < lists; c++) {
            // Centroids are unit length for COSINE, so the norm 1 makes the distance their inner product.
            float distance = metric.distance(prepared, 0, centroids, c * dim, 1f, dim);
            if (nearest.size() < probes || distance < nearest.topDistance()) {
                nearest.push(c, distance);
                if (nearest.size() > probes) {
                    nearest.pop();
                }
            }
        }
        TopK top = TopK.forMetric(metric, k);
        boolean acceptAll = filter == OrdinalFilter.ACCEPT_ALL;
        for (int p = 0; p < nearest.size(); p++) {
            int list = nearest.nodeAt(p);
            for (int ordinal : listOrdinals[list]) {
                if (acceptAll || filter.accept(ordinal)) {
                    top.offer(ordinal, metric.score(query, queryNorm, vectors.chunk(ordinal), vectors.offset(ordinal),
                            vectors.norm(ordinal), dim));
                }
            }
        }
        return top.drainBestFirst();
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
        return listOrdinals.length;
    }

    /**
     * Heap bytes the index owns: centroids, and per list a reference, an array header (16 bytes) and 4 bytes per
     * ordinal. Not the vectors: they are the segment's column ({@link VectorColumn}), counted there.
     */
    @Override
    public long memoryBytes() {
        long bytes = 4L * centroids.length + 20L * listOrdinals.length;
        for (int[] ordinals : listOrdinals) {
            bytes += 4L * ordinals.length;
        }
        return bytes;
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
        VectorColumn.View vectors = column.view();
        return IndexFile.read(file, FILE_KIND, IvfFileV1.VERSION, FILE_VERSION,
                (in, version) -> readVersion(file.toString(), in, version, vectors, metric));
    }

    /** As {@link #read(Path, VectorColumn, MetricType)}, from object {@code name} of {@code store}. */
    public static IvfFlatIndex read(dev.vectorvault.storage.io.ObjectStore store, String name, VectorColumn column,
                                    MetricType metric) {
        VectorColumn.View vectors = column.view();
        return IndexFile.read(store, name, FILE_KIND, IvfFileV1.VERSION, FILE_VERSION,
                (in, version) -> readVersion(store.describe(name), in, version, vectors, metric));
    }

    /**
     * One reader per format version; a new body layout adds a class and a case here, old ones stay readable.
     * Version 2 moved to the common little-endian frame and kept version 1's body fields.
     */
    private static IvfFlatIndex readVersion(String file, DataInput in, int version, VectorColumn.View vectors,
            MetricType metric) throws IOException {
        if (version == IvfFileV1.VERSION || version == 2) {
            return IvfFileV1.read(file, in, vectors, metric);
        }
        throw new CorruptIndexException(file, "no reader for " + FILE_KIND + " format version " + version);
    }
}
