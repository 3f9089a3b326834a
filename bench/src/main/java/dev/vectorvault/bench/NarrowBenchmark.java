package dev.vectorvault.bench;

import dev.vectorvault.index.BuildProgress;
import dev.vectorvault.index.FlatIndex;
import dev.vectorvault.index.HnswIndex;
import dev.vectorvault.index.HnswParams;
import dev.vectorvault.index.IndexParams;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.OrdinalFilter;
import dev.vectorvault.index.SearchHit;
import dev.vectorvault.index.VectorColumn;
import dev.vectorvault.index.VectorEncoding;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Float32, Float16, BFloat16 and Int8 columns of the same data, in one run: the column's bytes per vector (counted
 * from its arrays), and FLAT and HNSW q/s (one thread, k = 10) with recall@10 against the exact float32 answer.
 *
 * <p>The data: {@link ClusteredVectors} (100 clusters, seeded), scaled so the largest component of base and queries is
 * 127, which puts the Int8 column's rounding in the byte range and is well inside float16's. Each narrow column holds
 * the data as its field would store it ({@link VectorEncoding#rounded}), and its queries are converted the same way,
 * as the server converts a query for such a field; the truth is FLAT over the float32 data with the float32
 * queries, so a narrow row's recall measures what its rounding costs. HNSW parameters are the same for every width.
 *
 * <pre>java -cp vectorvault-bench.jar dev.vectorvault.bench.NarrowBenchmark [rows] [queries] [dim] [metric] [seed]</pre>
 */
public final class NarrowBenchmark {
    private static final int K = 10;
    private static final int CLUSTERS = 100;
    private static final HnswParams HNSW = new HnswParams(16, 100, IndexParams.DEFAULT_SEED);
    private static final int[] EFS = {32, 128};

    private NarrowBenchmark() {}

    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int queryCount = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int dim = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        MetricType metric = args.length > 3 ? MetricType.valueOf(args[3]) : MetricType.L2;
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 42;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        ClusteredVectors mixture = new ClusteredVectors(CLUSTERS, dim, seed);
        float[][] base = mixture.points(rows, 0);
        float[][] queries = mixture.points(queryCount, 1);
        scaleToByteRange(base, queries);
        System.out.printf("corpus: %,d x %d clustered (%d clusters, largest component 127), %d queries, %s, k=%d, "
                + "seed %d; FLAT and HNSW searches on 1 thread, HNSW M=%d efConstruction=%d built on %d threads%n",
                rows, dim, CLUSTERS, queryCount, metric, K, seed, HNSW.m(), HNSW.efConstruction(), threads);
        VectorColumn exactColumn = column(VectorEncoding.FLOAT32, base, dim);
        FlatIndex exact = new FlatIndex(exactColumn, metric);
        int[][] truth = new int[queryCount][];
        for (int q = 0; q < queryCount; q++) {
            truth[q] = exact.search(queries[q], K, Integer.MAX_VALUE, OrdinalFilter.ACCEPT_ALL).stream()
                    .mapToInt(SearchHit::ordinal).toArray();
        }
        System.out.printf("%-9s %9s %10s %8s %9s", "encoding", "B/vector", "FLAT q/s", "recall", "build s");
        for (int ef : EFS) {
            System.out.printf(" %12s %8s", "HNSW ef" + ef + " q/s", "recall");
        }
        System.out.println();
        for (VectorEncoding encoding : VectorEncoding.values()) {
            VectorColumn column = encoding == VectorEncoding.FLOAT32 ? exactColumn : column(encoding, base, dim);
            float[][] converted = new float[queryCount][];
            for (int q = 0; q < queryCount; q++) {
                converted[q] = encoding.rounded(queries[q]);
            }
            FlatIndex flat = new FlatIndex(column, metric);
            Run flatRun = measure(converted, truth, query -> flat.search(query, K, Integer.MAX_VALUE,
                    OrdinalFilter.ACCEPT_ALL));
            long start = System.nanoTime();
            HnswIndex graph = HnswIndex.build(column, metric, HNSW, threads, BuildProgress.NONE);
            double build = (System.nanoTime() - start) / 1e9;
            System.out.printf("%-9s %9.1f %10.1f %8.4f %9.1f", encoding, column.memoryBytes() / (double) rows,
                    flatRun.qps, flatRun.recall, build);
            for (int ef : EFS) {
                Run run = measure(converted, truth, query -> graph.search(query, K, ef, OrdinalFilter.ACCEPT_ALL));
                System.out.printf(" %12.1f %8.4f", run.qps, run.recall);
            }
            System.out.println();
        }
    }

    /** Scales base and queries alike so the largest absolute component is 127 (the Int8 range). */
    private static void scaleToByteRange(float[][] base, float[][] queries) {
        float largest = 0f;
        for (float[][] set : new float[][][] {base, queries}) {
            for (float[] v : set) {
                for (float x : v) {
                    largest = Math.max(largest, Math.abs(x));
                }
            }
        }
        float scale = 127f / largest;
        for (float[][] set : new float[][][] {base, queries}) {
            for (float[] v : set) {
                for (int d = 0; d < v.length; d++) {
                    v[d] *= scale;
                }
            }
        }
    }

    private static VectorColumn column(VectorEncoding encoding, float[][] base, int dim) {
        VectorColumn column = new VectorColumn(dim, encoding);
        for (float[] v : base) {
            column.append(v); // rounded to the encoding as a field's files would round it
        }
        return column;
    }

    private record Run(double qps, double recall) {}

    /** q/s of the second of two passes (the first warms up) and recall@10 against {@code truth}. */
    private static Run measure(float[][] queries, int[][] truth,
            java.util.function.Function<float[], List<SearchHit>> search) {
        long found = 0;
        long nanos = 0;
        for (int pass = 0; pass < 2; pass++) {
            found = 0;
            long start = System.nanoTime();
            for (int q = 0; q < queries.length; q++) {
                Set<Integer> expected = new HashSet<>();
                for (int ordinal : truth[q]) {
                    expected.add(ordinal);
                }
                for (SearchHit hit : search.apply(queries[q])) {
                    found += expected.contains(hit.ordinal()) ? 1 : 0;
                }
            }
            nanos = System.nanoTime() - start;
        }
        return new Run(queries.length / (nanos / 1e9), found / (double) (K * queries.length));
    }
}
