package dev.vectorvault.cluster;

import dev.vectorvault.resourcegroup.ResourceGroups;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the node of each replica of a collection, as Milvus's query coordinator does with resource groups: a
 * replica's node is a live node of the replica's own group, two replicas of one collection never share a node, the
 * collection's owner serves the replica of its group (it has the data open already), and otherwise the node serving
 * the fewest replicas of all collections goes first (ties by id). A pure function of what it is given, so every
 * node computes the same choice.
 *
 * @param members the live nodes of each resource group now (a node belongs to one group)
 * @param owner   the node that owns (writes) the collection, if known
 * @param load    how many replicas of all collections each node serves now
 */
record ReplicaNodes(Map<String, List<Long>> members, Optional<Long> owner, Map<Long, Integer> load) {

    /**
     * The replicas of a collection being loaded, replica {@code i} in {@code groups.get(i)} with id
     * {@code firstId + i}.
     *
     * @throws dev.vectorvault.common.MilvusException RESOURCE_GROUP_NODE_NOT_ENOUGH naming a group with fewer live
     *                                                nodes than replicas asked of it
     */
    List<ReplicaPlacement.Replica> place(long firstId, List<String> groups) {
        Long[] chosen = new Long[groups.size()];
        Set<Long> taken = new HashSet<>();
        owner.ifPresent(o -> {
            for (int i = 0; i < groups.size(); i++) {
                if (nodesOf(groups.get(i)).contains(o)) {
                    chosen[i] = o;
                    taken.add(o);
                    return;
                }
            }
        });
        for (int i = 0; i < groups.size(); i++) {
            String group = groups.get(i);
            if (chosen[i] == null) {
                chosen[i] = spare(group, taken).orElseThrow(() -> notEnough(groups, group));
                taken.add(chosen[i]);
            }
        }
        List<ReplicaPlacement.Replica> replicas = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            replicas.add(new ReplicaPlacement.Replica(firstId + i, chosen[i], groups.get(i)));
        }
        return replicas;
    }

    /**
     * The replicas with every replica whose node is dead, or live but no longer in the replica's group, moved to a
     * spare live node of its group. A replica with no spare node in its group stays where it is: on a dead node it is
     * degraded (nothing serves it until its group gets a node), on a live node of another group it keeps serving as
     * Milvus's outbound node does. Returns {@code current} itself when nothing moves.
     */
    List<ReplicaPlacement.Replica> repair(List<ReplicaPlacement.Replica> current, Set<Long> live) {
        Set<Long> taken = new HashSet<>();
        current.forEach(r -> taken.add(r.nodeId()));
        List<ReplicaPlacement.Replica> out = new ArrayList<>();
        boolean moved = false;
        for (ReplicaPlacement.Replica replica : current) {
            if (live.contains(replica.nodeId()) && nodesOf(replica.resourceGroup()).contains(replica.nodeId())) {
                out.add(replica);
                continue;
            }
            Optional<Long> spare = spare(replica.resourceGroup(), taken);
            if (spare.isEmpty()) {
                out.add(replica);
                continue;
            }
            taken.remove(replica.nodeId());
            taken.add(spare.get());
            out.add(replica.on(spare.get()));
            moved = true;
        }
        return moved ? out : current;
    }

    /**
     * TransferReplica: the replicas with each replica named in {@code groups} in that group, those whose group
     * changes on a spare live node of their new group (the others stay where they are).
     *
     * @throws dev.vectorvault.common.MilvusException RESOURCE_GROUP_NODE_NOT_ENOUGH when a target group has too few
     *                                                spare nodes; nothing is chosen then
     */
    List<ReplicaPlacement.Replica> regroup(List<ReplicaPlacement.Replica> current, Map<Long, String> groups) {
        Set<Long> taken = new HashSet<>();
        List<String> wanted = new ArrayList<>();
        for (ReplicaPlacement.Replica replica : current) {
            String group = groups.getOrDefault(replica.replicaId(), replica.resourceGroup());
            wanted.add(group);
            if (group.equals(replica.resourceGroup())) {
                taken.add(replica.nodeId());
            }
        }
        List<ReplicaPlacement.Replica> out = new ArrayList<>();
        for (int i = 0; i < current.size(); i++) {
            ReplicaPlacement.Replica replica = current.get(i);
            String group = wanted.get(i);
            if (group.equals(replica.resourceGroup())) {
                out.add(replica);
                continue;
            }
            long node = spare(group, taken).orElseThrow(() -> notEnough(wanted, group));
            taken.add(node);
            out.add(new ReplicaPlacement.Replica(replica.replicaId(), node, group));
        }
        return out;
    }

    private List<Long> nodesOf(String group) {
        return members.getOrDefault(group, List.of());
    }

    /** The live node of the group to serve one more replica: the owner, else the least loaded; none taken. */
    private Optional<Long> spare(String group, Set<Long> taken) {
        List<Long> candidates = new ArrayList<>(nodesOf(group));
        candidates.removeAll(taken);
        if (owner.isPresent() && candidates.contains(owner.get())) {
            return owner;
        }
        return candidates.stream().min(Comparator.comparingInt((Long n) -> load.getOrDefault(n, 0))
                .thenComparing(Comparator.naturalOrder()));
    }

    private RuntimeException notEnough(List<String> groups, String group) {
        int requested = (int) groups.stream().filter(group::equals).count();
        return ResourceGroups.notEnoughNodesToLoad(group, requested, nodesOf(group).size(), "resource group " + group
                + " holds " + nodesOf(group).size() + " live node(s) for " + requested + " replica(s)");
    }
}
