package dev.vectorvault.index;

/**
 * Where each term of a fixed set sits in it: term id → slot (its position in the array given), without boxing.
 *
 * <p>A search resolves each query term against every segment's index, so this lookup is paid once per term and
 * segment of every query. A {@code HashMap<Integer, Integer>} cost three dependent memory reads per lookup (table,
 * node, boxed key) and an {@code Integer} per term id outside the small-value cache (term ids are hashes); here a
 * lookup is one probe of two parallel int arrays, linear probing, load factor at most one half.
 *
 * <p>Immutable once built; safe to share between searching threads.
 */
public final class TermSlots {
    private static final int EMPTY = -1;
    private final int[] keys;
    /** The slot of the term in {@code keys} at the same position, {@link #EMPTY} where none is. */
    private final int[] slots;
    private final int mask;

    private TermSlots(int[] terms) {
        int capacity = Integer.highestOneBit(Math.max(2, terms.length) * 2 - 1) << 1;
        this.keys = new int[capacity];
        this.slots = new int[capacity];
        this.mask = capacity - 1;
        java.util.Arrays.fill(slots, EMPTY);
        for (int slot = 0; slot < terms.length; slot++) {
            int at = home(terms[slot]);
            while (slots[at] != EMPTY) {
                if (keys[at] == terms[slot]) {
                    throw new IllegalArgumentException("term " + terms[slot] + " given twice");
                }
                at = (at + 1) & mask;
            }
            keys[at] = terms[slot];
            slots[at] = slot;
        }
    }

    /** The slots of {@code terms}: term {@code terms[i]} is at slot {@code i}; terms must be distinct. */
    public static TermSlots of(int[] terms) {
        return new TermSlots(terms);
    }

    /** The slot of {@code term}, or -1 when it is not in the set. */
    public int slotOf(int term) {
        int at = home(term);
        while (true) {
            int slot = slots[at];
            if (slot == EMPTY || keys[at] == term) {
                return slot;
            }
            at = (at + 1) & mask;
        }
    }

    /** Heap bytes of the two tables, for memory accounting. */
    public long memoryBytes() {
        return 2 * (16L + 4L * keys.length);
    }

    /** The first position to probe: term ids are hashes already, but sequential ids (tests, sparse fields) are not. */
    private int home(int term) {
        int h = term * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }
}
