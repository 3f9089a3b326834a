package dev.vectorvault.bench.fulltext;

import dev.vectorvault.bench.MachineFacts;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What a growing segment's full-text search costs the writer and the first reader: dict-gcide's entries inserted
 * (batches of 1,000, the server's engine path below gRPC, {@link VectorVaultFullText}) into one growing segment that
 * never seals, then one search (the first after the large insert), then {@code --trickle} rounds of one more batch
 * and one search each (the search after a small insert), then the queries with no insert between them. Each round
 * starts from an empty collection. Prints, per round, insert rows/s (wall) and rows per process CPU-second, the first
 * search's latency, the median search after a small insert and the median search without inserts.
 *
 * <pre>java ... GrowingFullTextBenchmark --dictd DIR [--docs N] [--queries N] [--rounds N] [--trickle N]</pre>
 */
public final class GrowingFullTextBenchmark {
    private static final int K = 10;
    private static final int BATCH = 1000;
    /** The searching thread's own CPU time, to tell a search's work from its waiting (the machine may be shared). */
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private GrowingFullTextBenchmark() {}

    /** The flags ({@code --help} lists them). */
    @Command(name = "bench-fulltext-growing", description = "BM25 on a growing segment: insert and first search")
    static final class Flags {
        @Mixin
        CorpusFlags corpus = new CorpusFlags();
        @Option(names = "--trickle", description = "batches of 1,000 rows each followed by a search, after the large"
                + " insert (default ${DEFAULT-VALUE})")
        int trickle = 20;
        @Option(names = "--label", description = "a word printed on every row of the table (default ${DEFAULT-VALUE})")
        String label = "-";
    }

    public static void main(String[] args) throws Exception {
        Flags flags = new Flags();
        CorpusFlags.parse(flags, flags.corpus, args);
        run(flags);
    }

    private static void run(Flags flags) throws Exception {
        MachineFacts.printHeader();
        GcideCorpus corpus = GcideCorpus.read(flags.corpus.dictd, 65_535);
        List<String> all = corpus.documents(flags.corpus.docs);
        List<String> queries = corpus.queries(flags.corpus.queries, flags.corpus.seed);
        int trickleRows = Math.min(flags.trickle * BATCH, all.size() / 2);
        List<String> bulk = all.subList(0, all.size() - trickleRows);
        List<String> trickle = all.subList(all.size() - trickleRows, all.size());
        System.out.printf(Locale.ROOT, "corpus: dict-gcide, %,d entries inserted at once, then %,d in batches of %,d"
                + " each followed by a search; %,d queries (seed %d); k=%d; one growing segment%n", bulk.size(),
                trickle.size(), BATCH, queries.size(), flags.corpus.seed, K);
        System.out.printf(Locale.ROOT, "load average at start: %s%n", MachineFacts.loadAverages());
        System.out.println("| code | round | insert rows/s | insert rows per CPU-s | first search ms"
                + " | search after 1,000 inserted, median ms wall / thread CPU"
                + " | search without inserts, median ms wall / thread CPU |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (int round = 1; round <= flags.corpus.rounds; round++) {
            Path work = Files.createTempDirectory("vectorvault-bench-growing-");
            try (VectorVaultFullText ours = new VectorVaultFullText(work, 1 << 24, "DAAT_MAXSCORE")) {
                System.gc();
                long cpu0 = processCpuNanos();
                long t0 = System.nanoTime();
                ours.insertAndIndex(bulk, BATCH);
                long wall = System.nanoTime() - t0;
                long cpu = processCpuNanos() - cpu0;
                long t1 = System.nanoTime();
                ours.search(queries.get(0), K);
                double first = (System.nanoTime() - t1) / 1e6;
                double[] afterInsert = new double[trickle.size() / BATCH];
                double[] afterInsertCpu = new double[afterInsert.length];
                for (int b = 0; b < afterInsert.length; b++) {
                    // Fresh ids: reusing the bulk's would replace (delete) 1,000 rows with every batch.
                    ours.insertAndIndex(trickle.subList(b * BATCH, (b + 1) * BATCH), bulk.size() + b * BATCH,
                            BATCH);
                    long c = THREADS.getCurrentThreadCpuTime();
                    long t = System.nanoTime();
                    ours.search(queries.get(1 + b % (queries.size() - 1)), K);
                    afterInsert[b] = (System.nanoTime() - t) / 1e6;
                    afterInsertCpu[b] = (THREADS.getCurrentThreadCpuTime() - c) / 1e6;
                }
                double[] quiet = new double[queries.size()];
                double[] quietCpu = new double[queries.size()];
                for (int q = 0; q < queries.size(); q++) {
                    long c = THREADS.getCurrentThreadCpuTime();
                    long t = System.nanoTime();
                    ours.search(queries.get(q), K);
                    quiet[q] = (System.nanoTime() - t) / 1e6;
                    quietCpu[q] = (THREADS.getCurrentThreadCpuTime() - c) / 1e6;
                }
                System.out.printf(Locale.ROOT, "| %s | %d | %,.0f | %,.0f | %.1f | %.2f / %.2f | %.3f / %.3f |%n",
                        flags.label, round, bulk.size() / (wall / 1e9), bulk.size() / (cpu / 1e9), first,
                        median(afterInsert), median(afterInsertCpu), median(quiet), median(quietCpu));
            } finally {
                deleteTree(work);
            }
        }
        System.out.printf(Locale.ROOT, "load average at end: %s%n", MachineFacts.loadAverages());
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
