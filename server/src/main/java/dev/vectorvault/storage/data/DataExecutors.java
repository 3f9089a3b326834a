package dev.vectorvault.storage.data;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The background threads a {@link DataStore} runs on: one for index builds and loads (one at a time, each using
 * {@link IndexBuildSettings#threads()} threads), one for automatic checkpoints. Created and closed by their owner
 * (the server), after the stores that use them are closed; a store never shuts them down.
 */
public final class DataExecutors implements AutoCloseable {
    private final ExecutorService indexBuilds = Executors.newSingleThreadExecutor(daemon("index-build"));
    private final ExecutorService checkpoints = Executors.newSingleThreadExecutor(daemon("data-checkpoint"));

    public Executor indexBuilds() {
        return indexBuilds;
    }

    public Executor checkpoints() {
        return checkpoints;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Builds in progress are abandoned (their files stay absent; the next start builds them). */
    @Override
    public void close() {
        indexBuilds.shutdownNow();
        checkpoints.shutdown();
        try {
            indexBuilds.awaitTermination(60, TimeUnit.SECONDS);
            checkpoints.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
