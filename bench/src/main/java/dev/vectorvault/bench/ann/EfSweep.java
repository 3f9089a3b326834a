package dev.vectorvault.bench.ann;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Recall@10 and single-thread speed of one search path over a ladder of ef values, and the smallest ef whose recall
 * reaches a target: the end-to-end part picks its ef this way on the in-process index, so the gRPC path is measured at
 * the same operating point as the targets name (recall@10 >= 0.95), whatever the data set.
 */
final class EfSweep {
    /** The ladder; it starts at k, because a beam narrower than k cannot return k hits. */
    static final int[] LADDER = {10, 12, 14, 16, 20, 24, 32, 40, 48, 64, 80, 96, 128, 160, 192, 256, 384, 512};
    /** Points swept past the first one that reaches the target, so the curve shows the knee. */
    private static final int PAST_TARGET = 2;
    private static final double WARMUP_SECONDS = 0.5;

    record Point(int ef, double recall, ClosedLoop.Result speed) {}

    /** The swept points and the chosen ef (the smallest reaching the target, else the last swept, flagged). */
    record Outcome(List<Point> points, int chosenEf, boolean reached) {}

    private EfSweep() {}

    /**
     * Sweeps the ladder with one client on {@code path} (one function per ef), {@code seconds} per point after a short
     * warm-up, until {@value #PAST_TARGET} points past the first that reaches {@code target}.
     */
    static Outcome run(IntFunction<ClosedLoop.Query> path, int queryCount, int[][] truth, double target,
                       double seconds) throws Exception {
        List<Point> points = new ArrayList<>();
        int chosen = -1;
        int past = 0;
        for (int ef : LADDER) {
            ClosedLoop.Query query = path.apply(ef);
            double recall = recall(query, queryCount, truth);
            ClosedLoop.Result speed = ClosedLoop.run(client -> query, 1, queryCount, WARMUP_SECONDS, seconds);
            points.add(new Point(ef, recall, speed));
            if (chosen < 0 && recall >= target) {
                chosen = ef;
            } else if (chosen >= 0 && ++past >= PAST_TARGET) {
                break;
            }
        }
        boolean reached = chosen >= 0;
        return new Outcome(points, reached ? chosen : points.get(points.size() - 1).ef(), reached);
    }

    /** Recall@10 of one untimed pass over every query. */
    static double recall(ClosedLoop.Query query, int queryCount, int[][] truth) throws Exception {
        int[][] answers = new int[queryCount][];
        for (int q = 0; q < queryCount; q++) {
            answers[q] = query.search(q);
        }
        return Recall.of(answers, truth, SweepRunner.K);
    }
}
