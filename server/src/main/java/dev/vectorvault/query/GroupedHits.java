package dev.vectorvault.query;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Milvus's group-by reduce ({@code reduceSearchResultDataWithGroupBy}) over hits sorted best first: a hit opens a
 * new group only while fewer than {@code offset + limit} groups exist, a full group takes no more hits, the first
 * {@code offset} groups are dropped, and groups come out in the order of their best hit, hits within a group by
 * score. A null group value is a group of its own.
 *
 * @param groups   the returned groups, best first, each holding its hits best first
 * @param values   the group value of each returned group (null for the null group)
 * @param complete whether more candidates could not change the answer: all {@code offset + limit} groups exist and,
 *                 for a strict search, every returned group holds {@code groupSize} hits
 */
record GroupedHits<T>(List<List<T>> groups, List<Object> values, boolean complete) {

    private static final Object NULL_GROUP = new Object();

    static <T> GroupedHits<T> reduce(List<T> bestFirst, Function<T, Object> groupOf, int offset, int limit,
                                     GroupBy groupBy) {
        int wanted = offset + limit;
        Map<Object, List<T>> byValue = new HashMap<>();
        List<Object> order = new ArrayList<>();
        for (T hit : bestFirst) {
            Object value = Objects.requireNonNullElse(groupOf.apply(hit), NULL_GROUP);
            List<T> group = byValue.get(value);
            if (group == null) {
                if (order.size() == wanted) {
                    continue;
                }
                group = new ArrayList<>(groupBy.groupSize());
                byValue.put(value, group);
                order.add(value);
            }
            if (group.size() < groupBy.groupSize()) {
                group.add(hit);
            }
        }
        List<List<T>> groups = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        boolean full = true;
        for (int g = offset; g < order.size(); g++) {
            List<T> group = byValue.get(order.get(g));
            groups.add(group);
            values.add(order.get(g) == NULL_GROUP ? null : order.get(g));
            full &= group.size() == groupBy.groupSize();
        }
        return new GroupedHits<>(groups, values, order.size() == wanted && (!groupBy.strict() || full));
    }

    int hitCount() {
        return groups.stream().mapToInt(List::size).sum();
    }
}
