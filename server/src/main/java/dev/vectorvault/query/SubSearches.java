package dev.vectorvault.query;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Runs the sub-requests of one hybrid search, each as a search of its own over the same view: with several chunks,
 * contiguous groups of sub-requests at once on {@link SearchWorkers}, the calling thread taking the first. Every
 * sub-request runs its queries in order on one thread, so a run that learns from earlier queries (group-by) answers
 * as when the sub-requests ran one after the other; its answers come back in request order whatever finished first.
 *
 * <p>A failure surfaces as if the sub-requests had run one after the other, every one started before any query, then
 * query by query in request order: the earliest in that order is thrown as is (its {@code ErrorCode} with it). Once a
 * sub-request fails at a query, the others stop after that query, since nothing later can be the one thrown.
 */
final class SubSearches {
    /** The position of a failure while a sub-request starts, before its first query. */
    private static final int STARTING = -1;

    private SubSearches() {}

    /**
     * Every sub-request's answers, {@code [sub][query]}. {@code start} starts sub-request {@code i} (on the thread
     * that runs it) and gives the function that answers its query {@code q}.
     *
     * @param chunks how many groups the sub-requests are cut into ({@link SearchWorkers#chunks}); 1 runs them all on
     *               the calling thread
     */
    static <T> List<List<T>> run(int subs, int nq, int chunks, IntFunction<IntFunction<T>> start) {
        AtomicInteger earliestFailure = new AtomicInteger(Integer.MAX_VALUE);
        List<List<Outcome<T>>> parts = SearchWorkers.map(chunks, c -> {
            List<Outcome<T>> part = new ArrayList<>();
            for (int i = SearchWorkers.from(c, chunks, subs); i < SearchWorkers.from(c + 1, chunks, subs); i++) {
                part.add(one(i, nq, start, earliestFailure));
            }
            return part;
        });
        List<List<T>> answers = new ArrayList<>(subs);
        Outcome<T> first = null;
        for (List<Outcome<T>> part : parts) {
            for (Outcome<T> outcome : part) {
                if (outcome.failure != null && (first == null || outcome.failedAt < first.failedAt)) {
                    first = outcome; // strictly earlier: on the same query, the earlier sub-request wins
                }
                answers.add(outcome.answers);
            }
        }
        if (first != null) {
            throw first.failure;
        }
        return answers;
    }

    private static <T> Outcome<T> one(int sub, int nq, IntFunction<IntFunction<T>> start,
                                      AtomicInteger earliestFailure) {
        List<T> answers = new ArrayList<>(nq);
        int q = STARTING;
        try {
            IntFunction<T> query = start.apply(sub);
            for (q = 0; q < nq && q <= earliestFailure.get(); q++) {
                answers.add(query.apply(q));
            }
            return new Outcome<>(answers, null, 0);
        } catch (RuntimeException e) {
            earliestFailure.accumulateAndGet(q, Math::min);
            return new Outcome<>(null, e, q);
        }
    }

    /** One sub-request's answers, or where (which query, {@link #STARTING}) it failed and how. */
    private record Outcome<T>(List<T> answers, RuntimeException failure, int failedAt) {}
}
