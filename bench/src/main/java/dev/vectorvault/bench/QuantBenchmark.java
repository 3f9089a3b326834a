package dev.vectorvault.bench;

import dev.vectorvault.index.BuildProgress;
import dev.vectorvault.index.FlatIndex;
import dev.vectorvault.index.IndexKind;
import dev.vectorvault.index.IndexKinds;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.OrdinalFilter;
import dev.vectorvault.index.SearchHit;
import dev.vectorvault.index.SearchParams;
import dev.vectorvault.index.VectorColumn;
import dev.vectorvault.index.VectorIndex;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The quantized indexes against the float ones, same run, same data: FLAT, IVF_FLAT, IVF_SQ8 and IVF_PQ ({@code m}
 * of dim / 2 and dim / 4, nbits 8) at several {@code nprobe}, HNSW and HNSW_SQ (codes only, and refine FP32 at two {@code refine_k}) at several {@code ef}; k = 10,
 * one search thread, on seeded clustered synthetic vectors ({@link ClusteredVectors}, nothing is fetched). Prints
 * build seconds, q/s, recall@10 against FLAT, the index's own heap bytes per vector ({@link VectorIndex#memoryBytes}:
 * links, lists, codes) and the resident bytes per vector with the float column beside it. A second table puts the
 * corpus in a data store per index type and reports heap after GC per vector of what the sealed segments hold, the
 * quantized ones with their vectors left in the segment files ({@link SegmentMemory}).
 *
 * <pre>java -cp vectorvault-bench.jar dev.vectorvault.bench.QuantBenchmark [rows] [queries] [dim] [metric] [threads] [seed]</pre>
 */
public final class QuantBenchmark {
    private static final int K = 10;

    private QuantBenchmark() {}

    public static void main(String[] args) throws java.io.IOException, InterruptedException {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int dim = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        MetricType metric = MetricType.fromWireName(args.length > 3 ? args[3] : "L2").orElseThrow();
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        long seed = args.length > 5 ? Long.parseLong(args[5]) : 42;
        ClusteredVectors mixture = new ClusteredVectors(256, dim, seed);
        VectorColumn column = new VectorColumn(dim);
        for (float[] v : mixture.points(rows, 0)) {
            column.append(v);
        }
        float[][] qs = mixture.points(queries, 1);
        // The float column beside the index at build time: the floats and a cached norm per vector.
        long columnPerVector = 4L * dim + 4;
        System.out.printf(Locale.ROOT, "corpus: %,d x %d clustered synthetic (256 clusters, seed %d), %,d queries, %s,"
                + " k=%d, 1 search thread, %d build threads; float column %d B/vector%n", rows, dim, seed, queries,
                metric, K, threads, columnPerVector);
        FlatIndex flat = new FlatIndex(column, metric);
        Set<Integer>[] truth = exact(flat, qs);
        System.out.printf("%-34s %8s %9s %7s %12s %14s%n", "index", "build s", "q/s", "recall", "index B/vec",
                "resident B/vec");
        double exactQps = time(qs, q -> flat.search(q, K, Integer.MAX_VALUE, OrdinalFilter.ACCEPT_ALL));
        row("FLAT", 0, exactQps, 1.0, 0, columnPerVector);

        for (String type : List.of("IVF_FLAT", "IVF_SQ8")) {
            Built built = build(type, column, metric, Map.of("nlist", "1024"), threads);
            for (int nprobe : new int[] {8, 16, 32, 64}) {
                measure(type + " nlist 1024 nprobe " + nprobe, built, Map.of("nprobe", Integer.toString(nprobe)),
                        qs, truth, rows, columnPerVector);
            }
        }
        // IVF_PQ with sub-quantizers of 2 and of 4 dimensions: dim / 2 and dim / 4 code bytes a vector.
        for (int m : new int[] {dim / 2, dim / 4}) {
            if (m < 1 || dim % m != 0) {
                continue;
            }
            Built built = build("IVF_PQ", column, metric, Map.of("nlist", "1024", "m", Integer.toString(m)),
                    threads);
            for (int nprobe : new int[] {8, 16, 32, 64}) {
                measure("IVF_PQ m " + m + " nprobe " + nprobe, built, Map.of("nprobe", Integer.toString(nprobe)),
                        qs, truth, rows, columnPerVector);
            }
        }
        Map<String, String> graph = Map.of("M", "16", "efConstruction", "200");
        Built hnsw = build("HNSW", column, metric, graph, threads);
        Map<String, String> refined = new java.util.HashMap<>(graph);
        refined.put("refine", "true");
        refined.put("refine_type", "FP32");
        Built hnswSq = build("HNSW_SQ", column, metric, graph, threads);
        Built hnswSqRefine = build("HNSW_SQ", column, metric, refined, threads);
        for (int ef : new int[] {16, 32, 64, 128}) {
            Map<String, String> search = Map.of("ef", Integer.toString(ef));
            measure("HNSW M 16 ef " + ef, hnsw, search, qs, truth, rows, columnPerVector);
            measure("HNSW_SQ ef " + ef, hnswSq, search, qs, truth, rows, columnPerVector);
            for (String refineK : new String[] {"1", "2"}) {
                measure("HNSW_SQ refine_k " + refineK + " ef " + ef, hnswSqRefine,
                        Map.of("ef", Integer.toString(ef), "refine_k", refineK), qs, truth, rows, columnPerVector);
            }
        }
        hnsw = null;
        hnswSq = null;
        hnswSqRefine = null;
        segments(column, qs, truth, metric, threads);
    }

    /**
     * Second table: the same corpus in a data store per index type ({@link SegmentMemory}), heap after GC per vector
     * of everything the sealed segments hold, with a quantized index's vectors left in the segment files.
     */
    private static void segments(VectorColumn column, float[][] qs, Set<Integer>[] truth, MetricType metric,
            int threads) throws java.io.IOException, InterruptedException {
        int rows = column.size();
        float[][] corpus = new float[rows][column.dim()];
        for (int i = 0; i < rows; i++) {
            column.copyTo(i, corpus[i]);
        }
        int sealRows = Math.max(1000, rows / 4);
        System.out.printf(Locale.ROOT, "%nsealed segments in a data store (%,d rows a segment), heap after GC:%n",
                sealRows);
        System.out.printf("%-10s %8s %14s %12s %12s  %s%n", "index", "build s", "heap B/vec", "vectors",
                "vec reads/s", "q/s, recall@10");
        Map<String, String> ivf = Map.of("nlist", "1024");
        Map<String, String> graph = Map.of("M", "16", "efConstruction", "200");
        Map<String, String> refined = Map.of("M", "16", "efConstruction", "200", "refine", "true",
                "refine_type", "FP32");
        Map<String, Map<String, String>> probes = new java.util.LinkedHashMap<>();
        probes.put("nprobe 16", Map.of("nprobe", "16"));
        Map<String, Map<String, String>> beams = new java.util.LinkedHashMap<>();
        beams.put("ef 64", Map.of("ef", "64"));
        Map<String, Map<String, String>> refines = new java.util.LinkedHashMap<>();
        refines.put("ef 64 refine_k 1", Map.of("ef", "64", "refine_k", "1"));
        refines.put("ef 64 refine_k 2", Map.of("ef", "64", "refine_k", "2"));
        segmentRow("FLAT", SegmentMemory.measure(corpus, qs, truth, K, metric, null, Map.of(), Map.of(), sealRows,
                threads));
        segmentRow("IVF_FLAT", SegmentMemory.measure(corpus, qs, truth, K, metric, "IVF_FLAT", ivf, probes,
                sealRows, threads));
        segmentRow("IVF_SQ8", SegmentMemory.measure(corpus, qs, truth, K, metric, "IVF_SQ8", ivf, probes,
                sealRows, threads));
        if (column.dim() % 4 == 0) {
            Map<String, String> pq = Map.of("nlist", "1024", "m", Integer.toString(column.dim() / 4));
            segmentRow("IVF_PQ", SegmentMemory.measure(corpus, qs, truth, K, metric, "IVF_PQ", pq, probes,
                    sealRows, threads));
        }
        segmentRow("HNSW", SegmentMemory.measure(corpus, qs, truth, K, metric, "HNSW", graph, beams, sealRows,
                threads));
        segmentRow("HNSW_SQ", SegmentMemory.measure(corpus, qs, truth, K, metric, "HNSW_SQ", refined, refines,
                sealRows, threads));
    }

    private static void segmentRow(String type, SegmentMemory.Result result) {
        StringBuilder searches = new StringBuilder();
        for (SegmentMemory.Measured m : result.searches()) {
            searches.append(String.format(Locale.ROOT, "%s: %.0f q/s %.3f; ", m.setting(), m.qps(), m.recall()));
        }
        System.out.printf(Locale.ROOT, "%-10s %8.1f %14.1f %12s %12.0f  %s%n", type, result.buildSeconds(),
                result.heapPerVector(), result.vectorsStored() ? "in files" : "on heap",
                result.vectorReadsPerSecond(), searches);
    }

    private record Built(VectorIndex index, double seconds) {}

    private static Built build(String type, VectorColumn column, MetricType metric, Map<String, String> params,
            int threads) {
        IndexKind kind = IndexKinds.of(type).orElseThrow();
        long start = System.nanoTime();
        VectorIndex index = kind.build(column, metric, kind.parse(params), threads, BuildProgress.NONE);
        return new Built(index, (System.nanoTime() - start) / 1e9);
    }

    private static void measure(String label, Built built, Map<String, String> search, float[][] qs,
            Set<Integer>[] truth, int rows, long columnPerVector) {
        VectorIndex index = built.index();
        SearchParams params = index.kind().parseSearch(search, K);
        double found = 0;
        for (int q = 0; q < qs.length; q++) {
            for (SearchHit hit : index.search(qs[q], K, params, OrdinalFilter.ACCEPT_ALL)) {
                found += truth[q].contains(hit.ordinal()) ? 1 : 0;
            }
        }
        double qps = time(qs, q -> index.search(q, K, params, OrdinalFilter.ACCEPT_ALL));
        double indexPerVector = (double) index.memoryBytes() / rows;
        // IVF_FLAT keeps the column itself, rearranged; the others read or keep the appended column beside them.
        row(label, built.seconds(), qps, found / (K * (double) qs.length), indexPerVector,
                indexPerVector + columnPerVector);
    }

    private static void row(String label, double build, double qps, double recall, double indexPerVector,
            double resident) {
        System.out.printf(Locale.ROOT, "%-34s %8.1f %9.0f %7.3f %12.1f %14.1f%n", label, build, qps, recall,
                indexPerVector, resident);
    }

    @SuppressWarnings("unchecked")
    private static Set<Integer>[] exact(FlatIndex flat, float[][] qs) {
        Set<Integer>[] truth = new Set[qs.length];
        for (int q = 0; q < qs.length; q++) {
            truth[q] = new HashSet<>();
            for (SearchHit hit : flat.search(qs[q], K, Integer.MAX_VALUE, OrdinalFilter.ACCEPT_ALL)) {
                truth[q].add(hit.ordinal());
            }
        }
        return truth;
    }

    /** Queries per second of one pass after a warm-up pass. */
    private static double time(float[][] qs, java.util.function.Consumer<float[]> search) {
        for (float[] q : qs) {
            search.accept(q);
        }
        long start = System.nanoTime();
        for (float[] q : qs) {
            search.accept(q);
        }
        return qs.length / ((System.nanoTime() - start) / 1e9);
    }
}
