package dev.vectorvault.storage.data;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where a {@link DataStore}'s background work runs: index builds and loads (one at a time, each using
 * {@link IndexBuildSettings#threads()} threads), automatic checkpoints, the delayed retries of failed index
 * builds, and the fetching of sealed segments from object storage while a store opens or takes a collection over. Created and closed by their owner (the server, or a test), after the stores that use them are closed; a
 * store never shuts them down. Creating them starts no thread: each thread starts with its first task.
 */
public final class DataExecutors implements AutoCloseable {
    /** Runs a task once a delay has passed; tests pass one that they advance by hand instead of waiting. */
    @FunctionalInterface
    public interface Delays {
        /**
         * Runs {@code task} after {@code delay}, on any thread.
         *
         * @throws java.util.concurrent.RejectedExecutionException when shut down (the task never runs)
         */
        void schedule(Duration delay, Runnable task);
    }

    private final Executor indexBuilds;
    private final Executor checkpoints;
    private final Executor segmentLoads;
    private final Delays delays;
    /** What {@link #close()} shuts down: the threads made here (in this order), none of the executors passed in. */
    private final List<ExecutorService> owned;

    /**
     * The server's: one "index-build" thread (which also waits out retry delays, so a retry never overlaps a build),
     * one "data-checkpoint" thread, and up to {@link SegmentDirectory#LOAD_PARALLELISM} "segment-load" threads that
     * end after 30 s idle (segments are fetched only while opening or taking over).
     */
    public DataExecutors() {
        this(new ScheduledThreadPoolExecutor(1, daemon("index-build")),
                Executors.newSingleThreadExecutor(daemon("data-checkpoint")), segmentLoadPool());
    }

    private DataExecutors(ScheduledThreadPoolExecutor indexBuilds, ExecutorService checkpoints,
                          ExecutorService segmentLoads) {
        this(indexBuilds, checkpoints, segmentLoads, (delay, task) -> indexBuilds.schedule(task, delay.toNanos(),
                TimeUnit.NANOSECONDS), List.of(indexBuilds, checkpoints, segmentLoads));
    }

    /**
     * Runs on executors someone else owns and shuts down (tests pass direct executors and hand-driven delays);
     * {@link #close()} leaves them alone. Segments are fetched one after the other on the opening thread.
     */
    public DataExecutors(Executor indexBuilds, Executor checkpoints, Delays delays) {
        this(indexBuilds, checkpoints, Runnable::run, delays, List.of());
    }

    private DataExecutors(Executor indexBuilds, Executor checkpoints, Executor segmentLoads, Delays delays,
                          List<ExecutorService> owned) {
        this.indexBuilds = Objects.requireNonNull(indexBuilds, "indexBuilds");
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
        this.segmentLoads = Objects.requireNonNull(segmentLoads, "segmentLoads");
        this.delays = Objects.requireNonNull(delays, "delays");
        this.owned = owned;
    }

    private static ExecutorService segmentLoadPool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(SegmentDirectory.LOAD_PARALLELISM,
                SegmentDirectory.LOAD_PARALLELISM, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemon("segment-load"));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    public Executor indexBuilds() {
        return indexBuilds;
    }

    /** Whether the threads made here still run (always true for executors passed in): the health check asks. */
    public boolean running() {
        return owned.stream().noneMatch(ExecutorService::isShutdown);
    }

    public Executor checkpoints() {
        return checkpoints;
    }

    /** Where sealed segments are fetched and decoded from object storage, {@link SegmentDirectory}'s window. */
    Executor segmentLoads() {
        return segmentLoads;
    }

    public Delays delays() {
        return delays;
    }

    private static ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Builds in progress are abandoned (their files stay absent; the next start builds them), as are retries not yet
     * due; a checkpoint in progress or queued finishes.
     */
    @Override
    public void close() {
        for (ExecutorService service : owned) {
            if (service == indexBuilds || service == segmentLoads) {
                service.shutdownNow(); // drops queued builds, retries not yet due and loads nobody waits for
            } else {
                service.shutdown(); // a checkpoint interrupted half-way would fail its forces
            }
        }
        try {
            for (ExecutorService service : owned) {
                service.awaitTermination(60, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
