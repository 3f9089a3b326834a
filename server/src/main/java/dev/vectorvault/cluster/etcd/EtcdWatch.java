package dev.vectorvault.cluster.etcd;

import dev.vectorvault.cluster.Coordination.KeyChange;
import dev.vectorvault.cluster.Coordination.Subscription;
import dev.vectorvault.cluster.Coordination.WatchListener;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link dev.vectorvault.cluster.Coordination#watch}: a jetcd watch over a key prefix whose events are handed to
 * the listener on this watch's own thread, one call per revision, in order, each revision once.
 *
 * <p>This class, not jetcd, decides where a watch resumes: it remembers the last revision it delivered, and after
 * any error or unexpected end of the jetcd watch it closes that watch and opens a new one from the next revision.
 * Events of a replaced watch are dropped (each watch has a generation), and a revision at or below the last
 * delivered one is never delivered again, so a reconnect neither loses nor repeats a change. When etcd has
 * compacted the revision to resume from, the listener is told to resynchronize at the current revision and the watch
 * resumes after it.
 */
final class EtcdWatch implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdWatch.class);
    private static final long RETRY_MS = 200;
    private static final long MAX_RETRY_MS = 2_000;

    private final EtcdCoordination coordination;
    private final String root;
    private final String prefix;
    private final WatchListener listener;
    private final Consumer<EtcdWatch> onClose;
    private final ScheduledThreadPoolExecutor thread;
    private volatile Thread worker;

    // Touched only on `thread`.
    private long delivered;
    private int generation;
    private Watch.Watcher watcher;
    private long retryMs = RETRY_MS;
    private volatile boolean closed;

    EtcdWatch(EtcdCoordination coordination, String root, String prefix, long afterRevision, WatchListener listener,
              Consumer<EtcdWatch> onClose) {
        this.coordination = coordination;
        this.root = root;
        this.prefix = prefix;
        this.listener = listener;
        this.onClose = onClose;
        this.delivered = afterRevision;
        this.thread = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread t = new Thread(runnable, "etcd-watch " + prefix);
            t.setDaemon(true);
            worker = t;
            return t;
        });
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    void start() {
        run(this::open);
    }

    private void open() {
        if (closed) {
            return;
        }
        int mine = ++generation;
        WatchOption option = WatchOption.builder()
                .isPrefix(true)
                .withRevision(delivered + 1)
                // A member cut off from the leader cancels the watch instead of going quiet; it is then reopened,
                // possibly on another member.
                .withRequireLeader(true)
                .build();
        try {
            watcher = coordination.connection().client().getWatchClient().watch(
                    EtcdCoordination.bytes(root + prefix), option, new Watch.Listener() {
                        @Override
                        public void onNext(WatchResponse response) {
                            List<WatchEvent> events = response.getEvents();
                            if (!events.isEmpty()) {
                                run(() -> deliver(mine, events));
                            }
                        }

                        @Override
                        public void onError(Throwable error) {
                            run(() -> failed(mine, error));
                        }

                        @Override
                        public void onCompleted() {
                            run(() -> failed(mine, null));
                        }
                    });
        } catch (RuntimeException e) {
            failed(mine, e);
        }
    }

    private void deliver(int from, List<WatchEvent> events) {
        if (closed || from != generation) {
            return;
        }
        retryMs = RETRY_MS;
        // etcd never splits one revision's events across responses; group them so a transaction is one call.
        Map<Long, List<KeyChange>> byRevision = new TreeMap<>();
        for (WatchEvent event : events) {
            long revision = event.getKeyValue().getModRevision();
            if (revision <= delivered) {
                continue;
            }
            String key = event.getKeyValue().getKey().toString(StandardCharsets.UTF_8).substring(root.length());
            byte[] value = event.getEventType() == WatchEvent.EventType.DELETE
                    ? null : event.getKeyValue().getValue().getBytes();
            byRevision.computeIfAbsent(revision, r -> new ArrayList<>()).add(new KeyChange(key, value));
        }
        for (Map.Entry<Long, List<KeyChange>> entry : byRevision.entrySet()) {
            try {
                listener.changed(entry.getKey(), List.copyOf(entry.getValue()));
            } catch (RuntimeException e) {
                LOG.error("event=watch_listener_failed prefix={} revision={} error=\"{}\"", prefix, entry.getKey(),
                        e.toString(), e);
            }
            delivered = entry.getKey();
        }
    }

    /** The jetcd watch failed or ended (error null): replace it, after a resynchronization if it was compacted. */
    private void failed(int from, Throwable error) {
        if (closed || from != generation) {
            return;
        }
        generation++;
        stopWatcher();
        if (error instanceof CompactedException compacted) {
            LOG.info("event=watch_compacted prefix={} delivered={} compactedAt={}", prefix, delivered,
                    compacted.getCompactedRevision());
            resynchronize();
            return;
        }
        LOG.info("event=watch_reconnect prefix={} delivered={} error=\"{}\"", prefix, delivered,
                error == null ? "watch ended" : error.getMessage());
        retryLater(this::open);
    }

    private void resynchronize() {
        if (closed) {
            return;
        }
        long current;
        try {
            current = coordination.currentRevision();
        } catch (RuntimeException e) {
            retryLater(this::resynchronize);
            return;
        }
        try {
            listener.resynchronize(current);
        } catch (RuntimeException e) {
            LOG.error("event=watch_listener_failed prefix={} resynchronize={} error=\"{}\"", prefix, current,
                    e.toString(), e);
        }
        delivered = Math.max(delivered, current);
        retryMs = RETRY_MS;
        open();
    }

    private void retryLater(Runnable task) {
        long delay = retryMs;
        retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
        try {
            thread.schedule(task, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closed meanwhile.
        }
    }

    private void stopWatcher() {
        Watch.Watcher current = watcher;
        watcher = null;
        if (current != null) {
            try {
                current.close();
            } catch (RuntimeException e) {
                LOG.debug("event=watch_close_failed prefix={} error=\"{}\"", prefix, e.toString());
            }
        }
    }

    private void run(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            // Closed: nothing more is delivered.
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        run(this::stopWatcher);
        thread.shutdown();
        if (Thread.currentThread() == worker) {
            // Closed by the listener itself: the watch thread ends once this call returns.
            onClose.accept(this);
            return;
        }
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
        }
        onClose.accept(this);
    }
}
