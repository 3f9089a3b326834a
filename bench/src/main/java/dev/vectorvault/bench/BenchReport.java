package dev.vectorvault.bench;

import dev.vectorvault.config.ServerConfig;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Prints the configuration of the run and the three result tables, all at the end, as one block. */
final class BenchReport {
    /** The ratio the project aims for: authentication may cost at most 3% of unary throughput. */
    static final double TARGET_RATIO = 0.97;

    private final BenchOptions options;
    private final String serverLog;
    private final double loadAtStart;
    private final List<BenchServer> servers;

    BenchReport(BenchOptions options, String serverLog, double loadAtStart, List<BenchServer> servers) {
        this.options = options;
        this.serverLog = serverLog;
        this.loadAtStart = loadAtStart;
        this.servers = servers;
    }

    /** The 1-minute system load average (negative where unknown): how much else wanted the CPU meanwhile. */
    static double systemLoad() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    void print(PrintStream out, List<ThroughputComparison.LoadResult> throughput, WarmCheckCost.Result warmCheck,
               List<LoginCosts.Row> logins, double runSeconds) {
        printConfig(out, runSeconds);
        printThroughput(out, throughput);
        printLatency(out, throughput.get(0), warmCheck);
        printCpu(out, throughput);
        printLogins(out, logins);
        out.flush();
    }

    private void printConfig(PrintStream out, double runSeconds) {
        Runtime runtime = Runtime.getRuntime();
        ServerConfig.HashSettings hash = servers.get(0).config().hash();
        String gcs = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).collect(Collectors.joining(", "));
        String loads = java.util.Arrays.stream(options.loads()).mapToObj(Integer::toString)
                .collect(Collectors.joining(", "));
        out.println();
        out.println("VectorVault authentication benchmark");
        out.println("====================================");
        out.printf(Locale.ROOT, "cores       %d (availableProcessors), %s %s %s%n", runtime.availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"));
        if (loadAtStart >= 0) {
            out.printf(Locale.ROOT, "load        1-min load average %.1f at start, %.1f at end (this run alone adds"
                    + " about 2)%n", loadAtStart, systemLoad());
        }
        out.printf(Locale.ROOT, "jvm         %s %s, max heap %.1f GiB, GC %s%n", System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), runtime.maxMemory() / (1024.0 * 1024 * 1024), gcs);
        out.println("rpc         GetVersion (constant answer, no store access): the worst case for the ratio");
        out.println("transport   plaintext gRPC on 127.0.0.1, client and all servers in this one JVM");
        out.println("header      authorization = base64(user:password) on every call, sent to both sides alike");
        for (BenchServer server : servers) {
            out.printf(Locale.ROOT, "server      %-20s %s%n", server.label(), server.settings());
        }
        out.printf(Locale.ROOT, "argon2id    m=%d KiB, t=%d, p=%d (server defaults)%n", hash.memoryKiB(),
                hash.iterations(), hash.parallelism());
        out.printf(Locale.ROOT, "schedule    warm-up %s s, then %d rounds; per round and side: %s s at each load {%s}%n",
                seconds(options.warmupSeconds()), options.rounds(), seconds(options.sliceNanos() / 1e9), loads);
        out.println("            1 in flight: calls alternate one by one between the two servers (blocking stub)");
        out.printf(Locale.ROOT, "            %d in flight: one window per side, the first side alternating each round"
                + " (async stub)%n", options.inflight());
        out.printf(Locale.ROOT, "logins      %d users, each: cold login, warm call, wrong password, unknown user,"
                + " bare Argon2id; interleaved user by user%n", options.users());
        out.printf(Locale.ROOT, "duration    %.0f s in all (throughput part %s s)%n", runSeconds,
                seconds(options.throughputSeconds()));
        out.printf(Locale.ROOT, "server log  %s%n", serverLog);
    }

    void printThroughput(PrintStream out, List<ThroughputComparison.LoadResult> results) {
        out.println();
        out.printf(Locale.ROOT, "1. Unary throughput, calls/s (GetVersion): all calls / all their time, %s s per side"
                + " and load%n", seconds(options.seconds()));
        TextTable table = new TextTable(0, "in flight", servers.get(0).label(), servers.get(1).label(), "on/off",
                "per-round median", "per-round range", "errors");
        long errors = 0;
        for (ThroughputComparison.LoadResult r : results) {
            long failed = r.off().errors() + r.on().errors();
            errors += failed;
            table.row(Integer.toString(r.inflight()), count(r.off().callsPerSecond()),
                    count(r.on().callsPerSecond()), fixed(r.ratio(), 3), fixed(r.medianRoundRatio(), 3),
                    fixed(r.minRoundRatio(), 3) + " .. " + fixed(r.maxRoundRatio(), 3), Long.toString(failed));
        }
        table.print(out, "   ");
        out.printf(Locale.ROOT, "   on/off: ratio of the totals; target >= %.2f. per-round: the same ratio in each of"
                + " the %d rounds.%n", TARGET_RATIO, options.rounds());
        out.println("   At 1 in flight a rate is 1 / mean latency. A per-round range far wider than the distance of on/off"
                + " from 1");
        out.println("   means the difference is within this machine's noise; --control measures that noise (A/A).");
        if (errors > 0) {
            out.printf(Locale.ROOT, "   WARNING: %d calls failed; the rates above count them and are not"
                    + " trustworthy.%n", errors);
        }
    }

    void printLatency(PrintStream out, ThroughputComparison.LoadResult oneInFlight,
                              WarmCheckCost.Result warmCheck) {
        LatencySamples off = oneInFlight.off().latencies();
        LatencySamples on = oneInFlight.on().latencies();
        out.println();
        out.println("2. Latency at 1 in flight, microseconds (every measured call; client-side round trip)");
        TextTable table = new TextTable("side", "calls", "p50", "p99");
        table.row(servers.get(0).label(), count(off.size()), fixed(off.percentileMicros(50), 1),
                fixed(off.percentileMicros(99), 1));
        table.row(servers.get(1).label(), count(on.size()), fixed(on.percentileMicros(50), 1),
                fixed(on.percentileMicros(99), 1));
        table.row("added (on - off)", "", signed(on.percentileMicros(50) - off.percentileMicros(50)),
                signed(on.percentileMicros(99) - off.percentileMicros(99)));
        table.print(out, "   ");
        if (warmCheck != null) {
            out.printf(Locale.ROOT, "   The warm check alone, in-process (Password.fromUtf8 + Authenticator.authenticate,"
                    + " throttle on):%n   %.2f us per call, median of %d batches of %,d calls%s.%n",
                    warmCheck.medianMicros(), warmCheck.batches(), WarmCheckCost.BATCH,
                    warmCheck.rejected() == 0 ? "" : " - WARNING: " + warmCheck.rejected() + " checks were rejected");
        }
    }

    private void printCpu(PrintStream out, List<ThroughputComparison.LoadResult> results) {
        ThroughputComparison.LoadResult busiest = results.get(results.size() - 1);
        double off = busiest.off().cpuMicrosPerCall();
        double on = busiest.on().cpuMicrosPerCall();
        if (busiest.inflight() == 1 || Double.isNaN(off) || Double.isNaN(on)) {
            return;
        }
        out.println();
        out.printf(Locale.ROOT, "3. CPU per call at %d in flight, microseconds (whole process: client + server)%n",
                busiest.inflight());
        TextTable table = new TextTable("side", "calls", "CPU per call");
        table.row(servers.get(0).label(), count(busiest.off().calls()), fixed(off, 1));
        table.row(servers.get(1).label(), count(busiest.on().calls()), fixed(on, 1));
        table.row("added (on - off)", "", signed(on - off));
        table.print(out, "   ");
        out.println("   Steal time and scheduling delays do not enter CPU time, so this column is steadier than the"
                + " rates.");
    }

    private void printLogins(PrintStream out, List<LoginCosts.Row> rows) {
        out.println();
        if (rows.isEmpty()) {
            out.println("4. Login cost: not measured in a --control run");
            out.println();
            return;
        }
        out.printf(Locale.ROOT, "4. Login cost, milliseconds per call (%d samples each: one per user)%n",
                options.users());
        TextTable table = new TextTable(2, "call", "server", "median", "min", "max", "unexpected");
        for (LoginCosts.Row row : rows) {
            table.row(row.call(), row.server(), fixed(row.median(), 3), fixed(row.min(), 3), fixed(row.max(), 3),
                    Integer.toString(row.unexpected()));
        }
        table.print(out, "   ");
        out.println("   Failed logins ran on a server with common.security.loginThrottle.enabled=false, so each one ran");
        out.println("   its Argon2id; with the throttle on, 20 failures from 127.0.0.1 would have blocked the address.");
        out.printf(Locale.ROOT, "   A warm sample is the median of that user's next %d calls. \"unexpected\": a call that"
                + " should have%n", LoginCosts.WARM_CALLS);
        out.println("   passed and failed, or the reverse (should be 0).");
        out.println();
    }

    private static String count(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String seconds(double value) {
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String signed(double value) {
        return String.format(Locale.ROOT, "%+.1f", value);
    }
}
