package dev.vectorvault.bench.ann;

import dev.vectorvault.index.MetricType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The exact top-k of every query, the yardstick of every engine's recall: a brute-force scan in double precision,
 * written here with plain loops so that it shares no code with any engine under test. Queries are spread over all
 * cores; the answer is cached as {@code .ivecs} in the data set's cache folder, because at 100 k x 768 it takes a
 * while and never changes. Ties are broken by the smaller ordinal.
 */
final class GroundTruth {
    private GroundTruth() {}

    static int[][] load(Dataset data, int k, Path folder) throws IOException {
        Path file = folder.resolve("groundtruth-" + k + ".ivecs");
        if (Files.isReadable(file)) {
            int[][] cached = VecFiles.readInts(file);
            if (cached.length == data.queries().length && cached.length > 0 && cached[0].length == k) {
                return cached;
            }
        }
        int[][] truth = compute(data, k);
        VecFiles.writeInts(file, truth);
        return truth;
    }

    static int[][] compute(Dataset data, int k) {
        float[][] base = data.base();
        boolean cosine = data.metric() == MetricType.COSINE;
        double[] norms = new double[base.length];
        if (cosine) {
            for (int i = 0; i < base.length; i++) {
                norms[i] = Math.sqrt(dot(base[i], base[i]));
            }
        }
        int[][] out = new int[data.queries().length][];
        IntStream.range(0, out.length).parallel().forEach(q -> out[q] = topK(data, norms, data.queries()[q], k));
        return out;
    }

    /** Nearest first; {@code distance} is squared L2, or 1 - cosine similarity, so smaller is always better. */
    private static int[] topK(Dataset data, double[] norms, float[] query, int k) {
        float[][] base = data.base();
        boolean cosine = data.metric() == MetricType.COSINE;
        boolean ip = data.metric() == MetricType.IP;
        double queryNorm = Math.sqrt(dot(query, query));
        int[] ids = new int[k];
        double[] dists = new double[k];
        Arrays.fill(dists, Double.POSITIVE_INFINITY);
        Arrays.fill(ids, Integer.MAX_VALUE);
        for (int row = 0; row < base.length; row++) {
            double dist;
            if (cosine) {
                dist = 1 - dot(base[row], query) / Math.max(1e-30, norms[row] * queryNorm);
            } else if (ip) {
                dist = -dot(base[row], query);
            } else {
                dist = squaredL2(base[row], query);
            }
            if (dist >= dists[k - 1]) {
                continue;
            }
            // k is 10: insertion into a sorted array is simpler than a heap and as fast.
            int at = k - 1;
            while (at > 0 && dists[at - 1] > dist) {
                dists[at] = dists[at - 1];
                ids[at] = ids[at - 1];
                at--;
            }
            dists[at] = dist;
            ids[at] = row;
        }
        return ids;
    }

    private static double squaredL2(float[] a, float[] b) {
        double s0 = 0;
        double s1 = 0;
        int d = 0;
        for (; d + 1 < a.length; d += 2) {
            double x = (double) a[d] - b[d];
            double y = (double) a[d + 1] - b[d + 1];
            s0 += x * x;
            s1 += y * y;
        }
        if (d < a.length) {
            double x = (double) a[d] - b[d];
            s0 += x * x;
        }
        return s0 + s1;
    }

    private static double dot(float[] a, float[] b) {
        double s0 = 0;
        double s1 = 0;
        int d = 0;
        for (; d + 1 < a.length; d += 2) {
            s0 += (double) a[d] * b[d];
            s1 += (double) a[d + 1] * b[d + 1];
        }
        if (d < a.length) {
            s0 += (double) a[d] * b[d];
        }
        return s0 + s1;
    }
}
