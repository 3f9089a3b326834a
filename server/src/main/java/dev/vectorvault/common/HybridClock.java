package dev.vectorvault.common;

/**
 * Milvus-style hybrid timestamps: wall-clock milliseconds shifted left by 18 bits plus a logical counter, strictly
 * increasing within this process even if the wall clock steps back. SDKs echo them as guarantee timestamps.
 */
public final class HybridClock {
    private static final int LOGICAL_BITS = 18;
    private long last;

    public synchronized long next() {
        long candidate = System.currentTimeMillis() << LOGICAL_BITS;
        last = Math.max(candidate, last + 1);
        return last;
    }

    /** Milliseconds since the epoch of a hybrid timestamp. */
    public static long physicalMillis(long hybrid) {
        return hybrid >>> LOGICAL_BITS;
    }
}
