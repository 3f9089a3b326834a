package dev.vectorvault.index;

import java.util.Random;

/**
 * Rough single-thread throughput of FLAT L2 top-10, Vector API kernels against scalar ones. Not a test and not JMH:
 * one warm-up and one timed pass per variant, good to a few tens of percent on a quiet machine. Run after
 * {@code mvn -pl server test-compile}:
 *
 * <pre>java --add-modules jdk.incubator.vector -cp server/target/classes:server/target/test-classes \
 *     dev.vectorvault.index.FlatIndexBenchmark [vectors] [dim] [seconds]</pre>
 */
public final class FlatIndexBenchmark {
    private FlatIndexBenchmark() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 3;
        Random random = new Random(42);
        VectorColumn column = new VectorColumn(dim);
        for (int i = 0; i < n; i++) {
            column.append(TestSeeds.gaussian(random, dim));
        }
        float[][] queries = new float[64][];
        for (int q = 0; q < queries.length; q++) {
            queries[q] = TestSeeds.gaussian(random, dim);
        }
        System.out.printf("FLAT L2 top-10, %d x %d, 1 thread, vector API %s (%d lanes)%n", n, dim,
                DistanceKernels.vectorApiEnabled() ? "on" : "off", VectorApiKernels.lanes());
        FlatIndex simd = new FlatIndex(column, MetricType.L2, true);
        FlatIndex scalar = new FlatIndex(column, MetricType.L2, false);
        for (int round = 0; round < 2; round++) {
            boolean timed = round == 1;
            report("vector API", simd, queries, dim, n, timed ? seconds : 1, timed);
            report("scalar", scalar, queries, dim, n, timed ? seconds : 1, timed);
        }
    }

    private static void report(String name, FlatIndex index, float[][] queries, int dim, int n, double seconds,
            boolean print) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long started = System.nanoTime();
        int done = 0;
        long checksum = 0;
        while (System.nanoTime() < deadline) {
            checksum += index.search(queries[done % queries.length], 10, Integer.MAX_VALUE, OrdinalFilter.ACCEPT_ALL)
                    .get(0).ordinal();
            done++;
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        double qps = done / elapsed;
        if (print) {
            System.out.printf("%-10s %8.1f QPS  %6.2f ms/query  %5.1f GFLOP/s  (checksum %d)%n", name, qps,
                    1e3 / qps, qps * 3.0 * n * dim / 1e9, checksum);
        }
    }
}
