package dev.vectorvault.storage.data;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a checkpoint in the background once enough log has piled up, so the log (and the time to replay it at
 * start-up) stays bounded even when clients never call Flush. At most one runs or waits at a time; it runs on an
 * executor the server owns.
 */
final class AutoCheckpoint {
    private static final Logger LOG = LoggerFactory.getLogger(AutoCheckpoint.class);

    private final TrackedTasks tasks;
    private final long thresholdBytes;
    private final Runnable checkpoint;
    private final AtomicLong bytesSinceCheckpoint = new AtomicLong();
    private final AtomicBoolean pending = new AtomicBoolean();

    AutoCheckpoint(Executor executor, long thresholdBytes, Runnable checkpoint) {
        this.tasks = new TrackedTasks(executor);
        this.thresholdBytes = thresholdBytes;
        this.checkpoint = checkpoint;
    }

    /** Counts a logged record; may schedule a checkpoint. */
    void logged(int bytes) {
        if (bytesSinceCheckpoint.addAndGet(bytes) > thresholdBytes && pending.compareAndSet(false, true)) {
            if (!tasks.submit(this::run)) {
                pending.set(false);
            }
        }
    }

    /** A checkpoint (or recovery) started: the log volume counts from here. */
    void reset() {
        bytesSinceCheckpoint.set(0);
    }

    private void run() {
        try {
            checkpoint.run();
        } catch (RuntimeException e) {
            LOG.error("event=auto_checkpoint_failed error={}", e.toString(), e);
        } finally {
            pending.set(false);
        }
    }

    void close() {
        tasks.close();
    }
}
