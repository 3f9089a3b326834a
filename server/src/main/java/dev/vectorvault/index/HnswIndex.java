package dev.vectorvault.index;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Approximate nearest-neighbour search over a hierarchical navigable small-world graph (Malkov and Yashunin, "Efficient
 * and robust approximate nearest neighbor search using HNSW graphs", 2016), over a snapshot of a {@link VectorColumn}.
 * Paper names map to Milvus's: {@code M} (links per node on the upper layers, {@code 2 * M} on layer 0),
 * {@code efConstruction} (the beam while inserting, {@link HnswParams}) and {@code ef} (the beam while searching).
 *
 * <p>Layout, chosen for the search's hot loop: the vectors are copied into one contiguous array
 * ({@link PackedVectors}; COSINE normalised once, so it is an inner product); layer 0 is one {@code int[]} with a fixed
 * stride of {@code 1 + 2M} per node (a count, then the neighbours), so following a link is an index computation; the
 * few nodes on upper layers have one small {@code int[]} each. A search allocates nothing per visited node: the
 * visited set (an epoch counter) and both heaps are primitive per-thread scratch ({@link SearchScratch}).
 *
 * <p>Filters are applied during the graph search: a rejected node is still expanded (its links lead on to accepted
 * ones) but never enters the result set, and the search goes on until {@code ef} accepted nodes are found or the
 * reachable graph is exhausted. So a selective filter costs time, never results, unlike filtering afterwards. When
 * the filter is so selective that the walk has visited a quarter of the graph without finding {@code ef} accepted
 * nodes, continuing would cost more than a scan: the remaining unvisited nodes are then scanned exactly (filter first,
 * distance only for accepted ones), so the result is exact and the cost bounded by about one scan.
 *
 * <p>Immutable once built; any number of threads may search at once without locking.
 */
public final class HnswIndex {
    /** Kind and body version of this index's files ({@link #write}); a new body layout gets a new version. */
    public static final String FILE_KIND = "hnsw";
    public static final int FILE_VERSION = 2;

    final PackedVectors vectors;
    final HnswParams params;
    final int[] links0;
    final int[][] linksUp;
    final int entryPoint;
    final int maxLevel;

    HnswIndex(PackedVectors vectors, HnswParams params, int[] links0, int[][] linksUp, int entryPoint, int maxLevel) {
        this.vectors = vectors;
        this.params = params;
        this.links0 = links0;
        this.linksUp = linksUp;
        this.entryPoint = entryPoint;
        this.maxLevel = maxLevel;
    }

    /**
     * Builds an index over the vectors the column holds now.
     *
     * @param threads  1 or more; more threads insert concurrently under per-node locks (the graph then depends on
     *                 thread timing, its quality does not)
     * @param progress told how many vectors are in the graph so far
     * @throws IllegalArgumentException on a null argument, {@code threads < 1} or a column too large for one index
     */
    public static HnswIndex build(VectorColumn vectors, MetricType metric, HnswParams params, int threads,
                                  BuildProgress progress) {
        if (vectors == null || metric == null || params == null || progress == null) {
            throw new IllegalArgumentException("vectors, metric, params and progress are required");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        return new HnswBuilder(PackedVectors.copyOf(vectors, metric), params, threads, progress).build();
    }

    /**
     * The approximate {@code k} best matches among the ordinals {@code filter} accepts.
     *
     * @param query  {@code dim} finite floats
     * @param k      at least 1; fewer hits come back only when fewer accepted ordinals are reachable
     * @param ef     the search beam; below {@code k} it is taken as {@code k}. Larger is slower and more exact
     * @param filter {@link OrdinalFilter#ACCEPT_ALL} when nothing is excluded; called at most once per node visited
     * @return at most {@code k} hits, best first in the metric's direction (ties by smaller ordinal); unmodifiable
     * @throws IllegalArgumentException on a wrong dimension, a non-finite component, {@code k < 1} or a null filter
     */
    public List<SearchHit> search(float[] query, int k, int ef, OrdinalFilter filter) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1: " + k);
        }
        if (filter == null) {
            throw new IllegalArgumentException("filter is required");
        }
        float[] q = vectors.prepareQuery(query);
        if (vectors.size == 0) {
            return List.of();
        }
        int ep = entryPoint;
        float epDistance = vectors.distance(q, ep);
        for (int level = maxLevel; level > 0; level--) {
            ep = greedyClosest(q, ep, epDistance, level);
            epDistance = vectors.distance(q, ep);
        }
        SearchScratch scratch = SearchScratch.forThread(vectors.size);
        searchLayer0(q, ep, epDistance, Math.max(ef, k), filter, scratch);
        NodeHeap results = scratch.results;
        TopK top = TopK.forMetric(vectors.metric, k);
        for (int i = 0; i < results.size(); i++) {
            top.offer(results.nodeAt(i), vectors.score(results.distanceAt(i)));
        }
        return top.drainBestFirst();
    }

    /** Walks an upper layer to the node closest to the query (the paper's search with ef = 1). */
    private int greedyClosest(float[] q, int start, float startDistance, int level) {
        int stride = params.m() + 1;
        int current = start;
        float best = startDistance;
        boolean moved = true;
        while (moved) {
            moved = false;
            int[] links = linksUp[current];
            int base = (level - 1) * stride;
            int count = links[base];
            for (int j = 1; j <= count; j++) {
                int neighbour = links[base + j];
                float distance = vectors.distance(q, neighbour);
                if (distance < best) {
                    best = distance;
                    current = neighbour;
                    moved = true;
                }
            }
        }
        return current;
    }

    /**
     * The paper's SEARCH-LAYER on layer 0, with the filter applied inside: candidates are expanded nearest first;
     * the search stops when the nearest unexpanded candidate is farther than the worst of {@code ef} accepted results.
     * Leaves the accepted results in {@code scratch.results}.
     */
    private void searchLayer0(float[] q, int ep, float epDistance, int ef, OrdinalFilter filter,
                              SearchScratch scratch) {
        boolean acceptAll = filter == OrdinalFilter.ACCEPT_ALL;
        NodeHeap candidates = scratch.candidates;
        NodeHeap results = scratch.results;
        int stride = 1 + 2 * params.m();
        int[] links = links0;
        int scanThreshold = acceptAll ? Integer.MAX_VALUE : vectors.size / 4;
        int visited = 1;
        scratch.visit(ep);
        candidates.push(ep, epDistance);
        float worst = Float.POSITIVE_INFINITY;
        if (acceptAll || filter.accept(ep)) {
            results.push(ep, epDistance);
            worst = ef == 1 ? epDistance : worst;
        }
        while (!candidates.isEmpty()) {
            float nearest = candidates.topDistance();
            if (nearest > worst) {
                break;
            }
            int current = candidates.topNode();
            candidates.pop();
            int base = current * stride;
            int count = links[base];
            for (int j = 1; j <= count; j++) {
                int neighbour = links[base + j];
                if (!scratch.visit(neighbour)) {
                    continue;
                }
                visited++;
                float distance = vectors.distance(q, neighbour);
                if (distance < worst) {
                    candidates.push(neighbour, distance);
                    if (acceptAll || filter.accept(neighbour)) {
                        results.push(neighbour, distance);
                        if (results.size() > ef) {
                            results.pop();
                        }
                        if (results.size() == ef) {
                            worst = results.topDistance();
                        }
                    }
                }
            }
            if (visited > scanThreshold && results.size() < ef) {
                scanUnvisited(q, ef, filter, scratch);
                return;
            }
        }
    }

    /**
     * Finishes a filtered search exactly: every node the walk has not visited is offered if the filter accepts it.
     * While the results are not full, every accepted node visited so far is among them (nothing was cut), so the
     * results end up the exact {@code ef} nearest accepted nodes, and no node's filter is asked twice.
     */
    private void scanUnvisited(float[] q, int ef, OrdinalFilter filter, SearchScratch scratch) {
        NodeHeap results = scratch.results;
        for (int node = 0; node < vectors.size; node++) {
            if (!scratch.visit(node) || !filter.accept(node)) {
                continue;
            }
            float distance = vectors.distance(q, node);
            if (results.size() < ef || distance < results.topDistance()) {
                results.push(node, distance);
                if (results.size() > ef) {
                    results.pop();
                }
            }
        }
    }

    /** Number of vectors in the graph. */
    public int size() {
        return vectors.size;
    }

    public int dim() {
        return vectors.dim;
    }

    public MetricType metric() {
        return vectors.metric;
    }

    public HnswParams params() {
        return params;
    }

    /** Heap bytes held: the vector copy, the link arrays and their headers. */
    public long memoryBytes() {
        long bytes = vectors.memoryBytes() + 4L * links0.length + 16L + 8L * linksUp.length;
        for (int[] links : linksUp) {
            if (links != null) {
                bytes += 16L + 4L * links.length;
            }
        }
        return bytes;
    }

    // ------------------------------------------------------------------ persistence

    /**
     * Writes the graph (not the vectors, which live in the segment) to {@code file}, atomically and durably; see
     * {@link IndexFile} for the framing and byte order. Body of versions 1 and 2: metric, dim, size, vector
     * fingerprint, M, efConstruction, seed, entry point, top layer, every node's layer (one byte each), layer 0's
     * link array, then the upper-layer arrays of the nodes above layer 0 in ordinal order.
     *
     * @throws dev.vectorvault.storage.StorageException on an I/O failure (any previous file is left as it was)
     */
    public void write(Path file) {
        IndexFile.write(file, FILE_KIND, FILE_VERSION, this::writeBody);
    }

    /** As {@link #write(Path)}, as object {@code name} of {@code store} (the segment's store). */
    public void write(dev.vectorvault.storage.io.ObjectStore store, String name) {
        IndexFile.write(store, name, FILE_KIND, FILE_VERSION, this::writeBody);
    }

    private void writeBody(DataOutput out) throws IOException {
        out.writeUTF(vectors.metric.name());
        out.writeInt(vectors.dim);
        out.writeInt(vectors.size);
        out.writeLong(IndexFile.fingerprint(vectors));
        out.writeInt(params.m());
        out.writeInt(params.efConstruction());
        out.writeLong(params.seed());
        out.writeInt(entryPoint);
        out.writeInt(maxLevel);
        byte[] levels = new byte[vectors.size];
        for (int node = 0; node < levels.length; node++) {
            levels[node] = (byte) (linksUp[node] == null ? 0 : linksUp[node].length / (params.m() + 1));
        }
        out.write(levels);
        IndexFile.writeInts(out, links0, 0, links0.length);
        for (int[] links : linksUp) {
            if (links != null) {
                IndexFile.writeInts(out, links, 0, links.length);
            }
        }
    }

    /**
     * Loads an index written by {@link #write} over the same vectors.
     *
     * @throws CorruptIndexException        when the file is damaged, truncated, of an unknown version, or was built
     *                                      over other vectors or another metric; rebuild then
     * @throws dev.vectorvault.storage.StorageException when it cannot be read at all (for example it does not exist)
     */
    public static HnswIndex read(Path file, VectorColumn column, MetricType metric) {
        PackedVectors vectors = PackedVectors.copyOf(column, metric);
        return IndexFile.read(file, FILE_KIND, 1, FILE_VERSION,
                (in, version) -> readVersion(file.toString(), in, version, vectors));
    }

    /** As {@link #read(Path, VectorColumn, MetricType)}, from object {@code name} of {@code store}. */
    public static HnswIndex read(dev.vectorvault.storage.io.ObjectStore store, String name, VectorColumn column,
                                 MetricType metric) {
        PackedVectors vectors = PackedVectors.copyOf(column, metric);
        return IndexFile.read(store, name, FILE_KIND, 1, FILE_VERSION,
                (in, version) -> readVersion(store.describe(name), in, version, vectors));
    }

    /** One reader per file version. */
    private static HnswIndex readVersion(String file, DataInput in, int version, PackedVectors vectors)
            throws IOException {
        return switch (version) {
            // Version 2 moved to the common little-endian frame; the body's fields stayed as in version 1, and
            // IndexFile hands each version its own byte order.
            case 1, 2 -> readBodyV1(file, in, vectors);
            default -> throw new CorruptIndexException(file, "no reader for format version " + version);
        };
    }

    private static HnswIndex readBodyV1(String file, DataInput in, PackedVectors vectors) throws IOException {
        String metric = in.readUTF();
        int dim = in.readInt();
        int size = in.readInt();
        long fingerprint = in.readLong();
        if (!metric.equals(vectors.metric.name()) || dim != vectors.dim || size != vectors.size
                || fingerprint != IndexFile.fingerprint(vectors)) {
            throw new CorruptIndexException(file, "built over other vectors: " + metric + " " + size + " x " + dim
                    + ", loading " + vectors.metric + " " + vectors.size + " x " + vectors.dim);
        }
        HnswParams params;
        try {
            params = new HnswParams(in.readInt(), in.readInt(), in.readLong());
        } catch (IllegalArgumentException e) {
            throw new CorruptIndexException(file, e.getMessage());
        }
        int entryPoint = in.readInt();
        int maxLevel = in.readInt();
        int m = params.m();
        byte[] levels = new byte[size];
        in.readFully(levels);
        int[] links0 = new int[Math.multiplyExact(size, 1 + 2 * m)];
        IndexFile.readInts(in, links0, 0, links0.length);
        checkLinks(file, links0, 0, links0.length, 1 + 2 * m, 2 * m, size);
        int[][] linksUp = new int[size][];
        int top = 0;
        for (int node = 0; node < size; node++) {
            int level = levels[node];
            if (level < 0 || level > HnswBuilder.MAX_LEVEL) {
                throw new CorruptIndexException(file, "node " + node + " on layer " + level);
            }
            if (level > 0) {
                linksUp[node] = new int[level * (m + 1)];
                IndexFile.readInts(in, linksUp[node], 0, linksUp[node].length);
                checkLinks(file, linksUp[node], 0, linksUp[node].length, m + 1, m, size);
            }
            top = Math.max(top, level);
        }
        if (size > 0 && (entryPoint < 0 || entryPoint >= size || levels[entryPoint] != maxLevel || top != maxLevel)) {
            throw new CorruptIndexException(file, "entry point " + entryPoint + " on layer " + maxLevel
                    + " is not the top of the graph");
        }
        return new HnswIndex(vectors, params, links0, linksUp, entryPoint, maxLevel);
    }

    private static void checkLinks(String file, int[] links, int from, int to, int stride, int capacity, int size) {
        for (int base = from; base < to; base += stride) {
            int count = links[base];
            if (count < 0 || count > capacity) {
                throw new CorruptIndexException(file, "a node lists " + count + " links, at most " + capacity);
            }
            for (int j = 1; j <= count; j++) {
                if (links[base + j] < 0 || links[base + j] >= size) {
                    throw new CorruptIndexException(file, "link to node " + links[base + j] + " of " + size);
                }
            }
        }
    }
}
