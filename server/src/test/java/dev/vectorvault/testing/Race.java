package dev.vectorvault.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Runs calls at the same moment on their own threads, the way two server nodes sharing one metadata store meet: all
 * wait at a barrier, then each spins a random few microseconds (from the test's seeded {@link Random}) and calls.
 * Randomised tests take their seed from {@code -Dtests.seed} and print it.
 */
public final class Race implements AutoCloseable {
    /** What one call did: its result, or what it threw. */
    public record Outcome(Object value, Throwable error) {
        public boolean succeeded() {
            return error == null;
        }
    }

    private final Random random;
    private final ExecutorService threads;
    private final int width;

    public Race(Random random, int width) {
        this.random = random;
        this.width = width;
        this.threads = Executors.newFixedThreadPool(width);
    }

    /** The seed of a randomised test: {@code -Dtests.seed} when given, else a fresh one; printed for replay. */
    public static long seed(Class<?> test) {
        long seed = Long.getLong("tests.seed", ThreadLocalRandom.current().nextLong());
        System.out.println(test.getSimpleName() + " seed " + seed + " (replay with -Dtests.seed=" + seed + ")");
        return seed;
    }

    /** Runs every call at once (at most {@code width}) and returns their outcomes in the order given. */
    public List<Outcome> run(List<Callable<?>> calls) throws Exception {
        if (calls.size() > width) {
            throw new IllegalArgumentException("more calls than threads");
        }
        CyclicBarrier start = new CyclicBarrier(calls.size());
        List<Future<Outcome>> futures = new ArrayList<>();
        for (Callable<?> call : calls) {
            long spinNanos = random.nextInt(50_000);
            futures.add(threads.submit(() -> {
                start.await(30, TimeUnit.SECONDS);
                long until = System.nanoTime() + spinNanos;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                try {
                    return new Outcome(call.call(), null);
                } catch (Exception | AssertionError e) {
                    return new Outcome(null, e);
                }
            }));
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<Outcome> future : futures) {
            outcomes.add(future.get(60, TimeUnit.SECONDS));
        }
        return outcomes;
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
