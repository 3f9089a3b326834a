package dev.vectorvault.cluster;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.resourcegroup.ResourceGroups;
import dev.vectorvault.storage.MetaStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The replica placement of every loaded collection ({@link ReplicaPlacement} records under
 * {@code root-coord/cluster/collection-replicas/}), mirrored from etcd, and the read routing it implies: a search or
 * query goes to one replica (this node when it serves one, else the live replicas in turn), and to the next one when
 * the chosen node cannot answer. This node follows (keeps a read-only copy of) each collection for which it is a
 * replica but not the owner; {@link Followers} is told when that set changes.
 */
public final class CollectionReplicas {
    static final String PREFIX = "cluster/collection-replicas/";

    /** What this node does when it becomes or stops being a follower of a collection. */
    public interface Followers {
        void follow(long collectionId);

        void unfollow(long collectionId);
    }

    /** One node that can answer a read, and where other nodes reach it ({@code host:port}; empty for this node). */
    public record Reader(long nodeId, String internalAddress, boolean local) {}

    /** The live nodes of each resource group now (the resource-group registry computes it from etcd). */
    public interface GroupMembership {
        Map<String, List<Long>> liveNodesByGroup();
    }

    private final MetaStore metadata;
    private final Membership membership;
    private final CollectionOwners owners;
    private final long selfId;
    private final Map<Long, ReplicaPlacement> placements = new ConcurrentHashMap<>();
    private final Set<Long> followed = ConcurrentHashMap.newKeySet();
    private final AtomicLong turn = new AtomicLong();
    private volatile Followers followers;
    private volatile GroupMembership groups;

    CollectionReplicas(MetaStore metadata, Membership membership, CollectionOwners owners, long selfId) {
        this.metadata = metadata;
        this.membership = membership;
        this.owners = owners;
        this.selfId = selfId;
    }

    void followers(Followers followers) {
        this.followers = followers;
    }

    /** Where replicas may go; until it is set every live node is in the default group. */
    public void groupMembership(GroupMembership groups) {
        this.groups = groups;
    }

    /** Re-reads every placement record (mirror reload) and starts or stops following accordingly. */
    synchronized void reload() {
        Map<Long, ReplicaPlacement> read = new ConcurrentHashMap<>();
        metadata.scan(PREFIX).forEach((key, value) -> {
            try {
                long id = Long.parseLong(key.substring(PREFIX.length()));
                read.put(id, ReplicaPlacement.decode(value));
            } catch (NumberFormatException | MilvusException ignored) {
                // not a placement record this server reads: the collection counts as having none
            }
        });
        placements.keySet().retainAll(read.keySet());
        placements.putAll(read);
        refollow();
    }

    /** Follows what this node serves and does not own; stops following the rest (ownership changes call this too). */
    synchronized void refollow() {
        Followers f = followers;
        if (f == null) {
            return;
        }
        Set<Long> wanted = new HashSet<>();
        placements.forEach((id, placement) -> {
            if (placement.servedBy(selfId) && owners.ownerOf(id).map(o -> o != selfId).orElse(true)) {
                wanted.add(id);
            }
        });
        for (long id : new ArrayList<>(followed)) {
            if (!wanted.contains(id)) {
                followed.remove(id);
                f.unfollow(id);
            }
        }
        for (long id : wanted) {
            if (followed.add(id)) {
                f.follow(id);
            }
        }
    }

    public Optional<ReplicaPlacement> placement(long collectionId) {
        return Optional.ofNullable(placements.get(collectionId));
    }

    /**
     * Places the replicas of the collection (LoadCollection), replica {@code i} on a live node of
     * {@code replicaGroups.get(i)} ({@link ReplicaNodes}): the owner (claimed now when it has none) serves the replica
     * of its group, if it is in one. A collection already placed in the same groups keeps its placement. The records
     * {@code alongside} makes of the new placement (the resource groups' record of each replica's group) are written
     * in the same transaction, so no crash leaves one without the other.
     *
     * @throws MilvusException {@code RESOURCE_GROUP_NODE_NOT_ENOUGH} when a group holds fewer live nodes than the
     *                         replicas asked of it; nothing is written then
     */
    public synchronized ReplicaPlacement place(long collectionId, List<String> replicaGroups,
                                               Function<ReplicaPlacement, SortedMap<String, byte[]>> alongside) {
        ReplicaPlacement current = placements.get(collectionId);
        if (current != null && current.replicas().stream().map(ReplicaPlacement.Replica::resourceGroup).toList()
                .equals(replicaGroups)) {
            return current;
        }
        long owner = owners.claim(collectionId);
        List<ReplicaPlacement.Replica> replicas = nodes(Optional.of(owner))
                .place(System.currentTimeMillis() << 8, replicaGroups);
        ReplicaPlacement placement = new ReplicaPlacement(collectionId, replicas);
        metadata.putAll(records(placement, alongside));
        placements.put(collectionId, placement);
        refollow();
        return placement;
    }

    /**
     * TransferReplica: each replica named in {@code replicaGroups} moves to that group, onto a spare live node of it;
     * one compare-and-set against a concurrent repair, carrying the records {@code alongside} makes of the result.
     *
     * @throws MilvusException {@code RESOURCE_GROUP_NODE_NOT_ENOUGH} when a target group has too few spare nodes;
     *                         COLLECTION_NOT_LOADED when the collection has no placement
     */
    public synchronized ReplicaPlacement regroup(long collectionId, Map<Long, String> replicaGroups,
                                                 Function<ReplicaPlacement, SortedMap<String, byte[]>> alongside) {
        String key = PREFIX + collectionId;
        for (int attempt = 0; ; attempt++) {
            byte[] stored = metadata.get(key).orElseThrow(() -> new MilvusException(ErrorCode.COLLECTION_NOT_LOADED,
                    "collection not loaded[collection=" + collectionId + "]"));
            ReplicaPlacement current = ReplicaPlacement.decode(stored);
            ReplicaPlacement moved = new ReplicaPlacement(collectionId,
                    nodes(owners.ownerOf(collectionId)).regroup(current.replicas(), replicaGroups));
            if (metadata.putAllWhile(key, stored, records(moved, alongside))) {
                placements.put(collectionId, moved);
                refollow();
                return moved;
            }
            if (attempt == 2) {
                throw new MilvusException(ErrorCode.UNEXPECTED, "the replicas of collection " + collectionId
                        + " kept changing while they were being transferred; retry");
            }
        }
    }

    /** The node chooser for the cluster as it is now. */
    private ReplicaNodes nodes(Optional<Long> owner) {
        GroupMembership g = groups;
        Map<String, List<Long>> members = g != null ? g.liveNodesByGroup()
                : Map.of(ResourceGroups.DEFAULT_GROUP, List.copyOf(new TreeSet<>(membership.liveNodes().keySet())));
        Map<Long, Integer> load = new HashMap<>();
        placements.values().forEach(p -> p.replicas().forEach(r -> load.merge(r.nodeId(), 1, Integer::sum)));
        return new ReplicaNodes(members, owner, load);
    }

    /**
     * ReleaseCollection (or a drop): the placement goes, with the keys {@code alongside} in the same transaction, and
     * followers drop their copies when they see it.
     */
    public synchronized void remove(long collectionId, Set<String> alongside) {
        SortedSet<String> keys = new TreeSet<>(alongside);
        keys.add(PREFIX + collectionId);
        metadata.deleteAll(keys);
        placements.remove(collectionId);
        refollow();
    }

    private static SortedMap<String, byte[]> records(ReplicaPlacement placement,
                                                     Function<ReplicaPlacement, SortedMap<String, byte[]>> alongside) {
        SortedMap<String, byte[]> records = new TreeMap<>(alongside.apply(placement));
        records.put(PREFIX + placement.collectionId(), placement.encode());
        return records;
    }

    /**
     * The nodes to try for a read of the collection, in order: this node when it serves a replica (it owns the
     * collection, or its copy is {@code ready}), then the other live replicas starting at the next in turn, then the
     * owner when it serves no replica. Empty when the collection has no placement or its one replica is the owner's
     * (the owner serves it, as before).
     */
    public List<Reader> readers(long collectionId, java.util.function.LongPredicate ready) {
        ReplicaPlacement placement = placements.get(collectionId);
        if (placement == null) {
            return List.of();
        }
        Optional<Long> owner = owners.ownerOf(collectionId);
        if (placement.replicas().size() < 2 && owner.map(placement::servedBy).orElse(false)) {
            return List.of(); // the owner serves the one replica
        }
        List<Reader> out = new ArrayList<>();
        boolean selfServes = placement.servedBy(selfId)
                && (owner.map(o -> o == selfId).orElse(false) || ready.test(collectionId));
        if (selfServes) {
            out.add(new Reader(selfId, "", true));
        }
        List<ReplicaPlacement.Replica> replicas = placement.replicas();
        int start = (int) Math.floorMod(turn.getAndIncrement(), (long) replicas.size());
        for (int i = 0; i < replicas.size(); i++) {
            long nodeId = replicas.get((start + i) % replicas.size()).nodeId();
            if (nodeId == selfId) {
                continue;
            }
            membership.session(nodeId).ifPresent(s -> out.add(new Reader(nodeId, s.internalAddress(), false)));
        }
        // An owner outside every replica's group only writes; it answers last, while no replica can (a copy still
        // loading, or a group left without live nodes), rather than failing the read.
        owner.filter(o -> !placement.servedBy(o)).ifPresent(o -> {
            if (o == selfId) {
                out.add(new Reader(selfId, "", true));
            } else {
                membership.session(o).ifPresent(s -> out.add(new Reader(o, s.internalAddress(), false)));
            }
        });
        return out;
    }

    /**
     * Moves the replicas of nodes whose session ended, or that left the replica's resource group, to spare live nodes
     * of the replica's group ({@link ReplicaNodes#repair}; the collection's owner first, then the least loaded): the
     * new node loads its copy from object storage and the shards when it sees the record. One compare-and-set per
     * collection, so nodes repairing at once cannot both win; a replica stays where it is while its group has no
     * spare node. Runs on the node's background thread.
     */
    void repairDeadReplicas() {
        Set<Long> live = membership.liveNodes().keySet();
        for (ReplicaPlacement placement : List.copyOf(placements.values())) {
            Optional<Long> owner = owners.ownerOf(placement.collectionId());
            if (placement.replicas().size() == 1 && owner.filter(o -> !live.contains(o))
                    .map(placement::servedBy).orElse(false)) {
                // The dead owner's one replica waits for the takeover (the next call on the collection), so that
                // the new owner serves it when it is in the replica's group rather than building a copy elsewhere.
                continue;
            }
            List<ReplicaPlacement.Replica> moved = nodes(owner).repair(placement.replicas(), live);
            if (moved == placement.replicas()) {
                continue;
            }
            String key = PREFIX + placement.collectionId();
            Optional<byte[]> stored = metadata.get(key);
            if (stored.isEmpty() || !ReplicaPlacement.decode(stored.get()).equals(placement)) {
                continue; // released or changed meanwhile: the mirror brings the new record, repaired next time
            }
            ReplicaPlacement repaired = new ReplicaPlacement(placement.collectionId(), moved);
            if (metadata.replace(key, stored.get(), repaired.encode())) {
                org.slf4j.LoggerFactory.getLogger(CollectionReplicas.class).warn(
                        "event=replicas_moved collection={} from={} to={}: their nodes ended or left their groups",
                        placement.collectionId(), placement.replicas(), moved);
            }
        }
    }

    /** Whether this node follows the collection now. */
    public boolean follows(long collectionId) {
        return followed.contains(collectionId);
    }
}
