package dev.vectorvault.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Test data shaped like real embeddings rather than uniform noise: a Gaussian mixture whose clusters have their own
 * spread per dimension, with queries drawn from the same mixture (never base points). Uniform noise is the worst case
 * for graph indexes and says little about recall on real data.
 */
final class ClusteredVectors {
    final List<float[]> base;
    final List<float[]> queries;

    private ClusteredVectors(List<float[]> base, List<float[]> queries) {
        this.base = base;
        this.queries = queries;
    }

    static ClusteredVectors generate(Random random, int count, int queryCount, int dim, int clusters) {
        float[][] centres = new float[clusters][dim];
        float[][] spreads = new float[clusters][dim];
        for (int c = 0; c < clusters; c++) {
            for (int d = 0; d < dim; d++) {
                centres[c][d] = (float) (random.nextGaussian() * 4 / Math.sqrt(1 + 0.2 * d));
                spreads[c][d] = (float) (0.3 + random.nextDouble());
            }
        }
        return new ClusteredVectors(draw(random, count, centres, spreads), draw(random, queryCount, centres, spreads));
    }

    private static List<float[]> draw(Random random, int count, float[][] centres, float[][] spreads) {
        List<float[]> out = new ArrayList<>(count);
        int dim = centres[0].length;
        for (int i = 0; i < count; i++) {
            int c = random.nextInt(centres.length);
            float[] v = new float[dim];
            for (int d = 0; d < dim; d++) {
                v[d] = centres[c][d] + (float) random.nextGaussian() * spreads[c][d];
            }
            out.add(v);
        }
        return out;
    }

    VectorColumn column() {
        VectorColumn column = new VectorColumn(base.get(0).length);
        base.forEach(column::append);
        return column;
    }

    /** Mean share of the exact top-k (by FlatIndex, same filter) that the approximate hits contain. */
    static double recall(List<List<SearchHit>> exact, List<List<SearchHit>> approximate) {
        double sum = 0;
        for (int q = 0; q < exact.size(); q++) {
            java.util.Set<Integer> truth = new java.util.HashSet<>();
            exact.get(q).forEach(h -> truth.add(h.ordinal()));
            long found = approximate.get(q).stream().filter(h -> truth.contains(h.ordinal())).count();
            sum += truth.isEmpty() ? 1 : (double) found / truth.size();
        }
        return sum / exact.size();
    }
}
