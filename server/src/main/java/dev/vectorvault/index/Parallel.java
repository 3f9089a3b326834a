package dev.vectorvault.index;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/** Splits a range over a few short-lived threads for index builds; the calling thread takes the first slice. */
final class Parallel {
    /** Work on the half-open range {@code [from, to)}. */
    @FunctionalInterface
    interface RangeTask {
        void run(int from, int to);
    }

    private Parallel() {}

    static void forRange(int threads, int size, RangeTask task) {
        int slices = Math.max(1, Math.min(threads, size / 256));
        if (slices == 1) {
            task.run(0, size);
            return;
        }
        onThreads(slices, s -> task.run((int) ((long) size * s / slices), (int) ((long) size * (s + 1) / slices)));
    }

    /**
     * Runs {@code task} for every item of {@code [0, items)} on up to {@code threads} threads, each taking the next
     * item left: for a few large, independent pieces of work (IVF_PQ's sub-spaces), where {@link #forRange}'s
     * minimum slice would leave all of them on one thread.
     */
    static void forEachItem(int threads, int items, IntConsumer task) {
        AtomicInteger next = new AtomicInteger();
        onThreads(Math.max(1, Math.min(threads, items)), worker -> {
            for (int item = next.getAndIncrement(); item < items; item = next.getAndIncrement()) {
                task.accept(item);
            }
        });
    }

    /** {@code work(0)} on the calling thread and {@code work(1..workers-1)} on threads of their own; waits for all. */
    private static void onThreads(int workers, IntConsumer work) {
        if (workers == 1) {
            work.accept(0);
            return;
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> started = new ArrayList<>(workers - 1);
        for (int s = 1; s < workers; s++) {
            int worker = s;
            Thread thread = new Thread(() -> {
                try {
                    work.accept(worker);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "index-build-slice-" + s);
            thread.setDaemon(true);
            started.add(thread);
            thread.start();
        }
        try {
            work.accept(0);
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e);
        }
        for (Thread thread : started) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure.compareAndSet(null, e);
            }
        }
        Throwable error = failure.get();
        if (error instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (error instanceof Error fatal) {
            throw fatal;
        }
        if (error != null) {
            throw new IllegalStateException("index build interrupted", error);
        }
    }
}
