package dev.vectorvault.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Hybrid search latency over 2 and 3 FloatVector fields, one client thread, in-process ({@link EmbeddedEngine}: the
 * reader's path below gRPC), with the sub-requests one after the other (as before they could run at once) against
 * the server's choice (at once on the search workers when their work is large enough): per case (fields x nq), the
 * p50, p90 and mean of {@code --searches} hybrid searches (top 10 per field, RRF) on each path, the two paths
 * alternating search by search (which goes first alternating too) and the cases interleaved within each of
 * {@code --rounds} rounds, so load falls on all alike.
 *
 * <pre>bin/bench-hybrid [--rows N] [--dim D] [--segment-rows N] [--index FLAT|HNSW] [--searches N] [--rounds N]
 *     [--seed S]</pre>
 */
public final class HybridFieldsBenchmark {
    private static final int K = 10;
    private static final int[] FIELD_COUNTS = {2, 3};
    private static final int[] QUERY_COUNTS = {1, 8};

    private HybridFieldsBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: [--rows N] [--dim D] [--segment-rows N] [--index FLAT|HNSW]"
                        + " [--searches N] [--rounds N] [--seed S]; got " + Arrays.toString(args));
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        int rows = Integer.parseInt(opts.getOrDefault("rows", "40000"));
        int dim = Integer.parseInt(opts.getOrDefault("dim", "128"));
        int segmentRows = Integer.parseInt(opts.getOrDefault("segment-rows", "8192"));
        String index = opts.getOrDefault("index", "FLAT");
        int searches = Integer.parseInt(opts.getOrDefault("searches", "100"));
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
        long seed = Long.parseLong(opts.getOrDefault("seed", "42"));

        MachineFacts.printHeader();
        Random random = new Random(seed);
        LinkedHashMap<String, float[][]> fields = new LinkedHashMap<>();
        for (int f = 0; f < 3; f++) {
            float[][] vectors = new float[rows][];
            for (int r = 0; r < rows; r++) {
                vectors[r] = gaussian(random, dim);
            }
            fields.put("v" + f, vectors);
        }
        Map<String, String> params = index.equals("HNSW") ? Map.of("M", "16", "efConstruction", "64") : Map.of();
        long t0 = System.nanoTime();
        try (EmbeddedEngine engine = EmbeddedEngine.load(fields, index, params, segmentRows, 1000)) {
            System.out.printf(Locale.ROOT, "%,d rows x 3 fields of %d-d (%s, L2), segments of %,d rows; built in"
                    + " %.1f s; top %d per field, RRF k 60; %d searches x %d rounds per case, %d available"
                    + " processors%n", rows, dim, index, segmentRows, (System.nanoTime() - t0) / 1e9, K,
                    searches, rounds, Runtime.getRuntime().availableProcessors());
            int cases = FIELD_COUNTS.length * QUERY_COUNTS.length;
            // [path][case][sample]: path 0 one after the other, 1 the server's choice.
            long[][][] nanos = new long[2][cases][searches * rounds];
            for (int round = -1; round < rounds; round++) { // round -1 warms up (JIT)
                for (int c = 0; c < cases; c++) {
                    int fieldCount = FIELD_COUNTS[c / QUERY_COUNTS.length];
                    int nq = QUERY_COUNTS[c % QUERY_COUNTS.length];
                    List<String> names = List.copyOf(fields.keySet()).subList(0, fieldCount);
                    for (int s = 0; s < searches; s++) {
                        float[][][] queries = new float[fieldCount][nq][];
                        for (int f = 0; f < fieldCount; f++) {
                            for (int q = 0; q < nq; q++) {
                                queries[f][q] = gaussian(random, dim);
                            }
                        }
                        for (int turn = 0; turn < 2; turn++) {
                            int path = (s + turn) % 2;
                            long a = System.nanoTime();
                            int found = engine.hybridSearch(names, queries, K, path == 1);
                            long b = System.nanoTime();
                            if (found != nq * K) {
                                throw new IllegalStateException("hybrid search returned " + found + " rows, expected "
                                        + nq * K);
                            }
                            if (round >= 0) {
                                nanos[path][c][round * searches + s] = b - a;
                            }
                        }
                    }
                }
            }
            TextTable table = new TextTable("case", "one after the other p50 us", "at once p50 us", "p50 ratio",
                    "p90 ratio", "mean ratio");
            for (int c = 0; c < cases; c++) {
                long[] before = nanos[0][c].clone();
                long[] after = nanos[1][c].clone();
                Arrays.sort(before);
                Arrays.sort(after);
                int p50 = before.length / 2;
                int p90 = before.length * 9 / 10;
                table.row(FIELD_COUNTS[c / QUERY_COUNTS.length] + " fields, nq " + QUERY_COUNTS[c
                        % QUERY_COUNTS.length], micros(before[p50]), micros(after[p50]),
                        ratio(after[p50], before[p50]), ratio(after[p90], before[p90]),
                        ratio(Arrays.stream(after).average().orElse(0), Arrays.stream(before).average().orElse(1)));
            }
            table.print(System.out, "  ");
            System.out.println("load average after: " + MachineFacts.loadAverages());
        }
    }

    private static String micros(double nanos) {
        return String.format(Locale.ROOT, "%.0f", nanos / 1e3);
    }

    private static String ratio(double after, double before) {
        return String.format(Locale.ROOT, "%.2f", after / before);
    }

    private static float[] gaussian(Random random, int dim) {
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
            v[d] = (float) random.nextGaussian();
        }
        return v;
    }
}
