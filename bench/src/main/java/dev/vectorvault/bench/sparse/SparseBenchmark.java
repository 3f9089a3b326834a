package dev.vectorvault.bench.sparse;

import dev.vectorvault.index.IndexKind;
import dev.vectorvault.index.IndexKinds;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.OrdinalFilter;
import dev.vectorvault.index.SearchHit;
import dev.vectorvault.index.SearchParams;
import dev.vectorvault.index.SparseColumn;
import dev.vectorvault.index.SparseVector;
import dev.vectorvault.index.VectorIndex;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Sparse inverted index against exact search, one thread, k = 10, on a synthetic corpus shaped like learned sparse
 * embeddings (SPLADE-like): a Zipf-distributed vocabulary, tens of non-zeros per document, fewer per query. Prints
 * build time, q/s and recall@10 against the exact search for each algorithm at drop_ratio_search 0 and 0.2.
 *
 * <pre>java -cp vectorvault-bench.jar dev.vectorvault.bench.sparse.SparseBenchmark [docs] [queries] [seed]</pre>
 */
public final class SparseBenchmark {
    private static final int VOCABULARY = 30_000;
    private static final int K = 10;

    private SparseBenchmark() {}

    static SparseVector row(Random random, int entries) {
        TreeMap<Long, Float> map = new TreeMap<>();
        while (map.size() < entries) {
            // Zipf-like: rank ~ u^3 concentrates on common terms, with a long tail.
            long term = (long) Math.floor(Math.pow(random.nextDouble(), 3) * VOCABULARY);
            map.put(term, (float) (0.05 + random.nextDouble() * random.nextDouble() * 3));
        }
        long[] indices = map.keySet().stream().mapToLong(Long::longValue).toArray();
        float[] values = new float[indices.length];
        int i = 0;
        for (float v : map.values()) {
            values[i++] = v;
        }
        return SparseVector.of(indices, values);
    }

    public static void main(String[] args) {
        int docs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
        Random random = new Random(seed);
        SparseColumn column = new SparseColumn();
        long nonZeros = 0;
        for (int d = 0; d < docs; d++) {
            SparseVector v = row(random, 20 + random.nextInt(100));
            nonZeros += v.size();
            column.append(v);
        }
        SparseVector[] qs = new SparseVector[queries];
        for (int q = 0; q < queries; q++) {
            qs[q] = row(random, 5 + random.nextInt(25));
        }
        System.out.printf("corpus: %,d docs, %.1f non-zeros per doc, vocabulary %,d; %d queries (5-29 terms), k=%d,"
                + " seed %d, 1 thread%n", docs, (double) nonZeros / docs, VOCABULARY, queries, K, seed);

        @SuppressWarnings("unchecked")
        Set<Integer>[] truth = new Set[queries];
        long start = System.nanoTime();
        for (int round = 0; round < 2; round++) { // first round warms up
            start = System.nanoTime();
            for (int q = 0; q < queries; q++) {
                List<SearchHit> hits = column.search(qs[q], K, docs, OrdinalFilter.ACCEPT_ALL, Float.NaN, Float.NaN);
                Set<Integer> ids = new HashSet<>();
                hits.forEach(h -> ids.add(h.ordinal()));
                truth[q] = ids;
            }
        }
        double exactQps = queries / ((System.nanoTime() - start) / 1e9);
        System.out.printf("%-34s %10s %10s %8s%n", "engine", "build s", "q/s", "recall");
        System.out.printf("%-34s %10s %10.1f %8.4f%n", "exact (brute force)", "-", exactQps, 1.0);

        String[][] variants = {{"SPARSE_INVERTED_INDEX", "TAAT_NAIVE"}, {"SPARSE_INVERTED_INDEX", "DAAT_WAND"},
                {"SPARSE_INVERTED_INDEX", "DAAT_MAXSCORE"}, {"SPARSE_WAND", ""}};
        for (String[] variant : variants) {
            IndexKind kind = IndexKinds.of(variant[0]).orElseThrow();
            long buildStart = System.nanoTime();
            VectorIndex index = kind.build(column, MetricType.IP, kind.parse(variant[1].isEmpty() ? Map.of()
                    : Map.of("inverted_index_algo", variant[1])), 1, (done, total) -> { });
            double buildSeconds = (System.nanoTime() - buildStart) / 1e9;
            for (String drop : new String[] {"0", "0.2"}) {
                SearchParams params = kind.parseSearch(Map.of("drop_ratio_search", drop), K);
                double qps = 0;
                int found = 0;
                int wanted = 0;
                for (int round = 0; round < 2; round++) {
                    found = 0;
                    wanted = 0;
                    long t0 = System.nanoTime();
                    for (int q = 0; q < queries; q++) {
                        for (SearchHit hit : index.search(qs[q], K, params, OrdinalFilter.ACCEPT_ALL)) {
                            found += truth[q].contains(hit.ordinal()) ? 1 : 0;
                        }
                        wanted += truth[q].size();
                    }
                    qps = queries / ((System.nanoTime() - t0) / 1e9);
                }
                System.out.printf("%-34s %10.2f %10.1f %8.4f%n", variant[0] + (variant[1].isEmpty() ? ""
                        : " " + variant[1]) + " drop " + drop, buildSeconds, qps, (double) found / wanted);
            }
        }
    }
}
