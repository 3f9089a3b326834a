package dev.vectorvault.resourcegroup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Node membership: groups are filled up to their requests (the one missing most first), the rest go to the group
 * furthest below its limit (the default group unless its limit was lowered), every live node in exactly one group,
 * the same answer whatever order the nodes are listed in.
 */
class NodeAssignmentTest {
    private static final String DEFAULT = ResourceGroups.DEFAULT_GROUP;

    private static List<QueryNode> nodes(int count) {
        List<QueryNode> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            out.add(new QueryNode(i, "h" + i + ":19530", "h" + i));
        }
        return out;
    }

    private static Map<String, ResourceGroupConfig> groups(Object... nameRequestsLimits) {
        Map<String, ResourceGroupConfig> out = new TreeMap<>();
        out.put(DEFAULT, ResourceGroupConfig.of(0, ResourceGroupConfig.DEFAULT_GROUP_CAPACITY));
        for (int i = 0; i < nameRequestsLimits.length; i += 3) {
            out.put((String) nameRequestsLimits[i], ResourceGroupConfig.of((Integer) nameRequestsLimits[i + 1],
                    (Integer) nameRequestsLimits[i + 2]));
        }
        return out;
    }

    private static Map<String, Integer> sizes(Map<String, List<QueryNode>> members) {
        Map<String, Integer> out = new TreeMap<>();
        members.forEach((g, n) -> out.put(g, n.size()));
        return out;
    }

    @Test
    void requestsAreFilledFirstAndTheDefaultGroupKeepsTheRest() {
        Map<String, List<QueryNode>> members = NodeAssignment.assign(groups("a", 2, 3, "b", 1, 1), nodes(5));
        assertThat(sizes(members)).containsExactlyInAnyOrderEntriesOf(Map.of(DEFAULT, 2, "a", 2, "b", 1));
    }

    @Test
    void theGroupMissingMostIsServedFirstWhenNodesAreShort() {
        Map<String, List<QueryNode>> members = NodeAssignment.assign(groups("a", 1, 1, "b", 3, 3), nodes(3));
        assertThat(sizes(members)).containsExactlyInAnyOrderEntriesOf(Map.of(DEFAULT, 0, "a", 0, "b", 3));
    }

    @Test
    void aLoweredDefaultLimitSendsTheRestToGroupsBelowTheirLimits() {
        Map<String, ResourceGroupConfig> configs = groups("a", 0, 2);
        configs.put(DEFAULT, ResourceGroupConfig.of(0, 1));
        assertThat(sizes(NodeAssignment.assign(configs, nodes(4))))
                .containsExactlyInAnyOrderEntriesOf(Map.of(DEFAULT, 2, "a", 2));
    }

    @Test
    void aGroupFilteringOnLabelsGetsOnlyMatchingNodes() {
        Map<String, ResourceGroupConfig> configs = groups();
        configs.put("zoned", new ResourceGroupConfig(2, 2, List.of(), List.of(), Map.of("zone", "a")));
        List<QueryNode> live = List.of(new QueryNode(1, "h1:1", "h1", Map.of("zone", "b")),
                new QueryNode(2, "h2:1", "h2", Map.of("zone", "a")), new QueryNode(3, "h3:1", "h3"));
        Map<String, List<QueryNode>> members = NodeAssignment.assign(configs, live);
        assertThat(members.get("zoned")).extracting(QueryNode::nodeId).containsExactly(2L);
        assertThat(members.get(DEFAULT)).extracting(QueryNode::nodeId).containsExactly(1L, 3L);
    }

    @Test
    void everyNodeIsInExactlyOneGroupWhateverTheOrderOfTheLiveList() {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("NodeAssignmentTest seed=" + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            Map<String, ResourceGroupConfig> configs = groups();
            int groupCount = random.nextInt(5);
            for (int g = 0; g < groupCount; g++) {
                int requests = random.nextInt(4);
                configs.put("g" + g, ResourceGroupConfig.of(requests, requests + random.nextInt(3)));
            }
            List<QueryNode> live = nodes(random.nextInt(9));
            Map<String, List<QueryNode>> members = NodeAssignment.assign(configs, live);
            List<QueryNode> shuffled = new ArrayList<>(live);
            Collections.shuffle(shuffled, random);
            assertThat(NodeAssignment.assign(configs, shuffled)).as("seed %d", seed).isEqualTo(members);
            List<Long> assigned = new ArrayList<>();
            members.values().forEach(n -> n.forEach(node -> assigned.add(node.nodeId())));
            assertThat(assigned).as("seed %d", seed).containsExactlyInAnyOrderElementsOf(
                    live.stream().map(QueryNode::nodeId).toList());
            members.forEach((g, n) -> {
                if (!g.equals(DEFAULT)) {
                    assertThat(n.size()).as("seed %d group %s", seed, g).isLessThanOrEqualTo(
                            configs.get(g).limitsNodeNum());
                }
            });
        }
    }
}
