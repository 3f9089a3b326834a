package dev.vectorvault.index;

import com.carrotsearch.hppc.IntIntHashMap;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;

/**
 * The corpus statistics BM25 needs over the live rows of one segment's sparse column of term frequencies (a BM25
 * function's output): the row count, the total token count and, per term, the rows holding it. A search reads them
 * here instead of scanning every row of the collection, which cost more than the index search itself.
 *
 * <p><b>Kept current, never stale.</b> A column only grows at its end and a segment's tombstones are only ever added,
 * so each call brings the statistics forward from what it saw last (a BM25 output column of a growing segment counts
 * each row as it is appended, {@link #append}): rows appended since are added, rows deleted since
 * are subtracted (found by comparing the segment's deletion count with the count already subtracted, then checking
 * each counted row). Should either ever go backwards, everything is recounted from the rows. A restarted server or a
 * compacted segment has new columns, whose statistics start from their rows. Term frequencies are whole numbers, so
 * the token sums (doubles) are exact whatever the order of adding and subtracting.
 *
 * <p><b>Thread-safety.</b> Synchronized: concurrent searches of one segment bring it forward once; the caller holds
 * the collection's read view, so the rows and tombstones it passes do not change during a call.
 */
public final class TermStatistics {
    private static final AtomicLong SERIALS = new AtomicLong();
    /** Tells these statistics from those of any other column, without a reference to either. */
    private final long serial = SERIALS.incrementAndGet();
    private final SparseColumn column;
    /** Rows {@code [0, counted)} of the column are in the sums. */
    private int counted;
    /** Counted rows subtracted again as deleted. */
    private final BitSet subtracted = new BitSet();
    private int subtractedCount;
    private long rows;
    private double tokens;
    /** Term id → rows holding it, among the counted rows not subtracted (a term no row holds any more reads 0). */
    private final IntIntHashMap documentFrequency = new IntIntHashMap();

    TermStatistics(SparseColumn column) {
        this.column = column;
    }

    /**
     * A number no other column's statistics have, for as long as the process runs: a sum cached over several
     * segments records it to tell whether a segment was replaced (compacted, reloaded) since.
     */
    public long serial() {
        return serial;
    }

    /**
     * Adds this segment's statistics to {@code totals}: over its first {@code size} rows, less the
     * {@code deletedCount} rows {@code deleted} accepts.
     */
    public synchronized void addTo(Totals totals, int size, int deletedCount, IntPredicate deleted) {
        if (size < counted || deletedCount < subtractedCount) {
            reset();
        }
        for (int o = counted; o < size; o++) {
            apply(column.get(o), 1);
        }
        counted = Math.max(counted, size);
        if (deletedCount != subtractedCount) {
            for (int o = 0; o < counted; o++) {
                if (!subtracted.get(o) && deleted.test(o)) {
                    subtracted.set(o);
                    subtractedCount++;
                    apply(column.get(o), -1);
                }
            }
        }
        totals.rows += rows;
        totals.tokens += tokens;
        for (int i = 0; i < totals.terms.length; i++) {
            totals.documentFrequencies[i] += documentFrequency.getOrDefault(totals.terms[i], 0);
        }
    }

    /**
     * Counts the row at {@code ordinal} as the column's writer appends it (a BM25 output column of a growing segment),
     * so that the next search finds the sums current; any row but the next uncounted one is left to {@link #addTo}.
     */
    synchronized void append(int ordinal, SparseVector row) {
        if (ordinal == counted) {
            apply(row, 1);
            counted++;
        }
    }

    /** How many rows, from the first, are in the sums. */
    synchronized int countedRows() {
        return counted;
    }

    private void reset() {
        counted = 0;
        subtracted.clear();
        subtractedCount = 0;
        rows = 0;
        tokens = 0;
        documentFrequency.clear();
    }

    private void apply(SparseVector row, int sign) {
        rows += sign;
        tokens += sign * (double) row.sum();
        for (int i = 0; i < row.size(); i++) {
            documentFrequency.addTo(row.index(i), sign);
        }
    }

    /** Statistics summed over segments for the terms of one request. */
    public static final class Totals {
        private final int[] terms;
        private final long[] documentFrequencies;
        private long rows;
        private double tokens;

        /** Sums for {@code terms} (term ids as a sparse vector holds them). */
        public Totals(int[] terms) {
            this.terms = terms.clone();
            this.documentFrequencies = new long[terms.length];
        }

        /** N: the live rows. */
        public long rows() {
            return rows;
        }

        /** The live rows' total token count (the sum of their term frequencies). */
        public double tokens() {
            return tokens;
        }

        /** n_t of each term, in the order given. */
        public long[] documentFrequencies() {
            return documentFrequencies.clone();
        }
    }
}
