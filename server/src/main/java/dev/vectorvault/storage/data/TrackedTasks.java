package dev.vectorvault.storage.data;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks on an executor someone else owns and counts those not finished, so the store can close without shutting
 * the executor down: it stops submitting, then waits until what it submitted has run.
 */
final class TrackedTasks {
    /** Bounds the wait at close if the owner shut its executor down and dropped queued tasks. */
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Executor executor;
    private int inFlight;
    private boolean closed;

    TrackedTasks(Executor executor) {
        this.executor = executor;
    }

    /** Submits the task; false (and nothing runs) once closed or when the executor refuses it. */
    boolean submit(Runnable task) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            inFlight++;
        }
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } finally {
                    finished();
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            finished();
            return false;
        }
    }

    private synchronized void finished() {
        inFlight--;
        notifyAll();
    }

    /** Refuses further tasks and waits for the submitted ones. */
    synchronized void close() {
        closed = true;
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        try {
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
