package dev.vectorvault.query;

import dev.vectorvault.index.MetricType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Hybrid-search fusion written out plainly, as a test oracle: accumulate every contribution, then pick the best
 * remaining key again and again (no sort), then group, page and round.
 */
final class FusionReference {
    private FusionReference() {}

    static float value(Ranker ranker, int sub, int position, float score, MetricType metric, boolean mixed) {
        if (ranker instanceof Ranker.Rrf rrf) {
            return 1f / (rrf.k() + (float) (position + 1));
        }
        Ranker.Weighted w = (Ranker.Weighted) ranker;
        // Milvus's distances are the metrics that are not "positively related": L2, HAMMING, JACCARD.
        boolean distance = !metric.higherIsBetter();
        float v = score;
        if (w.normScore() || (mixed && distance)) {
            float atan = (float) Math.atan(score);
            float pi = (float) Math.PI;
            v = metric == MetricType.COSINE ? (1 + score) * 0.5f
                    : metric == MetricType.IP ? 0.5f + atan / pi
                    : metric == MetricType.BM25 ? 2 * atan / pi : 1f - 2 * atan / pi;
        }
        return w.weights()[sub] * v;
    }

    static List<Object[]> fuse(Ranker ranker, List<List<RankFusion.Hit>> lists, List<MetricType> metrics,
                               int limit, int offset, int roundDecimal, GroupBy groupBy, GroupScorer scorer) {
        boolean hasDistance = metrics.stream().anyMatch(m -> !m.higherIsBetter());
        boolean hasSimilarity = metrics.stream().anyMatch(MetricType::higherIsBetter);
        boolean mixed = hasDistance && hasSimilarity;
        Map<Object, Float> total = new LinkedHashMap<>();
        Map<Object, Object> group = new HashMap<>();
        for (int s = 0; s < lists.size(); s++) {
            for (int p = 0; p < lists.get(s).size(); p++) {
                RankFusion.Hit h = lists.get(s).get(p);
                float add = value(ranker, s, p, h.score(), metrics.get(s), mixed);
                total.merge(h.key(), add, (a, b) -> a + b);
                if (!group.containsKey(h.key())) {
                    group.put(h.key(), h.group());
                }
            }
        }
        boolean descending = groupBy != null || ranker instanceof Ranker.Rrf
                || ((Ranker.Weighted) ranker).normScore() || mixed || !hasDistance;
        List<Object> order = new ArrayList<>();
        Map<Object, Float> left = new LinkedHashMap<>(total);
        while (!left.isEmpty()) {
            Object best = null;
            for (Object key : left.keySet()) {
                if (best == null) {
                    best = key;
                    continue;
                }
                float a = left.get(key);
                float b = left.get(best);
                boolean better = a == b ? RankFusion.compareKeys(key, best) < 0 : descending ? a > b : a < b;
                if (better) {
                    best = key;
                }
            }
            order.add(best);
            left.remove(best);
        }
        List<Object[]> out = new ArrayList<>();
        if (groupBy == null) {
            for (int i = offset; i < order.size() && i < offset + limit; i++) {
                out.add(new Object[] {order.get(i), round(total.get(order.get(i)), roundDecimal)});
            }
            return out;
        }
        List<Object> groupValues = new ArrayList<>();
        List<List<Object>> members = new ArrayList<>();
        for (Object key : order) {
            int g = indexOf(groupValues, group.get(key));
            if (g < 0) {
                groupValues.add(group.get(key));
                members.add(new ArrayList<>());
                g = members.size() - 1;
            }
            if (members.get(g).size() < groupBy.groupSize()) {
                members.get(g).add(key);
            }
        }
        float[] groupScore = new float[members.size()];
        for (int g = 0; g < members.size(); g++) {
            float max = 0f;
            float sum = 0f;
            for (Object key : members.get(g)) {
                max = Math.max(max, total.get(key));
                sum += total.get(key);
            }
            groupScore[g] = switch (scorer) {
                case MAX -> max;
                case SUM -> sum;
                case AVG -> sum / members.get(g).size();
            };
        }
        List<Integer> groupOrder = new ArrayList<>();
        for (int g = 0; g < members.size(); g++) {
            groupOrder.add(g);
        }
        groupOrder.sort((a, b) -> groupScore[a] != groupScore[b] ? (groupScore[a] > groupScore[b] ? -1 : 1)
                : members.get(a).size() != members.get(b).size()
                ? members.get(b).size() - members.get(a).size()
                : RankFusion.compareKeys(members.get(a).get(0), members.get(b).get(0)));
        for (int i = offset; i < groupOrder.size() && i < offset + limit; i++) {
            List<Object> keys = members.get(groupOrder.get(i));
            if (groupBy.strict() && keys.size() < groupBy.groupSize()) {
                continue;
            }
            for (Object key : keys) {
                out.add(new Object[] {key, round(total.get(key), roundDecimal)});
            }
        }
        return out;
    }

    static int indexOf(List<Object> values, Object value) {
        for (int i = 0; i < values.size(); i++) {
            if (Objects.equals(values.get(i), value)) {
                return i;
            }
        }
        return -1;
    }

    static float round(float score, int decimals) {
        if (decimals < 0) {
            return score;
        }
        double m = Math.pow(10, decimals);
        return (float) (Math.floor(score * m + 0.5) / m);
    }
}
