package dev.vectorvault.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What one run does and for how long. Every value comes from a command-line flag ({@code --seconds 12} or
 * {@code --seconds=12}, parsed by picocli), else from a system property ({@code -Dbench.seconds=12}), else from the default, which keeps
 * a whole run near 80 s on a 2-core machine.
 *
 * <p>The defaults favour many short slices over a few long ones: on a small, shared machine the speed drifts by tens
 * of percent from one second to the next, and only slices that alternate quickly between the two sides see the same
 * drift.
 *
 * @param seconds       measured time per side and load, summed over all rounds
 * @param warmupSeconds warm-up before the first round, cycling through every load and side
 * @param rounds        how many slices {@code seconds} is cut into; in each, both sides run, the first alternating
 * @param inflight      the concurrent load: calls kept in flight at once (1 in flight is always measured too)
 * @param users         how many users are created and logged in once each for the login-cost rows
 * @param control       an A/A run: the auth-ON side is replaced by a second auth-OFF server, so the on/off column
 *                      shows how far two identical servers differ on this machine (the noise floor)
 * @param help          print the usage and exit
 */
record BenchOptions(double seconds, double warmupSeconds, int rounds, int inflight, int users, boolean control,
                    boolean help) {

    static final String USAGE = String.join("\n",
            "usage: bin/bench [--seconds S] [--warmup S] [--rounds N] [--inflight N] [--users N] [--control]",
            "  --seconds S   measured seconds per side and load, over all rounds  (default 12, -Dbench.seconds)",
            "  --warmup S    warm-up seconds before round 1, all loads and sides   (default 16, -Dbench.warmup)",
            "  --rounds N    slices the measured time is cut into; each runs both sides, first side alternating",
            "                                                                      (default 24, -Dbench.rounds)",
            "  --inflight N  concurrent calls for the second load (1 is always measured) (default 16, -Dbench.inflight)",
            "  --users N     users created for the cold / failed login rows         (default 20, -Dbench.users)",
            "  --control     A/A run: a second auth-OFF server in place of auth ON, to see this machine's noise",
            "  JAVA_OPTS     extra JVM flags for bin/bench (e.g. -Xmx2g)");

    /** The flags as picocli reads them; a {@code -Dbench.*} system property replaces a default. */
    @Command(name = "bench")
    static final class Flags {
        @Option(names = "--seconds", defaultValue = "${sys:bench.seconds:-12}")
        double seconds;
        @Option(names = "--warmup", defaultValue = "${sys:bench.warmup:-16}")
        double warmup;
        @Option(names = "--rounds", defaultValue = "${sys:bench.rounds:-24}")
        int rounds;
        @Option(names = "--inflight", defaultValue = "${sys:bench.inflight:-16}")
        int inflight;
        @Option(names = "--users", defaultValue = "${sys:bench.users:-20}")
        int users;
        @Option(names = "--control", defaultValue = "${sys:bench.control:-false}")
        boolean control;
        @Option(names = {"-h", "--help"})
        boolean help;
    }

    static BenchOptions parse(String[] args) {
        Flags f = OptionChecks.parse(new Flags(), args);
        return new BenchOptions(OptionChecks.atLeast("seconds", f.seconds, 0.1),
                OptionChecks.atLeast("warmup", f.warmup, 0), OptionChecks.atLeast("rounds", f.rounds, 1),
                OptionChecks.atLeast("inflight", f.inflight, 1), OptionChecks.atLeast("users", f.users, 1),
                f.control, f.help);
    }

    /** The loads measured: 1 in flight (latency and throughput) and, unless it is also 1, the concurrent one. */
    int[] loads() {
        return inflight == 1 ? new int[] {1} : new int[] {1, inflight};
    }

    /** One slice: the time each side gets per load and round. */
    long sliceNanos() {
        return Math.max(1, Math.round(seconds * 1e9 / rounds));
    }

    long warmupNanos() {
        return Math.round(warmupSeconds * 1e9);
    }

    /** Seconds spent on the throughput part alone (warm-up plus rounds), for the config header. */
    double throughputSeconds() {
        return warmupSeconds + seconds * loads().length * 2;
    }
}
