package dev.vectorvault.bench.ann;

import dev.vectorvault.bench.MachineFacts;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds every in-process engine on one data set, then measures recall and queries/s over each engine's sweep, the
 * same way for all: one query at a time on the calling thread, the whole query set per point.
 *
 * <p>Each point repeats whole passes over the query set until it has run for at least {@link Timing#pointSeconds}, so
 * fast points are not timed over a few milliseconds. Round-robin against drift: in each round every engine runs its
 * whole sweep before the next round starts, and a point keeps its best round, so a burst of load from elsewhere on a
 * shared machine hits one round of one engine, not one engine's every figure. Before round 1 each engine cycles
 * through its sweep, untimed, for at least {@link Timing#warmupSeconds}, so the JIT has compiled its search before
 * any timing.
 */
final class SweepRunner {
    static final int K = 10;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Dataset data;
    private final int[][] truth;
    private final BuildSettings settings;
    private final Sweeps sweeps;
    private final Timing timing;
    private final ProgressLog log;

    SweepRunner(Dataset data, int[][] truth, BuildSettings settings, Sweeps sweeps, Timing timing, ProgressLog log) {
        this.data = data;
        this.truth = truth;
        this.settings = settings;
        this.sweeps = sweeps;
        this.timing = timing;
        this.log = log;
    }

    List<EngineRun> run(List<AnnEngine> engines) throws IOException {
        Map<AnnEngine, double[]> builds = new LinkedHashMap<>();
        for (AnnEngine engine : engines) {
            System.gc();
            long heapBefore = usedHeap();
            long start = System.nanoTime();
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            engine.build(data, settings);
            double seconds = (System.nanoTime() - start) / 1e9;
            // With one build thread the calling thread does the build; with more, its CPU time says nothing.
            double cpuSeconds = settings.threads() == 1 ? (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9
                    : Double.NaN;
            System.gc();
            long heapDelta = usedHeap() - heapBefore;
            builds.put(engine, new double[] {seconds, heapDelta, cpuSeconds});
            log.note("%s: %s built in %.1f s (%d thread(s)); %s %.1f MiB, heap delta %.1f MiB; load %.2f",
                    data.name(), engine.name(), seconds, settings.threads(), engine.memoryNote(),
                    engine.memoryBytes() / 1048576.0, heapDelta / 1048576.0, MachineFacts.loadAverage());
        }
        Map<AnnEngine, double[]> bestQps = new LinkedHashMap<>();
        Map<AnnEngine, double[]> bestCpuQps = new LinkedHashMap<>();
        Map<AnnEngine, double[]> recalls = new LinkedHashMap<>();
        for (AnnEngine engine : engines) {
            int[] values = sweeps.of(engine.kind());
            long warmEnd = System.nanoTime() + (long) (timing.warmupSeconds() * 1e9);
            int i = 0;
            do {
                pass(engine, values[i++ % values.length]);
            } while (i < values.length || System.nanoTime() < warmEnd);
            bestQps.put(engine, new double[values.length]);
            bestCpuQps.put(engine, new double[values.length]);
            recalls.put(engine, new double[values.length]);
        }
        int rounds = timing.rounds();
        for (int round = 1; round <= rounds; round++) {
            for (AnnEngine engine : engines) {
                int[] values = sweeps.of(engine.kind());
                for (int i = 0; i < values.length; i++) {
                    // Whole passes until the point has run long enough to time: fast points repeat the query set.
                    long start = System.nanoTime();
                    long cpuStart = THREADS.getCurrentThreadCpuTime();
                    long minEnd = start + (long) (timing.pointSeconds() * 1e9);
                    int[][] answers = pass(engine, values[i]);
                    long passes = 1;
                    while (System.nanoTime() < minEnd) {
                        pass(engine, values[i]);
                        passes++;
                    }
                    double qps = passes * truth.length / ((System.nanoTime() - start) / 1e9);
                    double cpuQps = passes * truth.length / ((THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9);
                    bestQps.get(engine)[i] = Math.max(bestQps.get(engine)[i], qps);
                    bestCpuQps.get(engine)[i] = Math.max(bestCpuQps.get(engine)[i], cpuQps);
                    if (round == 1) {
                        recalls.get(engine)[i] = Recall.of(answers, truth, K);
                    }
                }
                log.note("%s: round %d/%d, %s: %s", data.name(), round, rounds, engine.name(),
                        summary(values, recalls.get(engine), bestQps.get(engine)));
            }
        }
        List<EngineRun> runs = new ArrayList<>();
        for (AnnEngine engine : engines) {
            int[] values = sweeps.of(engine.kind());
            List<SweepPoint> points = new ArrayList<>();
            for (int i = 0; i < values.length; i++) {
                points.add(new SweepPoint(values[i], recalls.get(engine)[i], bestQps.get(engine)[i],
                        bestCpuQps.get(engine)[i]));
            }
            double[] build = builds.get(engine);
            runs.add(new EngineRun(engine.name(), engine.kind(), false, build[0], engine.memoryBytes(),
                    engine.memoryNote(), points, build[2]));
        }
        return runs;
    }

    private int[][] pass(AnnEngine engine, int value) throws IOException {
        float[][] queries = data.queries();
        int[][] answers = new int[queries.length][];
        for (int q = 0; q < queries.length; q++) {
            answers[q] = engine.search(queries[q], K, value);
        }
        return answers;
    }

    private static String summary(int[] values, double[] recalls, double[] qps) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            text.append(String.format(java.util.Locale.ROOT, "%s%d: %.3f/%.0f", i == 0 ? "" : ", ", values[i],
                    recalls[i], qps[i]));
        }
        return text.toString();
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
