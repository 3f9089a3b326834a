package dev.vectorvault.bench.fulltext;

import dev.vectorvault.bench.MachineFacts;
import dev.vectorvault.text.Bm25;
import dev.vectorvault.text.TextAnalyzer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.CollectionStatistics;
import org.apache.lucene.util.SmallFloat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Full-text search, VectorVault against Lucene, in one JVM and one run: the same corpus (dict-gcide's entries), the
 * same analyzer (the standard one: Lucene's StandardTokenizer + lowercase), the same queries, k = 10, BM25 k1 1.2 and
 * b 0.75. Prints build time, q/s on one thread and on every core, queries per CPU-second on one thread, and how far
 * the results agree, with the reasons they may differ measured rather than assumed. Ours runs the server's engine
 * path below gRPC ({@link VectorVaultFullText}); Lucene runs as an application would use it ({@link LuceneBm25}).
 *
 * <pre>java ... FullTextBenchmark --dictd DIR [--docs N] [--queries N] [--seed S] [--segment-rows N]
 *     [--algo DAAT_MAXSCORE] [--threads N] [--rounds N]</pre>
 */
public final class FullTextBenchmark {
    private static final int K = 10;

    private FullTextBenchmark() {}

    /** The flags ({@code --help} lists them). */
    @Command(name = "bench-fulltext", description = "BM25 full-text search: VectorVault against Lucene, one JVM")
    static final class Flags {
        @Mixin
        CorpusFlags corpus = new CorpusFlags();
        @Option(names = "--segment-rows", description = "rows per sealed segment (default ${DEFAULT-VALUE})")
        int segmentRows = 65536;
        @Option(names = "--algo", description = "SPARSE_INVERTED_INDEX's inverted_index_algo"
                + " (default ${DEFAULT-VALUE})")
        String algo = "DAAT_MAXSCORE";
        @Option(names = "--threads", description = "threads of the every-core cells (default: cores)")
        int threads = Runtime.getRuntime().availableProcessors();
    }

    public static void main(String[] args) throws Exception {
        Flags flags = new Flags();
        CorpusFlags.parse(flags, flags.corpus, args);
        Path dictd = flags.corpus.dictd;
        int docLimit = flags.corpus.docs;
        int queryCount = flags.corpus.queries;
        long seed = flags.corpus.seed;
        int segmentRows = flags.segmentRows;
        String algo = flags.algo;
        int threads = flags.threads;
        int rounds = flags.corpus.rounds;

        MachineFacts.printHeader();
        GcideCorpus corpus = GcideCorpus.read(dictd, 65_535);
        List<String> docs = corpus.documents(docLimit);
        List<String> queries = corpus.queries(queryCount, seed);
        long bytes = docs.stream().mapToLong(String::length).sum();
        System.out.printf(Locale.ROOT, "corpus: dict-gcide, %,d entries (%,d chars; %d longer than a VarChar left out);"
                + " %,d queries of 1-4 words from random entries (seed %d); k=%d; standard analyzer; BM25 k1=1.2 b=0.75%n",
                docs.size(), bytes, corpus.skippedTooLong(), queries.size(), seed, K);

        Path work = Files.createTempDirectory("vectorvault-bench-fulltext-");
        try (VectorVaultFullText ours = new VectorVaultFullText(work.resolve("vectorvault"), segmentRows, algo);
             LuceneBm25 lucene = new LuceneBm25(work.resolve("lucene"), TextAnalyzer.STANDARD.lucene())) {
            System.gc();
            long t0 = System.nanoTime();
            ours.insertAndIndex(docs, 1000);
            double ourBuild = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            Hits first = ours.search(queries.get(0), K);
            double ourFirst = (System.nanoTime() - t1) / 1e6;
            System.out.printf(Locale.ROOT, "built VectorVault: %.2f s (insert, seal every %,d rows, index %s);"
                    + " first search %.1f ms (%d hits)%n", ourBuild, segmentRows, algo, ourFirst, first.ids().length);
            System.gc();
            long t2 = System.nanoTime();
            lucene.build(docs);
            double luceneBuild = (System.nanoTime() - t2) / 1e9;
            long t3 = System.nanoTime();
            Hits lfirst = lucene.search(queries.get(0), K);
            double luceneFirst = (System.nanoTime() - t3) / 1e6;
            System.out.printf(Locale.ROOT, "built Lucene:      %.2f s (addDocument, commit, open; %d segments);"
                    + " first search %.1f ms (%d hits)%n", luceneBuild, lucene.segments(), luceneFirst,
                    lfirst.ids().length);

            // Warm-up (JIT) and the answers compared below.
            Hits[] ourHits = new Hits[queries.size()];
            Hits[] luceneHits = new Hits[queries.size()];
            for (int q = 0; q < queries.size(); q++) {
                ourHits[q] = ours.search(queries.get(q), K);
                luceneHits[q] = lucene.search(queries.get(q), K);
            }
            double[] ourSingle = new double[rounds];
            double[] luceneSingle = new double[rounds];
            double[] ourAll = new double[rounds];
            double[] luceneAll = new double[rounds];
            double[] ourCpu = new double[rounds];
            double[] luceneCpu = new double[rounds];
            double loadBefore = MachineFacts.loadAverage();
            // Rounds interleaved, so load from other processes on this shared machine falls on both alike.
            for (int r = 0; r < rounds; r++) {
                Rate ourRate = qps(queries, 1, ours::search);
                Rate luceneRate = qps(queries, 1, lucene::search);
                ourSingle[r] = ourRate.perSecond();
                luceneSingle[r] = luceneRate.perSecond();
                ourCpu[r] = ourRate.perCpuSecond();
                luceneCpu[r] = luceneRate.perCpuSecond();
                ourAll[r] = qps(queries, threads, ours::search).perSecond();
                luceneAll[r] = qps(queries, threads, lucene::search).perSecond();
            }
            double loadAfter = MachineFacts.loadAverage();

            System.out.println();
            System.out.printf(Locale.ROOT, "%-38s %14s %14s %8s%n", "", "VectorVault", "Lucene 9.12.3", "ratio");
            row("documents", docs.size(), docs.size(), "%,14d");
            System.out.printf(Locale.ROOT, "%-38s %14.2f %14.2f %7.2fx%n", "build s (1 writer thread)", ourBuild,
                    luceneBuild, luceneBuild / ourBuild);
            System.out.printf(Locale.ROOT, "%-38s %14.0f %14.0f %7.2fx%n", "q/s, 1 thread (median of " + rounds + ")",
                    median(ourSingle), median(luceneSingle), median(ourSingle) / median(luceneSingle));
            System.out.printf(Locale.ROOT, "%-38s %14.0f %14.0f %7.2fx%n", "q/s, " + threads + " threads (median of "
                    + rounds + ")", median(ourAll), median(luceneAll), median(ourAll) / median(luceneAll));
            System.out.printf(Locale.ROOT, "%-38s %14.0f %14.0f %7.2fx%n", "q per CPU-s, 1 thread (median of " + rounds
                    + ")", median(ourCpu), median(luceneCpu), median(ourCpu) / median(luceneCpu));
            System.out.printf(Locale.ROOT, "rounds, q/s 1 thread: ours %s, Lucene %s; %d threads: ours %s, Lucene %s%n",
                    fmt(ourSingle), fmt(luceneSingle), threads, fmt(ourAll), fmt(luceneAll));
            System.out.printf(Locale.ROOT, "rounds, q per CPU-s 1 thread: ours %s, Lucene %s%n", fmt(ourCpu),
                    fmt(luceneCpu));
            System.out.printf(Locale.ROOT, "load average (1 min) before/after the timed rounds: %.2f / %.2f%n",
                    loadBefore, loadAfter);
            System.out.println();
            agreement(queries, ourHits, luceneHits, docs, lucene);
        } finally {
            try (Stream<Path> paths = Files.walk(work)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void row(String name, long a, long b, String f) {
        System.out.printf(Locale.ROOT, "%-38s " + f + " " + f + "%n", name, a, b);
    }

    private static String fmt(double[] values) {
        StringBuilder out = new StringBuilder();
        for (double v : values) {
            out.append(out.length() == 0 ? "" : "/").append(String.format(Locale.ROOT, "%.0f", v));
        }
        return out.toString();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /**
     * Every query once, spread over {@code threads} threads taking the next query as they finish one: queries per
     * second of wall time, and per second of the workers' own CPU time (thread CPU; GC and JIT threads not counted),
     * which time spent waiting for a core on a loaded machine does not enter.
     */
    private static Rate qps(List<String> queries, int threads, BiFunction<String, Integer, Hits> search)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicLong cpuNanos = new AtomicLong();
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        Thread[] workers = new Thread[threads];
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                long cpuStart = cpu.getCurrentThreadCpuTime();
                for (int q = next.getAndIncrement(); q < queries.size(); q = next.getAndIncrement()) {
                    search.apply(queries.get(q), K);
                }
                cpuNanos.addAndGet(cpu.getCurrentThreadCpuTime() - cpuStart);
            });
            workers[t].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        return new Rate(queries.size() / ((System.nanoTime() - start) / 1e9), queries.size() / (cpuNanos.get() / 1e9));
    }

    /** Queries per second of wall time and per second of the searching threads' CPU time. */
    private record Rate(double perSecond, double perCpuSecond) {}

    /**
     * Top-10 overlap, and the scores of the documents both return. The formulas differ in two known ways: Milvus's
     * document side has the factor (k1 + 1), Lucene's not (a constant: it changes no ranking), and Lucene stores each
     * document's length as one byte ({@link SmallFloat#intToByte4}, exact for short documents, 4 significant bits
     * above), so a long document's length norm is rounded. The check recomputes each shared hit's Lucene score from
     * the document's tokens with the exact length and with Lucene's rounded one: ours should equal (k1 + 1) × the
     * first, Lucene's the second.
     */
    private static void agreement(List<String> queries, Hits[] ours, Hits[] lucene, List<String> docs,
                                  LuceneBm25 peer) throws IOException {
        long sameSet = 0;
        long sameOrder = 0;
        long overlap = 0;
        long expected = 0;
        List<Double> rawDiff = new ArrayList<>();
        List<Double> oursVsExact = new ArrayList<>();
        List<Double> luceneVsRounded = new ArrayList<>();
        float k1 = Bm25.DEFAULT_K1;
        CollectionStatistics stats = peer.collectionStatistics();
        double avgdl = (double) stats.sumTotalTermFreq() / stats.docCount();
        for (int q = 0; q < queries.size(); q++) {
            Set<Long> a = new HashSet<>();
            Arrays.stream(ours[q].ids()).forEach(a::add);
            Set<Long> b = new HashSet<>();
            Arrays.stream(lucene[q].ids()).forEach(b::add);
            sameSet += a.equals(b) ? 1 : 0;
            sameOrder += Arrays.equals(ours[q].ids(), lucene[q].ids()) ? 1 : 0;
            Set<Long> both = new HashSet<>(a);
            both.retainAll(b);
            overlap += both.size();
            expected += Math.max(a.size(), b.size());
            Map<String, Integer> qtf = new HashMap<>();
            TextAnalyzer.STANDARD.terms(queries.get(q)).forEach(t -> qtf.merge(t, 1, Integer::sum));
            for (int i = 0; i < ours[q].ids().length; i++) {
                long id = ours[q].ids()[i];
                int j = indexOf(lucene[q].ids(), id);
                if (j < 0) {
                    continue;
                }
                double ourScore = ours[q].scores()[i] / (k1 + 1);
                double luceneScore = lucene[q].scores()[j];
                rawDiff.add(Math.abs(ourScore - luceneScore) / luceneScore);
                Map<String, Integer> tf = new HashMap<>();
                List<String> tokens = TextAnalyzer.STANDARD.terms(docs.get((int) id));
                tokens.forEach(t -> tf.merge(t, 1, Integer::sum));
                int length = tokens.size();
                int rounded = SmallFloat.byte4ToInt(SmallFloat.intToByte4(length));
                double exact = 0;
                double withRounding = 0;
                for (var e : qtf.entrySet()) {
                    Integer f = tf.get(e.getKey());
                    if (f == null) {
                        continue;
                    }
                    long n = peer.docFreq(new Term("text", e.getKey()));
                    double idf = Math.log(1 + (stats.docCount() - n + 0.5) / (n + 0.5));
                    exact += e.getValue() * idf * f / (f + k1 * (1 - 0.75 + 0.75 * length / avgdl));
                    withRounding += e.getValue() * idf * f / (f + k1 * (1 - 0.75 + 0.75 * rounded / avgdl));
                }
                oursVsExact.add(Math.abs(ourScore - exact) / exact);
                luceneVsRounded.add(Math.abs(luceneScore - withRounding) / withRounding);
            }
        }
        System.out.printf(Locale.ROOT, "agreement over %,d queries: top-10 overlap %.4f; same top-10 set %.1f%%,"
                        + " same order %.1f%%%n", queries.size(), (double) overlap / Math.max(1, expected),
                100.0 * sameSet / queries.size(), 100.0 * sameOrder / queries.size());
        System.out.printf(Locale.ROOT, "scores of the %,d shared hits, relative difference (median / p99 / max):%n",
                rawDiff.size());
        System.out.printf(Locale.ROOT, "  ours/(k1+1) vs Lucene's score:                         %s%n",
                quantiles(rawDiff));
        System.out.printf(Locale.ROOT, "  ours/(k1+1) vs Lucene's formula, exact length:        %s%n",
                quantiles(oursVsExact));
        System.out.printf(Locale.ROOT, "  Lucene's score vs Lucene's formula, 1-byte length:    %s%n",
                quantiles(luceneVsRounded));
    }

    private static int indexOf(long[] ids, long id) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == id) {
                return i;
            }
        }
        return -1;
    }

    private static String quantiles(List<Double> values) {
        if (values.isEmpty()) {
            return "-";
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format(Locale.ROOT, "%.2e / %.2e / %.2e", v[v.length / 2],
                v[Math.min(v.length - 1, (int) (v.length * 0.99))], v[v.length - 1]);
    }
}
