package dev.vectorvault.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How replicas are put on nodes by resource group: each replica on a live node of its own group, never two on one
 * node, the owner serving the replica of its group; a group short of nodes refuses the load whole; a dead node's
 * replica moves within its group or waits there; TransferReplica re-places only the replicas that change group.
 */
class ReplicaNodesTest {
    private static final Map<String, List<Long>> GROUPS = Map.of("rg1", List.of(1L), "rg2", List.of(2L, 3L),
            "__default_resource_group", List.of());

    @Test
    void eachReplicaGoesToANodeOfItsGroupAndTheOwnerServesTheReplicaOfItsGroup() {
        ReplicaNodes nodes = new ReplicaNodes(GROUPS, Optional.of(3L), Map.of());
        List<ReplicaPlacement.Replica> placed = nodes.place(100, List.of("rg1", "rg2"));
        assertThat(placed).containsExactly(new ReplicaPlacement.Replica(100, 1, "rg1"),
                new ReplicaPlacement.Replica(101, 3, "rg2"));
    }

    @Test
    void anOwnerOutsideEveryGroupServesNoReplicaAndTheLeastLoadedNodeGoesFirst() {
        ReplicaNodes nodes = new ReplicaNodes(GROUPS, Optional.of(9L), Map.of(2L, 4, 3L, 1));
        assertThat(nodes.place(1, List.of("rg2"))).containsExactly(new ReplicaPlacement.Replica(1, 3, "rg2"));
    }

    @Test
    void aGroupWithTooFewNodesRefusesTheLoadWithMilvusError() {
        ReplicaNodes nodes = new ReplicaNodes(GROUPS, Optional.empty(), Map.of());
        assertThatThrownBy(() -> nodes.place(1, List.of("rg2", "rg1", "rg1")))
                .isInstanceOfSatisfying(MilvusException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(ErrorCode.RESOURCE_GROUP_NODE_NOT_ENOUGH))
                .hasMessageContaining("resource group node not enough[rg=rg1][requested=2][actual=1]");
    }

    @Test
    void aDeadNodesReplicaMovesWithinItsGroupOrWaitsThere() {
        ReplicaNodes nodes = new ReplicaNodes(Map.of("rg1", List.of(1L), "rg2", List.of(3L)), Optional.empty(),
                Map.of());
        List<ReplicaPlacement.Replica> current = List.of(new ReplicaPlacement.Replica(10, 1, "rg1"),
                new ReplicaPlacement.Replica(11, 2, "rg2"));
        assertThat(nodes.repair(current, Set.of(1L, 3L))).containsExactly(current.get(0),
                new ReplicaPlacement.Replica(11, 3, "rg2"));

        ReplicaNodes emptied = new ReplicaNodes(Map.of("rg1", List.of(1L), "rg2", List.of()), Optional.empty(),
                Map.of());
        assertThat(emptied.repair(current, Set.of(1L))).as("no node left in rg2: the replica waits")
                .isSameAs(current);
    }

    @Test
    void aLiveNodeThatLeftTheGroupKeepsServingUntilTheGroupHasASpareNode() {
        List<ReplicaPlacement.Replica> current = List.of(new ReplicaPlacement.Replica(10, 2, "rg1"));
        ReplicaNodes noSpare = new ReplicaNodes(Map.of("rg1", List.of(), "rg2", List.of(2L)), Optional.empty(),
                Map.of());
        assertThat(noSpare.repair(current, Set.of(2L))).isSameAs(current);
        ReplicaNodes spare = new ReplicaNodes(Map.of("rg1", List.of(4L), "rg2", List.of(2L)), Optional.empty(),
                Map.of());
        assertThat(spare.repair(current, Set.of(2L, 4L))).containsExactly(new ReplicaPlacement.Replica(10, 4, "rg1"));
    }

    @Test
    void transferReplacesOnlyTheReplicasThatChangeGroupAndRefusesWhatTheTargetCannotHold() {
        ReplicaNodes nodes = new ReplicaNodes(GROUPS, Optional.empty(), Map.of());
        List<ReplicaPlacement.Replica> current = List.of(new ReplicaPlacement.Replica(10, 1, "rg1"),
                new ReplicaPlacement.Replica(11, 2, "rg2"));
        assertThat(nodes.regroup(current, Map.of(10L, "rg2"))).containsExactly(
                new ReplicaPlacement.Replica(10, 3, "rg2"), current.get(1));
        List<ReplicaPlacement.Replica> both = List.of(new ReplicaPlacement.Replica(10, 3, "rg2"),
                new ReplicaPlacement.Replica(11, 2, "rg2"));
        assertThatThrownBy(() -> nodes.regroup(both, Map.of(10L, "rg1", 11L, "rg1")))
                .isInstanceOfSatisfying(MilvusException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(ErrorCode.RESOURCE_GROUP_NODE_NOT_ENOUGH));
    }

    /** Random groups, loads, deaths and transfers: no replica ever sits outside its group or shares a node. */
    @Test
    void randomPlacementsKeepEveryReplicaInItsGroupOnItsOwnNode() {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("ReplicaNodesTest seed " + seed + " (-Dtests.seed=" + seed + " repeats it)");
        Random random = new Random(seed);
        for (int round = 0; round < 500; round++) {
            Map<String, List<Long>> members = new HashMap<>();
            List<String> names = List.of("a", "b", "c");
            names.forEach(n -> members.put(n, new ArrayList<>()));
            Set<Long> live = new HashSet<>();
            for (long node = 1; node <= 1 + random.nextInt(8); node++) {
                members.get(names.get(random.nextInt(3))).add(node);
                live.add(node);
            }
            List<String> groups = new ArrayList<>();
            for (int i = 0; i < 1 + random.nextInt(4); i++) {
                groups.add(names.get(random.nextInt(3)));
            }
            Optional<Long> owner = random.nextBoolean() ? Optional.of(1L + random.nextInt(9)) : Optional.empty();
            ReplicaNodes nodes = new ReplicaNodes(members, owner, Map.of());
            boolean fits = groups.stream().allMatch(g -> groups.stream().filter(g::equals).count()
                    <= members.get(g).size());
            if (!fits) {
                assertThatThrownBy(() -> nodes.place(0, groups)).as("seed %d", seed)
                        .isInstanceOf(MilvusException.class);
                continue;
            }
            List<ReplicaPlacement.Replica> placed = nodes.place(0, groups);
            assertValid(placed, members, live, seed);

            long dead = 1 + random.nextInt(9);
            live.remove(dead);
            members.values().forEach(m -> m.remove(dead));
            List<ReplicaPlacement.Replica> repaired = new ReplicaNodes(members, owner, Map.of()).repair(placed, live);
            List<ReplicaPlacement.Replica> serving = repaired.stream().filter(r -> live.contains(r.nodeId())).toList();
            assertValid(serving, members, live, seed);
            for (ReplicaPlacement.Replica r : repaired) {
                boolean groupHasSpare = members.get(r.resourceGroup()).stream()
                        .anyMatch(n -> repaired.stream().noneMatch(o -> o.nodeId() == n));
                assertThat(live.contains(r.nodeId()) || !groupHasSpare).as("seed %d: %s left waiting", seed, r)
                        .isTrue();
            }
        }
    }

    private static void assertValid(List<ReplicaPlacement.Replica> replicas, Map<String, List<Long>> members,
                                    Set<Long> live, long seed) {
        Set<Long> used = new HashSet<>();
        for (ReplicaPlacement.Replica r : replicas) {
            assertThat(members.get(r.resourceGroup())).as("seed %d: %s in its group", seed, r).contains(r.nodeId());
            assertThat(live).contains(r.nodeId());
            assertThat(used.add(r.nodeId())).as("seed %d: %s shares a node", seed, r).isTrue();
        }
    }
}
