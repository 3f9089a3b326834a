package dev.vectorvault.index;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The tests' source of truth: every score in double precision, written independently of the index's kernels, then a
 * full sort best first with ties broken by smaller ordinal.
 */
final class BruteForce {
    record Scored(int ordinal, double score) {}

    private BruteForce() {}

    static List<Scored> rank(List<float[]> vectors, float[] query, MetricType metric, int limit,
            OrdinalFilter filter) {
        List<Scored> scored = new ArrayList<>();
        for (int ordinal = 0; ordinal < Math.min(limit, vectors.size()); ordinal++) {
            if (filter.accept(ordinal)) {
                scored.add(new Scored(ordinal, score(metric, query, vectors.get(ordinal))));
            }
        }
        Comparator<Scored> byScore = Comparator.comparingDouble(Scored::score);
        scored.sort((metric.higherIsBetter() ? byScore.reversed() : byScore).thenComparingInt(Scored::ordinal));
        return scored;
    }

    static double score(MetricType metric, float[] a, float[] b) {
        double dot = 0;
        double squaredDistance = 0;
        double squaredNormA = 0;
        double squaredNormB = 0;
        for (int i = 0; i < a.length; i++) {
            double x = a[i];
            double y = b[i];
            dot += x * y;
            squaredDistance += (x - y) * (x - y);
            squaredNormA += x * x;
            squaredNormB += y * y;
        }
        return switch (metric) {
            case L2 -> squaredDistance;
            case IP -> dot;
            case COSINE -> squaredNormA == 0 || squaredNormB == 0 ? 0 : dot / Math.sqrt(squaredNormA * squaredNormB);
            case BM25, HAMMING, JACCARD -> throw new IllegalArgumentException(metric + " does not score dense vectors");
        };
    }

    /**
     * How far a float score may sit from the double one: each float summation is within dim * ulp(1) of the sum of
     * term magnitudes, which is the score itself for L2 and at most |a||b| for IP (Cauchy-Schwarz); a cosine divides
     * that bound by |a||b|.
     */
    static double tolerance(MetricType metric, float[] a, float[] b) {
        double normA = 0;
        double normB = 0;
        double squaredDistance = 0;
        for (int i = 0; i < a.length; i++) {
            normA += (double) a[i] * a[i];
            normB += (double) b[i] * b[i];
            squaredDistance += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
        }
        double slack = 2.0 * a.length * Math.ulp(1f);
        return switch (metric) {
            case L2 -> slack * (squaredDistance + 1e-30);
            case IP -> slack * (Math.sqrt(normA * normB) + 1e-30);
            case COSINE -> slack + 1e-6;
            case BM25, HAMMING, JACCARD -> throw new IllegalArgumentException(metric + " does not score dense vectors");
        };
    }
}
