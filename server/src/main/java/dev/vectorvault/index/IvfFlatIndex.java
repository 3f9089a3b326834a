package dev.vectorvault.index;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Milvus's IVF_FLAT: the vectors are clustered by k-means into {@code nlist} inverted lists; a search ranks the
 * centroids against the query and scans the {@code nprobe} best lists exactly. Each list keeps its ordinals and a
 * contiguous copy of its vectors, so a probe is one sequential scan (COSINE vectors normalised once, as in
 * {@link PackedVectors}). Lists are assigned and probed by the index's metric (as FAISS does); k-means itself runs
 * in Euclidean distance, spherical for COSINE ({@link KMeans}).
 *
 * <p>Filters are checked per list entry before it is scored. Immutable once built; thread-safe.
 */
public final class IvfFlatIndex {
    /** Kind and body version of this index's files ({@link #write}); a new body layout gets a new version. */
    public static final String FILE_KIND = "ivf_flat";
    public static final int FILE_VERSION = 2;

    private final MetricType metric;
    private final IvfParams params;
    private final int size;
    private final int dim;
    private final float[] centroids;
    private final int[][] listOrdinals;
    private final float[][] listVectors;
    private final boolean l2;
    /** Of the vectors built over ({@link IndexFile#fingerprint}), written to the file and checked when loading. */
    private final long fingerprint;

    private IvfFlatIndex(MetricType metric, IvfParams params, int size, int dim, float[] centroids,
                         int[][] listOrdinals, float[][] listVectors, long fingerprint) {
        this.metric = metric;
        this.params = params;
        this.size = size;
        this.dim = dim;
        this.centroids = centroids;
        this.listOrdinals = listOrdinals;
        this.listVectors = listVectors;
        this.l2 = metric == MetricType.L2;
        this.fingerprint = fingerprint;
    }

    /**
     * Clusters and fills the lists over the vectors the column holds now; a column with fewer vectors than
     * {@code nlist} gets one list per vector.
     *
     * @param threads 1 or more, for k-means assignment and list filling
     * @throws IllegalArgumentException on a null argument or {@code threads < 1}
     */
    public static IvfFlatIndex build(VectorColumn vectors, MetricType metric, IvfParams params, int threads,
                                     BuildProgress progress) {
        if (vectors == null || metric == null || params == null || progress == null) {
            throw new IllegalArgumentException("vectors, metric, params and progress are required");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        PackedVectors packed = PackedVectors.copyOf(vectors, metric);
        int lists = Math.min(params.nlist(), packed.size);
        if (lists == 0) {
            progress.indexed(0, 0);
            return new IvfFlatIndex(metric, params, 0, packed.dim, new float[0], new int[0][], new float[0][],
                    IndexFile.fingerprint(packed));
        }
        float[] centroids = KMeans.train(packed, lists, params.seed(), threads);
        int[] assignment = new int[packed.size];
        AtomicLong done = new AtomicLong();
        Parallel.forRange(threads, packed.size, (from, to) -> {
            for (int i = from; i < to; i++) {
                assignment[i] = nearestList(centroids, lists, packed.data, i * packed.dim, packed.dim,
                        metric == MetricType.L2);
                if ((i - from) % 1024 == 1023) {
                    progress.indexed(done.addAndGet(1024), packed.size);
                }
            }
        });
        int[][] ordinals = fill(assignment, lists);
        IvfFlatIndex index = new IvfFlatIndex(metric, params, packed.size, packed.dim, centroids, ordinals,
                copyLists(packed, ordinals), IndexFile.fingerprint(packed));
        progress.indexed(packed.size, packed.size);
        return index;
    }

    private static int nearestList(float[] centroids, int lists, float[] data, int offset, int dim, boolean l2) {
        int best = 0;
        float bestDistance = Float.POSITIVE_INFINITY;
        for (int c = 0; c < lists; c++) {
            float distance = l2 ? DistanceKernels.squaredL2(data, offset, centroids, c * dim, dim)
                    : -DistanceKernels.dot(data, offset, centroids, c * dim, dim);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = c;
            }
        }
        return best;
    }

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

    private static float[][] copyLists(PackedVectors packed, int[][] ordinals) {
        int dim = packed.dim;
        float[][] copies = new float[ordinals.length][];
        for (int c = 0; c < ordinals.length; c++) {
            copies[c] = new float[ordinals[c].length * dim];
            for (int i = 0; i < ordinals[c].length; i++) {
                System.arraycopy(packed.data, ordinals[c][i] * dim, copies[c], i * dim, dim);
            }
        }
        return copies;
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
        VectorColumn.requireVector(query, dim, "query");
        float[] q = query;
        if (metric == MetricType.COSINE) {
            q = query.clone();
            PackedVectors.scale(q, 0, dim, DistanceKernels.norm(q, 0, dim));
        }
        int lists = listOrdinals.length;
        int probes = Math.min(nprobe, lists);
        NodeHeap nearest = NodeHeap.farthestOnTop(probes + 1);
        for (int c = 0; c < lists; c++) {
            float distance = distance(q, centroids, c * dim);
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
            int[] ordinals = listOrdinals[list];
            float[] data = listVectors[list];
            for (int i = 0; i < ordinals.length; i++) {
                if (acceptAll || filter.accept(ordinals[i])) {
                    top.offer(ordinals[i], score(distance(q, data, i * dim)));
                }
            }
        }
        return top.drainBestFirst();
    }

    private float distance(float[] q, float[] data, int offset) {
        return l2 ? DistanceKernels.squaredL2(q, 0, data, offset, dim) : -DistanceKernels.dot(q, 0, data, offset, dim);
    }

    private float score(float distance) {
        return switch (metric) {
            case L2 -> distance;
            case IP -> -distance;
            case COSINE -> Math.max(-1f, Math.min(1f, -distance));
        };
    }

    public int size() {
        return size;
    }

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

    /** Heap bytes held: centroids, list ordinals and the per-list vector copies. */
    public long memoryBytes() {
        long bytes = 4L * centroids.length + 32L * listOrdinals.length;
        for (int c = 0; c < listOrdinals.length; c++) {
            bytes += 4L * listOrdinals[c].length + 4L * listVectors[c].length;
        }
        return bytes;
    }

    // ------------------------------------------------------------------ persistence

    /**
     * Writes centroids and lists (not the vectors, which live in the segment) to {@code file}, atomically; see
     * {@link IndexFile}. Body of versions 1 and 2: metric, dim, size, vector fingerprint, nlist, seed, list count,
     * the centroids, then per list its length and ordinals.
     */
    public void write(Path file) {
        IndexFile.write(file, FILE_KIND, FILE_VERSION, this::writeBody);
    }

    /** As {@link #write(Path)}, as object {@code name} of {@code store} (the segment's store). */
    public void write(dev.vectorvault.storage.io.ObjectStore store, String name) {
        IndexFile.write(store, name, FILE_KIND, FILE_VERSION, this::writeBody);
    }

    private void writeBody(DataOutput out) throws IOException {
        out.writeUTF(metric.name());
        out.writeInt(dim);
        out.writeInt(size);
        out.writeLong(fingerprint);
        out.writeInt(params.nlist());
        out.writeLong(params.seed());
        out.writeInt(listOrdinals.length);
        IndexFile.writeFloats(out, centroids);
        for (int[] ordinals : listOrdinals) {
            out.writeInt(ordinals.length);
            IndexFile.writeInts(out, ordinals, 0, ordinals.length);
        }
    }

    /**
     * Loads an index written by {@link #write} over the same vectors.
     *
     * @throws CorruptIndexException        when damaged, truncated, of an unknown version or built over other vectors
     * @throws dev.vectorvault.storage.StorageException when it cannot be read at all
     */
    public static IvfFlatIndex read(Path file, VectorColumn column, MetricType metric) {
        PackedVectors packed = PackedVectors.copyOf(column, metric);
        return IndexFile.read(file, FILE_KIND, 1, FILE_VERSION,
                (in, version) -> readVersion(file.toString(), in, version, packed));
    }

    /** As {@link #read(Path, VectorColumn, MetricType)}, from object {@code name} of {@code store}. */
    public static IvfFlatIndex read(dev.vectorvault.storage.io.ObjectStore store, String name, VectorColumn column,
                                 MetricType metric) {
        PackedVectors packed = PackedVectors.copyOf(column, metric);
        return IndexFile.read(store, name, FILE_KIND, 1, FILE_VERSION,
                (in, version) -> readVersion(store.describe(name), in, version, packed));
    }

    /** One reader per file version. */
    private static IvfFlatIndex readVersion(String file, DataInput in, int version, PackedVectors packed)
            throws IOException {
        return switch (version) {
            // Version 2 moved to the common little-endian frame; the body's fields stayed as in version 1, and
            // IndexFile hands each version its own byte order.
            case 1, 2 -> readBodyV1(file, in, packed);
            default -> throw new CorruptIndexException(file, "no reader for format version " + version);
        };
    }

    private static IvfFlatIndex readBodyV1(String file, DataInput in, PackedVectors packed) throws IOException {
        String metricName = in.readUTF();
        int dim = in.readInt();
        int size = in.readInt();
        long fingerprint = in.readLong();
        if (!metricName.equals(packed.metric.name()) || dim != packed.dim || size != packed.size
                || fingerprint != IndexFile.fingerprint(packed)) {
            throw new CorruptIndexException(file, "built over other vectors: " + metricName + " " + size + " x "
                    + dim + ", loading " + packed.metric + " " + packed.size + " x " + packed.dim);
        }
        IvfParams params;
        try {
            params = new IvfParams(in.readInt(), in.readLong());
        } catch (IllegalArgumentException e) {
            throw new CorruptIndexException(file, e.getMessage());
        }
        int lists = in.readInt();
        if (lists < 0 || lists > Math.min(params.nlist(), size)) {
            throw new CorruptIndexException(file, lists + " lists for nlist " + params.nlist() + " and " + size
                    + " vectors");
        }
        float[] centroids = new float[lists * dim];
        IndexFile.readFloats(in, centroids);
        int[][] ordinals = new int[lists][];
        boolean[] seen = new boolean[size];
        int total = 0;
        for (int c = 0; c < lists; c++) {
            int length = in.readInt();
            if (length < 0 || length > size - total) {
                throw new CorruptIndexException(file, "list " + c + " of " + length + " entries overflows " + size);
            }
            ordinals[c] = new int[length];
            IndexFile.readInts(in, ordinals[c], 0, length);
            for (int ordinal : ordinals[c]) {
                if (ordinal < 0 || ordinal >= size || seen[ordinal]) {
                    throw new CorruptIndexException(file, "list " + c + " holds ordinal " + ordinal + " badly");
                }
                seen[ordinal] = true;
            }
            total += length;
        }
        if (total != size) {
            throw new CorruptIndexException(file, "lists hold " + total + " of " + size + " vectors");
        }
        return new IvfFlatIndex(packed.metric, params, size, dim, centroids, ordinals, copyLists(packed, ordinals),
                fingerprint);
    }
}
