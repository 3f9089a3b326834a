package dev.vectorvault.bench.ann;

import java.io.File;
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
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/vectorvault-bench.jar:bench/target/lib/* \
 *     dev.vectorvault.bench.ann.BuildsSideBySide OLD/server/target/classes server/target/classes [n] [dim] [rounds]</pre>
 * The libraries come from this program's own class path ({@code bench/target/lib}); only the server's classes differ.
 */
public final class BuildsSideBySide {
    private static final int HNSW_ROWS = 20_000;

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

        Side(String name, String classes, float[][] data) throws Throwable {
            this.name = name;
            List<URL> urls = new ArrayList<>();
            urls.add(new File(classes).toURI().toURL());
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                if (!entry.contains("vectorvault-server") && !entry.contains("vectorvault-bench")) {
                    urls.add(toUrl(entry));
                }
            }
            // The platform loader as parent: the JDK is shared, nothing of the bench's own server classes is.
            ClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
            Class<?> columnClass = loader.loadClass("dev.vectorvault.index.VectorColumn");
            Class<?> metricClass = loader.loadClass("dev.vectorvault.index.MetricType");
            Class<?> filterClass = loader.loadClass("dev.vectorvault.index.OrdinalFilter");
            column = columnClass.getConstructor(int.class).newInstance(data[0].length);
            MethodHandle append = MethodHandles.publicLookup().findVirtual(columnClass, "append",
                    MethodType.methodType(int.class, float[].class));
            for (float[] vector : data) {
                int ignored = (int) append.invoke(column, vector);
            }
            l2 = metricClass.getMethod("valueOf", String.class).invoke(null, "L2");
            acceptAll = filterClass.getField("ACCEPT_ALL").get(null);
            Class<?> flatClass = loader.loadClass("dev.vectorvault.index.FlatIndex");
            flat = flatClass.getConstructor(columnClass, metricClass).newInstance(column, l2);
            flatSearch = MethodHandles.publicLookup().findVirtual(flatClass, "search",
                    MethodType.methodType(List.class, float[].class, int.class, int.class, filterClass));
            Class<?> ivfClass = loader.loadClass("dev.vectorvault.index.IvfFlatIndex");
            Class<?> paramsClass = loader.loadClass("dev.vectorvault.index.IvfParams");
            Class<?> progressClass = loader.loadClass("dev.vectorvault.index.BuildProgress");
            Object params = paramsClass.getConstructor(int.class, long.class)
                    .newInstance((int) Math.sqrt(data.length), 42L);
            Object none = progressClass.getField("NONE").get(null);
            ivf = ivfClass.getMethod("build", columnClass, metricClass, paramsClass, int.class, progressClass)
                    .invoke(null, column, l2, params, 1, none);
            ivfSearch = MethodHandles.publicLookup().findVirtual(ivfClass, "search",
                    MethodType.methodType(List.class, float[].class, int.class, int.class, filterClass));
            // HNSW over the first HNSW_ROWS vectors: a single-thread build of more takes minutes on a small machine.
            Object hnswColumn = columnClass.getConstructor(int.class).newInstance(data[0].length);
            for (int i = 0; i < Math.min(HNSW_ROWS, data.length); i++) {
                int ignored = (int) append.invoke(hnswColumn, data[i]);
            }
            Class<?> hnswClass = loader.loadClass("dev.vectorvault.index.HnswIndex");
            Class<?> hnswParamsClass = loader.loadClass("dev.vectorvault.index.HnswParams");
            Object hnswParams = hnswParamsClass.getConstructor(int.class, int.class, long.class)
                    .newInstance(16, 100, 42L);
            hnsw = hnswClass.getMethod("build", columnClass, metricClass, hnswParamsClass, int.class, progressClass)
                    .invoke(null, hnswColumn, l2, hnswParams, 1, none);
            hnswSearch = MethodHandles.publicLookup().findVirtual(hnswClass, "search",
                    MethodType.methodType(List.class, float[].class, int.class, int.class, filterClass));
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
                    + " [ivf,flat,hnsw]");
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
        String only = args.length > 5 ? args[5] : "ivf,flat,hnsw";
        if (only.contains("ivf")) {
            compare("IVF_FLAT nprobe=8", a, b, queries, rounds, (side, q) -> side.ivf(q, 8));
            compare("IVF_FLAT nprobe=32", a, b, queries, rounds, (side, q) -> side.ivf(q, 32));
        }
        if (only.contains("flat")) {
            compare("FLAT", a, b, Arrays.copyOf(queries, 100), rounds, Side::flat);
        }
        if (only.contains("hnsw")) {
            compare("HNSW ef=64 (20k)", a, b, queries, rounds, (side, q) -> side.hnsw(q, 64));
        }
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
        int passes = (int) Math.max(1, Math.ceil(0.5 * rate(a, queries, search, 1) / queries.length));
        double[] ratios = new double[rounds];
        double[] rateA = new double[rounds];
        double[] rateB = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            // Alternate which side goes first, so neither always runs on a warmer cache.
            boolean aFirst = round % 2 == 0;
            double first = rate(aFirst ? a : b, queries, search, passes);
            double second = rate(aFirst ? b : a, queries, search, passes);
            rateA[round] = aFirst ? first : second;
            rateB[round] = aFirst ? second : first;
            ratios[round] = rateB[round] / rateA[round];
        }
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%-20s q/s A median %,8.0f  B median %,8.0f  B/A per round: median %.3f"
                + " (min %.3f, max %.3f); identical hits: yes%n", name, median(rateA), median(rateB),
                sorted[rounds / 2], sorted[0], sorted[rounds - 1]);
    }

    private static double rate(Side side, float[][] queries, Search search, int passes) throws Throwable {
        long start = System.nanoTime();
        for (int pass = 0; pass < passes; pass++) {
            for (float[] query : queries) {
                search.run(side, query);
            }
        }
        return (double) passes * queries.length / ((System.nanoTime() - start) / 1e9);
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
