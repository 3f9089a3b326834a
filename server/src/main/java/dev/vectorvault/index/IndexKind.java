package dev.vectorvault.index;

import dev.vectorvault.storage.io.ObjectStore;
import java.util.Map;

/**
 * One kind of vector index (FLAT, HNSW, IVF_FLAT, ...) with everything that belongs to it: Milvus's name, its build
 * parameters (validation and defaults), its search parameters, the build, and its file format with one reader per
 * format version. Registered in {@link IndexKinds}; adding a kind is one implementation and one line there. Nothing
 * outside a kind's own classes decides anything by kind. Implementations are stateless singletons.
 */
public interface IndexKind {
    /** Milvus's {@code index_type} ({@code "HNSW"}); also the name the catalog stores. */
    String name();

    /**
     * Whether segments get a built structure of this kind. False for FLAT, which searches the column exactly and has
     * nothing to build, load or write.
     */
    boolean builds();

    /** Whether this kind indexes sparse vector fields ({@link SparseColumn}) rather than dense ones. */
    default boolean sparse() {
        return false;
    }

    /** Whether this kind indexes binary vector fields ({@link BinaryColumn}) rather than float ones. */
    default boolean binary() {
        return false;
    }

    /**
     * The metric an index definition of this kind gets for the metric the client named (none: the kind's default).
     *
     * @throws dev.vectorvault.common.MilvusException 1100 (invalid parameter) for a metric this kind does not take
     */
    default MetricType checkMetric(RequestedMetric requested) {
        if (!requested.isNamed()) {
            return MetricType.DEFAULT;
        }
        return requested.metric().filter(MetricType::dense).orElseThrow(() ->
                dev.vectorvault.common.MilvusException.invalidParameter("metric type " + requested.name()
                        + " not found or not supported, supported: " + MetricType.denseMetrics()));
    }

    /**
     * Validates a definition's user parameters and fills in defaults.
     *
     * @throws dev.vectorvault.common.MilvusException 1100 (invalid parameter) with Milvus's message
     */
    IndexParams parse(Map<String, String> params);

    /**
     * Checks parameters from {@link #parse} against the field's dimension (IVF_PQ's {@code m} must divide it); the
     * other kinds take any dimension.
     *
     * @throws dev.vectorvault.common.MilvusException 1100 (invalid parameter) with Milvus's message
     */
    default void checkDimension(IndexParams params, int dim) {}

    /**
     * Validates a search request's parameters for this kind.
     *
     * @param window topk + offset; some kinds never search narrower than that
     * @throws dev.vectorvault.common.MilvusException 1100 (invalid parameter) with Milvus's message
     */
    SearchParams parseSearch(Map<String, String> params, int window);

    /**
     * Builds over the vectors the column holds now; the index keeps a view of the column, not a copy. The column is
     * a {@link VectorColumn} for dense kinds and a {@link SparseColumn} for {@linkplain #sparse() sparse} ones.
     *
     * @param params   from {@link #parse}
     * @param threads  1 or more
     * @param progress told how many vectors are done; may throw to cancel the build
     * @throws UnsupportedOperationException when {@link #builds()} is false
     */
    VectorIndex build(FieldVectors vectors, MetricType metric, IndexParams params, int threads, BuildProgress progress);

    /**
     * Loads an index of this kind written by {@link VectorIndex#write}, in any format version this kind reads, over
     * the same vectors and metric.
     *
     * @throws CorruptIndexException        when damaged, truncated, of an unknown version, or built over other
     *                                      vectors or another metric; rebuild then
     * @throws dev.vectorvault.storage.StorageException when it cannot be read at all (for example it does not exist)
     */
    VectorIndex read(ObjectStore store, String name, FieldVectors vectors, MetricType metric);

    /** The kind's name inside its files' header ({@code "hnsw"}). */
    String fileKind();

    /** The format version {@link VectorIndex#write} writes. */
    int fileVersion();
}
