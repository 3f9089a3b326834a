package dev.vectorvault.bench;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * Compares a searcher's top-k with {@link ExactNeighbours} on a sample of queries: recall@k (the share of the exact
 * top-k ids that came back), how many misses are mere float ties (a returned row whose exact distance equals the
 * exact k-th distance to within 1e-5 relative: float32 kernels summing in another order may swap such rows), and the
 * largest relative difference between a returned score and the exact distance of the row it names.
 *
 * @param queries       queries checked
 * @param k             hits expected per query
 * @param expected      queries x k
 * @param found         exact top-k ids that came back
 * @param tieMisses     returned ids outside the exact top-k whose distance ties the exact k-th
 * @param shortAnswers  queries that returned fewer than k hits
 * @param maxScoreError largest |score - exact| / exact over all returned hits (NaN when scores are not checked)
 */
record RecallCheck(int queries, int k, long expected, long found, long tieMisses, int shortAnswers,
                   double maxScoreError) {
    static final double TIE_TOLERANCE = 1e-5;

    /** What a searcher returns for one query: ids best first and their scores (null when it has none to check). */
    record Answer(long[] ids, float[] scores) {}

    double recall() {
        return expected == 0 ? Double.NaN : (double) found / expected;
    }

    static RecallCheck measure(ExactNeighbours exact, float[][] queries, int count, int k,
                               Function<Integer, Answer> searcher) {
        long found = 0;
        long ties = 0;
        int shortAnswers = 0;
        double maxError = 0;
        boolean scored = false;
        for (int q = 0; q < count; q++) {
            int[] truth = exact.topK(queries[q], k);
            double kth = exact.distance(truth[k - 1], queries[q]);
            Set<Long> truthSet = new HashSet<>();
            for (int id : truth) {
                truthSet.add((long) id);
            }
            Answer answer = searcher.apply(q);
            if (answer.ids().length < k) {
                shortAnswers++;
            }
            for (int i = 0; i < answer.ids().length; i++) {
                long id = answer.ids()[i];
                double dist = exact.distance((int) id, queries[q]);
                if (truthSet.contains(id)) {
                    found++;
                } else if (Math.abs(dist - kth) <= TIE_TOLERANCE * Math.max(kth, Double.MIN_NORMAL)) {
                    ties++;
                }
                if (answer.scores() != null) {
                    scored = true;
                    maxError = Math.max(maxError, Math.abs(answer.scores()[i] - dist) / Math.max(dist, 1e-30));
                }
            }
        }
        return new RecallCheck(count, k, (long) count * k, found, ties, shortAnswers, scored ? maxError : Double.NaN);
    }
}
