package dev.vectorvault.index;

import java.util.Arrays;

/**
 * Per block of {@link #BLOCK} consecutive postings of one posting list, the block's <em>frontier</em>: the (stored
 * value, row length) pairs that no other posting of the block beats on both (a larger or equal value in a shorter or
 * equal row). A term-weighted document value (BM25's) grows with the value and falls with the length whatever the
 * search's k1, b and avgdl, so the largest document value in a block is the largest over its frontier, which is a few
 * points where the block has {@value #BLOCK}. {@link BlockMaxScore} uses these per-search block bounds to skip whole
 * blocks of rows that cannot enter the results.
 *
 * <p>Blocks are appended in list order (the last one may be shorter). <b>Thread-safety:</b> one appender at a time
 * (the owner's lock); readers use a {@link View} taken under that lock, whose arrays are only ever written beyond the
 * view's counts (a full array is copied, the old one left as it was).
 */
final class BlockFrontiers {
    static final int BLOCK_SHIFT = 7;
    static final int BLOCK = 1 << BLOCK_SHIFT;

    /** Block b's points are {@code [b == 0 ? 0 : ends[b - 1], ends[b])} of {@code stored} and {@code lengths}. */
    private int[] ends = new int[4];
    private float[] stored = new float[8];
    private float[] lengths = new float[8];
    private int blocks;
    private int points;

    /** The frontiers of every block of a finished list ({@code n} postings, the last block possibly shorter). */
    static BlockFrontiers of(int[] rows, float[] values, int n, float[] rowLengths) {
        BlockFrontiers all = new BlockFrontiers();
        long[] keys = new long[Math.min(n, BLOCK)];
        for (int from = 0; from < n; from += BLOCK) {
            all.add(rows, values, from, Math.min(n, from + BLOCK), rowLengths, keys);
        }
        return all;
    }

    /** Appends the frontier of postings {@code [from, to)} as the next block. */
    void add(int[] rows, float[] values, int from, int to, float[] rowLengths) {
        add(rows, values, from, to, rowLengths, new long[to - from]);
    }

    private void add(int[] rows, float[] values, int from, int to, float[] rowLengths, long[] keys) {
        int n = sortedKeys(rows, values, from, to, rowLengths, keys);
        if (blocks == ends.length) {
            ends = Arrays.copyOf(ends, blocks * 2);
        }
        if (points + n > stored.length) {
            int capacity = Math.max(points + n, stored.length * 2);
            stored = Arrays.copyOf(stored, capacity);
            lengths = Arrays.copyOf(lengths, capacity);
        }
        float best = -1;
        for (int i = 0; i < n; i++) {
            float value = valueOf(keys[i]);
            if (value > best) {
                best = value;
                stored[points] = value;
                lengths[points++] = lengthOf(keys[i]);
            }
        }
        ends[blocks++] = points;
    }

    /**
     * The frontier of postings {@code [from, to)} as {stored values, row lengths}, sorted by length ascending, each
     * point with a larger value than every shorter one.
     */
    static float[][] frontier(int[] rows, float[] values, int from, int to, float[] rowLengths) {
        long[] keys = new long[to - from];
        int n = sortedKeys(rows, values, from, to, rowLengths, keys);
        float[] tf = new float[n];
        float[] len = new float[n];
        int kept = 0;
        float best = -1;
        for (int i = 0; i < n; i++) {
            float value = valueOf(keys[i]);
            if (value > best) {
                best = value;
                tf[kept] = value;
                len[kept++] = lengthOf(keys[i]);
            }
        }
        return new float[][] {Arrays.copyOf(tf, kept), Arrays.copyOf(len, kept)};
    }

    /**
     * The postings as keys sorted by length ascending, then value descending: lengths and values are non-negative,
     * so their float bits order as the floats do.
     */
    private static int sortedKeys(int[] rows, float[] values, int from, int to, float[] rowLengths, long[] keys) {
        int n = to - from;
        for (int p = 0; p < n; p++) {
            keys[p] = ((long) Float.floatToIntBits(rowLengths[rows[from + p]]) << 32)
                    | (Integer.MAX_VALUE - Float.floatToIntBits(values[from + p]));
        }
        Arrays.sort(keys, 0, n);
        return n;
    }

    private static float valueOf(long key) {
        return Float.intBitsToFloat(Integer.MAX_VALUE - (int) key);
    }

    private static float lengthOf(long key) {
        return Float.intBitsToFloat((int) (key >>> 32));
    }

    int blocks() {
        return blocks;
    }

    /** The blocks appended so far, for a search that runs without the owner's lock. */
    View view() {
        return new View(ends, stored, lengths, blocks);
    }

    /** The first {@code blocks} blocks' frontiers, as {@link BlockFrontiers} stores them. */
    record View(int[] ends, float[] stored, float[] lengths, int blocks) {
        static final View NONE = new View(new int[0], new float[0], new float[0], 0);

        /** Heap bytes of this view and its arrays, at their capacity (a growing list's arrays hold spare room). */
        long memoryBytes() {
            return 32L + 3 * 16L + 4L * (ends.length + stored.length + lengths.length);
        }

        /** The largest document value of block {@code block} ({@code < blocks}) under {@code scorer}. */
        float largest(int block, TermScorer scorer) {
            float largest = 0;
            for (int p = block == 0 ? 0 : ends[block - 1]; p < ends[block]; p++) {
                largest = Math.max(largest, scorer.value(stored[p], lengths[p]));
            }
            return largest;
        }
    }
}
