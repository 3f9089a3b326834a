package dev.vectorvault.bench.ann;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Closed-loop load: {@code clients} threads, each sending its next query as soon as the previous answer arrives,
 * for a fixed time after an untimed warm-up; every call's latency is kept, so percentiles are exact. Each client
 * either shares one {@link Query} with the others or gets its own (its own connection, say).
 */
final class ClosedLoop {
    static final double WARMUP_SECONDS = 3;

    @FunctionalInterface
    interface Query {
        int[] search(int query) throws Exception;
    }

    record Result(int clients, long calls, double seconds, long[] latencies) {
        double qps() {
            return calls / seconds;
        }

        double p50Micros() {
            return percentile(50);
        }

        double p99Micros() {
            return percentile(99);
        }

        private double percentile(double p) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100 * latencies.length);
            return latencies[Math.max(0, Math.min(latencies.length - 1, rank - 1))] / 1e3;
        }
    }

    private ClosedLoop() {}

    static Result run(Query query, int clients, int queryCount, double seconds) throws Exception {
        return run(client -> query, clients, queryCount, WARMUP_SECONDS, seconds);
    }

    /** {@code perClient} gives client number c (0 to clients - 1) its query function. */
    static Result run(IntFunction<Query> perClient, int clients, int queryCount, double warmupSeconds,
                      double seconds) throws Exception {
        if (warmupSeconds > 0) {
            drive(perClient, clients, queryCount, warmupSeconds);
        }
        return drive(perClient, clients, queryCount, seconds);
    }

    private static Result drive(IntFunction<Query> queries, int clients, int queryCount, double seconds)
            throws Exception {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long[][] perClient = new long[clients][];
        int[] counts = new int[clients];
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Query query = queries.apply(c);
            Thread thread = new Thread(() -> {
                long[] samples = new long[1 << 14];
                int n = 0;
                int next = (int) ((long) queryCount * client / clients);
                try {
                    while (System.nanoTime() < end && failure.get() == null) {
                        long t0 = System.nanoTime();
                        query.search(next);
                        long t1 = System.nanoTime();
                        if (n == samples.length) {
                            samples = Arrays.copyOf(samples, n * 2);
                        }
                        samples[n++] = t1 - t0;
                        next = next + 1 == queryCount ? 0 : next + 1;
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
                perClient[client] = samples;
                counts[client] = n;
            }, "bench-ann-client-" + c);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) {
            throw failure.get();
        }
        long total = Arrays.stream(counts).asLongStream().sum();
        long[] all = new long[(int) total];
        int at = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(perClient[c], 0, all, at, counts[c]);
            at += counts[c];
        }
        Arrays.sort(all);
        return new Result(clients, total, elapsed, all);
    }
}
