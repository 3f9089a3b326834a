package dev.vectorvault.bench;

import java.util.Arrays;

/**
 * Every call's latency in nanoseconds, kept exactly (a few hundred thousand longs at most) so percentiles need no
 * histogram rounding. Not thread-safe: only the single-in-flight loop, which runs on one thread, records.
 */
final class LatencySamples {
    private long[] nanos = new long[1 << 16];
    private int size;
    private boolean sorted = true;

    void add(long latencyNanos) {
        if (size == nanos.length) {
            nanos = Arrays.copyOf(nanos, size * 2);
        }
        nanos[size++] = latencyNanos;
        sorted = false;
    }

    int size() {
        return size;
    }

    /** Nearest-rank percentile in microseconds; {@code p} in (0, 100]. NaN when nothing was recorded. */
    double percentileMicros(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        if (!sorted) {
            Arrays.sort(nanos, 0, size);
            sorted = true;
        }
        int rank = (int) Math.ceil(p / 100.0 * size);
        return nanos[Math.max(0, Math.min(size - 1, rank - 1))] / 1_000.0;
    }
}
