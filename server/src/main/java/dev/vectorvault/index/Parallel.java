package dev.vectorvault.index;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

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
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> started = new ArrayList<>(slices - 1);
        for (int s = 1; s < slices; s++) {
            int from = (int) ((long) size * s / slices);
            int to = (int) ((long) size * (s + 1) / slices);
            Thread thread = new Thread(() -> {
                try {
                    task.run(from, to);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "index-build-slice-" + s);
            thread.setDaemon(true);
            started.add(thread);
            thread.start();
        }
        try {
            task.run(0, (int) ((long) size / slices));
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
