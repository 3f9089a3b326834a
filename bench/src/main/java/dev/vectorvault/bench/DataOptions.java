package dev.vectorvault.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * What one {@link DataBenchmark} run does. Every value comes from a command-line flag ({@code --rows 50000} or
 * {@code --rows=50000}), else from a system property ({@code -Ddata.rows=50000}), else from the default, which keeps a
 * whole run near two minutes on a 2-core machine.
 *
 * <p>Every measured configuration (an insert shape on one server, a search load) is called a cell. Cells run in
 * short slices, round-robin, so that the drift of a shared machine lands on all of them alike; {@code seconds} is one
 * cell's measured time summed over all rounds.
 *
 * @param rows          stored vectors; also the size at which an insert cell's collection is dropped and recreated
 * @param dim           vector dimension
 * @param clusters      Gaussian clusters of the synthetic data (see {@link ClusteredVectors})
 * @param seconds       measured seconds per cell, over all rounds
 * @param warmupSeconds untimed seconds per part (insert, search) before round 1, cycled over the part's cells
 * @param rounds        slices each cell's measured time is cut into
 * @param threads       N: concurrent search clients (N and 2N are measured) and the parallelism of the in-process
 *                      parallel search; default availableProcessors
 * @param writers       concurrent writers of the multi-writer insert cells (1 writer is always measured)
 * @param batches       rows per insert request, one set of cells each
 * @param checkQueries  queries whose gRPC top-10 is compared with a brute-force computation
 * @param seed          seed of the data and query generator
 * @param help          print the usage and exit
 */
record DataOptions(int rows, int dim, int clusters, double seconds, double warmupSeconds, int rounds, int threads,
                   int writers, int[] batches, int checkQueries, long seed, boolean help) {

    static final int TOP_K = 10;

    private static final Set<String> OPTIONS = Set.of("rows", "dim", "clusters", "seconds",
            "warmup", "rounds", "threads", "writers", "batches", "check", "seed");

    static final String USAGE = String.join("\n",
            "usage: bin/bench-data [--rows N] [--dim D] [--seconds S] [--threads N] [--writers W] [--batches B,B..]",
            "                      [--warmup S] [--rounds R] [--clusters C] [--check Q] [--seed X]",
            "  --rows N      vectors stored and searched                            (default 100000, -Ddata.rows)",
            "  --dim D       vector dimension                                        (default 128)",
            "  --seconds S   measured seconds per cell (one insert shape, one search load) (default 3)",
            "  --threads N   concurrent search clients, N and 2N; in-process parallelism (default: cores)",
            "  --writers W   concurrent writers of the multi-writer insert cells    (default 4)",
            "  --batches B   rows per insert request, comma-separated               (default 1000,100)",
            "  --warmup S    untimed seconds per part (insert, search), all its cells (default 10)",
            "  --rounds R    slices each cell's measured time is cut into           (default 6)",
            "  --clusters C  Gaussian clusters in the synthetic data                (default 100)",
            "  --check Q     queries checked against brute force for recall@10      (default 100)",
            "  --seed X      generator seed                                         (default 42)",
            "  JAVA_OPTS     extra JVM flags for bin/bench-data (e.g. -Xmx4g)");

    static DataOptions parse(String[] args) {
        int rows = wholeProperty("rows", 100_000, 1_000);
        int dim = wholeProperty("dim", 128, 2);
        int clusters = wholeProperty("clusters", 100, 1);
        double seconds = property("seconds", 3, 0.1);
        double warmup = property("warmup", 10, 0);
        int rounds = wholeProperty("rounds", 6, 1);
        int threads = wholeProperty("threads", Runtime.getRuntime().availableProcessors(), 1);
        int writers = wholeProperty("writers", 4, 2);
        int[] batches = System.getProperty("data.batches") == null ? new int[] {1_000, 100}
                : list("batches", System.getProperty("data.batches"));
        int check = wholeProperty("check", 100, 1);
        long seed = System.getProperty("data.seed") == null ? 42 : seed(System.getProperty("data.seed"));
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                help = true;
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
                if (!OPTIONS.contains(name)) {
                    throw new IllegalArgumentException("unknown option --" + name);
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--" + name + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "rows" -> rows = whole(name, value, 1_000);
                case "dim" -> dim = whole(name, value, 2);
                case "clusters" -> clusters = whole(name, value, 1);
                case "seconds" -> seconds = number(name, value, 0.1);
                case "warmup" -> warmup = number(name, value, 0);
                case "rounds" -> rounds = whole(name, value, 1);
                case "threads" -> threads = whole(name, value, 1);
                case "writers" -> writers = whole(name, value, 2);
                case "batches" -> batches = list(name, value);
                case "check" -> check = whole(name, value, 1);
                case "seed" -> seed = seed(value);
                default -> throw new IllegalArgumentException("unknown option --" + name);
            }
        }
        if (dim > 32_768) {
            throw new IllegalArgumentException("--dim must be at most 32768 (Milvus's limit), got " + dim);
        }
        for (int batch : batches) {
            if (batch > rows) {
                throw new IllegalArgumentException("a batch of " + batch + " rows is larger than --rows " + rows);
            }
        }
        return new DataOptions(rows, dim, clusters, seconds, warmup, rounds, threads, writers, batches,
                Math.min(check, rows), seed, help);
    }

    long sliceNanos() {
        return Math.max(1, Math.round(seconds * 1e9 / rounds));
    }

    long warmupNanos() {
        return Math.round(warmupSeconds * 1e9);
    }

    /** Client thread counts of the search table: 1, N and 2N (deduplicated, ascending). */
    int[] searchThreads() {
        return Arrays.stream(new int[] {1, threads, 2 * threads}).distinct().sorted().toArray();
    }

    String batchList() {
        return Arrays.stream(batches).mapToObj(b -> String.format(Locale.ROOT, "%,d", b))
                .reduce((a, b) -> a + ", " + b).orElse("");
    }

    private static double property(String name, double fallback, double min) {
        String value = System.getProperty("data." + name);
        return value == null ? fallback : number(name, value, min);
    }

    private static int wholeProperty(String name, int fallback, int min) {
        String value = System.getProperty("data." + name);
        return value == null ? fallback : whole(name, value, min);
    }

    private static int[] list(String name, String value) {
        int[] out = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToInt(s -> whole(name, s, 1)).distinct().toArray();
        if (out.length == 0) {
            throw new IllegalArgumentException("--" + name + " needs at least one value");
        }
        return out;
    }

    private static long seed(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed expects a whole number, got '" + value + "'");
        }
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
                    String.format(Locale.ROOT, "--%s must be at least %s, got %s", name,
                            min == Math.rint(min) ? Long.toString((long) min) : Double.toString(min), value));
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
