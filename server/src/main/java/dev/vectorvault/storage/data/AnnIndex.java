package dev.vectorvault.storage.data;

import dev.vectorvault.index.OrdinalFilter;
import dev.vectorvault.index.SearchHit;
import dev.vectorvault.index.SearchParams;
import dev.vectorvault.index.SparseVector;
import dev.vectorvault.index.TermScorer;
import java.util.List;

/** The finished approximate index of one sealed segment's vector field. Thread-safe. */
public interface AnnIndex {
    /**
     * The approximate {@code k} best accepted ordinals of the segment.
     *
     * @param params the search parameters of the index's kind ({@link dev.vectorvault.index.IndexKind#parseSearch})
     */
    List<SearchHit> search(float[] query, int k, SearchParams params, OrdinalFilter filter);

    /**
     * As above for the index of a sparse vector field; rows scoring at or below {@code floor} (the k-th score of the
     * segments searched before, which win ties; {@code -inf} for none) may be left out, the rest come back as without.
     */
    List<SearchHit> search(SparseVector query, int k, SearchParams params, OrdinalFilter filter, float floor);

    /** As above for the index of a binary vector field ({@code query}: the packed bits). */
    List<SearchHit> search(byte[] query, int k, SearchParams params, OrdinalFilter filter);

    /**
     * Whether its scores are exact (not a quantized index's): an exact search of a few rows may then replace a
     * filtered search through it.
     */
    boolean scoresExactly();

    /** A term-weighted (BM25) search of a sparse index, {@code floor} as above; null when it cannot run one. */
    List<SearchHit> searchTermWeighted(SparseVector weights, TermScorer scorer, int k, OrdinalFilter filter,
                                       float floor);
}
