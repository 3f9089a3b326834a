package dev.vectorvault.bench;

import io.milvus.grpc.MilvusServiceGrpc;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The warm login plus RBAC check of {@code bin/bench-rbac}'s user ({@code GetLoadState} on one collection, the role
 * granting it among many grants), on an embedded server and on a cluster node, interleaved as {@link
 * ThroughputComparison} interleaves auth OFF and ON: at 1 in flight calls alternate one by one between the two, at N
 * in flight each round gives each side one window, the first side alternating (ABBA). Both servers must have been set
 * up with {@link RbacBenchmark#setUp}. In the results {@code off} is the embedded server and {@code on} the cluster
 * node, so {@code ratio()} is cluster / embedded.
 */
final class WarmRbacComparison {
    private final BenchServer embedded;
    private final BenchServer cluster;
    private final BenchOptions options;
    private final Progress progress;

    WarmRbacComparison(BenchServer embedded, BenchServer cluster, BenchOptions options, Progress progress) {
        this.embedded = embedded;
        this.cluster = cluster;
        this.options = options;
        this.progress = progress;
    }

    List<ThroughputComparison.LoadResult> run() throws InterruptedException {
        // One call each first: opens the connections and fills both credential caches with one Argon2id run each.
        for (BenchServer server : List.of(embedded, cluster)) {
            if (user(server).getLoadState(RbacBenchmark.request()).getStatus().getCode() != 0) {
                throw new IllegalStateException("GetLoadState as " + RbacBenchmark.USER + " failed on "
                        + server.label());
            }
        }
        ThroughputComparison.LoadResult single = result(1);
        ThroughputComparison.LoadResult many = result(options.inflight());
        long end = System.nanoTime() + options.warmupNanos();
        ThroughputComparison.LoadResult scratchOne = result(1);
        ThroughputComparison.LoadResult scratchMany = result(options.inflight());
        for (int slice = 0; System.nanoTime() < end; slice++) {
            round(scratchOne, scratchMany, 0, slice % 2 == 0, false);
        }
        for (int r = 0; r < options.rounds(); r++) {
            round(single, many, r, r % 2 == 0, true);
            progress.note("round %2d/%d  1 in flight: embedded %,7.0f cluster %,7.0f   %d in flight: embedded %,7.0f"
                    + " cluster %,7.0f calls/s", r + 1, options.rounds(), single.off().roundRate(r),
                    single.on().roundRate(r), options.inflight(), many.off().roundRate(r), many.on().roundRate(r));
        }
        return List.of(single, many);
    }

    private ThroughputComparison.LoadResult result(int inflight) {
        int rounds = options.rounds();
        return new ThroughputComparison.LoadResult(inflight, new ThroughputComparison.Tally(rounds),
                new ThroughputComparison.Tally(rounds), rounds);
    }

    private void round(ThroughputComparison.LoadResult single, ThroughputComparison.LoadResult many, int round,
                       boolean embeddedFirst, boolean keepLatencies) throws InterruptedException {
        long slice = options.sliceNanos();
        LatencySamples embeddedLatency = keepLatencies ? single.off().latencies() : null;
        LatencySamples clusterLatency = keepLatencies ? single.on().latencies() : null;
        Window[] pair = embeddedFirst
                ? RbacBenchmark.alternate(user(embedded), user(cluster), slice, embeddedLatency, clusterLatency)
                : RbacBenchmark.swap(RbacBenchmark.alternate(user(cluster), user(embedded), slice, clusterLatency,
                        embeddedLatency));
        single.off().add(round, pair[0]);
        single.on().add(round, pair[1]);
        for (BenchServer server : embeddedFirst ? List.of(embedded, cluster) : List.of(cluster, embedded)) {
            Window window = RbacBenchmark.window(server.async(RbacBenchmark.USER, RbacBenchmark.PASSWORD),
                    many.inflight(), slice);
            (server == embedded ? many.off() : many.on()).add(round, window);
        }
    }

    private static MilvusServiceGrpc.MilvusServiceBlockingStub user(BenchServer server) {
        return server.blocking(RbacBenchmark.USER, RbacBenchmark.PASSWORD);
    }

    static void print(PrintStream out, List<ThroughputComparison.LoadResult> results) {
        TextTable table = new TextTable(0, "in flight", "embedded calls/s", "cluster node calls/s",
                "cluster/embedded", "per-round median", "per-round range", "errors");
        for (ThroughputComparison.LoadResult r : results) {
            table.row(Integer.toString(r.inflight()), String.format(Locale.ROOT, "%,.0f", r.off().callsPerSecond()),
                    String.format(Locale.ROOT, "%,.0f", r.on().callsPerSecond()), fixed(r.ratio(), 3),
                    fixed(r.medianRoundRatio(), 3),
                    fixed(r.minRoundRatio(), 3) + " .. " + fixed(r.maxRoundRatio(), 3),
                    Long.toString(r.off().errors() + r.on().errors()));
        }
        table.print(out, "   ");
        LatencySamples embedded = results.get(0).off().latencies();
        LatencySamples cluster = results.get(0).on().latencies();
        out.printf(Locale.ROOT, "   latency at 1 in flight, us: embedded p50 %.1f p99 %.1f; cluster node p50 %.1f p99 %.1f"
                + " (p50 added %+.1f)%n", embedded.percentileMicros(50), embedded.percentileMicros(99),
                cluster.percentileMicros(50), cluster.percentileMicros(99),
                cluster.percentileMicros(50) - embedded.percentileMicros(50));
        out.printf(Locale.ROOT, "   cluster/embedded: ratio of the totals; target >= %.2f.%n", BenchReport.TARGET_RATIO);
    }

    private static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
