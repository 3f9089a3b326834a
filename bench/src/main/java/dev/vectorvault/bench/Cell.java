package dev.vectorvault.bench;

/**
 * One measured configuration of {@link DataBenchmark}: an insert shape on one server, or a search load. A cell keeps
 * its own state between slices (collections, query cursors), so {@link RoundRobin} can run it in many short slices.
 */
interface Cell {
    /** How the report names it. */
    String name();

    /**
     * Works for about {@code nanos} and reports the units done (rows or queries) and the time they took. Latencies of
     * single operations go to {@code latencies}, which is null during warm-up.
     */
    ClientLoop.Result run(long nanos, LatencySamples latencies) throws InterruptedException;
}
