package dev.vectorvault.bench;

import io.milvus.grpc.GetVersionRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Unary throughput and latency with authentication OFF versus ON, interleaved so that the machine's drift lands on
 * both sides alike:
 * <ul>
 *   <li>at 1 in flight, calls alternate one by one between the two servers ({@link UnaryLoad#alternating});</li>
 *   <li>at N in flight, each round gives each server one short window, the side that goes first alternating from
 *       round to round (ABBA...), so a trend over the run favours neither.</li>
 * </ul>
 * The totals over all rounds are compared. Both servers get the same client, channel settings and
 * {@code authorization} header; the auth-OFF server decodes the header but does not check it, so the difference is
 * the cost of checking it.
 */
final class ThroughputComparison {
    /** One side at one load, summed over every round. */
    static final class Tally {
        private final double[] perRound;
        private final LatencySamples latencies = new LatencySamples();
        private long calls;
        private long errors;
        private long nanos;
        private long cpuNanos;
        private boolean cpuUnknown;

        Tally(int rounds) {
            this.perRound = new double[rounds];
        }

        void add(int round, Window window) {
            calls += window.calls();
            errors += window.errors();
            nanos += window.nanos();
            if (window.cpuNanos() < 0) {
                cpuUnknown = true;
            } else {
                cpuNanos += window.cpuNanos();
            }
            perRound[round] = window.callsPerSecond();
        }

        double callsPerSecond() {
            return nanos == 0 ? 0 : calls * 1e9 / nanos;
        }

        long calls() {
            return calls;
        }

        /** Process CPU (client and server) per call, in microseconds; NaN where it was not measured. */
        double cpuMicrosPerCall() {
            return cpuUnknown || calls == 0 ? Double.NaN : cpuNanos / 1e3 / calls;
        }

        long errors() {
            return errors;
        }

        double roundRate(int round) {
            return perRound[round];
        }

        LatencySamples latencies() {
            return latencies;
        }
    }

    /** Both sides at one load. */
    record LoadResult(int inflight, Tally off, Tally on, int rounds) {
        double ratio() {
            return on.callsPerSecond() / off.callsPerSecond();
        }

        /**
         * The median of the per-round ratios: unlike the ratio of totals, a single round that caught the machine in
         * a fast (or slow) moment cannot move it much.
         */
        double medianRoundRatio() {
            double[] ratios = roundRatios();
            Arrays.sort(ratios);
            int n = ratios.length;
            return n % 2 == 1 ? ratios[n / 2] : (ratios[n / 2 - 1] + ratios[n / 2]) / 2;
        }

        /** The spread of the per-round ratios: how much one round alone could be trusted. */
        double minRoundRatio() {
            return Arrays.stream(roundRatios()).min().orElse(Double.NaN);
        }

        double maxRoundRatio() {
            return Arrays.stream(roundRatios()).max().orElse(Double.NaN);
        }

        private double[] roundRatios() {
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratios[r] = on.roundRate(r) / off.roundRate(r);
            }
            return ratios;
        }
    }

    private final BenchServer off;
    private final BenchServer on;
    private final String user;
    private final String password;
    private final BenchOptions options;
    private final Progress progress;

    /** {@code user} must exist on {@code on}; the same header is sent to {@code off}, which does not check it. */
    ThroughputComparison(BenchServer off, BenchServer on, String user, String password, BenchOptions options,
                         Progress progress) {
        this.off = off;
        this.on = on;
        this.user = user;
        this.password = password;
        this.options = options;
        this.progress = progress;
    }

    List<LoadResult> run() throws InterruptedException {
        // One call each first: opens both connections and caches the load user's verified credential with a single
        // Argon2id run. Otherwise the first concurrent window would start with N cold logins of the same user at
        // once, each running its own Argon2id.
        off.blocking(user, password).getVersion(GetVersionRequest.getDefaultInstance());
        on.blocking(user, password).getVersion(GetVersionRequest.getDefaultInstance());

        List<LoadResult> results = new ArrayList<>();
        for (int load : options.loads()) {
            results.add(new LoadResult(load, new Tally(options.rounds()), new Tally(options.rounds()),
                    options.rounds()));
        }
        warmUp(results);
        for (int round = 0; round < options.rounds(); round++) {
            boolean offFirst = round % 2 == 0;
            for (LoadResult result : results) {
                runRound(result, round, offFirst);
            }
            progress.note("round %2d/%d %s", round + 1, options.rounds(), describeRound(results, round));
        }
        return results;
    }

    /**
     * The JIT compiles the client, Netty and interceptor paths of both sides. On 2 cores the compiler threads compete
     * with the load for many seconds, hence a long warm-up, the same slices as the measurement, all loads and sides.
     */
    private void warmUp(List<LoadResult> results) throws InterruptedException {
        if (options.warmupNanos() == 0) {
            return;
        }
        long end = System.nanoTime() + options.warmupNanos();
        long nextNote = 0;
        // Scratch tallies: warm-up numbers are shown as progress, never reported.
        List<LoadResult> scratch = new ArrayList<>();
        for (LoadResult result : results) {
            scratch.add(new LoadResult(result.inflight(), new Tally(1), new Tally(1), 1));
        }
        for (int slice = 0; System.nanoTime() < end; slice++) {
            for (LoadResult result : scratch) {
                runRound(result, 0, slice % 2 == 0);
            }
            if (System.nanoTime() >= nextNote) {
                progress.note("warm-up   %s", describeRound(scratch, 0));
                nextNote = System.nanoTime() + 2_000_000_000L;
            }
        }
    }

    private void runRound(LoadResult result, int round, boolean offFirst) throws InterruptedException {
        long slice = options.sliceNanos();
        if (result.inflight() == 1) {
            LatencySamples offLatencies = result.off().latencies();
            LatencySamples onLatencies = result.on().latencies();
            if (offFirst) {
                Window[] w = UnaryLoad.alternating(off.blocking(user, password), on.blocking(user, password), slice,
                        offLatencies, onLatencies);
                result.off().add(round, w[0]);
                result.on().add(round, w[1]);
            } else {
                Window[] w = UnaryLoad.alternating(on.blocking(user, password), off.blocking(user, password), slice,
                        onLatencies, offLatencies);
                result.on().add(round, w[0]);
                result.off().add(round, w[1]);
            }
            return;
        }
        for (BenchServer server : offFirst ? List.of(off, on) : List.of(on, off)) {
            Window w = UnaryLoad.manyInFlight(server.async(user, password), result.inflight(), slice);
            (server == off ? result.off() : result.on()).add(round, w);
        }
    }

    private String describeRound(List<LoadResult> results, int round) {
        StringBuilder text = new StringBuilder();
        for (LoadResult r : results) {
            text.append(String.format(java.util.Locale.ROOT, "  %2d in flight: %s %,7.0f  %s %,7.0f calls/s",
                    r.inflight(), off.label(), r.off().roundRate(round), on.label(), r.on().roundRate(round)));
        }
        return text.toString();
    }
}
