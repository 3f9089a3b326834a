package dev.vectorvault.bench.ann;

/** Recall@k as ann-benchmarks counts it: returned ids that are among the exact top-k, over k per query. */
final class Recall {
    private Recall() {}

    static double of(int[][] answers, int[][] truth, int k) {
        long found = 0;
        for (int q = 0; q < truth.length; q++) {
            found += overlap(answers[q], truth[q], k);
        }
        return (double) found / ((long) truth.length * k);
    }

    static int overlap(int[] answer, int[] truth, int k) {
        int found = 0;
        int limit = Math.min(k, answer.length);
        for (int i = 0; i < limit; i++) {
            for (int j = 0; j < k; j++) {
                if (answer[i] == truth[j]) {
                    found++;
                    break;
                }
            }
        }
        return found;
    }
}
