package dev.vectorvault.cluster;

import dev.vectorvault.storage.MetaStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which nodes are live (their session keys, which end with their leases) and which metadata revision each has
 * applied (its {@code vectorvault/applied/<id>} key), kept current by a watch. Waiters block on {@link #monitor()},
 * which is notified after every change.
 */
final class Membership implements AutoCloseable {
    static final String APPLIED_PREFIX = "vectorvault/applied/";

    private final Map<Long, NodeSession> sessions = new ConcurrentHashMap<>();
    private final Map<Long, Long> applied = new ConcurrentHashMap<>();
    private final Object monitor = new Object();
    private final Coordination coordination;
    private Coordination.Subscription sessionWatch;
    private Coordination.Subscription appliedWatch;

    Membership(Coordination coordination) {
        this.coordination = coordination;
    }

    /** Reads both key ranges, then follows them from the revision read before, so no change is missed. */
    void start() {
        MetaStore root = coordination.keys("");
        root.get(NodeSession.PREFIX);
        long from = coordination.revision();
        root.scan(NodeSession.PREFIX).forEach((key, value) -> applySession(key, value));
        root.scan(APPLIED_PREFIX).forEach((key, value) -> applyAck(key, value));
        Coordination.WatchListener listener = new Coordination.WatchListener() {
            @Override
            public void changed(long revision, List<Coordination.KeyChange> changes) {
                for (Coordination.KeyChange change : changes) {
                    if (change.key().startsWith(NodeSession.PREFIX)) {
                        applySession(change.key(), change.value());
                    } else {
                        applyAck(change.key(), change.value());
                    }
                }
                signal();
            }

            @Override
            public void resynchronize(long revision) {
                sessions.clear();
                applied.clear();
                root.scan(NodeSession.PREFIX).forEach((key, value) -> applySession(key, value));
                root.scan(APPLIED_PREFIX).forEach((key, value) -> applyAck(key, value));
                signal();
            }
        };
        sessionWatch = coordination.watch(NodeSession.PREFIX, from, listener);
        appliedWatch = coordination.watch(APPLIED_PREFIX, from, listener);
    }

    Map<Long, NodeSession> liveNodes() {
        return Map.copyOf(sessions);
    }

    Optional<NodeSession> session(long nodeId) {
        return Optional.ofNullable(sessions.get(nodeId));
    }

    /** The newest revision the node has reported applied, 0 when none (or its lease ended). */
    long applied(long nodeId) {
        return applied.getOrDefault(nodeId, 0L);
    }

    Object monitor() {
        return monitor;
    }

    private void signal() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    private void applySession(String key, byte[] value) {
        Optional<Long> id = idAfter(key, NodeSession.PREFIX);
        if (id.isEmpty()) {
            return;
        }
        Optional<NodeSession> session = value == null ? Optional.empty() : NodeSession.parse(value);
        if (session.isPresent()) {
            sessions.put(id.get(), session.get());
        } else {
            sessions.remove(id.get());
        }
    }

    private void applyAck(String key, byte[] value) {
        Optional<Long> id = idAfter(key, APPLIED_PREFIX);
        if (id.isEmpty()) {
            return;
        }
        if (value == null) {
            applied.remove(id.get());
            return;
        }
        try {
            long revision = Long.parseLong(new String(value, StandardCharsets.US_ASCII).trim());
            applied.merge(id.get(), revision, Math::max);
        } catch (NumberFormatException e) {
            applied.remove(id.get());
        }
    }

    private static Optional<Long> idAfter(String key, String prefix) {
        if (!key.startsWith(prefix)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(key.substring(prefix.length())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        if (sessionWatch != null) {
            sessionWatch.close();
        }
        if (appliedWatch != null) {
            appliedWatch.close();
        }
    }
}
