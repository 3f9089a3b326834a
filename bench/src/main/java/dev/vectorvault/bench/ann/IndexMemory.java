package dev.vectorvault.bench.ann;

import dev.vectorvault.index.BuildProgress;
import dev.vectorvault.index.FlatIndex;
import dev.vectorvault.index.HnswIndex;
import dev.vectorvault.index.HnswParams;
import dev.vectorvault.index.IvfFlatIndex;
import dev.vectorvault.index.IvfParams;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.OrdinalFilter;
import dev.vectorvault.index.SearchHit;
import dev.vectorvault.index.VectorColumn;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * Memory per vector of a sealed segment's vector field with an index: the segment's column (vectors and the norm kept
 * per vector) plus what {@code memoryBytes()} of the index counts (its arrays), and, as a cross-check, the heap growth
 * after a full GC; then single-thread queries/s and recall@10 of each index on noisy copies of stored vectors (so
 * COSINE's cost of dividing by the stored norm shows). Source-compatible with the code before "vectors held once", so the same program measures both.
 *
 * <pre>java -cp bench/target/vectorvault-bench.jar:bench/target/lib/* [-Dindexes=hnsw,ivf] dev.vectorvault.bench.ann.IndexMemory [n] [dim]</pre>
 */
public final class IndexMemory {
    /** {@code -Dindexes=ivf} measures IVF_FLAT alone (HNSW's single-thread 100k build takes minutes). */
    private static final String INDEXES = System.getProperty("indexes", "hnsw,ivf");

    private IndexMemory() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        Random random = new Random(42);
        long heapBefore = usedAfterGc();
        VectorColumn column = new VectorColumn(dim);
        float[] vector = new float[dim];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < dim; d++) {
                vector[d] = (float) random.nextGaussian();
            }
            column.append(vector);
        }
        long heapColumn = usedAfterGc() - heapBefore;
        long vectors = 4L * n * dim;
        long columnBytes = vectors + 4L * n;
        System.out.printf(Locale.ROOT, "%,d x %d floats: vectors %.1f B/vector; column (vectors + norms) %.1f B/vector;"
                + " heap growth %.1f B/vector%n", n, dim, (double) vectors / n, (double) columnBytes / n,
                (double) heapColumn / n);
        float[][] queries = new float[Integer.getInteger("queries", 1000)][];
        for (int q = 0; q < queries.length; q++) {
            queries[q] = new float[dim];
            column.copyTo(random.nextInt(n), queries[q]);
            for (int d = 0; d < dim; d++) {
                queries[q][d] += (float) (0.3 * random.nextGaussian());
            }
        }
        for (MetricType metric : new MetricType[] {MetricType.L2, MetricType.COSINE}) {
            // One method per index, so nothing of the previous one is still reachable when the next is measured.
            if (INDEXES.contains("hnsw")) {
                hnsw(column, metric, queries, heapBefore + heapColumn, vectors, columnBytes);
            }
            if (INDEXES.contains("ivf")) {
                ivf(column, metric, queries, heapBefore + heapColumn, vectors, columnBytes);
            }
        }
    }

    private static void hnsw(VectorColumn column, MetricType metric, float[][] queries, long heapBefore,
            long vectors, long columnBytes) {
        int n = column.size();
        long start = System.nanoTime();
        HnswIndex index = HnswIndex.build(column, metric, new HnswParams(16, 100, 42), 1, BuildProgress.NONE);
        double seconds = (System.nanoTime() - start) / 1e9;
        long heap = usedAfterGc() - heapBefore;
        report("HNSW M=16 " + metric, index.memoryBytes(), heap, n, vectors, columnBytes, seconds);
        speed("HNSW ef=64 " + metric, column, metric, queries, q -> index.search(q, 10, 64,
                OrdinalFilter.ACCEPT_ALL));
    }

    private static void ivf(VectorColumn column, MetricType metric, float[][] queries, long heapBefore,
            long vectors, long columnBytes) {
        int n = column.size();
        int nlist = (int) Math.sqrt(n);
        long start = System.nanoTime();
        IvfFlatIndex index = IvfFlatIndex.build(column, metric, new IvfParams(nlist, 42), 1, BuildProgress.NONE);
        double seconds = (System.nanoTime() - start) / 1e9;
        long heap = usedAfterGc() - heapBefore;
        report("IVF_FLAT nlist=" + nlist + " " + metric, index.memoryBytes(), heap, n, vectors, columnBytes,
                seconds);
        // Since the index arranges the column in list order, its heap growth here includes that arranged copy: in a
        // segment the arranged column replaces the appended one, which this program still holds.
        System.out.printf(Locale.ROOT, "%-28s (heap growth includes the arranged column, %.1f B/vector, which a"
                + " segment keeps instead of its appended column)%n", "", (double) columnBytes / n);
        speed("IVF_FLAT nprobe=8 " + metric, column, metric, queries, q -> index.search(q, 10, 8,
                OrdinalFilter.ACCEPT_ALL));
    }

    private static void report(String name, long indexBytes, long heapGrowth, int n, long vectors, long column,
            double seconds) {
        double total = column + indexBytes;
        System.out.printf(Locale.ROOT, "%-28s index memoryBytes %.1f B/vector; column + index %.1f B/vector"
                + " (%.2f x the vectors); index heap growth %.1f B/vector; build %.1f s%n", name,
                (double) indexBytes / n, total / n, total / vectors, (double) heapGrowth / n, seconds);
    }

    /** Single-thread queries/s (best of 3 passes over the queries) and recall@10 against FLAT. */
    private static void speed(String name, VectorColumn column, MetricType metric, float[][] queries,
            Function<float[], List<SearchHit>> search) {
        FlatIndex flat = new FlatIndex(column, metric);
        double found = 0;
        for (float[] query : queries) {
            Set<Integer> truth = new HashSet<>();
            flat.search(query, 10, Integer.MAX_VALUE, OrdinalFilter.ACCEPT_ALL).forEach(h -> truth.add(h.ordinal()));
            found += search.apply(query).stream().filter(h -> truth.contains(h.ordinal())).count();
        }
        double best = 0;
        for (int pass = 0; pass < 3; pass++) {
            long start = System.nanoTime();
            for (float[] query : queries) {
                search.apply(query);
            }
            best = Math.max(best, queries.length / ((System.nanoTime() - start) / 1e9));
        }
        System.out.printf(Locale.ROOT, "%-28s %,.0f q/s (1 thread, best of 3); recall@10 %.4f%n", name, best,
                found / (10.0 * queries.length));
    }

    private static long usedAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
