package dev.vectorvault.index;

import java.util.Arrays;

/** Checks of a column arrangement (an index's scan order of a segment's ordinals), shared by the column kinds. */
final class Arrangement {
    private Arrangement() {}

    /**
     * The inverse of {@code order} (ordinal -> slot), after checking that it lists each ordinal of {@code [0, n)}
     * exactly once.
     *
     * @throws IllegalArgumentException when it does not
     */
    static int[] slotsOf(int[] order, int n) {
        if (order == null || order.length != n) {
            throw new IllegalArgumentException("an arrangement must list each of the " + n + " ordinals once");
        }
        int[] slotOf = new int[n];
        Arrays.fill(slotOf, -1);
        for (int slot = 0; slot < n; slot++) {
            int ordinal = order[slot];
            if (ordinal < 0 || ordinal >= n || slotOf[ordinal] != -1) {
                throw new IllegalArgumentException("ordinal " + ordinal + " at slot " + slot
                        + " is out of range or repeated");
            }
            slotOf[ordinal] = slot;
        }
        return slotOf;
    }
}
