package dev.vectorvault.storage.data;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a store's expiry compaction round every interval: the timer is the owner's {@link DataExecutors.Delays}, the
 * round itself runs on the checkpoint executor (it ends in a checkpoint, and must not hold up index builds, which
 * share the timer's thread). At most one round runs or waits at a time; after {@link #close()} none starts, and
 * close waits for one in progress.
 */
final class BackgroundCompaction {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundCompaction.class);

    private final DataExecutors.Delays delays;
    private final TrackedTasks tasks;
    private final Duration interval;
    private final Runnable round;
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile boolean closed;

    BackgroundCompaction(DataExecutors.Delays delays, Executor executor, Duration interval, Runnable round) {
        this.delays = delays;
        this.tasks = new TrackedTasks(executor);
        this.interval = interval;
        this.round = round;
    }

    void start() {
        scheduleNext();
    }

    private void scheduleNext() {
        if (closed) {
            return;
        }
        try {
            delays.schedule(interval, this::due);
        } catch (RejectedExecutionException e) {
            // the owner shut its executors down: no more rounds
        }
    }

    private void due() {
        try {
            if (!closed && pending.compareAndSet(false, true) && !tasks.submit(this::run)) {
                pending.set(false);
            }
        } finally {
            scheduleNext();
        }
    }

    private void run() {
        try {
            if (!closed) {
                round.run();
            }
        } catch (RuntimeException e) {
            // The next round tries again; the rows stay hidden from reads meanwhile.
            LOG.warn("event=expiry_compaction_failed error={}", e.toString(), e);
        } finally {
            pending.set(false);
        }
    }

    void close() {
        closed = true;
        tasks.close();
    }
}
