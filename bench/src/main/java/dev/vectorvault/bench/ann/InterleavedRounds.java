package dev.vectorvault.bench.ann;

import dev.vectorvault.bench.MachineFacts;
import dev.vectorvault.bench.TextTable;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code bin/bench-ann --interleave}: the chosen engines are measured round by round in turn, each round one whole
 * build and one timed pass over the sweep per engine, instead of every round of one engine before the next. Each
 * round's figures are divided by the reference engine's from the same round, so drift of a shared machine over
 * minutes lands on both sides of a ratio, and the spread of the per-round ratios shows how large that drift was. The
 * order turns round every other round (A B, B A, A B ...), so neither side always runs first, right after the other
 * has warmed or cooled the caches.
 *
 * <p>The merged runs it returns feed the usual report: per point the best round's queries/s (as without the flag)
 * and the median round's build time.
 */
final class InterleavedRounds {
    /** One build and one timed sweep of one engine (by its {@code --engines} name); a fresh build every call. */
    @FunctionalInterface
    interface Measure {
        EngineRun once(String engine) throws Exception;
    }

    private final List<String> engines;
    private final String reference;
    private final int rounds;
    private final double target;
    private final ProgressLog log;

    InterleavedRounds(List<String> engines, String reference, int rounds, double target, ProgressLog log) {
        if (!engines.contains(reference)) {
            throw new IllegalArgumentException("the reference engine " + reference + " is not among " + engines);
        }
        this.engines = engines;
        this.reference = reference;
        this.rounds = rounds;
        this.target = target;
        this.log = log;
    }

    /** The order of round {@code round} (1-based): as listed in odd rounds, reversed in even ones. */
    static List<String> order(List<String> engines, int round) {
        List<String> order = new ArrayList<>(engines);
        if (round % 2 == 0) {
            java.util.Collections.reverse(order);
        }
        return order;
    }

    List<EngineRun> run(Measure measure, String dataName, PrintStream out) throws Exception {
        Map<String, List<EngineRun>> byEngine = new LinkedHashMap<>();
        Map<String, List<Double>> loads = new LinkedHashMap<>();
        for (String engine : engines) {
            byEngine.put(engine, new ArrayList<>());
            loads.put(engine, new ArrayList<>());
        }
        for (int round = 1; round <= rounds; round++) {
            for (String engine : order(engines, round)) {
                loads.get(engine).add(MachineFacts.loadAverage());
                EngineRun run = measure.once(engine);
                byEngine.get(engine).add(run);
                log.note("%s: interleaved round %d/%d, %s: build %.2f s, q/s at recall@10 >= %.2f: %.0f", dataName,
                        round, rounds, run.engine(), run.buildSeconds(), target, run.bestQpsAt(target));
            }
        }
        print(byEngine, loads, dataName, out);
        List<EngineRun> merged = new ArrayList<>();
        for (List<EngineRun> runs : byEngine.values()) {
            merged.add(merge(runs));
        }
        return merged;
    }

    private void print(Map<String, List<EngineRun>> byEngine, Map<String, List<Double>> loads, String dataName,
                       PrintStream out) {
        List<EngineRun> refs = byEngine.get(reference);
        String refName = refs.get(0).engine();
        out.println();
        out.printf(Locale.ROOT, "== %s: interleaved, %d round(s), reference %s; each round one build and one timed"
                + " sweep per engine, order reversed every other round%n", dataName, rounds, refName);
        for (Map.Entry<String, List<EngineRun>> entry : byEngine.entrySet()) {
            if (entry.getKey().equals(reference)) {
                continue;
            }
            List<EngineRun> runs = entry.getValue();
            String name = runs.get(0).engine();
            RoundRatios build = new RoundRatios();
            RoundRatios qps = new RoundRatios();
            RoundRatios interpolated = new RoundRatios();
            RoundRatios buildCpu = new RoundRatios();
            RoundRatios cpuQps = new RoundRatios();
            TextTable perRound = new TextTable("round", "first", "load this / ref", "build s this / ref",
                    "build ratio", "build CPU ratio", "q/s at target this / ref", "q/s ratio", "interpolated ratio",
                    "q/s by CPU ratio");
            for (int r = 0; r < rounds; r++) {
                EngineRun mine = runs.get(r);
                EngineRun ref = refs.get(r);
                build.add(mine.buildSeconds(), ref.buildSeconds());
                qps.add(mine.bestQpsAt(target), ref.bestQpsAt(target));
                interpolated.add(mine.interpolatedQpsAt(target), ref.interpolatedQpsAt(target));
                buildCpu.add(mine.buildCpuSeconds(), ref.buildCpuSeconds());
                cpuQps.add(bestCpuQpsAt(mine), bestCpuQpsAt(ref));
                String first = order(engines, r + 1).indexOf(entry.getKey())
                        < order(engines, r + 1).indexOf(reference) ? "this" : "ref";
                perRound.row(Integer.toString(r + 1), first,
                        String.format(Locale.ROOT, "%.2f / %.2f", loads.get(entry.getKey()).get(r),
                                loads.get(reference).get(r)),
                        String.format(Locale.ROOT, "%.2f / %.2f", mine.buildSeconds(), ref.buildSeconds()),
                        RoundRatios.format(build.at(r)), RoundRatios.format(buildCpu.at(r)),
                        String.format(Locale.ROOT, "%.0f / %.0f", mine.bestQpsAt(target), ref.bestQpsAt(target)),
                        RoundRatios.format(qps.at(r)), RoundRatios.format(interpolated.at(r)),
                        RoundRatios.format(cpuQps.at(r)));
            }
            out.println();
            out.printf(Locale.ROOT, "   %s against %s, per round (build: time ratio, lower is faster; q/s: at the"
                    + " best sweep point with recall@10 >= %.2f, higher is faster)%n", name, refName, target);
            perRound.print(out, "   ");
            out.println();
            TextTable summary = new TextTable("ratio " + name + " / " + refName, "median (min-max), rounds below 1");
            summary.row("build time", build.summary());
            summary.row("build CPU time", buildCpu.summary());
            summary.row("q/s at recall@10 >= " + target, qps.summary());
            summary.row("q/s interpolated at " + target, interpolated.summary());
            summary.row("q/s per CPU second at recall@10 >= " + target, cpuQps.summary());
            for (int value : commonValues(runs, refs)) {
                RoundRatios atValue = new RoundRatios();
                RoundRatios cpuAtValue = new RoundRatios();
                for (int r = 0; r < rounds; r++) {
                    atValue.add(qpsAt(runs.get(r), value), qpsAt(refs.get(r), value));
                    cpuAtValue.add(cpuQpsAt(runs.get(r), value), cpuQpsAt(refs.get(r), value));
                }
                summary.row(String.format(Locale.ROOT, "q/s at %s %d (recall %.4f / %.4f)",
                        runs.get(0).kind().parameter, value, recallAt(runs.get(0), value),
                        recallAt(refs.get(0), value)), atValue.summary());
                summary.row(String.format(Locale.ROOT, "  per CPU second at %s %d", runs.get(0).kind().parameter,
                        value), cpuAtValue.summary());
            }
            summary.print(out, "   ");
        }
    }

    /** The sweep values both engines were measured at, in increasing order. */
    private static TreeSet<Integer> commonValues(List<EngineRun> runs, List<EngineRun> refs) {
        TreeSet<Integer> values = new TreeSet<>();
        if (runs.get(0).kind() != refs.get(0).kind()) {
            return values;
        }
        runs.get(0).points().forEach(p -> values.add(p.value()));
        values.retainAll(refs.get(0).points().stream().map(SweepPoint::value).toList());
        return values;
    }

    private static double qpsAt(EngineRun run, int value) {
        return run.points().stream().filter(p -> p.value() == value).mapToDouble(SweepPoint::qps).findFirst()
                .orElse(Double.NaN);
    }

    private static double cpuQpsAt(EngineRun run, int value) {
        return run.points().stream().filter(p -> p.value() == value).mapToDouble(SweepPoint::cpuQps).findFirst()
                .orElse(Double.NaN);
    }

    /**
     * The best queries per CPU second among the points reaching the target, picked by that figure itself (as
     * {@link EngineRun#bestQpsAt} picks by the wall clock), so a point whose wall clock happened to be slowed does not
     * decide which point's CPU figure is read.
     */
    private double bestCpuQpsAt(EngineRun run) {
        return run.points().stream().filter(p -> p.recall() >= target).mapToDouble(SweepPoint::cpuQps)
                .filter(q -> !Double.isNaN(q)).max().orElse(Double.NaN);
    }

    private static double recallAt(EngineRun run, int value) {
        return run.points().stream().filter(p -> p.value() == value).mapToDouble(SweepPoint::recall).findFirst()
                .orElse(Double.NaN);
    }

    /** Per point the best round's queries/s and the first round's recall; the median round's build time. */
    static EngineRun merge(List<EngineRun> runs) {
        EngineRun first = runs.get(0);
        List<SweepPoint> points = new ArrayList<>();
        for (SweepPoint point : first.points()) {
            double best = runs.stream().mapToDouble(r -> qpsAt(r, point.value())).filter(q -> !Double.isNaN(q))
                    .max().orElse(Double.NaN);
            double bestCpu = runs.stream().mapToDouble(r -> cpuQpsAt(r, point.value()))
                    .filter(q -> !Double.isNaN(q)).max().orElse(Double.NaN);
            points.add(new SweepPoint(point.value(), point.recall(), best, bestCpu));
        }
        EngineRun last = runs.get(runs.size() - 1);
        return new EngineRun(first.engine(), first.kind(), first.native_(), median(runs, EngineRun::buildSeconds),
                last.memoryBytes(), last.memoryNote(), points, median(runs, EngineRun::buildCpuSeconds));
    }

    private static double median(List<EngineRun> runs, java.util.function.ToDoubleFunction<EngineRun> figure) {
        double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
