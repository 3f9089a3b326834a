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
    static final String PREFIX = "cluster/collection-owner/";

    private final MetaStore metadata;
    private final Membership membership;
    private final long selfId;
    private final Map<Long, Long> owners = new ConcurrentHashMap<>();

    CollectionOwners(MetaStore metadata, Membership membership, long selfId) {
        this.metadata = metadata;
        this.membership = membership;
        this.selfId = selfId;
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
            return Placement.LOCAL;
        }
        long ownerId = owner;
        return membership.session(ownerId)
                .map(s -> new Placement(Placement.Kind.REMOTE, ownerId, s.internalAddress()))
                .orElse(new Placement(Placement.Kind.OWNER_NOT_LIVE, ownerId, ""));
    }

    private static Optional<Long> parse(byte[] value) {
        try {
            return Optional.of(Long.parseLong(new String(value, StandardCharsets.US_ASCII).trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
