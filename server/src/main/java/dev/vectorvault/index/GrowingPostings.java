package dev.vectorvault.index;

import com.carrotsearch.hppc.IntIntHashMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Posting lists over a column that has no finished index yet (a growing segment, or a sealed one still being
 * indexed), so that a full-text search reads the lists of its query terms instead of every row. A BM25 output column
 * of a growing segment hands each row over as it is appended ({@link #append}), so no search pays for a backlog of
 * inserts; any other column's lists are made at search time, from where the last search stopped, up to the rows the
 * search sees. Searched as the sealed index
 * searches with DAAT_MAXSCORE ({@link BlockMaxScore}), so the hits equal an exhaustive scan's
 * ({@link SparseColumn#searchTermWeighted}) exactly.
 *
 * <p>Each list keeps the frontier of every full block of postings ({@link BlockFrontiers}), made when the block fills;
 * a search bounds the unfinished last block by scoring its few postings.
 *
 * <p><b>Thread-safety.</b> Adding rows (by the column's one writer, or by a search catching up) and taking a search's
 * cursors happen under the lock; the search itself runs
 * without it. A list's arrays are only ever written beyond the length a cursor was given (a full array is copied, the
 * old one left as it was), so a cursor reads what it was handed.
 */
final class GrowingPostings {
    private final SparseColumn column;
    /** Term id → its list's position in {@link #lists}. */
    private final IntIntHashMap listOf = new IntIntHashMap();
    private PostingList[] lists = new PostingList[16];
    private int listCount;
    /** Rows {@code [0, added)} are in the lists. */
    private int added;
    /** Their lengths (sums of their stored values), by ordinal; grown by copying, as the lists. */
    private float[] lengths = new float[16];

    GrowingPostings(SparseColumn column) {
        this.column = column;
    }

    /**
     * The {@code k} best of the first {@code limit} rows that {@code filter} accepts and that score above
     * {@code floor}, as the exhaustive scan.
     */
    List<SearchHit> searchTermWeighted(SparseVector weights, TermScorer scorer, int k, int limit,
                                       OrdinalFilter filter, float floor) {
        List<BlockMaxScore.TermCursor> cursors = new ArrayList<>(weights.size());
        float[] rowLengths;
        synchronized (this) {
            for (int o = added; o < limit; o++) {
                add(o, column.get(o));
            }
            rowLengths = lengths;
            for (int i = 0; i < weights.size(); i++) {
                int l = listOf.getOrDefault(weights.index(i), -1);
                if (l < 0) {
                    continue;
                }
                PostingList list = lists[l];
                // Rows past this search's limit (added by a search that saw more) are cut off by the count.
                int n = list.countBelow(limit);
                if (n > 0) {
                    cursors.add(new BlockMaxScore.TermCursor(cursors.size(), list.ordinals, list.values, n,
                            weights.value(i), scorer, rowLengths, list.frontiers()));
                }
            }
        }
        TopK best = TopK.largest(k);
        BlockMaxScore.search(cursors.toArray(new BlockMaxScore.TermCursor[0]), rowLengths, best, filter, floor);
        return best.drainBestFirst();
    }

    /**
     * Adds the row at {@code ordinal} as the column's writer appends it, before the column publishes it; a row already
     * in the lists (there is none: searches see only published rows) or beyond the next one is left alone.
     */
    synchronized void append(int ordinal, SparseVector row) {
        if (ordinal == added) {
            add(ordinal, row);
        }
    }

    /** How many rows, from the first, are in the lists. */
    synchronized int rows() {
        return added;
    }

    /** Adds row {@code ordinal}, which is {@link #added}; under the lock. */
    private void add(int ordinal, SparseVector row) {
        if (ordinal == lengths.length) {
            lengths = Arrays.copyOf(lengths, ordinal * 2);
        }
        lengths[ordinal] = row.sum();
        for (int i = 0; i < row.size(); i++) {
            list(row.index(i)).add(ordinal, row.value(i), lengths);
        }
        added = ordinal + 1;
    }

    /** The list of {@code term}, made empty if it has none yet. */
    private PostingList list(int term) {
        int l = listOf.getOrDefault(term, -1);
        if (l < 0) {
            l = listCount++;
            if (l == lists.length) {
                lists = Arrays.copyOf(lists, l * 2);
            }
            lists[l] = new PostingList();
            listOf.put(term, l);
        }
        return lists[l];
    }

    /** The rows holding one term, ascending, with their stored values and the frontiers of their full blocks. */
    private static final class PostingList {
        int[] ordinals = new int[4];
        float[] values = new float[4];
        int size;
        /** Made when the first block fills: most terms of a text corpus are rare and never fill one. */
        BlockFrontiers frontiers;

        void add(int ordinal, float value, float[] rowLengths) {
            if (size == ordinals.length) {
                ordinals = Arrays.copyOf(ordinals, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            values[size] = value;
            ordinals[size++] = ordinal;
            if ((size & (BlockFrontiers.BLOCK - 1)) == 0) {
                if (frontiers == null) {
                    frontiers = new BlockFrontiers();
                }
                frontiers.add(ordinals, values, size - BlockFrontiers.BLOCK, size, rowLengths);
            }
        }

        /** The frontiers of the full blocks so far; under the lock. */
        BlockFrontiers.View frontiers() {
            return frontiers == null ? BlockFrontiers.View.NONE : frontiers.view();
        }

        /** How many of the ordinals are below {@code limit}. */
        int countBelow(int limit) {
            if (size == 0 || ordinals[size - 1] < limit) {
                return size;
            }
            int found = Arrays.binarySearch(ordinals, 0, size, limit);
            return found >= 0 ? found : -found - 1;
        }
    }
}
