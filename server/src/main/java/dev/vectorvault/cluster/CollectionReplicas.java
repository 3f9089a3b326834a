package dev.vectorvault.cluster;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.MetaStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

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

    private final MetaStore metadata;
    private final Membership membership;
    private final CollectionOwners owners;
    private final long selfId;
    private final Map<Long, ReplicaPlacement> placements = new ConcurrentHashMap<>();
    private final Set<Long> followed = ConcurrentHashMap.newKeySet();
    private final AtomicLong turn = new AtomicLong();
    private volatile Followers followers;

    CollectionReplicas(MetaStore metadata, Membership membership, CollectionOwners owners, long selfId) {
        this.metadata = metadata;
        this.membership = membership;
        this.owners = owners;
        this.selfId = selfId;
    }

    void followers(Followers followers) {
        this.followers = followers;
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
     * Places {@code replicaNumber} replicas of the collection (LoadCollection): the first on its owner (claimed now
     * when it has none), the others on other live nodes, those serving the fewest replicas first. A collection already
     * placed with as many replicas keeps its placement.
     *
     * @throws MilvusException {@code RESOURCE_GROUP_NODE_NOT_ENOUGH} when fewer nodes are live than replicas asked
     */
    public synchronized ReplicaPlacement place(long collectionId, int replicaNumber) {
        ReplicaPlacement current = placements.get(collectionId);
        if (current != null && current.replicas().size() == replicaNumber) {
            return current;
        }
        Map<Long, NodeSession> live = membership.liveNodes();
        if (replicaNumber > live.size()) {
            throw new MilvusException(ErrorCode.RESOURCE_GROUP_NODE_NOT_ENOUGH, "failed to load collection: resource"
                    + " group node not enough[rg=__default_resource_group][requested=" + replicaNumber + "][actual="
                    + live.size() + "]: " + replicaNumber + " replicas need as many live nodes");
        }
        long owner = owners.claim(collectionId);
        List<Long> others = new ArrayList<>(new TreeSet<>(live.keySet()));
        others.remove(owner);
        Map<Long, Integer> load = new java.util.HashMap<>();
        placements.values().forEach(p -> p.replicas().forEach(r -> load.merge(r.nodeId(), 1, Integer::sum)));
        others.sort(java.util.Comparator.comparingInt((Long n) -> load.getOrDefault(n, 0)).thenComparing(n -> n));
        List<ReplicaPlacement.Replica> replicas = new ArrayList<>();
        long base = System.currentTimeMillis() << 8;
        replicas.add(new ReplicaPlacement.Replica(base, owner));
        for (int i = 1; i < replicaNumber; i++) {
            replicas.add(new ReplicaPlacement.Replica(base + i, others.get(i - 1)));
        }
        ReplicaPlacement placement = new ReplicaPlacement(collectionId, replicas);
        metadata.put(PREFIX + collectionId, placement.encode());
        placements.put(collectionId, placement);
        refollow();
        return placement;
    }

    /** ReleaseCollection (or a drop): the placement goes, and followers drop their copies when they see it. */
    public synchronized void remove(long collectionId) {
        if (placements.remove(collectionId) != null || metadata.get(PREFIX + collectionId).isPresent()) {
            metadata.deleteTree(PREFIX + collectionId);
        }
        refollow();
    }

    /**
     * The nodes to try for a read of the collection, in order: this node when it serves a replica (it owns the
     * collection, or its copy is {@code ready}), then the other live replicas starting at the next in turn. Empty when
     * the collection has no placement (the owner serves it, as before).
     */
    public List<Reader> readers(long collectionId, java.util.function.LongPredicate ready) {
        ReplicaPlacement placement = placements.get(collectionId);
        if (placement == null || placement.replicas().size() < 2) {
            return List.of();
        }
        List<Reader> out = new ArrayList<>();
        boolean selfServes = placement.servedBy(selfId)
                && (owners.ownerOf(collectionId).map(o -> o == selfId).orElse(false) || ready.test(collectionId));
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
        return out;
    }

    /**
     * Moves the replicas of nodes whose session ended to live nodes that serve none of the collection's replicas yet
     * (the collection's current owner first, then the least loaded): the new node loads its copy from object storage
     * and the shards when it sees the record. One compare-and-set per collection, so nodes repairing at once cannot
     * both win; a replica stays on its dead node while no live node is spare. Runs on the node's background thread.
     */
    void repairDeadReplicas() {
        Map<Long, NodeSession> live = membership.liveNodes();
        for (ReplicaPlacement placement : List.copyOf(placements.values())) {
            if (placement.replicas().stream().allMatch(r -> live.containsKey(r.nodeId()))) {
                continue;
            }
            List<Long> spare = new ArrayList<>(new TreeSet<>(live.keySet()));
            placement.replicas().forEach(r -> spare.remove(r.nodeId()));
            Map<Long, Integer> load = new java.util.HashMap<>();
            placements.values().forEach(p -> p.replicas().forEach(r -> load.merge(r.nodeId(), 1, Integer::sum)));
            spare.sort(java.util.Comparator.comparingInt((Long n) -> load.getOrDefault(n, 0)).thenComparing(n -> n));
            Optional<Long> owner = owners.ownerOf(placement.collectionId()).filter(spare::contains);
            owner.ifPresent(o -> {
                spare.remove(o);
                spare.add(0, o);
            });
            if (placement.replicas().size() == 1) {
                // One replica is the owner's: it moves with the ownership (a takeover), to no other node.
                spare.retainAll(owner.map(List::of).orElse(List.of()));
            }
            List<ReplicaPlacement.Replica> moved = new ArrayList<>();
            boolean changed = false;
            for (ReplicaPlacement.Replica replica : placement.replicas()) {
                if (!live.containsKey(replica.nodeId()) && !spare.isEmpty()) {
                    moved.add(new ReplicaPlacement.Replica(replica.replicaId(), spare.remove(0)));
                    changed = true;
                } else {
                    moved.add(replica);
                }
            }
            if (!changed) {
                continue;
            }
            String key = PREFIX + placement.collectionId();
            Optional<byte[]> stored = metadata.get(key);
            if (stored.isEmpty()) {
                continue; // released meanwhile
            }
            ReplicaPlacement repaired = new ReplicaPlacement(placement.collectionId(), moved);
            if (metadata.replace(key, stored.get(), repaired.encode())) {
                org.slf4j.LoggerFactory.getLogger(CollectionReplicas.class).warn(
                        "event=replicas_moved collection={} from={} to={}: their nodes' sessions ended",
                        placement.collectionId(), placement.replicas(), moved);
            }
        }
    }

    /** Whether this node follows the collection now. */
    public boolean follows(long collectionId) {
        return followed.contains(collectionId);
    }
}
