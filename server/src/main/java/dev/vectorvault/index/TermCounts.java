package dev.vectorvault.index;

import java.util.Arrays;

/**
 * An int → int map over term ids (any 32 bits) for the places that count or number a segment's terms: an inverted
 * index's build, BM25's document frequencies, the posting lists of a growing segment. These see every posting of a
 * segment (millions), where a {@code HashMap<Integer, ...>} spent most of its time boxing, hashing and comparing
 * {@link Integer}s; here keys and values are two plain arrays (open addressing, linear probing).
 *
 * <p>Absent keys read as a caller-chosen default. There is no removal: a document frequency that falls back to zero
 * stays, and reads as "no rows" as an absent term would. Grows by doubling, at most half full (probe runs stay
 * short). Not thread-safe.
 */
final class TermCounts {
    /** The key marking a free slot. */
    private static final int FREE = 0;

    /** Keys of used slots; a slot is free while its key is {@link #FREE} (key {@code FREE} itself lives apart). */
    private int[] keys;
    private int[] values;
    private int size;
    private int mask;
    private boolean hasFreeKey;
    private int freeKeyValue;

    TermCounts() {
        keys = new int[16];
        values = new int[16];
        mask = 15;
    }

    /** The number of keys. */
    int size() {
        return size;
    }

    /** The value of {@code key}, {@code absent} if it has none. */
    int get(int key, int absent) {
        if (key == FREE) {
            return hasFreeKey ? freeKeyValue : absent;
        }
        for (int slot = slot(key); ; slot = (slot + 1) & mask) {
            int k = keys[slot];
            if (k == key) {
                return values[slot];
            }
            if (k == FREE) {
                return absent;
            }
        }
    }

    /** Sets the value of {@code key}. */
    void put(int key, int value) {
        if (key == FREE) {
            size += hasFreeKey ? 0 : 1;
            hasFreeKey = true;
            freeKeyValue = value;
            return;
        }
        int slot = find(key);
        if (keys[slot] == key) {
            values[slot] = value;
        } else {
            insert(slot, key, value);
        }
    }

    /** Adds {@code delta} to the value of {@code key} (an absent key counts from 0); returns the new value. */
    int add(int key, int delta) {
        if (key == FREE) {
            if (!hasFreeKey) {
                hasFreeKey = true;
                freeKeyValue = 0;
                size++;
            }
            return freeKeyValue += delta;
        }
        int slot = find(key);
        if (keys[slot] == key) {
            return values[slot] += delta;
        }
        insert(slot, key, delta);
        return delta;
    }

    /** The keys, in no particular order. */
    int[] keys() {
        int[] out = new int[size];
        int n = 0;
        if (hasFreeKey) {
            out[n++] = FREE;
        }
        for (int slot = 0; slot < keys.length; slot++) {
            if (keys[slot] != FREE) {
                out[n++] = keys[slot];
            }
        }
        return out;
    }

    /** Removes every key, keeping the capacity. */
    void clear() {
        Arrays.fill(keys, FREE);
        size = 0;
        hasFreeKey = false;
    }

    /** The slot holding {@code key}, or the free slot where it would go. */
    private int find(int key) {
        int slot = slot(key);
        while (keys[slot] != key && keys[slot] != FREE) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void insert(int slot, int key, int value) {
        keys[slot] = key;
        values[slot] = value;
        size++;
        if (size > keys.length >>> 1) {
            grow();
        }
    }

    private void grow() {
        int[] oldKeys = keys;
        int[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != FREE) {
                int slot = slot(oldKeys[i]);
                while (keys[slot] != FREE) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = oldKeys[i];
                values[slot] = oldValues[i];
            }
        }
    }

    /**
     * The home slot: term ids are CRC32s (well spread already), but sparse vectors from clients may use small or
     * strided indices, so the bits are mixed first (the multiplier of Fibonacci hashing, high bits taken).
     */
    private int slot(int key) {
        int h = key * 0x9E37_79B9;
        return (h ^ (h >>> 16)) & mask;
    }
}
