package dev.vectorvault.index;

import java.util.Arrays;

/**
 * A binary heap of (node, distance) pairs on two primitive arrays: the graph search's candidate queue (nearest on
 * top) and its result set (farthest on top, so the worst result is evicted in O(log ef)). Nothing is boxed and
 * nothing is allocated once the arrays have grown to the search's width. Not thread-safe; reused through
 * {@link SearchScratch}.
 */
final class NodeHeap {
    private final float sign;
    private float[] keys;
    private int[] nodes;
    private int size;

    private NodeHeap(boolean farthestOnTop, int capacity) {
        // Stored as a min-heap of sign * distance: +1 puts the nearest on top, -1 the farthest.
        this.sign = farthestOnTop ? -1f : 1f;
        this.keys = new float[Math.max(4, capacity)];
        this.nodes = new int[keys.length];
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
        return nodes[0];
    }

    float topDistance() {
        return keys[0] * sign;
    }

    /** The node at heap slot {@code i} (any order), for draining without popping. */
    int nodeAt(int i) {
        return nodes[i];
    }

    float distanceAt(int i) {
        return keys[i] * sign;
    }

    void push(int node, float distance) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            nodes = Arrays.copyOf(nodes, size * 2);
        }
        float key = distance * sign;
        int index = size++;
        while (index > 0) {
            int parent = (index - 1) >>> 1;
            if (keys[parent] <= key) {
                break;
            }
            keys[index] = keys[parent];
            nodes[index] = nodes[parent];
            index = parent;
        }
        keys[index] = key;
        nodes[index] = node;
    }

    void pop() {
        int last = --size;
        if (last == 0) {
            return;
        }
        float key = keys[last];
        int node = nodes[last];
        int index = 0;
        int half = last >>> 1;
        while (index < half) {
            int child = 2 * index + 1;
            int right = child + 1;
            if (right < last && keys[right] < keys[child]) {
                child = right;
            }
            if (key <= keys[child]) {
                break;
            }
            keys[index] = keys[child];
            nodes[index] = nodes[child];
            index = child;
        }
        keys[index] = key;
        nodes[index] = node;
    }
}
