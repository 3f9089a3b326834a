package dev.vectorvault.index;

import java.util.Arrays;

/**
 * Append-only storage for the {@link SparseVector}s of one sparse field of one segment, addressed by ordinal.
 *
 * <p><b>Thread-safety.</b> As {@link VectorColumn}: {@link #append} is synchronized (one writer), reads never lock.
 * The writer stores a row at an index no reader looks at yet ({@code >= size}), and publishes it with the volatile
 * write of {@code size}; a full array is copied and the copy published before {@code size} moves, so a reader that
 * reads {@code size} first and the array second sees every row below that size.
 */
public final class SparseColumn implements FieldVectors {
    private volatile SparseVector[] rows = new SparseVector[16];
    private volatile int size;
    /** BM25's corpus statistics of these rows, made on a full-text search's first need (never for other fields). */
    private volatile TermStatistics termStatistics;
    /** Posting lists for full-text searches while the segment has no finished index; null otherwise. */
    private volatile GrowingPostings postings;

    /** Appends a row (null, for a row without a value, is stored as the empty row); returns its ordinal. */
    public synchronized int append(SparseVector row) {
        SparseVector[] current = rows;
        if (size == current.length) {
            current = Arrays.copyOf(current, current.length * 2);
            rows = current;
        }
        current[size] = row == null ? SparseVector.EMPTY : row;
        return size++;
    }

    /**
     * The BM25 statistics of this column's rows, kept here so that they live and die with the rows. Searches ask for
     * them on every query (to check a cached sum is current), so only their creation takes the column's lock.
     */
    public TermStatistics termStatistics() {
        TermStatistics statistics = termStatistics;
        if (statistics == null) {
            synchronized (this) {
                statistics = termStatistics;
                if (statistics == null) {
                    statistics = new TermStatistics(this);
                    termStatistics = statistics;
                }
            }
        }
        return statistics;
    }

    /**
     * Frees the posting lists of full-text searches: called once the segment's index answers them, so the rows are
     * not indexed twice in memory.
     */
    public void releasePostings() {
        if (postings != null) {
            postings = null;
        }
    }

    private GrowingPostings postings() {
        GrowingPostings p = postings;
        if (p == null) {
            synchronized (this) {
                p = postings;
                if (p == null) {
                    p = new GrowingPostings(this);
                    postings = p;
                }
            }
        }
        return p;
    }

    @Override
    public int size() {
        return size;
    }

    /** The row at {@code ordinal} ({@code 0 <= ordinal < size()}). */
    public SparseVector get(int ordinal) {
        int n = size;
        if (ordinal < 0 || ordinal >= n) {
            throw new IndexOutOfBoundsException("ordinal " + ordinal + " of " + n);
        }
        return rows[ordinal];
    }

    /**
     * Exact inner-product search (Milvus's brute force for sparse vectors) over the first {@code limit} rows.
     * {@code radius}/{@code rangeFilter} (NaN: absent) make it a range search, keeping {@code radius < s <=
     * range_filter}.
     *
     * @return at most {@code k} hits with a positive score, best first, ties by smaller ordinal
     */
    public java.util.List<SearchHit> search(SparseVector query, int k, int limit, OrdinalFilter filter, float radius,
                                            float rangeFilter) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1: " + k);
        }
        ScoreRange range = Float.isNaN(radius) && Float.isNaN(rangeFilter) ? ScoreRange.UNBOUNDED
                : ScoreRange.of(MetricType.IP, radius, rangeFilter);
        TopK best = TopK.largest(k);
        SparseVector[] all = rows;
        int n = Math.min(limit, size);
        for (int ordinal = filter.next(0); ordinal >= 0 && ordinal < n; ordinal = filter.next(ordinal + 1)) {
            if (!filter.accept(ordinal)) {
                continue;
            }
            float score = query.dot(all[ordinal]);
            // As Milvus's engine (knowhere): a row sharing no index with the query (score 0) is no match.
            if (score > 0 && range.accepts(score)) {
                best.offer(ordinal, score);
            }
        }
        return best.drainBestFirst();
    }

    /**
     * Exact term-weighted search (BM25: {@code weights} are the query terms' weights, {@code scorer} the document
     * side) over the first {@code limit} rows; {@code radius}/{@code rangeFilter} as for {@link #search}. A top-k
     * search reads posting lists kept for it ({@link GrowingPostings}, the same hits); a range search scans.
     * Rows scoring at or below {@code floor} are left out ({@code -inf}: none), and the top-k search prunes from it.
     *
     * @return at most {@code k} hits with a positive score, best first, ties by smaller ordinal
     */
    public java.util.List<SearchHit> searchTermWeighted(SparseVector weights, TermScorer scorer, int k, int limit,
                                                        OrdinalFilter filter, float radius, float rangeFilter,
                                                        float floor) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1: " + k);
        }
        if (Float.isNaN(radius) && Float.isNaN(rangeFilter)) {
            // Top-k: through posting lists, same hits as the scan below (a range search keeps the scan).
            return postings().searchTermWeighted(weights, scorer, k, Math.min(limit, size), filter, floor);
        }
        ScoreRange range = ScoreRange.of(MetricType.BM25, radius, rangeFilter);
        TopK best = TopK.largest(k);
        SparseVector[] all = rows;
        int n = Math.min(limit, size);
        for (int ordinal = filter.next(0); ordinal >= 0 && ordinal < n; ordinal = filter.next(ordinal + 1)) {
            if (!filter.accept(ordinal)) {
                continue;
            }
            SparseVector row = all[ordinal];
            float score = weights.weightedDot(row, scorer, row.sum());
            if (score > 0 && score > floor && range.accepts(score)) {
                best.offer(ordinal, score);
            }
        }
        return best.drainBestFirst();
    }

    /** Heap bytes of the rows (entries × 8 plus object overhead), for memory accounting. */
    public long memoryBytes() {
        long bytes = 16L + 8L * rows.length;
        int n = size;
        SparseVector[] all = rows;
        for (int i = 0; i < n; i++) {
            bytes += 48 + 8L * all[i].size();
        }
        return bytes;
    }
}
