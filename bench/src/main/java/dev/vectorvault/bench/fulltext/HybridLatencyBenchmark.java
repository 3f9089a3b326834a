package dev.vectorvault.bench.fulltext;

import dev.vectorvault.bench.MachineFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Hybrid search latency against the sum of its parts (issue 13's benchmarks), one thread, one JVM: a LangChain-style
 * collection of dict-gcide's entries (Int64 id, VarChar text with a BM25 function and SPARSE_INVERTED_INDEX, a
 * FloatVector with HNSW), and per query, one after the other so load falls on all three alike: the BM25 search of the
 * query text, the HNSW search of the query vector, and the hybrid search of both fused by RRF (k = 60), each top 10.
 * The server's engine path below gRPC ({@link VectorVaultFullText}). The dense vectors are synthetic (clustered,
 * seeded): the benchmark measures the cost of fusing, not the quality of an embedding.
 *
 * <pre>bin/bench-fulltext --hybrid [--docs N] [--queries N] [--dim D] [--rounds N] [--seed S]</pre>
 */
public final class HybridLatencyBenchmark {
    private static final int K = 10;

    private HybridLatencyBenchmark() {}

    /** The flags ({@code --help} lists them). */
    @Command(name = "bench-fulltext --hybrid", description = "hybrid search latency against its parts")
    static final class Flags {
        @Mixin
        CorpusFlags corpus = new CorpusFlags();
        @Option(names = "--dim", description = "dimension of the synthetic dense vectors (default ${DEFAULT-VALUE})")
        int dim = 64;
    }

    public static void main(String[] args) throws Exception {
        Flags flags = new Flags();
        CorpusFlags.parse(flags, flags.corpus, args);
        Path dictd = flags.corpus.dictd;
        int docLimit = flags.corpus.docs;
        int queryCount = flags.corpus.queries;
        int dim = flags.dim;
        int rounds = flags.corpus.rounds;
        long seed = flags.corpus.seed;

        MachineFacts.printHeader();
        GcideCorpus corpus = GcideCorpus.read(dictd, 65_535);
        List<String> docs = corpus.documents(docLimit);
        List<String> texts = corpus.queries(queryCount, seed);
        Random random = new Random(seed);
        float[][] vectors = clustered(random, docs.size(), dim, 200);
        float[][] queryVectors = new float[texts.size()][];
        for (int q = 0; q < queryVectors.length; q++) {
            queryVectors[q] = near(random, vectors[random.nextInt(vectors.length)]);
        }
        System.out.printf(Locale.ROOT, "corpus: dict-gcide, %,d entries, each with a %d-d vector (200 clusters, seed"
                + " %d); %,d queries (1-4 words and a vector near a random row); top %d; HNSW M 16 efConstruction 100"
                + " ef 64 (L2); BM25 DAAT_MAXSCORE; RRF k 60%n", docs.size(), dim, seed, texts.size(), K);

        Path work = Files.createTempDirectory("vectorvault-bench-hybrid-");
        try (VectorVaultFullText engine = new VectorVaultFullText(work, 65_536, "DAAT_MAXSCORE", dim)) {
            long t0 = System.nanoTime();
            engine.insertAndIndex(docs, vectors, 1000);
            System.out.printf(Locale.ROOT, "built: %.2f s (insert, seal, both indexes)%n",
                    (System.nanoTime() - t0) / 1e9);
            for (int q = 0; q < Math.min(500, texts.size()); q++) { // warm-up: JIT, statistics, frontiers
                engine.search(texts.get(q), K);
                engine.denseSearch(queryVectors[q], K);
                engine.hybridSearch(texts.get(q), queryVectors[q], K);
            }
            long[][] nanos = new long[3][texts.size() * rounds];
            int n = 0;
            for (int r = 0; r < rounds; r++) {
                for (int q = 0; q < texts.size(); q++, n++) {
                    long a = System.nanoTime();
                    engine.search(texts.get(q), K);
                    long b = System.nanoTime();
                    engine.denseSearch(queryVectors[q], K);
                    long c = System.nanoTime();
                    Hits fused = engine.hybridSearch(texts.get(q), queryVectors[q], K);
                    long d = System.nanoTime();
                    if (fused.ids().length == 0) {
                        throw new IllegalStateException("hybrid search found nothing for query " + q);
                    }
                    nanos[0][n] = b - a;
                    nanos[1][n] = c - b;
                    nanos[2][n] = d - c;
                }
            }
            String[] names = {"BM25 search (text)", "HNSW search (vector)", "hybrid search (both, RRF)"};
            double[] p50 = new double[3];
            double[] mean = new double[3];
            System.out.printf(Locale.ROOT, "%n%-28s %10s %10s %10s%n", "call", "mean µs", "p50 µs", "p99 µs");
            for (int i = 0; i < 3; i++) {
                long[] sorted = nanos[i].clone();
                Arrays.sort(sorted);
                p50[i] = sorted[sorted.length / 2] / 1e3;
                mean[i] = Arrays.stream(sorted).average().orElse(0) / 1e3;
                System.out.printf(Locale.ROOT, "%-28s %10.1f %10.1f %10.1f%n", names[i], mean[i], p50[i],
                        sorted[(int) Math.min(sorted.length - 1, Math.round(sorted.length * 0.99))] / 1e3);
            }
            System.out.printf(Locale.ROOT, "%nhybrid / (BM25 + HNSW): mean %.2f, p50 %.2f (%d calls each, %d rounds);"
                    + " load average at the end %.2f%n", mean[2] / (mean[0] + mean[1]), p50[2] / (p50[0] + p50[1]),
                    n, rounds, MachineFacts.loadAverage());
        } finally {
            try (var paths = Files.walk(work)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** {@code count} vectors around {@code clusters} random centres, so HNSW has structure to find. */
    private static float[][] clustered(Random random, int count, int dim, int clusters) {
        float[][] centres = new float[clusters][dim];
        for (float[] centre : centres) {
            for (int d = 0; d < dim; d++) {
                centre[d] = (float) random.nextGaussian();
            }
        }
        float[][] out = new float[count][];
        for (int i = 0; i < count; i++) {
            out[i] = near(random, centres[random.nextInt(clusters)]);
        }
        return out;
    }

    private static float[] near(Random random, float[] centre) {
        float[] v = new float[centre.length];
        for (int d = 0; d < v.length; d++) {
            v[d] = centre[d] + 0.3f * (float) random.nextGaussian();
        }
        return v;
    }
}
