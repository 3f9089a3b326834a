package dev.vectorvault.index;

import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.io.ObjectStore;
import java.util.Map;

/**
 * Milvus's sparse vector indexes ({@link SparseInvertedIndex}), metric IP on plain sparse fields; on a BM25 function's
 * output the catalog gives them metric BM25 and the search scores texts term at a time
 * ({@link SparseInvertedIndex#searchTermWeighted}).
 * <ul>
 * <li>{@code SPARSE_INVERTED_INDEX}: build parameter {@code inverted_index_algo} ({@code DAAT_MAXSCORE} by default,
 *     {@code DAAT_WAND}, {@code TAAT_NAIVE}).</li>
 * <li>{@code SPARSE_WAND}: the same index with {@code DAAT_WAND} forced, as in Milvus's engine (deprecated there
 *     since 2.5.4 in favour of the parameter).</li>
 * </ul>
 * Both take {@code drop_ratio_build} in [0, 1) (accepted, without effect, as in Milvus 2.6) and the search parameter
 * {@code drop_ratio_search} in [0, 1) (default 0). {@code refine_factor} (at least 1) and
 * {@code dim_max_score_ratio} ([0.5, 1.3]) are validated as Milvus does; they tune how approximate Milvus's engine
 * may be, and change nothing here because these searches are exact but for {@code drop_ratio_search}.
 */
final class SparseIndexKind implements IndexKind {
    static final SparseIndexKind INVERTED = new SparseIndexKind("SPARSE_INVERTED_INDEX", "sparse_inverted_index",
            null);
    static final SparseIndexKind WAND = new SparseIndexKind("SPARSE_WAND", "sparse_wand", SparseAlgorithm.DAAT_WAND);

    /** The search parameter of both kinds. */
    record Search(double dropRatio) implements SearchParams {}

    private final String name;
    private final String fileKind;
    /** The algorithm this kind always uses, or null when {@code inverted_index_algo} chooses. */
    private final SparseAlgorithm forced;

    private SparseIndexKind(String name, String fileKind, SparseAlgorithm forced) {
        this.name = name;
        this.fileKind = fileKind;
        this.forced = forced;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean builds() {
        return true;
    }

    @Override
    public boolean sparse() {
        return true;
    }

    @Override
    public MetricType checkMetric(RequestedMetric requested) {
        if (!requested.isNamed()) {
            return MetricType.IP;
        }
        if ("BM25".equalsIgnoreCase(requested.name())) {
            throw MilvusException.invalidParameter("metric type BM25 is for the output field of a BM25 function;"
                    + " index " + name + " on a plain sparse field takes metric IP");
        }
        MetricType metric = requested.metric().orElse(null);
        if (metric != MetricType.IP) {
            throw MilvusException.invalidParameter("metric type " + requested.name() + " not found or not supported"
                    + " for sparse index " + name + ", supported: [IP]");
        }
        return metric;
    }

    @Override
    public IndexParams parse(Map<String, String> params) {
        SparseAlgorithm algorithm = SparseAlgorithm.parse(params.get("inverted_index_algo"));
        double dropRatioBuild = ParamReader.doubleParam(params, "drop_ratio_build", 0, 0, 1, false);
        return new SparseIndexParams(forced != null ? forced : algorithm, dropRatioBuild);
    }

    @Override
    public SearchParams parseSearch(Map<String, String> params, int window) {
        double dropRatio = ParamReader.doubleParam(params, "drop_ratio_search", 0, 0, 1, false);
        ParamReader.intParam(params, "refine_factor", 1, 1, Integer.MAX_VALUE);
        ParamReader.doubleParam(params, "dim_max_score_ratio", 1.05, 0.5, 1.3, true);
        return new Search(dropRatio);
    }

    @Override
    public VectorIndex build(FieldVectors vectors, MetricType metric, IndexParams params, int threads,
                             BuildProgress progress) {
        return readyFor(metric, SparseInvertedIndex.build(this, sparseColumn(vectors), (SparseIndexParams) params,
                progress));
    }

    @Override
    public VectorIndex read(ObjectStore store, String name, FieldVectors vectors, MetricType metric) {
        return readyFor(metric, SparseInvertedIndex.read(this, store, name, sparseColumn(vectors)));
    }

    /**
     * A BM25 index derives its row lengths and pruning frontiers here, on the build or load thread, rather than on
     * its first search: that search would otherwise pay for them (0.3-0.8 s on 126,240 dictionary entries).
     */
    private static SparseInvertedIndex readyFor(MetricType metric, SparseInvertedIndex index) {
        if (metric == MetricType.BM25) {
            index.deriveTermWeighted();
        }
        return index;
    }

    private SparseColumn sparseColumn(FieldVectors vectors) {
        if (!(vectors instanceof SparseColumn column)) {
            throw new IllegalArgumentException(name + " indexes sparse vectors, got " + vectors.getClass()
                    .getSimpleName());
        }
        return column;
    }

    @Override
    public String fileKind() {
        return fileKind;
    }

    @Override
    public int fileVersion() {
        return SparseInvertedIndex.FILE_VERSION;
    }

    @Override
    public String toString() {
        return name;
    }
}
