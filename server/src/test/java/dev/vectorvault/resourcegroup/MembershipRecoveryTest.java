package dev.vectorvault.resourcegroup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Sticky membership: members stay where they are unless requests, limits or node filters make them move; a group below
 * its requests takes from its {@code transfer_from} groups first, a group above its limits gives to its
 * {@code transfer_to} groups first. The randomized test prints its seed; rerun one with {@code -Dtests.seed=N}.
 */
class MembershipRecoveryTest {
    private static final String DEFAULT = ResourceGroups.DEFAULT_GROUP;
    private static final int DEFAULT_LIMIT = ResourceGroupConfig.DEFAULT_GROUP_CAPACITY;

    private static List<QueryNode> nodes(long... ids) {
        List<QueryNode> out = new ArrayList<>();
        for (long id : ids) {
            out.add(new QueryNode(id, "h" + id + ":19530", "h" + id));
        }
        return out;
    }

    private static ResourceGroupConfig config(int requests, int limits, List<String> from, List<String> to) {
        return new ResourceGroupConfig(requests, limits, from, to, Map.of());
    }

    @Test
    void aNewNodeWithALowIdDisplacesNoMember() {
        Map<String, ResourceGroupConfig> configs = new TreeMap<>(Map.of(DEFAULT, ResourceGroupConfig.of(0,
                DEFAULT_LIMIT), "rg", ResourceGroupConfig.of(2, 2)));
        Map<String, List<Long>> before = Map.of(DEFAULT, List.of(10L), "rg", List.of(11L, 12L));

        Map<String, List<Long>> after = MembershipRecovery.recover(before, configs, nodes(1, 10, 11, 12));

        assertThat(after).isEqualTo(Map.of(DEFAULT, List.of(1L, 10L), "rg", List.of(11L, 12L)));
        assertThat(NodeAssignment.assign(configs, nodes(1, 10, 11, 12)).get("rg"))
                .as("the configurations alone would have moved node 1 in").extracting(QueryNode::nodeId)
                .containsExactly(1L, 10L);
    }

    @Test
    void aGroupBelowItsRequestsTakesFromItsTransferFromFirst() {
        Map<String, ResourceGroupConfig> configs = new TreeMap<>();
        configs.put(DEFAULT, ResourceGroupConfig.of(0, DEFAULT_LIMIT));
        configs.put("rg_spare", ResourceGroupConfig.of(0, 5));
        configs.put("rg_needy", config(2, 2, List.of("rg_spare"), List.of()));
        Map<String, List<Long>> before = Map.of(DEFAULT, List.of(1L, 2L, 3L, 4L), "rg_spare", List.of(5L, 6L),
                "rg_needy", List.of());

        Map<String, List<Long>> after = MembershipRecovery.recover(before, configs, nodes(1, 2, 3, 4, 5, 6));

        assertThat(after.get("rg_needy")).containsExactly(5L, 6L);
        assertThat(after.get(DEFAULT)).containsExactly(1L, 2L, 3L, 4L);
        Map<String, ResourceGroupConfig> noPreference = new TreeMap<>(configs);
        noPreference.put("rg_needy", ResourceGroupConfig.of(2, 2));
        assertThat(MembershipRecovery.recover(before, noPreference, nodes(1, 2, 3, 4, 5, 6)).get("rg_needy"))
                .as("without transfer_from the group with most surplus gives").containsExactly(3L, 4L);
    }

    @Test
    void aGroupAboveItsLimitsGivesToItsTransferToFirst() {
        Map<String, ResourceGroupConfig> configs = new TreeMap<>();
        configs.put(DEFAULT, ResourceGroupConfig.of(0, DEFAULT_LIMIT));
        configs.put("rg_roomy", ResourceGroupConfig.of(0, 9));
        configs.put("rg_small", ResourceGroupConfig.of(0, 3));
        configs.put("rg_crowded", config(1, 1, List.of(), List.of("rg_small")));
        Map<String, List<Long>> before = Map.of("rg_crowded", List.of(1L, 2L, 3L));

        Map<String, List<Long>> after = MembershipRecovery.recover(before, configs, nodes(1, 2, 3));

        assertThat(after.get("rg_crowded")).containsExactly(1L);
        assertThat(after.get("rg_small")).containsExactly(2L, 3L);
        assertThat(after.get("rg_roomy")).isEmpty();
    }

    @Test
    void deadNodesDropOutAndAGroupBelowRequestsIsRefilledFromSurplus() {
        Map<String, ResourceGroupConfig> configs = new TreeMap<>(Map.of(DEFAULT, ResourceGroupConfig.of(0,
                DEFAULT_LIMIT), "rg", ResourceGroupConfig.of(2, 2)));
        Map<String, List<Long>> before = Map.of(DEFAULT, List.of(1L, 2L), "rg", List.of(3L, 4L));

        Map<String, List<Long>> after = MembershipRecovery.recover(before, configs, nodes(1, 2, 4));

        assertThat(after).isEqualTo(Map.of(DEFAULT, List.of(1L), "rg", List.of(2L, 4L)));
    }

    @Test
    void aMemberItsGroupNoLongerAcceptsLeavesIt() {
        Map<String, ResourceGroupConfig> configs = new TreeMap<>();
        configs.put(DEFAULT, ResourceGroupConfig.of(0, DEFAULT_LIMIT));
        configs.put("rg_a", new ResourceGroupConfig(0, 5, List.of(), List.of(), Map.of("zone", "a")));
        List<QueryNode> live = List.of(new QueryNode(1, "h1:1", "h1", Map.of("zone", "a")),
                new QueryNode(2, "h2:1", "h2", Map.of("zone", "b")));

        Map<String, List<Long>> after = MembershipRecovery.recover(Map.of("rg_a", List.of(1L, 2L)), configs, live);

        assertThat(after).isEqualTo(Map.of(DEFAULT, List.of(2L), "rg_a", List.of(1L)));
    }

    @Test
    void randomizedMembershipKeepsItsInvariants() {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("MembershipRecoveryTest seed=" + seed + " (rerun with -Dtests.seed=" + seed + ")");
        Random random = new Random(seed);
        for (int round = 0; round < 400; round++) {
            boolean labels = random.nextBoolean();
            boolean lowDefaultLimit = random.nextInt(4) == 0;
            Map<String, ResourceGroupConfig> configs = randomConfigs(random, labels, lowDefaultLimit);
            List<QueryNode> earlier = randomNodes(random, labels);
            Map<String, List<Long>> previous = MembershipRecovery.recover(randomAssignment(random, configs, earlier),
                    configs, earlier);
            List<QueryNode> live = randomNodes(random, labels);
            String context = "seed=" + seed + " round=" + round + " configs=" + configs + " live=" + live;

            Map<String, List<Long>> now = MembershipRecovery.recover(previous, configs, live);

            assertEveryLiveNodeInExactlyOneGroup(now, configs, live, context);
            assertThat(MembershipRecovery.recover(now, configs, live)).as("no change without cause " + context)
                    .isEqualTo(now);
            if (!labels) {
                int requested = configs.values().stream().mapToInt(ResourceGroupConfig::requestsNodeNum).sum();
                if (live.size() >= requested) {
                    configs.forEach((group, config) -> assertThat(now.get(group).size())
                            .as("requests met " + group + " " + context).isGreaterThanOrEqualTo(config.requestsNodeNum()));
                }
                configs.forEach((group, config) -> {
                    if (!group.equals(DEFAULT)) {
                        assertThat(now.get(group).size()).as("within limits " + group + " " + context)
                                .isLessThanOrEqualTo(config.limitsNodeNum());
                    }
                });
                assertThat(MembershipRecovery.recover(idsOf(NodeAssignment.assign(configs, live)), configs, live))
                        .as("an upgrade from computed membership moves nothing " + context)
                        .isEqualTo(idsOf(NodeAssignment.assign(configs, live)));
            }
            if (!lowDefaultLimit && configs.entrySet().stream()
                    .allMatch(e -> now.get(e.getKey()).size() >= e.getValue().requestsNodeNum())) {
                long newId = 1 + random.nextInt(60);
                if (live.stream().noneMatch(n -> n.nodeId() == newId)) {
                    List<QueryNode> grown = new ArrayList<>(live);
                    grown.add(new QueryNode(newId, "n:1", "n", labels ? randomLabels(random) : Map.of()));
                    Map<String, List<Long>> after = MembershipRecovery.recover(now, configs, grown);
                    now.forEach((group, members) -> assertThat(after.get(group))
                            .as("a joining node moves no member " + context).containsAll(members));
                }
            }
        }
    }

    private static void assertEveryLiveNodeInExactlyOneGroup(Map<String, List<Long>> now,
                                                             Map<String, ResourceGroupConfig> configs,
                                                             List<QueryNode> live, String context) {
        assertThat(now.keySet()).isEqualTo(configs.keySet());
        List<Long> all = new ArrayList<>();
        now.values().forEach(all::addAll);
        assertThat(all).as(context).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(live.stream().map(QueryNode::nodeId).toList());
        Map<Long, QueryNode> byId = new HashMap<>();
        live.forEach(n -> byId.put(n.nodeId(), n));
        now.forEach((group, members) -> {
            if (!group.equals(DEFAULT)) {
                members.forEach(id -> assertThat(configs.get(group).accepts(byId.get(id).labels()))
                        .as("filter of " + group + " " + context).isTrue());
            }
        });
    }

    private static Map<String, ResourceGroupConfig> randomConfigs(Random random, boolean labels,
                                                                  boolean lowDefaultLimit) {
        Map<String, ResourceGroupConfig> configs = new TreeMap<>();
        configs.put(DEFAULT, ResourceGroupConfig.of(0, lowDefaultLimit ? random.nextInt(4) : DEFAULT_LIMIT));
        int groups = 1 + random.nextInt(4);
        List<String> names = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            names.add("rg" + g);
        }
        for (String name : names) {
            int requests = random.nextInt(4);
            int limits = requests + random.nextInt(3);
            List<String> from = pick(random, names, name);
            List<String> to = pick(random, names, name);
            Map<String, String> filter = labels && random.nextBoolean() ? Map.of("zone", "z" + random.nextInt(2))
                    : Map.of();
            configs.put(name, new ResourceGroupConfig(requests, limits, from, to, filter));
        }
        return configs;
    }

    private static List<String> pick(Random random, List<String> names, String self) {
        List<String> out = new ArrayList<>();
        for (String name : names) {
            if (!name.equals(self) && random.nextInt(3) == 0) {
                out.add(name);
            }
        }
        if (random.nextInt(3) == 0) {
            out.add(DEFAULT);
        }
        return out;
    }

    private static List<QueryNode> randomNodes(Random random, boolean labels) {
        Set<Long> ids = new HashSet<>();
        int count = random.nextInt(14);
        while (ids.size() < count) {
            ids.add(1L + random.nextInt(40));
        }
        List<QueryNode> out = new ArrayList<>();
        ids.forEach(id -> out.add(new QueryNode(id, "h" + id + ":1", "h" + id, labels ? randomLabels(random)
                : Map.of())));
        return out;
    }

    private static Map<String, String> randomLabels(Random random) {
        return Map.of("zone", "z" + random.nextInt(2));
    }

    /** Any placement at all, as a record written under other configurations or by hand might hold. */
    private static Map<String, List<Long>> randomAssignment(Random random, Map<String, ResourceGroupConfig> configs,
                                                            List<QueryNode> nodes) {
        List<String> names = new ArrayList<>(configs.keySet());
        names.add("rg_dropped");
        Map<String, List<Long>> out = new TreeMap<>();
        for (QueryNode node : nodes) {
            out.computeIfAbsent(names.get(random.nextInt(names.size())), k -> new ArrayList<>()).add(node.nodeId());
        }
        return out;
    }

    private static Map<String, List<Long>> idsOf(Map<String, List<QueryNode>> members) {
        Map<String, List<Long>> out = new TreeMap<>();
        members.forEach((group, nodes) -> out.put(group, nodes.stream().map(QueryNode::nodeId).sorted().toList()));
        return out;
    }
}
