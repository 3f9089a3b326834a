package dev.vectorvault.cluster;

import dev.vectorvault.storage.MetaStore;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which node owns each collection's data, from {@code root-coord/cluster/collection-owner/<collectionId>} (a node id,
 * not under a lease: the data stays on that node's disk when it is down). The first node that needs a collection's
 * data and finds no owner claims it with a create-if-absent, so two nodes never both own one.
 */
final class CollectionOwners implements CollectionPlacement {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CollectionOwners.class);
    static final String PREFIX = "cluster/collection-owner/";

    /** What this node does when it takes a collection over or loses it (set only when data can move). */
    interface Handover {
        /** Opens the collection here from shared storage; a failure leaves it to be opened at the next call. */
        void takenOver(long collectionId);

        /** Another node owns the collection now: forget it here. */
        void lost(long collectionId);
    }

    private final Coordination coordination;
    private final MetaStore metadata;
    private final Membership membership;
    private final long selfId;
    private final Map<Long, Long> owners = new ConcurrentHashMap<>();
    /** Collections taken over whose opening failed: opened again at their next call. */
    private final java.util.Set<Long> unopened = ConcurrentHashMap.newKeySet();
    private volatile Handover handover;

    CollectionOwners(Coordination coordination, MetaStore metadata, Membership membership, long selfId) {
        this.coordination = coordination;
        this.metadata = metadata;
        this.membership = membership;
        this.selfId = selfId;
    }

    /** Lets this node take over collections whose owner's session ended (their data must be in shared storage). */
    void handover(Handover handover) {
        this.handover = handover;
    }

    /** Re-reads every owner record (mirror reload). */
    void reload() {
        Map<Long, Long> read = new ConcurrentHashMap<>();
        metadata.scan(PREFIX).forEach((key, value) -> parse(value).ifPresent(owner -> {
            try {
                read.put(Long.parseLong(key.substring(PREFIX.length())), owner);
            } catch (NumberFormatException ignored) {
                // not an owner record of ours
            }
        }));
        Handover h = handover;
        if (h != null) {
            owners.forEach((collectionId, owner) -> {
                Long now = read.get(collectionId);
                if (owner == selfId && now != null && now != selfId) {
                    LOG.warn("event=collection_lost collection={} newOwner={}: another node took it over",
                            collectionId, now);
                    h.lost(collectionId);
                }
            });
        }
        owners.keySet().retainAll(read.keySet());
        owners.putAll(read);
    }

    /** The collections whose owner record names this node, read from the metadata now (not the mirror). */
    java.util.Set<Long> ownedHere() {
        java.util.Set<Long> owned = new java.util.HashSet<>();
        metadata.scan(PREFIX).forEach((key, value) -> parse(value).filter(owner -> owner == selfId).ifPresent(o -> {
            try {
                owned.add(Long.parseLong(key.substring(PREFIX.length())));
            } catch (NumberFormatException ignored) {
                // not an owner record of ours
            }
        }));
        return owned;
    }

    /** The owner the mirror knows of, if any. */
    Optional<Long> ownerOf(long collectionId) {
        return Optional.ofNullable(owners.get(collectionId));
    }

    /** The collection's owner, claimed by this node now when it has none (LoadCollection placing replicas). */
    long claim(long collectionId) {
        Placement placement = placementOf(collectionId);
        return placement.kind() == Placement.Kind.LOCAL ? selfId : placement.ownerNodeId();
    }

    @Override
    public Placement placementOf(long collectionId) {
        Long owner = owners.get(collectionId);
        if (owner == null) {
            String key = PREFIX + collectionId;
            metadata.putIfAbsent(key, Long.toString(selfId).getBytes(StandardCharsets.US_ASCII));
            owner = metadata.get(key).flatMap(CollectionOwners::parse).orElse(selfId);
            owners.put(collectionId, owner);
        }
        if (owner == selfId) {
            if (unopened.contains(collectionId)) {
                open(collectionId);
            }
            return Placement.LOCAL;
        }
        long ownerId = owner;
        Optional<Placement> remote = membership.session(ownerId)
                .map(s -> new Placement(Placement.Kind.REMOTE, ownerId, s.internalAddress()));
        if (remote.isPresent()) {
            return remote.get();
        }
        if (handover != null) {
            return takeOver(collectionId, ownerId);
        }
        return new Placement(Placement.Kind.OWNER_NOT_LIVE, ownerId, "");
    }

    /**
     * The owner's session is gone (its lease ran out): claims the collection in one etcd transaction that moves the
     * owner record from the dead node to this one only while the dead node's session key is absent, so two
     * survivors cannot both win and a node that came back keeps what it owns. The winner opens the collection from
     * shared storage before serving it; a loser follows the winner.
     */
    private synchronized Placement takeOver(long collectionId, long deadOwner) {
        Long known = owners.get(collectionId);
        if (known != null && known != deadOwner) {
            return placementOf(collectionId); // decided meanwhile
        }
        String key = PREFIX + collectionId;
        boolean won = coordination.replaceWhileAbsent(MirrorSync.ROOT + key, ascii(deadOwner), ascii(selfId),
                NodeSession.key(deadOwner));
        if (won) {
            LOG.warn("event=collection_taken_over collection={} formerOwner={} node={}", collectionId, deadOwner,
                    selfId);
            owners.put(collectionId, selfId);
            unopened.add(collectionId);
            open(collectionId);
            return Placement.LOCAL;
        }
        Long now = metadata.get(key).flatMap(CollectionOwners::parse).orElse(deadOwner);
        owners.put(collectionId, now);
        if (now == selfId) {
            return Placement.LOCAL;
        }
        long ownerId = now;
        return membership.session(ownerId)
                .map(s -> new Placement(Placement.Kind.REMOTE, ownerId, s.internalAddress()))
                .orElse(new Placement(Placement.Kind.OWNER_NOT_LIVE, ownerId, ""));
    }

    private synchronized void open(long collectionId) {
        if (unopened.contains(collectionId)) {
            handover.takenOver(collectionId);
            unopened.remove(collectionId);
        }
    }

    private static byte[] ascii(long nodeId) {
        return Long.toString(nodeId).getBytes(StandardCharsets.US_ASCII);
    }

    private static Optional<Long> parse(byte[] value) {
        try {
            return Optional.of(Long.parseLong(new String(value, StandardCharsets.US_ASCII).trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
