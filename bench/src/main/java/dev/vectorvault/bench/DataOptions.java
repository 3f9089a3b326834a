package dev.vectorvault.bench;

import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What one {@link DataBenchmark} run does. Every value comes from a command-line flag ({@code --rows 50000} or
 * {@code --rows=50000}, parsed by picocli), else from a system property ({@code -Ddata.rows=50000}), else from the default, which keeps a
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

    /** The flags as picocli reads them; a {@code -Ddata.*} system property replaces a default. */
    @Command(name = "bench-data")
    static final class Flags {
        @Option(names = "--rows", defaultValue = "${sys:data.rows:-100000}")
        int rows;
        @Option(names = "--dim", defaultValue = "${sys:data.dim:-128}")
        int dim;
        @Option(names = "--clusters", defaultValue = "${sys:data.clusters:-100}")
        int clusters;
        @Option(names = "--seconds", defaultValue = "${sys:data.seconds:-3}")
        double seconds;
        @Option(names = "--warmup", defaultValue = "${sys:data.warmup:-10}")
        double warmup;
        @Option(names = "--rounds", defaultValue = "${sys:data.rounds:-6}")
        int rounds;
        /** 0: one per core. */
        @Option(names = "--threads", defaultValue = "${sys:data.threads:-0}")
        int threads;
        @Option(names = "--writers", defaultValue = "${sys:data.writers:-4}")
        int writers;
        @Option(names = "--batches", split = ",", defaultValue = "${sys:data.batches:-1000,100}")
        int[] batches;
        @Option(names = "--check", defaultValue = "${sys:data.check:-100}")
        int check;
        @Option(names = "--seed", defaultValue = "${sys:data.seed:-42}")
        long seed;
        @Option(names = {"-h", "--help"})
        boolean help;
    }

    static DataOptions parse(String[] args) {
        Flags f = OptionChecks.parse(new Flags(), args);
        int rows = OptionChecks.atLeast("rows", f.rows, 1_000);
        int dim = OptionChecks.atLeast("dim", f.dim, 2);
        if (dim > 32_768) {
            throw new IllegalArgumentException("--dim must be at most 32768 (Milvus's limit), got " + dim);
        }
        int[] batches = Arrays.stream(f.batches).distinct().toArray();
        for (int batch : batches) {
            OptionChecks.atLeast("batches", batch, 1);
            if (batch > rows) {
                throw new IllegalArgumentException("a batch of " + batch + " rows is larger than --rows " + rows);
            }
        }
        int threads = f.threads == 0 ? Runtime.getRuntime().availableProcessors()
                : OptionChecks.atLeast("threads", f.threads, 1);
        return new DataOptions(rows, dim, OptionChecks.atLeast("clusters", f.clusters, 1),
                OptionChecks.atLeast("seconds", f.seconds, 0.1), OptionChecks.atLeast("warmup", f.warmup, 0),
                OptionChecks.atLeast("rounds", f.rounds, 1), threads, OptionChecks.atLeast("writers", f.writers, 2),
                batches, Math.min(OptionChecks.atLeast("check", f.check, 1), rows), f.seed, f.help);
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
}
