package dev.vectorvault.index;

import java.util.Arrays;

/**
 * A binary heap of (node, distance) pairs: the graph search's candidate queue (nearest on top) and its result set
 * (farthest on top, so the worst result is evicted in O(log ef)). Not thread-safe; reused through
 * {@link SearchScratch}.
 *
 * <p>Each pair is one {@code long}: the distance's bits, remapped so that signed integer order is float order, in the
 * high half and the node in the low half. A sift step is then one load and one compare of one array instead of two,
 * and equal distances are ordered by node. The farthest-on-top heap stores both halves complemented, so the same
 * min-heap code puts the largest distance on top and, among equal distances, the larger node (evicted first, so ties
 * keep the smaller ordinal, as {@link TopK} does). Nothing is boxed and nothing is allocated once the array has grown
 * to the search's width. Distances must not be NaN.
 */
final class NodeHeap {
    /** Complements the distance half and the 31 node bits of an entry; zero for a nearest-on-top heap. */
    private final long flip;
    private long[] entries;
    private int size;

    private NodeHeap(boolean farthestOnTop, int capacity) {
        this.flip = farthestOnTop ? 0xFFFF_FFFF_7FFF_FFFFL : 0L;
        this.entries = new long[Math.max(4, capacity)];
    }

    static NodeHeap nearestOnTop(int capacity) {
        return new NodeHeap(false, capacity);
    }

    static NodeHeap farthestOnTop(int capacity) {
        return new NodeHeap(true, capacity);
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void clear() {
        size = 0;
    }

    int topNode() {
        return nodeAt(0);
    }

    float topDistance() {
        return distanceAt(0);
    }

    /** The node at heap slot {@code i} (any order), for draining without popping. */
    int nodeAt(int i) {
        return (int) (entries[i] ^ flip);
    }

    float distanceAt(int i) {
        int ordered = (int) ((entries[i] ^ flip) >> 32);
        return Float.intBitsToFloat(ordered ^ ((ordered >> 31) & 0x7FFF_FFFF));
    }

    void push(int node, float distance) {
        if (size == entries.length) {
            entries = Arrays.copyOf(entries, size * 2);
        }
        long entry = entryOf(node, distance);
        int index = size++;
        while (index > 0) {
            int parent = (index - 1) >>> 1;
            long above = entries[parent];
            if (above <= entry) {
                break;
            }
            entries[index] = above;
            index = parent;
        }
        entries[index] = entry;
    }

    void pop() {
        int last = --size;
        if (last > 0) {
            siftDown(entries[last], last);
        }
    }

    /**
     * Empties the heap into {@code nodes} and {@code distances}, nearest first (ties by smaller node), whichever way
     * round the heap is; returns how many. One sort of the entries instead of a pop per entry.
     */
    int drainNearestFirst(int[] nodes, float[] distances) {
        int count = size;
        Arrays.sort(entries, 0, count);
        boolean farthestOnTop = flip != 0;
        for (int i = 0; i < count; i++) {
            int at = farthestOnTop ? count - 1 - i : i;
            nodes[i] = nodeAt(at);
            distances[i] = distanceAt(at);
        }
        size = 0;
        return count;
    }

    /**
     * Removes the top and adds (node, distance) in one sift instead of a {@link #push} and a {@link #pop}: what a
     * full result set does with a nearer node. The heap must not be empty.
     */
    void replaceTop(int node, float distance) {
        siftDown(entryOf(node, distance), size);
    }

    /** Places {@code entry} from the root down within the first {@code count} slots. */
    private void siftDown(long entry, int count) {
        int index = 0;
        int half = count >>> 1;
        while (index < half) {
            int child = 2 * index + 1;
            long smaller = entries[child];
            int right = child + 1;
            if (right < count && entries[right] < smaller) {
                child = right;
                smaller = entries[right];
            }
            if (entry <= smaller) {
                break;
            }
            entries[index] = smaller;
            index = child;
        }
        entries[index] = entry;
    }

    /**
     * The float's bits with the lower 31 flipped when negative, so that comparing them as signed ints orders them as
     * floats (-0 just below +0), then the node below them, then this heap's {@link #flip}.
     */
    private long entryOf(int node, float distance) {
        int bits = Float.floatToRawIntBits(distance);
        int ordered = bits ^ ((bits >> 31) & 0x7FFF_FFFF);
        return (((long) ordered << 32) | node) ^ flip;
    }
}
