package dev.vectorvault.query;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * Splits one large read over the cores: the queries of a search with several of them (nq > 1) are cut into
 * contiguous chunks, each searched on its own over the same view, on one work-stealing pool shared by every request
 * (one thread per core; never a fan-out of threads per request). The calling thread searches the first chunk itself,
 * and then every chunk no worker has started, so a request never waits for a free worker to make progress. A request
 * is split only when each chunk carries at least {@link #MIN_WORK_PER_CHUNK} of work, so many small concurrent
 * requests run as before, one thread each.
 */
final class SearchWorkers {
    /** About a quarter of a millisecond of distance computations: below this a hand-off costs more than it saves. */
    static final long MIN_WORK_PER_CHUNK = 1_000_000;
    private static final ForkJoinPool POOL = new ForkJoinPool(Runtime.getRuntime().availableProcessors(), pool -> {
        ForkJoinWorkerThread thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        thread.setName("search-worker-" + thread.getPoolIndex());
        thread.setDaemon(true);
        return thread;
    }, null, false);

    private SearchWorkers() {}

    /** How many chunks {@code items} items carrying {@code work} in all are cut into (1 = not split). */
    static int chunks(int items, long work) {
        long byWork = work / MIN_WORK_PER_CHUNK;
        return (int) Math.max(1, Math.min(Math.min(items, POOL.getParallelism()), byWork));
    }

    /**
     * The results of {@code chunk} for {@code chunks} contiguous ranges of {@code items}, in order; {@code chunk}
     * receives the chunk's index and gets its range from {@link #from}. A failure in any chunk is rethrown as is, the
     * first by chunk order (caught where it happens: the pool would hand back a copy of it). Each chunk runs once, on
     * whichever thread claims it first: the calling thread, done with the first, runs every chunk no worker has
     * started, so on a machine whose cores are busy elsewhere a split request costs about what it costs unsplit
     * instead of waiting for a worker to be scheduled.
     */
    static <T> List<T> map(int chunks, IntFunction<T> chunk) {
        if (chunks <= 1) {
            return List.of(chunk.apply(0));
        }
        Object[] results = new Object[chunks];
        RuntimeException[] failures = new RuntimeException[chunks];
        AtomicBoolean[] claimed = new AtomicBoolean[chunks];
        IntConsumer run = c -> {
            try {
                results[c] = chunk.apply(c);
            } catch (RuntimeException e) {
                failures[c] = e;
            }
        };
        List<ForkJoinTask<?>> forked = new ArrayList<>(chunks - 1);
        for (int c = 1; c < chunks; c++) {
            int index = c;
            claimed[c] = new AtomicBoolean();
            forked.add(POOL.submit(() -> {
                if (claimed[index].compareAndSet(false, true)) {
                    run.accept(index);
                }
            }));
        }
        run.accept(0);
        for (int c = 1; c < chunks; c++) {
            ForkJoinTask<?> task = forked.get(c - 1);
            if (claimed[c].compareAndSet(false, true)) {
                task.cancel(false); // a worker that takes it anyway finds it claimed
                run.accept(c);
                continue;
            }
            try {
                task.get(); // the worker's writes to results and failures are visible after it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures[c] = new IllegalStateException("interrupted during a search", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                failures[c] = new IllegalStateException(e.getCause());
            }
        }
        List<T> out = new ArrayList<>(chunks);
        for (int c = 0; c < chunks; c++) {
            if (failures[c] != null) {
                throw failures[c];
            }
            @SuppressWarnings("unchecked") // written by chunk.apply, which returns T
            T result = (T) results[c];
            out.add(result);
        }
        return out;
    }

    /** The first item of chunk {@code chunk} when {@code items} are cut into {@code chunks}. */
    static int from(int chunk, int chunks, int items) {
        return (int) ((long) items * chunk / chunks);
    }
}
