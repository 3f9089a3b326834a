package dev.vectorvault.cluster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's in-memory mirrors (credentials, RBAC, catalog, collection owners) current: it watches everything
 * under {@code root-coord/}, reloads each mirror whose keys changed, in revision order, and then reports the
 * revision as applied. A mirror that cannot reload (etcd unreachable) leaves the node stale: it refuses calls until
 * the reload succeeds, rather than decide on old grants.
 */
final class MirrorSync implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorSync.class);
    static final String ROOT = "root-coord/";
    private static final long RETRY_MS = 200;

    /** Key prefix (relative to {@code root-coord/}) → what reloads the mirror of those keys. */
    private final Map<String, Runnable> mirrors = new LinkedHashMap<>();
    private final Coordination coordination;
    private final LongConsumer applied;
    private volatile boolean stale;
    private volatile boolean closed;
    private Coordination.Subscription watch;

    MirrorSync(Coordination coordination, LongConsumer applied) {
        this.coordination = coordination;
        this.applied = applied;
    }

    /** Registers a mirror before {@link #start}; {@code prefix} is relative to {@code root-coord/}. */
    void mirror(String prefix, Runnable reload) {
        mirrors.put(prefix, reload);
    }

    /** Follows every change after {@code afterRevision}, the revision the mirrors were loaded at (or later). */
    void start(long afterRevision) {
        applied.accept(afterRevision);
        watch = coordination.watch(ROOT, afterRevision, new Coordination.WatchListener() {
            @Override
            public void changed(long revision, List<Coordination.KeyChange> changes) {
                reloadUntilDone(MirrorSync.this.changed(changes));
                applied.accept(revision);
            }

            @Override
            public void resynchronize(long revision) {
                reloadUntilDone(mirrors.values().stream().distinct().toList());
                applied.accept(revision);
            }
        });
    }

    /** Reloads every mirror; the caller reports the revision it read at. */
    void reloadAll() {
        reloadUntilDone(mirrors.values().stream().distinct().toList());
    }

    boolean stale() {
        return stale;
    }

    private List<Runnable> changed(List<Coordination.KeyChange> changes) {
        return mirrors.entrySet().stream()
                .filter(e -> changes.stream().anyMatch(c -> c.key().startsWith(ROOT + e.getKey())))
                .map(Map.Entry::getValue).distinct().toList();
    }

    private void reloadUntilDone(List<Runnable> reloads) {
        for (Runnable reload : reloads) {
            while (!closed) {
                try {
                    reload.run();
                    break;
                } catch (RuntimeException e) {
                    if (!stale) {
                        LOG.warn("event=mirror_reload_failed error=\"{}\": refusing calls until reloaded",
                                e.getMessage());
                    }
                    stale = true;
                    try {
                        Thread.sleep(RETRY_MS);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
        if (stale && !closed) {
            LOG.info("event=mirror_reloaded: serving again");
        }
        stale = false;
    }

    @Override
    public void close() {
        closed = true;
        if (watch != null) {
            watch.close();
        }
    }
}
