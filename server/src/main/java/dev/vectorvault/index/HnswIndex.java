package dev.vectorvault.index;

import java.io.DataInput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Approximate nearest-neighbour search over a hierarchical navigable small-world graph (Malkov and Yashunin, "Efficient
 * and robust approximate nearest neighbor search using HNSW graphs", 2016), over a snapshot of a {@link VectorColumn}.
 * Paper names map to Milvus's: {@code M} (links per node on the upper layers, {@code 2 * M} on layer 0),
 * {@code efConstruction} (the beam while inserting, {@link HnswParams}) and {@code ef} (the beam while searching).
 *
 * <p>Layout, chosen for the search's hot loop: the vectors are not copied; the graph reads the segment's own column
 * through a {@link VectorColumn.View} (a vector is one chunk lookup away), and the metric's {@link MetricType#distance}
 * handles COSINE with the norm the column keeps per vector. Layer 0 is one {@code int[]} with a fixed stride of
 * {@code 1 + 2M} per node (a count, then the neighbours), so following a link is an index computation; the few nodes
 * on upper layers have one small {@code int[]} each. A search allocates nothing per visited node: the
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
public final class HnswIndex implements VectorIndex {
    /** Kind and body version of this index's files ({@link #write}); a new body layout gets a new version. */
    public static final String FILE_KIND = "hnsw";
    public static final int FILE_VERSION = 2;

    final VectorColumn.View vectors;
    final MetricType metric;
    final HnswParams params;
    final int[] links0;
    final int[][] linksUp;
    final int entryPoint;
    final int maxLevel;

    HnswIndex(VectorColumn.View vectors, MetricType metric, HnswParams params, int[] links0, int[][] linksUp,
            int entryPoint, int maxLevel) {
        this.vectors = vectors;
        this.metric = metric;
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
        return new HnswBuilder(snapshot(vectors), metric, params, threads, progress).build();
    }

    /** A view of the column as it is now, refused when one graph could not address it. */
    static VectorColumn.View snapshot(VectorColumn column) {
        if (column == null) {
            throw new IllegalArgumentException("vectors are required");
        }
        return column.view();
    }

    @Override
    public IndexKind kind() {
        return HnswKind.INSTANCE;
    }

    @Override
    public List<SearchHit> search(float[] query, int k, SearchParams params, OrdinalFilter filter) {
        return search(query, k, ((HnswKind.Search) params).ef(), filter);
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
        VectorColumn.requireVector(query, vectors.dim, "query");
        float[] q = metric.prepareQuery(query);
        if (vectors.size == 0) {
            return List.of();
        }
        NodeHeap results = nearest(new ColumnDistance(q), Math.max(ef, k), filter);
        TopK top = TopK.forMetric(metric, k);
        for (int i = 0; i < results.size(); i++) {
            top.offer(results.nodeAt(i), metric.scoreOf(results.distanceAt(i)));
        }
        return top.drainBestFirst();
    }

    /**
     * The distance from one search's query to a node of the graph, smaller better: what the walk reads. Plain HNSW
     * reads the column's floats; {@link HnswSqIndex} reads 8-bit codes through the same graph.
     */
    @FunctionalInterface
    interface NodeDistance {
        float to(int node);

        /**
         * Reads the first {@code count} nodes' data ahead of {@link #to} so their cache misses overlap (see
         * {@link VectorColumn.View#touch}); returns a meaningless sum the caller keeps. Nothing by default.
         */
        default float touch(int[] nodes, int count) {
            return 0f;
        }
    }

    /** The query's distance to the column's floats, which a walk touches ahead of scoring. */
    private final class ColumnDistance implements NodeDistance {
        private final float[] query;

        ColumnDistance(float[] query) {
            this.query = query;
        }

        @Override
        public float to(int node) {
            return metric.distance(query, vectors, node);
        }

        @Override
        public float touch(int[] nodes, int count) {
            return vectors.touch(nodes, count);
        }
    }

    /**
     * The graph walk of a search (upper layers greedily, then layer 0 with beam {@code ef} and the filter inside),
     * by {@code distance}. Returns this thread's result heap (farthest on top, up to {@code ef} accepted nodes, with
     * the distances the walk read), valid until the thread's next search. The graph must not be empty.
     */
    NodeHeap nearest(NodeDistance distance, int ef, OrdinalFilter filter) {
        int ep = entryPoint;
        float epDistance = distance.to(ep);
        SearchScratch scratch = SearchScratch.forThread(vectors.size);
        for (int level = maxLevel; level > 0; level--) {
            ep = greedyClosest(distance, ep, epDistance, level, scratch);
            epDistance = distance.to(ep);
        }
        searchLayer0(distance, ep, epDistance, ef, filter, scratch);
        return scratch.results;
    }

    /**
     * Walks an upper layer to the node closest to the query (the paper's search with ef = 1). Each node's links are
     * touched before they are scored, as on layer 0: up here every link is a vector not read yet.
     */
    private int greedyClosest(NodeDistance distanceTo, int start, float startDistance, int level,
                              SearchScratch scratch) {
        int stride = params.m() + 1;
        int current = start;
        float best = startDistance;
        boolean moved = true;
        while (moved) {
            moved = false;
            int[] links = linksUp[current];
            int base = (level - 1) * stride;
            int count = links[base];
            int[] listed = scratch.fresh(count);
            System.arraycopy(links, base + 1, listed, 0, count);
            scratch.touched += distanceTo.touch(listed, count);
            for (int j = 0; j < count; j++) {
                int neighbour = listed[j];
                float distance = distanceTo.to(neighbour);
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
    private void searchLayer0(NodeDistance distanceTo, int ep, float epDistance, int ef, OrdinalFilter filter,
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
            if (!candidates.isEmpty()) {
                // The likely next node to expand: its link row is read now, while this node's neighbours are scored.
                scratch.touchedLinks += links[candidates.topNode() * stride];
            }
            int base = current * stride;
            int count = links[base];
            int[] fresh = scratch.fresh(count);
            int unvisited = 0;
            for (int j = 1; j <= count; j++) {
                int neighbour = links[base + j];
                if (scratch.visit(neighbour)) {
                    fresh[unvisited++] = neighbour;
                }
            }
            visited += unvisited;
            scratch.touched += distanceTo.touch(fresh, unvisited);
            for (int j = 0; j < unvisited; j++) {
                int neighbour = fresh[j];
                float distance = distanceTo.to(neighbour);
                if (distance < worst) {
                    candidates.push(neighbour, distance);
                    if (acceptAll || filter.accept(neighbour)) {
                        if (results.size() < ef) {
                            results.push(neighbour, distance);
                        } else {
                            results.replaceTop(neighbour, distance);
                        }
                        if (results.size() == ef) {
                            worst = results.topDistance();
                        }
                    }
                }
            }
            if (visited > scanThreshold && results.size() < ef) {
                scanUnvisited(distanceTo, ef, filter, scratch);
                return;
            }
        }
    }

    /**
     * Finishes a filtered search exactly: every node the walk has not visited is offered if the filter accepts it.
     * While the results are not full, every accepted node visited so far is among them (nothing was cut), so the
     * results end up the exact {@code ef} nearest accepted nodes, and no node's filter is asked twice.
     */
    private void scanUnvisited(NodeDistance distanceTo, int ef, OrdinalFilter filter, SearchScratch scratch) {
        NodeHeap results = scratch.results;
        for (int node = 0; node < vectors.size; node++) {
            if (!scratch.visit(node) || !filter.accept(node)) {
                continue;
            }
            float distance = distanceTo.to(node);
            if (results.size() < ef || distance < results.topDistance()) {
                results.push(node, distance);
                if (results.size() > ef) {
                    results.pop();
                }
            }
        }
    }

    /** Number of vectors in the graph. */
    @Override
    public int size() {
        return vectors.size;
    }

    public int dim() {
        return vectors.dim;
    }

    @Override
    public MetricType metric() {
        return metric;
    }

    public HnswParams params() {
        return params;
    }

    /** Heap bytes held: the link arrays and their headers (the vectors are the column's, not counted here). */
    @Override
    public long memoryBytes() {
        long bytes = 4L * links0.length + 16L + 8L * linksUp.length;
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
     * {@link IndexFile} for the framing and byte order and {@link HnswFileV1} for the body (versions 1 and 2 share it).
     *
     * @throws dev.vectorvault.storage.StorageException on an I/O failure (any previous file is left as it was)
     */
    public void write(Path file) {
        IndexFile.write(file, FILE_KIND, FILE_VERSION, out -> HnswFileV1.write(this, out));
    }

    /** As {@link #write(Path)}, as object {@code name} of {@code store} (the segment's store). */
    @Override
    public void write(dev.vectorvault.storage.io.ObjectStore store, String name) {
        IndexFile.write(store, name, FILE_KIND, FILE_VERSION, out -> HnswFileV1.write(this, out));
    }

    /**
     * Loads an index written by {@link #write} (any version with a reader) over the same vectors.
     *
     * @throws CorruptIndexException        when the file is damaged, truncated, of an unknown version, or was built
     *                                      over other vectors or another metric; rebuild then
     * @throws dev.vectorvault.storage.StorageException when it cannot be read at all (for example it does not exist)
     */
    public static HnswIndex read(Path file, VectorColumn column, MetricType metric) {
        VectorColumn.View vectors = snapshot(column);
        return IndexFile.read(file, FILE_KIND, HnswFileV1.VERSION, FILE_VERSION,
                (in, version) -> readVersion(file.toString(), in, version, vectors, metric));
    }

    /** As {@link #read(Path, VectorColumn, MetricType)}, from object {@code name} of {@code store}. */
    public static HnswIndex read(dev.vectorvault.storage.io.ObjectStore store, String name, VectorColumn column,
                                 MetricType metric) {
        VectorColumn.View vectors = snapshot(column);
        return IndexFile.read(store, name, FILE_KIND, HnswFileV1.VERSION, FILE_VERSION,
                (in, version) -> readVersion(store.describe(name), in, version, vectors, metric));
    }

    /**
     * One reader per format version; a new body layout adds a class and a case here, old ones stay readable.
     * Version 2 moved to the common little-endian frame and kept version 1's body fields ({@link IndexFile} hands
     * each version its own byte order).
     */
    private static HnswIndex readVersion(String file, DataInput in, int version, VectorColumn.View vectors,
            MetricType metric) throws IOException {
        if (version == HnswFileV1.VERSION || version == 2) {
            return HnswFileV1.read(file, in, vectors, metric);
        }
        throw new CorruptIndexException(file, "no reader for " + FILE_KIND + " format version " + version);
    }
}
