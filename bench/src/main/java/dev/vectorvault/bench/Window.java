package dev.vectorvault.bench;

/**
 * The outcome of one measurement window on one server: calls that completed (successfully or not), how many of them
 * failed, the time they took (wall time of the window, or at 1 in flight the sum of the calls' latencies) and the CPU
 * time the whole process used meanwhile (client and server; -1 where it cannot be told apart per side).
 */
record Window(long calls, long errors, long nanos, long cpuNanos) {
    double callsPerSecond() {
        return nanos == 0 ? 0 : calls * 1e9 / nanos;
    }
}
