package dev.vectorvault.index;

import java.util.Arrays;

/**
 * Block-max MaxScore for term-weighted (BM25) searches over posting lists, scoring from the postings themselves.
 *
 * <p>Rows are visited in windows: a window ends at the end of the shortest current block among the lists (a block
 * being {@link BlockFrontiers#BLOCK} postings), so within it every list's bound is its current block's bound under
 * this search (from the block's frontier). Lists are ordered by that bound; the smallest ones whose bounds together
 * cannot reach the current threshold are non-essential; a window where no list is essential is skipped whole. In a
 * window, candidates are the rows of the essential lists, document at a time; a candidate's essential parts are
 * computed from the postings, then the non-essential lists are looked up, the largest bound first, while the row may
 * still enter. A row that passes has every list looked up, and its score is the sum of its parts in query-term order,
 * each part {@code weight × scorer(stored value, row length)}: the same float operations in the same order as
 * {@link SparseVector#weightedDot}, so scores and hits equal an exhaustive search's exactly.
 *
 * <p>Rows are visited in ascending ordinal order and a row is skipped only when it scores below the k-th kept one, so
 * a skipped row would also lose a tie (ties go to smaller ordinals). Bounds and parts add in other orders than the
 * score does, which {@link #BOUND_SLACK} covers.
 *
 * <p>A search may start from a <em>floor</em>: a score that a row must exceed to matter to the caller (the k-th score
 * of the segments searched before this one, whose hits win ties). The threshold is then never below the floor, so
 * blocks are skipped from the first window on instead of only once k rows are kept; rows scoring at or below the
 * floor are not offered.
 */
final class BlockMaxScore {
    /** Relative slack on pruning bounds: float sums in another order than the exact score can differ by ulps. */
    private static final float BOUND_SLACK = 1e-5f;
    static final int NO_MORE_ROWS = Integer.MAX_VALUE;

    private BlockMaxScore() {}

    /**
     * Offers to {@code best} every row with a positive score above {@code floor} that {@code filter} accepts and that
     * may still enter.
     *
     * @param cursors one per query term that has a list, in query-term order (ascending unsigned term)
     * @param rowLengths each row's length (sum of its stored values), by ordinal
     * @param floor rows scoring at or below it are of no use to the caller ({@code -inf}: none)
     */
    static void search(TermCursor[] cursors, float[] rowLengths, TopK best, OrdinalFilter filter, float floor) {
        int n = cursors.length;
        TermCursor[] order = cursors.clone();
        float[] prefix = new float[n + 1];
        float[] parts = new float[n];
        int[] partRow = new int[n];
        Arrays.fill(partRow, -1);
        boolean acceptAll = filter == OrdinalFilter.ACCEPT_ALL;
        float threshold = threshold(best, floor);
        int start = 0;
        while (true) {
            int end = NO_MORE_ROWS;
            boolean any = false;
            for (TermCursor c : cursors) {
                c.advanceTo(start);
                if (c.row() != NO_MORE_ROWS) {
                    any = true;
                    end = Math.min(end, c.blockLastRow());
                }
            }
            if (!any) {
                return;
            }
            for (TermCursor c : cursors) {
                c.windowBound = c.row() == NO_MORE_ROWS ? 0 : c.blockBound();
            }
            sortByWindowBound(order);
            for (int i = 0; i < n; i++) {
                prefix[i + 1] = prefix[i] + order[i].windowBound;
            }
            int firstEssential = 0;
            while (firstEssential < n && !mayEnter(prefix[firstEssential + 1], threshold)) {
                firstEssential++;
            }
            while (firstEssential < n) {
                int row = NO_MORE_ROWS;
                for (int i = firstEssential; i < n; i++) {
                    row = Math.min(row, order[i].row());
                }
                if (row > end) {
                    break;
                }
                if (!acceptAll && !filter.accept(row)) {
                    for (int i = firstEssential; i < n; i++) {
                        if (order[i].row() == row) {
                            order[i].next();
                        }
                    }
                    continue;
                }
                float length = rowLengths[row];
                float bound = prefix[firstEssential];
                for (int i = firstEssential; i < n; i++) {
                    TermCursor c = order[i];
                    if (c.row() == row) {
                        float part = c.part(length);
                        parts[c.slot] = part;
                        partRow[c.slot] = row;
                        bound += part;
                        c.next();
                    }
                }
                int i = firstEssential - 1;
                for (; i >= 0 && mayEnter(bound, threshold); i--) {
                    TermCursor c = order[i];
                    bound -= c.windowBound;
                    c.advanceTo(row);
                    if (c.row() == row) {
                        float part = c.part(length);
                        parts[c.slot] = part;
                        partRow[c.slot] = row;
                        bound += part;
                    }
                }
                if (i >= 0 || !mayEnter(bound, threshold)) {
                    continue;
                }
                float score = 0;
                for (int s = 0; s < n; s++) {
                    if (partRow[s] == row) {
                        score += parts[s];
                    }
                }
                if (score > 0 && score > floor && best.offer(row, score)) {
                    threshold = threshold(best, floor);
                    while (firstEssential < n && !mayEnter(prefix[firstEssential + 1], threshold)) {
                        firstEssential++;
                    }
                }
            }
            if (end == NO_MORE_ROWS - 1) {
                return;
            }
            start = end + 1;
        }
    }

    /** The score a candidate must beat: the floor until k rows are kept, then the larger of it and the k-th. */
    private static float threshold(TopK best, float floor) {
        return best.isFull() ? Math.max(floor, best.worstScore()) : floor;
    }

    /** Whether a row whose score is at most {@code bound} may still enter the results. */
    private static boolean mayEnter(float bound, float threshold) {
        return bound * (1 + BOUND_SLACK) >= threshold;
    }

    /** Insertion sort by window bound: query term counts are small. */
    private static void sortByWindowBound(TermCursor[] cursors) {
        for (int i = 1; i < cursors.length; i++) {
            TermCursor c = cursors[i];
            int j = i - 1;
            while (j >= 0 && cursors[j].windowBound > c.windowBound) {
                cursors[j + 1] = cursors[j];
                j--;
            }
            cursors[j + 1] = c;
        }
    }

    /**
     * A position in one query term's posting list (its first {@code length} postings), with the term's weight and
     * the list's block frontiers; blocks at or past {@code frontiers.blocks()} (a growing list's unfinished last
     * block) are bounded by scoring their postings.
     */
    static final class TermCursor {
        /** The query term's position among the search's terms (ascending unsigned term). */
        final int slot;
        private final int[] ordinals;
        private final float[] values;
        private final int length;
        private final float weight;
        private final TermScorer scorer;
        private final float[] rowLengths;
        private final BlockFrontiers.View frontiers;
        private int position;
        private int boundBlock = -1;
        private float blockBound;
        /** This list's bound in the current window. */
        float windowBound;

        TermCursor(int slot, int[] ordinals, float[] values, int length, float weight, TermScorer scorer,
                   float[] rowLengths, BlockFrontiers.View frontiers) {
            this.slot = slot;
            this.ordinals = ordinals;
            this.values = values;
            this.length = length;
            this.weight = weight;
            this.scorer = scorer;
            this.rowLengths = rowLengths;
            this.frontiers = frontiers;
        }

        /** The current row, {@link #NO_MORE_ROWS} once exhausted. */
        int row() {
            return position < length ? ordinals[position] : NO_MORE_ROWS;
        }

        void next() {
            position++;
        }

        /** The query term's part of the current row's score. */
        float part(float rowLength) {
            return weight * scorer.value(values[position], rowLength);
        }

        /** The last row of the current block (not exhausted). */
        int blockLastRow() {
            int blockEnd = ((position >>> BlockFrontiers.BLOCK_SHIFT) + 1) << BlockFrontiers.BLOCK_SHIFT;
            return ordinals[Math.min(blockEnd, length) - 1];
        }

        /** No posting of the current block (not exhausted) adds more than this to a score. */
        float blockBound() {
            int block = position >>> BlockFrontiers.BLOCK_SHIFT;
            if (block != boundBlock) {
                float largest = 0;
                if (block < frontiers.blocks()) {
                    largest = frontiers.largest(block, scorer);
                } else {
                    int to = Math.min(length, (block + 1) << BlockFrontiers.BLOCK_SHIFT);
                    for (int p = block << BlockFrontiers.BLOCK_SHIFT; p < to; p++) {
                        largest = Math.max(largest, scorer.value(values[p], rowLengths[ordinals[p]]));
                    }
                }
                // A weight of zero or below adds nothing positive, whatever the posting.
                blockBound = weight > 0 ? weight * largest : 0;
                boundBlock = block;
            }
            return blockBound;
        }

        /** Moves to the first row at or after {@code target}: galloping, then binary search. */
        void advanceTo(int target) {
            if (position >= length || ordinals[position] >= target) {
                return;
            }
            int low = position;
            int step = 1;
            int high = position + 1;
            while (high < length && ordinals[high] < target) {
                low = high;
                step <<= 1;
                high = low + step;
            }
            int found = Arrays.binarySearch(ordinals, low + 1, Math.min(high, length), target);
            position = found >= 0 ? found : -found - 1;
        }
    }
}
