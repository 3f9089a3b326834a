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
 * @param buildCpuSeconds CPU time of the build (one build thread only; NaN when not taken)
 */
record EngineRun(String engine, AnnEngine.Kind kind, boolean native_, double buildSeconds, long memoryBytes,
                 String memoryNote, List<SweepPoint> points, double buildCpuSeconds) {

    /** A run whose build CPU time was not taken. */
    EngineRun(String engine, AnnEngine.Kind kind, boolean native_, double buildSeconds, long memoryBytes,
              String memoryNote, List<SweepPoint> points) {
        this(engine, kind, native_, buildSeconds, memoryBytes, memoryNote, points, Double.NaN);
    }

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

    /**
     * Queries/s at exactly {@code target} recall, read off the curve between the two sweep points that straddle it in
     * recall (the closest below and the closest at or above; log queries/s linear in recall). Unlike
     * {@link #bestQpsAt}, it does not jump when one engine's point lands just under the target and another's just
     * over it; NaN when no point reaches the target.
     */
    double interpolatedQpsAt(double target) {
        SweepPoint below = null;
        SweepPoint above = null;
        for (SweepPoint point : points) {
            if (point.recall() < target && (below == null || point.recall() > below.recall())) {
                below = point;
            }
            if (point.recall() >= target && (above == null || point.recall() < above.recall())) {
                above = point;
            }
        }
        if (above == null) {
            return Double.NaN;
        }
        if (below == null) {
            // Every point reaches the target: the fastest one is what the engine does at it.
            return bestQpsAt(target);
        }
        double share = (target - below.recall()) / (above.recall() - below.recall());
        return Math.exp(Math.log(below.qps()) + share * (Math.log(above.qps()) - Math.log(below.qps())));
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
