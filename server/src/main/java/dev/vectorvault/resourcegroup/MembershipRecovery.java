package dev.vectorvault.resourcegroup;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/**
 * The next recorded membership from the previous one, the group configurations and the live nodes: a pure function,
 * so nodes that recompute at once from the same record write the same answer and the loser of the guarded write
 * finds it already there. It follows Milvus's resource manager (querycoordv2 {@code meta/resource_manager.go}):
 *
 * <ol>
 *   <li>A live member stays in its group; dead nodes drop out, and so do members the group's node filter no longer
 *       accepts and members of a dropped group: these join again as new nodes.</li>
 *   <li>A new node goes to the accepting group missing most nodes below its {@code requests}, else to the accepting
 *       group furthest below its {@code limits} (the default group on a tie), else to the default group.</li>
 *   <li>A group below its {@code requests} takes a node from another group above its own {@code requests}: first
 *       from a group above its {@code limits} (most redundant first), then from a group in its
 *       {@code transfer_from}, then from any, most surplus first in each tier.</li>
 *   <li>A group above its {@code limits} gives a node to another group: first to a group below its
 *       {@code requests}, then to a group in its {@code transfer_to}, then to any group below its {@code limits},
 *       most room first in each tier; failing all, to the default group.</li>
 * </ol>
 * Steps 3 and 4 repeat until nothing moves. Milvus weighs the tiers (a million per node, a hundred thousand per node),
 * so the default group's room of nearly a million outbids a small {@code transfer_to} group there; here a tier always
 * wins over the tiers below it, as the configuration's documentation promises. Milvus breaks ties by map order; here
 * they go by group name, and the node moved is the newest (highest id) the receiving group accepts, so long-standing
 * members stay put. The loop ends: ordered as (nodes missing in all groups, redundancy of the groups other than the
 * default one, the default group's redundancy), every move of step 3 lowers the first and raises none, and every move
 * of step 4 lowers the second, or the third without raising the second.
 */
final class MembershipRecovery {
    /** Priority tiers: a count never crosses into the tier above (Milvus weighs 1,000,000 and 100,000 per node). */
    private static final long URGENT = 2L << 32;
    private static final long PREFERRED = 1L << 32;

    private final Map<String, ResourceGroupConfig> configs;
    private final Map<Long, QueryNode> live = new TreeMap<>();
    private final TreeMap<String, NavigableSet<Long>> members = new TreeMap<>();

    private MembershipRecovery(Map<String, ResourceGroupConfig> configs, List<QueryNode> liveNodes) {
        this.configs = new TreeMap<>(configs);
        liveNodes.forEach(node -> live.put(node.nodeId(), node));
        this.configs.keySet().forEach(group -> members.put(group, new TreeSet<>()));
    }

    /**
     * @param previous the recorded node ids of each group (nodes no longer live, groups no longer configured allowed)
     * @param configs  every group's configuration, the default group's included
     * @return the node ids of every configured group, ascending
     */
    static Map<String, List<Long>> recover(Map<String, List<Long>> previous, Map<String, ResourceGroupConfig> configs,
                                           List<QueryNode> liveNodes) {
        MembershipRecovery recovery = new MembershipRecovery(configs, liveNodes);
        recovery.keepMembers(previous);
        recovery.placeNewNodes();
        boolean moved = true;
        while (moved) {
            moved = false;
            for (String group : recovery.members.keySet()) {
                while (recovery.missing(group) > 0 && recovery.takeFromOthers(group)) {
                    moved = true;
                }
            }
            for (String group : recovery.members.keySet()) {
                while (recovery.redundant(group) > 0 && recovery.giveToOthers(group)) {
                    moved = true;
                }
            }
        }
        Map<String, List<Long>> result = new TreeMap<>();
        recovery.members.forEach((group, nodes) -> result.put(group, List.copyOf(nodes)));
        return result;
    }

    private void keepMembers(Map<String, List<Long>> previous) {
        Set<Long> kept = new HashSet<>();
        new TreeMap<>(previous).forEach((group, nodes) -> {
            ResourceGroupConfig config = configs.get(group);
            if (config == null) {
                return;
            }
            for (long id : nodes) {
                QueryNode node = live.get(id);
                if (node != null && config.accepts(node.labels()) && kept.add(id)) {
                    members.get(group).add(id);
                }
            }
        });
    }

    private void placeNewNodes() {
        Set<Long> placed = new HashSet<>();
        members.values().forEach(placed::addAll);
        for (QueryNode node : live.values()) {
            if (!placed.contains(node.nodeId())) {
                members.get(groupForNewNode(node)).add(node.nodeId());
            }
        }
    }

    private String groupForNewNode(QueryNode node) {
        String best = null;
        for (String group : members.keySet()) {
            if (missing(group) > 0 && configs.get(group).accepts(node.labels())
                    && (best == null || missing(group) > missing(best))) {
                best = group;
            }
        }
        if (best != null) {
            return best;
        }
        for (String group : members.keySet()) {
            if (room(group) > 0 && configs.get(group).accepts(node.labels())
                    && (best == null || room(group) > room(best)
                    || (room(group) == room(best) && group.equals(ResourceGroups.DEFAULT_GROUP)))) {
                best = group;
            }
        }
        return best == null ? ResourceGroups.DEFAULT_GROUP : best;
    }

    /** Step 3 for one node; false when no group can give the group a node it accepts. */
    private boolean takeFromOthers(String needy) {
        ResourceGroupConfig config = configs.get(needy);
        String donor = mostPressing(needy, group -> surplus(group) <= 0 || nodeFor(group, needy).isEmpty() ? 0
                : redundant(group) > 0 ? URGENT + redundant(group)
                : config.transferFrom().contains(group) ? PREFERRED + surplus(group) : surplus(group));
        if (donor == null) {
            return false;
        }
        move(nodeFor(donor, needy).orElseThrow(), donor, needy);
        return true;
    }

    /** Step 4 for one node; false when no group takes a node of the group. */
    private boolean giveToOthers(String crowded) {
        ResourceGroupConfig config = configs.get(crowded);
        String recipient = mostPressing(crowded, group -> room(group) <= 0 || nodeFor(crowded, group).isEmpty() ? 0
                : missing(group) > 0 ? URGENT + missing(group)
                : config.transferTo().contains(group) ? PREFERRED + room(group) : room(group));
        if (recipient == null && !crowded.equals(ResourceGroups.DEFAULT_GROUP)
                && nodeFor(crowded, ResourceGroups.DEFAULT_GROUP).isPresent()) {
            recipient = ResourceGroups.DEFAULT_GROUP;
        }
        if (recipient == null) {
            return false;
        }
        move(nodeFor(crowded, recipient).orElseThrow(), crowded, recipient);
        return true;
    }

    /** The group other than {@code self} of highest priority (0: not a candidate), the first by name on a tie. */
    private String mostPressing(String self, ToLongFunction<String> priority) {
        String chosen = null;
        long best = 0;
        for (String group : members.keySet()) {
            long p = group.equals(self) ? 0 : priority.applyAsLong(group);
            if (p > best) {
                chosen = group;
                best = p;
            }
        }
        return chosen;
    }

    /** The newest node of {@code from} that {@code to} accepts. */
    private Optional<Long> nodeFor(String from, String to) {
        ResourceGroupConfig target = configs.get(to);
        return members.get(from).descendingSet().stream()
                .filter(id -> target.accepts(live.get(id).labels()))
                .findFirst();
    }

    private void move(long node, String from, String to) {
        members.get(from).remove(node);
        members.get(to).add(node);
    }

    private int missing(String group) {
        return Math.max(0, configs.get(group).requestsNodeNum() - members.get(group).size());
    }

    private int surplus(String group) {
        return Math.max(0, members.get(group).size() - configs.get(group).requestsNodeNum());
    }

    private int room(String group) {
        return Math.max(0, configs.get(group).limitsNodeNum() - members.get(group).size());
    }

    private int redundant(String group) {
        return Math.max(0, members.get(group).size() - configs.get(group).limitsNodeNum());
    }
}
