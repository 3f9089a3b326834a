package dev.vectorvault.bench.ann;

import java.util.List;

/**
 * Everything measured for one engine on one data set.
 *
 * @param engine       name as reported
 * @param kind         graph or inverted file, which decides the swept parameter
 * @param native_      whether it ran in the Python process (hnswlib, FAISS) rather than this JVM
 * @param buildSeconds wall-clock build time
 * @param memoryBytes  see {@code memoryNote}; negative when unknown
 * @param memoryNote   how the memory figure was taken
 * @param points       the sweep, in increasing parameter order
 */
record EngineRun(String engine, AnnEngine.Kind kind, boolean native_, double buildSeconds, long memoryBytes,
                 String memoryNote, List<SweepPoint> points) {

    /** The best queries/s among sweep points whose recall reaches {@code target}; NaN when none does. */
    double bestQpsAt(double target) {
        double best = Double.NaN;
        for (SweepPoint point : points) {
            if (point.recall() >= target && !(point.qps() <= best)) {
                best = point.qps();
            }
        }
        return best;
    }

    /** The sweep point that gave {@link #bestQpsAt}, or null. */
    SweepPoint pointAt(double target) {
        SweepPoint chosen = null;
        for (SweepPoint point : points) {
            if (point.recall() >= target && (chosen == null || point.qps() > chosen.qps())) {
                chosen = point;
            }
        }
        return chosen;
    }
}
