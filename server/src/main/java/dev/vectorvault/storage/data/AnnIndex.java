package dev.vectorvault.storage.data;

import dev.vectorvault.index.OrdinalFilter;
import dev.vectorvault.index.SearchHit;
import java.util.List;

/** The finished approximate index of one sealed segment's vector field. Thread-safe. */
public interface AnnIndex {
    /**
     * The approximate {@code k} best accepted ordinals of the segment.
     *
     * @param ef     HNSW's search beam (raised to {@code k} when smaller); ignored by IVF_FLAT
     * @param nprobe IVF_FLAT's lists to scan; ignored by HNSW
     */
    List<SearchHit> search(float[] query, int k, int ef, int nprobe, OrdinalFilter filter);
}
