package dev.vectorvault.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs {@code threads} closed-loop clients until a deadline: each does one operation, waits for it, does the next.
 * A rate is then units over the wall time of the window, the throughput that many synchronous clients get. With one
 * thread the loop runs on the calling thread, so no hand-off enters the single-client numbers.
 */
final class ClientLoop {
    /** One operation of client {@code thread}: returns the units it did (rows, queries), or -1 when out of work. */
    @FunctionalInterface
    interface Step {
        long run(int thread) throws Exception;
    }

    /** The window, plus the first failure's message (null when none failed), so a run that errors says why. */
    record Result(Window window, String firstError) {}

    private static final ExecutorService CLIENTS = Executors.newCachedThreadPool(daemonThreads());

    private ClientLoop() {}

    /**
     * Runs the clients until {@code deadlineNanos} (System.nanoTime) or until every one of them ran out of work.
     * Each operation's latency goes to {@code latencies} unless it is null (warm-up).
     */
    static Result run(int threads, long deadlineNanos, Step step, LatencySamples latencies)
            throws InterruptedException {
        long cpuBefore = ProcessCpu.nanos();
        long start = System.nanoTime();
        AtomicReference<String> firstError = new AtomicReference<>();
        Client[] clients = new Client[threads];
        for (int t = 0; t < threads; t++) {
            clients[t] = new Client(t, deadlineNanos, step, latencies != null, firstError);
        }
        if (threads == 1) {
            clients[0].run();
        } else {
            List<Future<?>> running = new ArrayList<>(threads);
            for (Client client : clients) {
                running.add(CLIENTS.submit(client));
            }
            for (Future<?> future : running) {
                try {
                    future.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("client thread failed", e.getCause());
                }
            }
        }
        long nanos = System.nanoTime() - start;
        long cpuAfter = ProcessCpu.nanos();
        long units = 0;
        long errors = 0;
        for (Client client : clients) {
            units += client.units;
            errors += client.errors;
            if (latencies != null) {
                for (int i = 0; i < client.latencyCount; i++) {
                    latencies.add(client.latencyNanos[i]);
                }
            }
        }
        long cpu = cpuBefore < 0 || cpuAfter < 0 ? -1 : cpuAfter - cpuBefore;
        return new Result(new Window(units, errors, nanos, cpu), firstError.get());
    }

    /** One client's loop and counters; thread-confined until {@link #run} joins it. */
    private static final class Client implements Runnable {
        private final int thread;
        private final long deadline;
        private final Step step;
        private final boolean recordLatency;
        private final AtomicReference<String> firstError;
        long units;
        long errors;
        long[] latencyNanos = new long[1024];
        int latencyCount;

        Client(int thread, long deadline, Step step, boolean recordLatency, AtomicReference<String> firstError) {
            this.thread = thread;
            this.deadline = deadline;
            this.step = step;
            this.recordLatency = recordLatency;
            this.firstError = firstError;
        }

        @Override
        public void run() {
            long now = System.nanoTime();
            while (now < deadline) {
                long before = now;
                try {
                    long done = step.run(thread);
                    if (done < 0) {
                        return;
                    }
                    units += done;
                } catch (Exception e) {
                    errors++;
                    firstError.compareAndSet(null, e.toString());
                }
                now = System.nanoTime();
                if (recordLatency) {
                    if (latencyCount == latencyNanos.length) {
                        latencyNanos = Arrays.copyOf(latencyNanos, latencyCount * 2);
                    }
                    latencyNanos[latencyCount++] = now - before;
                }
            }
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "bench-client-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
