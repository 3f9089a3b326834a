package dev.vectorvault.bench.ann;

/**
 * One engine at one value of its search parameter.
 *
 * @param value  the parameter's value ({@code ef} or {@code nprobe})
 * @param recall recall@k over all queries: the share of the exact top-k ids that came back
 * @param qps    queries per second, one query at a time, best of the rounds
 * @param cpuQps queries per second of the searching thread's CPU time, best of the rounds (time waiting for a core
 *               on a shared machine is not counted); NaN when not taken
 */
record SweepPoint(int value, double recall, double qps, double cpuQps) {
    /** A point whose searching thread's CPU time was not taken. */
    SweepPoint(int value, double recall, double qps) {
        this(value, recall, qps, Double.NaN);
    }
}
