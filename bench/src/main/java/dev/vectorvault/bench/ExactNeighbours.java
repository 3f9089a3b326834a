package dev.vectorvault.bench;

import java.util.Arrays;

/**
 * The correctness oracle: exact top-k by squared L2, computed here in double precision with a plain loop, sharing no
 * code with the server's index (no Vector API, no {@code TopK}), so a bug there cannot hide by being repeated here.
 * Ties are broken by the smaller row index, as the server does.
 */
final class ExactNeighbours {
    private final float[][] data;

    ExactNeighbours(float[][] data) {
        this.data = data;
    }

    /** Exact squared L2 distance between row {@code row} and {@code query}, in double. */
    double distance(int row, float[] query) {
        float[] v = data[row];
        double sum = 0;
        for (int d = 0; d < v.length; d++) {
            double diff = (double) v[d] - query[d];
            sum += diff * diff;
        }
        return sum;
    }

    /** The {@code k} nearest rows to {@code query}, nearest first. */
    int[] topK(float[] query, int k) {
        // A sorted array of the best k so far: k is 10, so insertion beats a heap and stays obviously right.
        int[] ids = new int[k];
        double[] dists = new double[k];
        Arrays.fill(dists, Double.POSITIVE_INFINITY);
        Arrays.fill(ids, Integer.MAX_VALUE);
        for (int row = 0; row < data.length; row++) {
            double dist = distance(row, query);
            if (dist > dists[k - 1] || (dist == dists[k - 1] && row > ids[k - 1])) {
                continue;
            }
            int at = k - 1;
            while (at > 0 && (dists[at - 1] > dist || (dists[at - 1] == dist && ids[at - 1] > row))) {
                dists[at] = dists[at - 1];
                ids[at] = ids[at - 1];
                at--;
            }
            dists[at] = dist;
            ids[at] = row;
        }
        return ids;
    }
}
