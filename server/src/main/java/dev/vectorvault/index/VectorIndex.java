package dev.vectorvault.index;

import dev.vectorvault.storage.io.ObjectStore;
import java.util.List;
import java.util.Optional;

/**
 * A built vector index over a {@link VectorColumn}: it searches the column's own vectors (it holds no copy of them)
 * through whatever structure its {@link IndexKind} adds (a graph, inverted lists). Immutable once built; any number of
 * threads may search at once. Per-search working memory (visited sets, heaps) is per thread inside the kind, so a
 * search needs no handle of its own.
 */
public interface VectorIndex {
    IndexKind kind();

    MetricType metric();

    /** Number of vectors indexed: the column's size when the index was built. */
    int size();

    /**
     * The approximate {@code k} best matches among the ordinals {@code filter} accepts.
     *
     * @param params from this index's {@link IndexKind#parseSearch}
     * @return at most {@code k} hits, best first in the metric's direction (ties by smaller ordinal); unmodifiable
     * @throws IllegalArgumentException on a wrong dimension, a non-finite component, {@code k < 1} or a null filter
     */
    List<SearchHit> search(float[] query, int k, SearchParams params, OrdinalFilter filter);

    /**
     * As {@link #search(float[], int, SearchParams, OrdinalFilter)} for an index over a sparse field.
     *
     * @throws IllegalArgumentException for an index over dense vectors
     */
    default List<SearchHit> search(SparseVector query, int k, SearchParams params, OrdinalFilter filter) {
        throw new IllegalArgumentException("a dense vector index is searched with float vectors");
    }

    /**
     * As {@link #search(float[], int, SearchParams, OrdinalFilter)} for an index over a binary field: {@code query}
     * holds the packed bits ({@code dim / 8} bytes).
     *
     * @throws IllegalArgumentException for an index over float or sparse vectors
     */
    default List<SearchHit> search(byte[] query, int k, SearchParams params, OrdinalFilter filter) {
        throw new IllegalArgumentException("this vector index is not searched with binary vectors");
    }

    /**
     * As the sparse search above, where the caller has no use for rows scoring at or below {@code floor} (the k-th
     * score of the segments it searched before, which win ties): an index may prune with it and leave such rows out.
     * Rows above the floor come back exactly as without it. This default ignores it.
     */
    default List<SearchHit> search(SparseVector query, int k, SearchParams params, OrdinalFilter filter,
                                   float floor) {
        return search(query, k, params, filter);
    }

    /**
     * A term-weighted search (BM25) of a sparse index ({@link SparseColumn#searchTermWeighted}); null when this
     * index cannot run one (the caller searches exactly). Rows scoring at or below {@code floor} may be left out,
     * as for the sparse search ({@code -inf}: none).
     */
    default List<SearchHit> searchTermWeighted(SparseVector weights, TermScorer scorer, int k, OrdinalFilter filter,
                                               float floor) {
        return null;
    }

    /** Heap bytes this index holds beyond the column's vectors (links, lists, centroids). */
    long memoryBytes();

    /**
     * The column's vectors stored in the order this index scans them, when it arranged them so
     * ({@link VectorColumn#arrangedAs}, {@link BinaryColumn#arrangedAs}): the segment replaces its column with it, so
     * every vector is held once and the appended column can be collected. Empty when the index searches the column
     * as it is.
     */
    default Optional<? extends FieldVectors> arrangedColumn() {
        return Optional.empty();
    }

    /**
     * Whether searches read only this index's own codes (a quantized index), so the segment may keep the field's
     * full-precision vectors off the heap once the index is ready ({@link #readExactVectorsFrom}).
     */
    default boolean readsOnlyCodes() {
        return false;
    }

    /**
     * Whether the scores this index reports are the metric's exact scores of the stored vectors (a graph or list over
     * them), so that an exact search of the same rows may answer in its place; false for a quantized index, whose
     * scores are those of its codes.
     */
    default boolean scoresExactly() {
        return !readsOnlyCodes();
    }

    /**
     * For an index that {@linkplain #readsOnlyCodes reads only codes}: stop holding the resident column and read
     * exact vectors (refine) from {@code stored} from now on; the segment then swaps {@code stored} in for its column.
     * Call it only once the index file is written: the index can no longer fingerprint the vectors to write it.
     */
    default void readExactVectorsFrom(VectorColumn stored) {
        throw new UnsupportedOperationException(kind() + " searches its field's vectors");
    }

    /**
     * Writes the index (not the vectors, which live in the segment) as object {@code name} of {@code store}, whole and
     * durably, in the newest format version of its kind ({@link IndexKind#fileVersion()}).
     *
     * @throws dev.vectorvault.storage.StorageException on an I/O failure (any previous object is left as it was)
     */
    void write(ObjectStore store, String name);
}
