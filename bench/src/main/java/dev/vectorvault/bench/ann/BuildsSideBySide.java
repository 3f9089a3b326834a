package dev.vectorvault.bench.ann;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The index code of two builds of the server side by side in one JVM: each build's classes are loaded by a class
 * loader of their own, both index the same vectors, and their searches alternate round by round, so the machine's
 * drift (other processes, turbo, the shared host) hits both alike and the per-round ratio B / A is what counts. Used
 * for "not worse than the previous commit" checks of {@code IvfFlatIndex} and {@code FlatIndex}, whose public
 * signatures ({@code build(column, metric, params, threads, progress)}, {@code search(query, k, nprobe|limit|ef,
 * filter)}) are the same on both sides; HNSW (M = 16, efConstruction = 100) indexes the first 20,000
 * vectors only, on one build thread so that both sides build the same graph. Every query's hits are compared: the two builds must answer identically.
 * The mode {@code hnsw-build} times the HNSW builds themselves over all {@code n} vectors, alternating A and B, and
 * prints both graphs' recall@10 at ef 16, 32 and 64 and their search rates at ef 32.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/vectorvault-bench.jar:bench/target/lib/* \
 *     dev.vectorvault.bench.ann.BuildsSideBySide OLD/server/target/classes server/target/classes [n] [dim] [rounds]
 *     [ivf,flat,hnsw,hnsw-build]</pre>
 * The libraries come from this program's own class path ({@code bench/target/lib}); only the server's classes differ.
 *
 * <p>Every timing is taken twice: wall clock and this thread's CPU time (the one-thread builds and the searches run
 * on the calling thread). On a machine shared with other jobs the wall clock also counts the time the thread waited
 * for a core; the CPU time does not, so its ratios stay readable at a load where the wall clock's do not (it still
 * counts cache and memory contention).
 */
public final class BuildsSideBySide {
    private static final int HNSW_ROWS = 20_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private BuildsSideBySide() {}

    /** One build's index classes, called through method handles (no static types: the two builds are unrelated). */
    private static final class Side {
        final String name;
        final Object column;
        final Object l2;
        final Object acceptAll;
        Object ivf;
        Object flat;
        Object hnsw;
        MethodHandle ivfSearch;
        MethodHandle flatSearch;
        MethodHandle hnswSearch;

        final Class<?> columnClass;
        final Class<?> metricClass;
        final Class<?> filterClass;
        final Class<?> progressClass;
        final Class<?> hnswClass;
        final Class<?> hnswParamsClass;
        final MethodHandle append;
        final float[][] data;

        Side(String name, String classes, float[][] data) throws Throwable {
            this.name = name;
            this.data = data;
            List<URL> urls = new ArrayList<>();
            urls.add(new File(classes).toURI().toURL());
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                if (!entry.contains("vectorvault-server") && !entry.contains("vectorvault-bench")) {
                    urls.add(toUrl(entry));
                }
            }
            // The platform loader as parent: the JDK is shared, nothing of the bench's own server classes is.
            ClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
            columnClass = loader.loadClass("dev.vectorvault.index.VectorColumn");
            metricClass = loader.loadClass("dev.vectorvault.index.MetricType");
            filterClass = loader.loadClass("dev.vectorvault.index.OrdinalFilter");
            progressClass = loader.loadClass("dev.vectorvault.index.BuildProgress");
            hnswClass = loader.loadClass("dev.vectorvault.index.HnswIndex");
            hnswParamsClass = loader.loadClass("dev.vectorvault.index.HnswParams");
            append = MethodHandles.publicLookup().findVirtual(columnClass, "append",
                    MethodType.methodType(int.class, float[].class));
            column = columnOf(data.length);
            l2 = metricClass.getMethod("valueOf", String.class).invoke(null, "L2");
            acceptAll = filterClass.getField("ACCEPT_ALL").get(null);
            Class<?> flatClass = loader.loadClass("dev.vectorvault.index.FlatIndex");
            flat = flatClass.getConstructor(columnClass, metricClass).newInstance(column, l2);
            flatSearch = MethodHandles.publicLookup().findVirtual(flatClass, "search",
                    MethodType.methodType(List.class, float[].class, int.class, int.class, filterClass));
            hnswSearch = MethodHandles.publicLookup().findVirtual(hnswClass, "search",
                    MethodType.methodType(List.class, float[].class, int.class, int.class, filterClass));
        }

        /** A new column holding the first {@code rows} vectors. */
        Object columnOf(int rows) throws Throwable {
            Object fresh = columnClass.getConstructor(int.class).newInstance(data[0].length);
            for (int i = 0; i < Math.min(rows, data.length); i++) {
                int ignored = (int) append.invoke(fresh, data[i]);
            }
            return fresh;
        }

        void buildIvf() throws Throwable {
            Class<?> ivfClass = columnClass.getClassLoader().loadClass("dev.vectorvault.index.IvfFlatIndex");
            Class<?> paramsClass = columnClass.getClassLoader().loadClass("dev.vectorvault.index.IvfParams");
            Object params = paramsClass.getConstructor(int.class, long.class)
                    .newInstance((int) Math.sqrt(data.length), 42L);
            ivf = ivfClass.getMethod("build", columnClass, metricClass, paramsClass, int.class, progressClass)
                    .invoke(null, column, l2, params, 1, progressClass.getField("NONE").get(null));
            ivfSearch = MethodHandles.publicLookup().findVirtual(ivfClass, "search",
                    MethodType.methodType(List.class, float[].class, int.class, int.class, filterClass));
        }

        /** HNSW (M 16, efConstruction 100, seed 42) over {@code column}, one thread: the same graph on both sides. */
        void buildHnsw(Object hnswColumn) throws Throwable {
            Object hnswParams = hnswParamsClass.getConstructor(int.class, int.class, long.class)
                    .newInstance(16, 100, 42L);
            hnsw = hnswClass.getMethod("build", columnClass, metricClass, hnswParamsClass, int.class, progressClass)
                    .invoke(null, hnswColumn, l2, hnswParams, 1, progressClass.getField("NONE").get(null));
        }

        List<?> hnsw(float[] query, int ef) throws Throwable {
            return (List<?>) hnswSearch.invoke(hnsw, query, 10, ef, acceptAll);
        }

        List<?> ivf(float[] query, int nprobe) throws Throwable {
            return (List<?>) ivfSearch.invoke(ivf, query, 10, nprobe, acceptAll);
        }

        List<?> flat(float[] query) throws Throwable {
            return (List<?>) flatSearch.invoke(flat, query, 10, Integer.MAX_VALUE, acceptAll);
        }
    }

    @FunctionalInterface
    private interface Search {
        List<?> run(Side side, float[] query) throws Throwable;
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            System.err.println("usage: BuildsSideBySide <classes A> <classes B> [n=100000] [dim=128] [rounds=8]"
                    + " [ivf,flat,hnsw,hnsw-build]");
            System.exit(2);
        }
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        int dim = args.length > 3 ? Integer.parseInt(args[3]) : 128;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 8;
        Random random = new Random(42);
        float[][] centres = new float[100][dim];
        for (float[] centre : centres) {
            for (int d = 0; d < dim; d++) {
                centre[d] = (float) random.nextGaussian() * 4;
            }
        }
        float[][] data = new float[n][dim];
        for (float[] vector : data) {
            float[] centre = centres[random.nextInt(centres.length)];
            for (int d = 0; d < dim; d++) {
                vector[d] = centre[d] + (float) random.nextGaussian();
            }
        }
        float[][] queries = new float[500][];
        for (int q = 0; q < queries.length; q++) {
            queries[q] = data[random.nextInt(n)].clone();
            queries[q][q % dim] += 0.5f;
        }
        Side a = new Side("A " + args[0], args[0], data);
        Side b = new Side("B " + args[1], args[1], data);
        System.out.printf(Locale.ROOT, "%,d x %d clustered vectors, %d queries, top-10 L2, 1 thread; A = %s, B = %s%n",
                n, dim, queries.length, args[0], args[1]);
        List<String> only = Arrays.asList((args.length > 5 ? args[5] : "ivf,flat,hnsw").split(","));
        if (only.contains("ivf")) {
            a.buildIvf();
            b.buildIvf();
            compare("IVF_FLAT nprobe=8", a, b, queries, rounds, (side, q) -> side.ivf(q, 8));
            compare("IVF_FLAT nprobe=32", a, b, queries, rounds, (side, q) -> side.ivf(q, 32));
        }
        if (only.contains("flat")) {
            compare("FLAT", a, b, Arrays.copyOf(queries, 100), rounds, Side::flat);
        }
        if (only.contains("hnsw")) {
            a.buildHnsw(a.columnOf(HNSW_ROWS));
            b.buildHnsw(b.columnOf(HNSW_ROWS));
            compare("HNSW ef=64 (20k)", a, b, queries, rounds, (side, q) -> side.hnsw(q, 64));
        }
        if (only.contains("hnsw-build")) {
            compareHnswBuilds(a, b, queries, rounds);
        }
    }

    /**
     * Builds HNSW over all {@code n} vectors on each side in turn, A B B A ..., the side that goes first alternating,
     * and reports the median per-round ratio of build times B / A. Then checks that the last graphs answer every
     * query identically (one thread and one seed: the same graph unless the builds differ in what they build) and
     * prints recall@10 against the exact scan at ef 16, 32 and 64, so a faster build cannot hide a worse graph, and
     * the two graphs' search rates at ef 32.
     */
    private static void compareHnswBuilds(Side a, Side b, float[][] queries, int rounds) throws Throwable {
        Object columnA = a.columnOf(a.data.length);
        Object columnB = b.columnOf(b.data.length);
        a.buildHnsw(columnA); // warm-up of both sides' JIT before anything is timed
        b.buildHnsw(columnB);
        double[][] wall = new double[2][rounds];
        double[][] cpu = new double[2][rounds];
        for (int round = 0; round < rounds; round++) {
            boolean aFirst = round % 2 == 0;
            for (int turn = 0; turn < 2; turn++) {
                boolean isA = aFirst == (turn == 0);
                Side side = isA ? a : b;
                Object column = isA ? columnA : columnB;
                Timing timing = time(() -> side.buildHnsw(column));
                wall[isA ? 0 : 1][round] = timing.wall();
                cpu[isA ? 0 : 1][round] = timing.cpu();
            }
            System.out.printf(Locale.ROOT, "  round %d: wall A %.2f s, B %.2f s, B/A %.3f; cpu A %.2f s, B %.2f s,"
                    + " B/A %.3f%n", round + 1, wall[0][round], wall[1][round], wall[1][round] / wall[0][round],
                    cpu[0][round], cpu[1][round], cpu[1][round] / cpu[0][round]);
        }
        String build = String.format(Locale.ROOT, "HNSW build (%,d rows, M 16, efC 100, 1 thread)", a.data.length);
        report(build + ", wall s", wall[0], wall[1]);
        report(build + ", cpu s", cpu[0], cpu[1]);
        boolean identical = true;
        for (float[] query : queries) {
            identical &= a.hnsw(query, 64).toString().equals(b.hnsw(query, 64).toString());
        }
        System.out.println("identical hits at ef 64: " + (identical ? "yes" : "NO (the graphs differ)"));
        List<List<Long>> exact = new ArrayList<>();
        for (float[] query : queries) {
            exact.add(idsOf(a.flat(query)));
        }
        for (int ef : new int[] {16, 32, 64}) {
            System.out.printf(Locale.ROOT, "recall@10 at ef %d: A %.4f  B %.4f%n", ef, recall(a, queries, exact, ef),
                    recall(b, queries, exact, ef));
        }
        compare(String.format(Locale.ROOT, "HNSW ef=32 (%,d)", a.data.length), a, b, queries, rounds,
                (side, q) -> side.hnsw(q, 32));
    }

    /** Prints the medians of A's and B's values and of the per-round ratios B / A (with their range). */
    private static void report(String name, double[] valuesA, double[] valuesB) {
        double[] ratios = new double[valuesA.length];
        for (int round = 0; round < ratios.length; round++) {
            ratios[round] = valuesB[round] / valuesA[round];
        }
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%s: A median %,.2f  B median %,.2f  B/A per round: median %.3f (min %.3f,"
                + " max %.3f)%n", name, median(valuesA), median(valuesB), median(ratios), sorted[0],
                sorted[sorted.length - 1]);
    }

    /** Wall-clock and calling-thread CPU seconds of one run. */
    private record Timing(double wall, double cpu) {
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Throwable;
    }

    private static Timing time(Work work) throws Throwable {
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        work.run();
        long wallNanos = System.nanoTime() - start;
        return new Timing(wallNanos / 1e9, (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9);
    }

    private static double recall(Side side, float[][] queries, List<List<Long>> exact, int ef) throws Throwable {
        long found = 0;
        long wanted = 0;
        for (int q = 0; q < queries.length; q++) {
            List<Long> hits = idsOf(side.hnsw(queries[q], ef));
            for (Long id : exact.get(q)) {
                found += hits.contains(id) ? 1 : 0;
            }
            wanted += exact.get(q).size();
        }
        return (double) found / wanted;
    }

    /** The ids of a hit list, read through the hit's {@code ordinal()} accessor (each side has its own hit class). */
    private static List<Long> idsOf(List<?> hits) throws Throwable {
        List<Long> ids = new ArrayList<>(hits.size());
        for (Object hit : hits) {
            ids.add(((Number) hit.getClass().getMethod("ordinal").invoke(hit)).longValue());
        }
        return ids;
    }

    private static void compare(String name, Side a, Side b, float[][] queries, int rounds, Search search)
            throws Throwable {
        for (float[] query : queries) {
            String hitsA = search.run(a, query).toString();
            String hitsB = search.run(b, query).toString();
            if (!hitsA.equals(hitsB)) {
                throw new IllegalStateException(name + ": the builds answer differently:\n" + hitsA + "\n" + hitsB);
            }
        }
        // Each round runs the query set often enough to take about half a second, so a round is not one time slice.
        int passes = (int) Math.max(1, Math.ceil(0.5 * queries.length / time(() -> runAll(a, queries, search, 1)).wall()
                / queries.length));
        double[][] wallRate = new double[2][rounds];
        double[][] cpuRate = new double[2][rounds];
        for (int round = 0; round < rounds; round++) {
            // Alternate which side goes first, so neither always runs on a warmer cache.
            boolean aFirst = round % 2 == 0;
            for (int turn = 0; turn < 2; turn++) {
                boolean isA = aFirst == (turn == 0);
                Side side = isA ? a : b;
                Timing timing = time(() -> runAll(side, queries, search, passes));
                double searches = (double) passes * queries.length;
                wallRate[isA ? 0 : 1][round] = searches / timing.wall();
                cpuRate[isA ? 0 : 1][round] = searches / timing.cpu();
            }
        }
        report(name + " q/s by wall", wallRate[0], wallRate[1]);
        report(name + " q/s by cpu", cpuRate[0], cpuRate[1]);
        System.out.println(name + ": identical hits: yes");
    }

    private static void runAll(Side side, float[][] queries, Search search, int passes) throws Throwable {
        for (int pass = 0; pass < passes; pass++) {
            for (float[] query : queries) {
                search.run(side, query);
            }
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static URL toUrl(String entry) {
        try {
            return new File(entry).toURI().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(entry, e);
        }
    }
}
