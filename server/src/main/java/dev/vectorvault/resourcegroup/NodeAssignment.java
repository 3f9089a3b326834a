package dev.vectorvault.resourcegroup;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which live node belongs to which group, computed from the configurations alone: the membership of servers that did
 * not record it, so a store without the membership record starts from it and an upgrade moves no node
 * ({@link ResourceGroups}). First each group gets accepted nodes up to its {@code requests}, the group missing most
 * first (ties by name); then each remaining node goes to the accepting group furthest below its {@code limits}, the
 * default group on a tie (it has Milvus's large default limit); a node no group accepts below its limit stays in the
 * default group. Nodes are taken in id order.
 */
final class NodeAssignment {
    private NodeAssignment() {}

    static Map<String, List<QueryNode>> assign(Map<String, ResourceGroupConfig> groups, List<QueryNode> live) {
        Map<String, List<QueryNode>> members = new LinkedHashMap<>();
        groups.keySet().forEach(name -> members.put(name, new ArrayList<>()));
        List<QueryNode> free = new ArrayList<>(live);
        free.sort(Comparator.comparingLong(QueryNode::nodeId));
        List<String> byMissing = new ArrayList<>(groups.keySet());
        byMissing.sort(Comparator.comparingInt((String g) -> -groups.get(g).requestsNodeNum())
                .thenComparing(Comparator.naturalOrder()));
        for (String group : byMissing) {
            ResourceGroupConfig config = groups.get(group);
            for (int i = 0; i < free.size() && members.get(group).size() < config.requestsNodeNum(); ) {
                if (config.accepts(free.get(i).labels())) {
                    members.get(group).add(free.remove(i));
                } else {
                    i++;
                }
            }
        }
        for (QueryNode node : free) {
            String target = ResourceGroups.DEFAULT_GROUP;
            int room = 0;
            for (Map.Entry<String, ResourceGroupConfig> e : groups.entrySet()) {
                int below = e.getValue().limitsNodeNum() - members.get(e.getKey()).size();
                boolean better = below > room || (below == room && below > 0
                        && e.getKey().equals(ResourceGroups.DEFAULT_GROUP));
                if (better && e.getValue().accepts(node.labels())) {
                    target = e.getKey();
                    room = below;
                }
            }
            members.get(target).add(node);
        }
        members.replaceAll((name, nodes) -> List.copyOf(nodes));
        return members;
    }
}
