package dev.vectorvault.cluster;

/**
 * The newest metadata revision written by the current call, kept per thread: the store records each write it
 * commits, and the edge, after a call that wrote, waits until every live node has applied that revision. A unary
 * call's handler runs on one thread, which is what makes a thread-local the right scope. Writes outside a tracked
 * call (background checkpoints) are not recorded.
 */
public final class WrittenRevision {
    private static final ThreadLocal<long[]> CURRENT = new ThreadLocal<>();

    private WrittenRevision() {}

    /** Starts tracking for the call on this thread. */
    public static void begin() {
        CURRENT.set(new long[1]);
    }

    /** Records a committed write; ignored when no call is tracked on this thread. */
    public static void record(long revision) {
        long[] holder = CURRENT.get();
        if (holder != null && revision > holder[0]) {
            holder[0] = revision;
        }
    }

    /** The newest revision written since {@link #begin}, or 0 when the call wrote nothing. */
    public static long current() {
        long[] holder = CURRENT.get();
        return holder == null ? 0 : holder[0];
    }

    /** Stops tracking on this thread. */
    public static void end() {
        CURRENT.remove();
    }
}
