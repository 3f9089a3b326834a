package dev.vectorvault.index;

import dev.vectorvault.storage.io.ObjectStore;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * Milvus's HNSW_SQ: an {@link HnswIndex} graph whose searches read 8-bit codes ({@link Sq8Codes}) instead of the float
 * vectors, through the graph's {@link HnswIndex.NodeDistance} seam: the same walk, filter handling and exact fallback
 * scan, one byte per dimension read per visited node. With {@code refine}, the best {@code ceil(refine_k * k)}
 * candidates by code distance are re-ranked by exact distance on the segment's float column (refine_type FP32).
 *
 * <p>The graph is built over the float vectors (the column is in memory at build time anyway, and exact distances give
 * the better graph); only searches read codes. Scores without refine are the metric's score of the decoded vector, as
 * Milvus reports them; with refine they are exact. Immutable once built; thread-safe.
 */
final class HnswSqIndex implements VectorIndex {
    static final String FILE_KIND = "hnsw_sq";
    /** The common frame starts at version 2 ({@link IndexFile}); this kind's first body layout. */
    static final int FILE_VERSION = 2;

    /** Over the column's view, or over only its {@linkplain VectorColumn#shape shape} once the vectors are stored. */
    private volatile HnswIndex graph;
    /** Where refine reads exact vectors once the segment keeps them stored; null while the graph's view holds them. */
    private volatile VectorColumn stored;
    private final Sq8Codes codes;
    private final HnswSqParams params;

    private HnswSqIndex(HnswIndex graph, Sq8Codes codes, HnswSqParams params) {
        this.graph = graph;
        this.codes = codes;
        this.params = params;
    }

    static HnswSqIndex build(VectorColumn column, MetricType metric, HnswSqParams params, int threads,
            BuildProgress progress) {
        HnswIndex graph = HnswIndex.build(column, metric, params.graph(), threads, progress);
        return new HnswSqIndex(graph, Sq8Codes.encode(graph.vectors, metric, null), params);
    }

    @Override
    public IndexKind kind() {
        return HnswSqKind.INSTANCE;
    }

    @Override
    public List<SearchHit> search(float[] query, int k, SearchParams params, OrdinalFilter filter) {
        HnswSqKind.Search search = (HnswSqKind.Search) params;
        return search(query, k, search.ef(), search.refineK(), filter);
    }

    /**
     * The approximate {@code k} best matches among the ordinals {@code filter} accepts.
     *
     * @param ef      the graph's beam; raised to the candidates to re-rank when refining
     * @param refineK with refine, {@code ceil(refineK * k)} candidates are re-ranked exactly; ignored without it
     */
    List<SearchHit> search(float[] query, int k, int ef, double refineK, OrdinalFilter filter) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1: " + k);
        }
        if (filter == null) {
            throw new IllegalArgumentException("filter is required");
        }
        HnswIndex graph = this.graph;
        VectorColumn exact = stored;
        VectorColumn.View vectors = graph.vectors;
        VectorColumn.requireVector(query, vectors.dim, "query");
        if (vectors.size == 0) {
            return List.of();
        }
        MetricType metric = graph.metric;
        float[] prepared = metric.prepareQuery(query);
        Sq8Codes.Query coded = codes.prepare(prepared);
        int candidates = params.refine() ? (int) Math.max(k, Math.min(vectors.size, Math.ceil(refineK * k))) : k;
        NodeHeap found = graph.nearest(node -> codes.distance(coded, node), Math.max(ef, candidates), filter);
        if (!params.refine()) {
            TopK top = TopK.forMetric(metric, k);
            for (int i = 0; i < found.size(); i++) {
                top.offer(found.nodeAt(i), metric.scoreOf(found.distanceAt(i)));
            }
            return top.drainBestFirst();
        }
        TopK byCode = TopK.smallest(candidates);
        for (int i = 0; i < found.size(); i++) {
            byCode.offer(found.nodeAt(i), found.distanceAt(i));
        }
        TopK top = TopK.forMetric(metric, k);
        float[] vector = exact == null ? null : new float[vectors.dim];
        for (SearchHit candidate : byCode.drainBestFirst()) {
            int node = candidate.ordinal();
            float distance;
            if (exact == null) {
                distance = metric.distance(prepared, vectors, node);
            } else {
                exact.copyTo(node, vector);
                distance = metric.distance(prepared, 0, vector, 0, DistanceKernels.norm(vector, 0, vectors.dim),
                        vectors.dim);
            }
            top.offer(node, metric.scoreOf(distance));
        }
        return top.drainBestFirst();
    }

    /**
     * The graph walk reads codes only; refine reads {@code ceil(refine_k * k)} exact vectors per search from
     * {@code stored} instead of the resident column, which the segment then lets go.
     */
    @Override
    public void readExactVectorsFrom(VectorColumn stored) {
        HnswIndex current = graph;
        this.stored = stored;
        graph = new HnswIndex(stored.shape(), current.metric, current.params, current.links0, current.linksUp,
                current.entryPoint, current.maxLevel);
    }

    @Override
    public boolean readsOnlyCodes() {
        return true;
    }

    @Override
    public int size() {
        return graph.size();
    }

    @Override
    public MetricType metric() {
        return graph.metric;
    }

    HnswSqParams params() {
        return params;
    }

    /** The graph's links plus the codes; the float column (stored in the segment file once released) is not. */
    @Override
    public long memoryBytes() {
        return graph.memoryBytes() + codes.memoryBytes();
    }

    // ------------------------------------------------------------------ persistence

    /**
     * Body of version 2 (little-endian, in the common frame): HNSW's body ({@link HnswFileV1}: header with the vector
     * fingerprint, graph parameters, the graph), then {@code sq_type}, {@code refine}, {@code refine_type} and the
     * quantizer with the codes in ordinal order ({@link Sq8Codes#write}).
     */
    @Override
    public void write(ObjectStore store, String name) {
        IndexFile.write(store, name, FILE_KIND, FILE_VERSION, this::writeBody);
    }

    private void writeBody(DataOutput out) throws IOException {
        HnswFileV1.write(graph, out);
        out.writeUTF(params.sqType());
        out.writeBoolean(params.refine());
        out.writeUTF(params.refineType());
        codes.write(out);
    }

    static HnswSqIndex read(ObjectStore store, String name, VectorColumn column, MetricType metric) {
        VectorColumn.View vectors = HnswIndex.snapshot(column);
        String file = store.describe(name);
        // IndexFile admits only FILE_VERSION here, so every body is of this one layout.
        return IndexFile.read(store, name, FILE_KIND, FILE_VERSION, FILE_VERSION,
                (in, version) -> readBody(file, in, vectors, metric));
    }

    private static HnswSqIndex readBody(String file, DataInput in, VectorColumn.View vectors, MetricType metric)
            throws IOException {
        HnswIndex graph = HnswFileV1.read(file, in, vectors, metric);
        HnswSqParams params;
        try {
            params = new HnswSqParams(graph.params, in.readUTF(), in.readBoolean(), in.readUTF());
        } catch (IllegalArgumentException e) {
            throw new CorruptIndexException(file, e.getMessage());
        }
        return new HnswSqIndex(graph, Sq8Codes.read(file, in, metric, vectors.dim, vectors.size), params);
    }
}
