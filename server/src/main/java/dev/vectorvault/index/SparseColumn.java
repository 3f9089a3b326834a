package dev.vectorvault.index;

import java.util.Arrays;

/**
 * Append-only storage for the {@link SparseVector}s of one sparse field of one segment, addressed by ordinal.
 *
 * <p>A BM25 function's output in a growing segment ({@link #bm25Output}) takes each row into its full-text postings
 * and its BM25 statistics as the row is appended, so the first full-text search after a large insert finds them
 * current instead of building them for every new row; the writer pays a little per row. Any other column (a plain
 * sparse field, which full-text search never reads, or a segment made sealed, soon indexed) makes them only if a
 * full-text search asks, from where the last one stopped.
 *
 * <p><b>Thread-safety.</b> As {@link VectorColumn}: {@link #append} is synchronized (one writer), reads never lock.
 * The writer stores a row at an index no reader looks at yet ({@code >= size}), and publishes it with the volatile
 * write of {@code size}; a full array is copied and the copy published before {@code size} moves, so a reader that
 * reads {@code size} first and the array second sees every row below that size.
 */
public final class SparseColumn implements FieldVectors {
    private volatile SparseVector[] rows = new SparseVector[16];
    private volatile int size;
    /**
     * BM25's corpus statistics of these rows: made with a BM25 output column, else on a full-text search's first need
     * (never for other fields).
     */
    private volatile TermStatistics termStatistics;
    /** Posting lists for full-text searches while the segment has no finished index; null otherwise. */
    private volatile GrowingPostings postings;
    /**
     * Whether {@link #append} adds each row to {@link #postings} and {@link #termStatistics}: a BM25 output column
     * until its postings are released. Read and written under the column's lock.
     */
    private boolean keptCurrent;

    /** A column of a sparse field that is not a BM25 function's output (or of a segment made sealed). */
    public SparseColumn() {
    }

    /**
     * A column of a BM25 function's output (term frequencies) in a growing segment: its postings and statistics
     * take each row as it is appended.
     */
    public static SparseColumn bm25Output() {
        SparseColumn column = new SparseColumn();
        column.postings = new GrowingPostings(column);
        column.termStatistics = new TermStatistics(column);
        column.keptCurrent = true;
        return column;
    }

    /** Appends a row (null, for a row without a value, is stored as the empty row); returns its ordinal. */
    public synchronized int append(SparseVector row) {
        SparseVector[] current = rows;
        if (size == current.length) {
            current = Arrays.copyOf(current, current.length * 2);
            rows = current;
        }
        SparseVector stored = row == null ? SparseVector.EMPTY : row;
        current[size] = stored;
        if (keptCurrent) {
            // Before the row is published: a search seeing it finds it in the lists and in the sums.
            postings.append(size, stored);
            termStatistics.append(size, stored);
        }
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
     * not indexed twice in memory. Appends no longer keep them (a segment with an index takes no rows anyway); only a
     * full-text search that finds no index to answer it (the index dropped or being rebuilt) makes them again.
     */
    public void releasePostings() {
        if (postings != null) {
            synchronized (this) {
                keptCurrent = false;
                postings = null;
            }
        }
    }

    /** How many rows, from the first, the full-text postings hold (0 without postings). */
    public int postedRows() {
        GrowingPostings p = postings;
        return p == null ? 0 : p.rows();
    }

    /** How many rows, from the first, the BM25 statistics have counted (0 before any were made). */
    public int countedRows() {
        TermStatistics statistics = termStatistics;
        return statistics == null ? 0 : statistics.countedRows();
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
