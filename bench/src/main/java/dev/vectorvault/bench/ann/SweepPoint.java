package dev.vectorvault.bench.ann;

/**
 * One engine at one value of its search parameter.
 *
 * @param value  the parameter's value ({@code ef} or {@code nprobe})
 * @param recall recall@k over all queries: the share of the exact top-k ids that came back
 * @param qps    queries per second, one query at a time, best of the rounds
 */
record SweepPoint(int value, double recall, double qps) {}
