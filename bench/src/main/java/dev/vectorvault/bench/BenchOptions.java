package dev.vectorvault.bench;

import java.util.Locale;

/**
 * What one run does and for how long. Every value comes from a command-line flag ({@code --seconds 12} or
 * {@code --seconds=12}), else from a system property ({@code -Dbench.seconds=12}), else from the default, which keeps
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

    static BenchOptions parse(String[] args) {
        double seconds = property("seconds", 12, 0.1);
        double warmup = property("warmup", 16, 0);
        int rounds = wholeProperty("rounds", 24, 1);
        int inflight = wholeProperty("inflight", 16, 1);
        int users = wholeProperty("users", 20, 1);
        boolean control = Boolean.getBoolean("bench.control");
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                help = true;
                continue;
            }
            if (arg.equals("--control")) {
                control = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(2, eq);
                value = arg.substring(eq + 1);
            } else {
                name = arg.substring(2);
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--" + name + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "seconds" -> seconds = number(name, value, 0.1);
                case "warmup" -> warmup = number(name, value, 0);
                case "rounds" -> rounds = whole(name, value, 1);
                case "inflight" -> inflight = whole(name, value, 1);
                case "users" -> users = whole(name, value, 1);
                default -> throw new IllegalArgumentException("unknown option --" + name);
            }
        }
        return new BenchOptions(seconds, warmup, rounds, inflight, users, control, help);
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

    private static double property(String name, double fallback, double min) {
        String value = System.getProperty("bench." + name);
        return value == null ? fallback : number(name, value, min);
    }

    private static int wholeProperty(String name, int fallback, int min) {
        String value = System.getProperty("bench." + name);
        return value == null ? fallback : whole(name, value, min);
    }

    private static double number(String name, String value, double min) {
        double parsed;
        try {
            parsed = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "--%s expects a number, got '%s'", name, value));
        }
        if (!(parsed >= min) || Double.isInfinite(parsed)) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "--%s must be at least %s, got %s", name, min, value));
        }
        return parsed;
    }

    private static int whole(String name, String value, int min) {
        double parsed = number(name, value, min);
        if (parsed != Math.rint(parsed) || parsed > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--" + name + " expects a whole number, got '" + value + "'");
        }
        return (int) parsed;
    }
}
