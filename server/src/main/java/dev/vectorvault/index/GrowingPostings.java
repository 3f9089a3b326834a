package dev.vectorvault.index;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Posting lists over a column that has no finished index yet (a growing segment, or a sealed one still being
 * indexed), so that a full-text search reads the lists of its query terms instead of every row: the rows are added
 * at search time, from where the last search stopped, up to the rows the search sees. Candidates are visited
 * document at a time with MaxScore pruning
 * ({@link SparseInvertedIndex#maxScoreTermWeighted}) and scored by {@link SparseVector#weightedDot} itself, so the hits equal
 * an exhaustive scan's ({@link SparseColumn#searchTermWeighted}) exactly.
 *
 * <p>A list's bound is the document value of its largest stored value in its shortest row: BM25's document value
 * grows with the frequency and falls with the row length, whatever k1, b and avgdl the search uses, so no posting of
 * the list can score more.
 *
 * <p><b>Thread-safety.</b> Adding rows and taking a search's cursors happen under the lock; the search itself runs
 * without it. A list's arrays are only ever written beyond the length a cursor was given (a full array is copied, the
 * old one left as it was), so a cursor reads what it was handed.
 */
final class GrowingPostings {
    private final SparseColumn column;
    private final Map<Integer, PostingList> lists = new HashMap<>();
    /** Rows {@code [0, added)} are in the lists. */
    private int added;
    /** Their lengths (sums of their stored values), by ordinal; grown by copying, as the lists. */
    private float[] lengths = new float[16];

    GrowingPostings(SparseColumn column) {
        this.column = column;
    }

    /** The {@code k} best of the first {@code limit} rows that {@code filter} accepts, as the exhaustive scan. */
    List<SearchHit> searchTermWeighted(SparseVector weights, TermScorer scorer, int k, int limit,
                                       OrdinalFilter filter) {
        List<SparseInvertedIndex.Cursor> cursors = new ArrayList<>(weights.size());
        float[] rowLengths;
        synchronized (this) {
            for (int o = added; o < limit; o++) {
                SparseVector row = column.get(o);
                float length = row.sum();
                if (o == lengths.length) {
                    lengths = Arrays.copyOf(lengths, o * 2);
                }
                lengths[o] = length;
                for (int i = 0; i < row.size(); i++) {
                    lists.computeIfAbsent(row.index(i), t -> new PostingList()).add(o, row.value(i), length);
                }
            }
            added = Math.max(added, limit);
            for (int i = 0; i < weights.size(); i++) {
                PostingList list = lists.get(weights.index(i));
                float w = weights.value(i);
                if (list == null || !(w > 0)) {
                    continue;
                }
                // Rows past this search's limit (added by a search that saw more) are cut off by the count.
                int n = list.countBelow(limit);
                if (n > 0) {
                    cursors.add(new SparseInvertedIndex.Cursor(list.ordinals, n, list.values, w,
                            w * scorer.value(list.largestValue, list.shortestRow)));
                }
            }
            rowLengths = lengths;
        }
        TopK best = TopK.largest(k);
        SparseInvertedIndex.maxScoreTermWeighted(cursors, best, scorer, o -> rowLengths[o], ordinal -> {
            if (filter == OrdinalFilter.ACCEPT_ALL || filter.accept(ordinal)) {
                float score = weights.weightedDot(column.get(ordinal), scorer, rowLengths[ordinal]);
                if (score > 0) {
                    best.offer(ordinal, score);
                }
            }
        });
        return best.drainBestFirst();
    }

    /**
     * The rows holding one term, ascending, with their stored values, and the largest value and the shortest row
     * among them.
     */
    private static final class PostingList {
        int[] ordinals = new int[4];
        float[] values = new float[4];
        int size;
        float largestValue;
        float shortestRow = Float.POSITIVE_INFINITY;

        void add(int ordinal, float value, float rowLength) {
            if (size == ordinals.length) {
                ordinals = Arrays.copyOf(ordinals, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            values[size] = value;
            ordinals[size++] = ordinal;
            largestValue = Math.max(largestValue, value);
            shortestRow = Math.min(shortestRow, rowLength);
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
