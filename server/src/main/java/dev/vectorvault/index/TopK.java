package dev.vectorvault.index;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Keeps the best {@code k} (ordinal, score) pairs offered to it, in O(log k) per accepted offer and no allocation per
 * offer. "Best" follows the direction given at construction; among equal scores the smaller ordinal wins, so results
 * are deterministic whatever order candidates arrive in.
 *
 * <p>Internally every score is turned into a key where larger is better ({@code key = score * sign}), and the pairs sit
 * in a binary min-heap of the worst kept pair on two primitive arrays. A NaN score (only reachable when finite inputs
 * overflow, e.g. {@code +inf + -inf}) would break the heap's ordering, so it is ranked worst of all and reported as the
 * worst infinity for the direction (+inf for distances, -inf for similarities).
 *
 * <p>Not thread-safe: one instance belongs to one search.
 */
public final class TopK {
    private final int capacity;
    private final float sign;
    private final float[] keys;
    private final int[] ordinals;
    private int size;

    private TopK(int capacity, boolean higherIsBetter) {
        if (capacity < 0) {
            throw new IllegalArgumentException("k must not be negative: " + capacity);
        }
        this.capacity = capacity;
        this.sign = higherIsBetter ? 1f : -1f;
        this.keys = new float[capacity];
        this.ordinals = new int[capacity];
    }

    /** Keeps the {@code k} largest scores (similarities). */
    public static TopK largest(int k) {
        return new TopK(k, true);
    }

    /** Keeps the {@code k} smallest scores (distances). */
    public static TopK smallest(int k) {
        return new TopK(k, false);
    }

    /** Keeps the {@code k} best scores for {@code metric}. */
    public static TopK forMetric(MetricType metric, int k) {
        return new TopK(k, metric.higherIsBetter());
    }

    /**
     * Offers a candidate.
     *
     * @return whether it is now among the kept pairs (it may still be pushed out by a later, better offer)
     */
    public boolean offer(int ordinal, float score) {
        float key = score * sign;
        if (key != key) {
            key = Float.NEGATIVE_INFINITY;
        }
        if (size < capacity) {
            siftUp(size++, key, ordinal);
            return true;
        }
        if (capacity == 0 || !isBetter(key, ordinal, keys[0], ordinals[0])) {
            return false;
        }
        siftDown(0, key, ordinal);
        return true;
    }

    public int size() {
        return size;
    }

    /** The {@code k} given at construction. */
    public int capacity() {
        return capacity;
    }

    /** Whether {@code capacity()} pairs are kept, so that a new offer must beat the current worst to get in. */
    public boolean isFull() {
        return size == capacity;
    }

    /** The score of the worst kept pair, which a new offer must beat once {@link #isFull()}; only when not empty. */
    public float worstScore() {
        if (size == 0) {
            throw new IllegalStateException("no pair is kept");
        }
        return keys[0] * sign;
    }

    /** Removes every kept pair so the instance can serve another search. */
    public void clear() {
        size = 0;
    }

    /** Returns the kept pairs best first and leaves this instance empty (and reusable). */
    public List<SearchHit> drainBestFirst() {
        SearchHit[] hits = new SearchHit[size];
        // Popping the heap yields the worst first, so fill from the back.
        for (int i = size - 1; i >= 0; i--) {
            hits[i] = new SearchHit(ordinals[0], keys[0] * sign);
            int lastOrdinal = ordinals[size - 1];
            float lastKey = keys[size - 1];
            size--;
            if (size > 0) {
                siftDown(0, lastKey, lastOrdinal);
            }
        }
        return Collections.unmodifiableList(Arrays.asList(hits));
    }

    /** Offers every pair kept here to {@code target}, leaving this instance unchanged; merges partial results. */
    void offerAllTo(TopK target) {
        if (target.sign != sign) {
            throw new IllegalArgumentException("cannot merge selections with opposite score directions");
        }
        for (int i = 0; i < size; i++) {
            target.offer(ordinals[i], keys[i] * sign);
        }
    }

    /** Strict "a beats b": a larger key, or an equal key and a smaller ordinal. */
    private static boolean isBetter(float keyA, int ordinalA, float keyB, int ordinalB) {
        return keyA > keyB || (keyA == keyB && ordinalA < ordinalB);
    }

    /** Places (key, ordinal) at hole {@code index} or above; the root always holds the worst kept pair. */
    private void siftUp(int index, float key, int ordinal) {
        while (index > 0) {
            int parent = (index - 1) >>> 1;
            if (!isBetter(keys[parent], ordinals[parent], key, ordinal)) {
                break;
            }
            keys[index] = keys[parent];
            ordinals[index] = ordinals[parent];
            index = parent;
        }
        keys[index] = key;
        ordinals[index] = ordinal;
    }

    /** Places (key, ordinal) at hole {@code index} or below, among the first {@code size} slots. */
    private void siftDown(int index, float key, int ordinal) {
        int half = size >>> 1;
        while (index < half) {
            int child = 2 * index + 1;
            int right = child + 1;
            if (right < size && isBetter(keys[child], ordinals[child], keys[right], ordinals[right])) {
                child = right;
            }
            if (!isBetter(key, ordinal, keys[child], ordinals[child])) {
                break;
            }
            keys[index] = keys[child];
            ordinals[index] = ordinals[child];
            index = child;
        }
        keys[index] = key;
        ordinals[index] = ordinal;
    }
}
