package dev.vectorvault.query;

import dev.vectorvault.index.MetricType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One query's fusion of the hit lists of a hybrid search's sub-requests, as Milvus 2.6 computes it
 * ({@code rerank/util.go} {@code newIDScores}, {@code newGroupingIDScores}): every primary key appears once, scored by
 * the sum of its contributions ({@link Ranker}); the row and group value of a key are those of its first sighting
 * (the same row whichever list saw it, since all lists read one view).
 *
 * <p>Without group-by the keys are sorted by fused score (descending unless the ranker says otherwise), ties by key
 * ascending, and {@code [offset, offset + limit)} is kept. With group-by the keys are sorted descending, each group
 * takes its first {@code groupSize} keys, groups are scored by the {@link GroupScorer} and sorted by that score
 * (then larger group first, then smaller first key), the first {@code offset + limit} groups are kept and the first
 * {@code offset} of them dropped; a strict search also drops the kept groups with fewer than {@code groupSize} hits.
 * Scores are rounded last ({@code round_decimal}, {@code floor(x * 10^d + 0.5) / 10^d}).
 */
final class RankFusion {

    /** A hit of a sub-request's list; {@code group} is null unless grouping (or the group value is null). */
    record Hit(Object key, float score, int segment, int ordinal, Object group) {}

    private RankFusion() {}

    static List<Hit> fuse(Ranker ranker, List<List<Hit>> lists, List<MetricType> metrics, int limit, int offset,
                          int roundDecimal, GroupBy groupBy, GroupScorer scorer) {
        boolean mixed = Ranker.mixed(metrics);
        Map<Object, Float> scores = new HashMap<>();
        Map<Object, Hit> first = new LinkedHashMap<>();
        for (int sub = 0; sub < lists.size(); sub++) {
            List<Hit> list = lists.get(sub);
            for (int position = 0; position < list.size(); position++) {
                Hit hit = list.get(position);
                float add = ranker.contribution(sub, position, hit.score(), metrics.get(sub), mixed);
                Float sum = scores.get(hit.key());
                scores.put(hit.key(), sum == null ? add : sum + add);
                first.putIfAbsent(hit.key(), hit);
            }
        }
        List<Object> keys = new ArrayList<>(first.keySet());
        boolean descending = groupBy != null || ranker.descending(metrics);
        keys.sort((a, b) -> {
            float sa = scores.get(a);
            float sb = scores.get(b);
            if (sa == sb) {
                return compareKeys(a, b);
            }
            return descending ? Float.compare(sb, sa) : Float.compare(sa, sb);
        });
        List<Hit> out = new ArrayList<>();
        if (groupBy == null) {
            for (int i = offset; i < Math.min(keys.size(), offset + limit); i++) {
                Hit hit = first.get(keys.get(i));
                out.add(withScore(hit, round(scores.get(keys.get(i)), roundDecimal)));
            }
            return out;
        }
        List<Group> groups = grouped(keys, scores, first, groupBy, scorer);
        int end = Math.min(groups.size(), offset + limit);
        for (int g = offset; g < end; g++) {
            Group group = groups.get(g);
            if (groupBy.strict() && group.keys.size() < groupBy.groupSize()) {
                continue;
            }
            for (Object key : group.keys) {
                out.add(withScore(first.get(key), round(scores.get(key), roundDecimal)));
            }
        }
        return out;
    }

    private static final class Group {
        final List<Object> keys = new ArrayList<>();
        float max; // starts at 0, as Milvus's does
        float sum;
        float finalScore;
    }

    private static List<Group> grouped(List<Object> keys, Map<Object, Float> scores, Map<Object, Hit> first,
                                       GroupBy groupBy, GroupScorer scorer) {
        Map<Object, Group> buckets = new HashMap<>(); // a null group value is a key of its own
        List<Group> groups = new ArrayList<>();
        for (Object key : keys) {
            Object value = first.get(key).group();
            Group group = buckets.get(value);
            if (group == null) {
                group = new Group();
                buckets.put(value, group);
                groups.add(group);
            }
            if (group.keys.size() >= groupBy.groupSize()) {
                continue;
            }
            float score = scores.get(key);
            group.keys.add(key);
            if (score > group.max) {
                group.max = score;
            }
            group.sum += score;
        }
        for (Group group : groups) {
            group.finalScore = scorer.score(group.max, group.sum, group.keys.size());
        }
        groups.sort((a, b) -> {
            if (a.finalScore != b.finalScore) {
                return a.finalScore > b.finalScore ? -1 : 1;
            }
            if (a.keys.size() != b.keys.size()) {
                return Integer.compare(b.keys.size(), a.keys.size());
            }
            return compareKeys(a.keys.get(0), b.keys.get(0));
        });
        return groups;
    }

    private static Hit withScore(Hit hit, float score) {
        return new Hit(hit.key(), score, hit.segment(), hit.ordinal(), hit.group());
    }

    /** Milvus's rounding of a fused score; -1 leaves it as it is. */
    static float round(float score, int decimals) {
        if (decimals == -1) {
            return score;
        }
        double multiplier = Math.pow(10.0, decimals);
        return (float) (Math.floor((double) score * multiplier + 0.5) / multiplier);
    }

    /** Primary keys in Go's order: integers numerically, strings by their UTF-8 bytes (= by code points). */
    static int compareKeys(Object a, Object b) {
        if (a instanceof Long x) {
            return Long.compare(x, (Long) b);
        }
        String s = (String) a;
        String t = (String) b;
        int i = 0;
        int j = 0;
        while (i < s.length() && j < t.length()) {
            int cs = s.codePointAt(i);
            int ct = t.codePointAt(j);
            if (cs != ct) {
                return Integer.compare(cs, ct);
            }
            i += Character.charCount(cs);
            j += Character.charCount(ct);
        }
        return Integer.compare(s.length() - i, t.length() - j);
    }
}
