package dev.vectorvault.query.expr;

/** Whether one value can be picked from each of several sorted lists with all picks within a window. */
final class PhraseWindow {
    private PhraseWindow() {}

    /**
     * True when one value from every list of {@code lists} (each ascending) can be chosen so that the largest choice
     * minus the smallest is at most {@code width}. Walks the lists together, always advancing the list whose current
     * value is smallest: the smallest window holding one value of each list is met on the way.
     */
    static boolean exists(long[][] lists, long width) {
        int k = lists.length;
        int[] at = new int[k];
        long max = Long.MIN_VALUE;
        for (long[] list : lists) {
            if (list.length == 0) {
                return false;
            }
            max = Math.max(max, list[0]);
        }
        while (true) {
            int lowest = 0;
            for (int i = 1; i < k; i++) {
                if (lists[i][at[i]] < lists[lowest][at[lowest]]) {
                    lowest = i;
                }
            }
            if (max - lists[lowest][at[lowest]] <= width) {
                return true;
            }
            if (++at[lowest] == lists[lowest].length) {
                return false;
            }
            max = Math.max(max, lists[lowest][at[lowest]]);
        }
    }
}
