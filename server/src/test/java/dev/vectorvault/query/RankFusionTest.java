package dev.vectorvault.query;

import static dev.vectorvault.query.EntityFixture.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.index.MetricType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hybrid-search fusion: known values of Milvus's formulas, the parsing of both ranker forms, and a seeded property
 * test against a plain reference implementation (selection instead of sorting, formulas written out again). Prints
 * its seed; replay with {@code -Dtests.seed=<seed>}.
 */
class RankFusionTest {
    private static final long SEED = seed();

    private static long seed() {
        String property = System.getProperty("tests.seed");
        return property == null || property.isBlank() ? new Random().nextLong() : Long.parseLong(property.trim());
    }

    private static RankFusion.Hit hit(Object key, float score) {
        return new RankFusion.Hit(key, score, 0, 0, null);
    }

    private static List<Object> keys(List<RankFusion.Hit> hits) {
        return hits.stream().map(RankFusion.Hit::key).toList();
    }

    @Test
    void rrfAddsOneOverKPlusRankForEveryListAKeyIsIn() {
        List<List<RankFusion.Hit>> lists = List.of(
                List.of(hit(1L, 0.1f), hit(2L, 0.2f), hit(3L, 0.3f)),
                List.of(hit(3L, 9f), hit(1L, 8f)));
        List<RankFusion.Hit> fused = RankFusion.fuse(new Ranker.Rrf(60), lists, List.of(MetricType.L2,
                MetricType.IP), 10, 0, -1, null, GroupScorer.MAX);
        assertThat(keys(fused)).containsExactly(1L, 3L, 2L);
        assertThat(fused.get(0).score()).isEqualTo(1f / 61f + 1f / 62f);
        assertThat(fused.get(1).score()).isEqualTo(1f / 61f + 1f / 63f);
        assertThat(fused.get(2).score()).isEqualTo(1f / 62f);
        // offset and limit cut the fused list; round_decimal rounds half up.
        List<RankFusion.Hit> page = RankFusion.fuse(new Ranker.Rrf(60), lists, List.of(MetricType.L2,
                MetricType.IP), 1, 1, 3, null, GroupScorer.MAX);
        assertThat(keys(page)).containsExactly(3L);
        assertThat(page.get(0).score()).isEqualTo(0.032f);
    }

    @Test
    void weightedNormalisesEachMetricAsMilvusDoes() {
        assertThat(MetricType.IP.rerankNormalised(0f)).isEqualTo(0.5f);
        assertThat(MetricType.L2.rerankNormalised(0f)).isEqualTo(1f);
        assertThat(MetricType.COSINE.rerankNormalised(1f)).isEqualTo(1f);
        assertThat(MetricType.COSINE.rerankNormalised(-1f)).isEqualTo(0f);
        assertThat((double) MetricType.IP.rerankNormalised(1f)).isCloseTo(0.75, org.assertj.core.data.Offset.offset(1e-7));
        assertThat((double) MetricType.L2.rerankNormalised(1f)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-7));

        List<List<RankFusion.Hit>> lists = List.of(List.of(hit(1L, 0f), hit(2L, 3f)), List.of(hit(2L, 0f)));
        List<MetricType> metrics = List.of(MetricType.L2, MetricType.IP);
        List<RankFusion.Hit> normalised = RankFusion.fuse(new Ranker.Weighted(new float[] {0.5f, 1f}, true), lists,
                metrics, 10, 0, -1, null, GroupScorer.MAX);
        // key 2: 0.5 * (1 - 2 atan(3)/pi) + 1 * 0.5; key 1: 0.5 * 1
        assertThat(keys(normalised)).containsExactly(2L, 1L);
        assertThat(normalised.get(1).score()).isEqualTo(0.5f);
    }

    @Test
    void rawWeightedScoresSortAscendingOnlyWhenEveryMetricIsADistance() {
        List<List<RankFusion.Hit>> lists = List.of(List.of(hit(1L, 1f), hit(2L, 4f)), List.of(hit(2L, 1f),
                hit(1L, 2f)));
        Ranker raw = new Ranker.Weighted(new float[] {1f, 1f}, false);
        // L2 + L2 raw: 1 -> 3, 2 -> 5, smaller first.
        assertThat(keys(RankFusion.fuse(raw, lists, List.of(MetricType.L2, MetricType.L2), 10, 0, -1, null,
                GroupScorer.MAX))).containsExactly(1L, 2L);
        // IP + IP raw: larger first.
        assertThat(keys(RankFusion.fuse(raw, lists, List.of(MetricType.IP, MetricType.IP), 10, 0, -1, null,
                GroupScorer.MAX))).containsExactly(2L, 1L);
        // L2 + IP raw: the distances are still mapped (1 - 2 atan(d)/pi), similarities raw, larger first.
        List<RankFusion.Hit> mixed = RankFusion.fuse(raw, lists, List.of(MetricType.L2, MetricType.IP), 10, 0, -1,
                null, GroupScorer.MAX);
        float one = MetricType.L2.rerankNormalised(1f) + 2f;
        float two = MetricType.L2.rerankNormalised(4f) + 1f;
        assertThat(keys(mixed)).containsExactly(1L, 2L);
        assertThat(mixed.get(0).score()).isEqualTo(one);
        assertThat(mixed.get(1).score()).isEqualTo(two);
    }

    @Test
    void equalScoresAreOrderedByKeyAsGoComparesThem() {
        List<List<RankFusion.Hit>> lists = List.of(List.of(hit("b", 1f), hit("\uFF21", 1f), hit("\uD83D\uDE00", 1f),
                hit("a", 1f)));
        Ranker raw = new Ranker.Weighted(new float[] {1f}, false);
        // UTF-8 byte order = code point order: the emoji (U+1F600) sorts after U+FF21, unlike UTF-16 order.
        assertThat(keys(RankFusion.fuse(raw, lists, List.of(MetricType.IP), 10, 0, -1, null, GroupScorer.MAX)))
                .containsExactly("a", "b", "\uFF21", "\uD83D\uDE00");
    }

    @Test
    void groupedFusionScoresGroupsByTheChosenScorerAndKeepsMilvussZeroStart() {
        GroupBy groupBy = new GroupBy("g", 2, false);
        List<List<RankFusion.Hit>> lists = List.of(List.of(
                new RankFusion.Hit(1L, 0.9f, 0, 1, "x"), new RankFusion.Hit(2L, 0.8f, 0, 2, "y"),
                new RankFusion.Hit(3L, 0.7f, 0, 3, "y"), new RankFusion.Hit(4L, 0.6f, 0, 4, "y"),
                new RankFusion.Hit(5L, 0.1f, 0, 5, null)));
        Ranker raw = new Ranker.Weighted(new float[] {1f}, false);
        List<MetricType> ip = List.of(MetricType.IP);
        // max: x (0.9) before y (0.8); y keeps its two best; the null group is a group of its own.
        assertThat(keys(RankFusion.fuse(raw, lists, ip, 3, 0, -1, groupBy, GroupScorer.MAX)))
                .containsExactly(1L, 2L, 3L, 5L);
        // sum: y (1.5) before x (0.9); offset skips a group.
        assertThat(keys(RankFusion.fuse(raw, lists, ip, 3, 0, -1, groupBy, GroupScorer.SUM)))
                .containsExactly(2L, 3L, 1L, 5L);
        assertThat(keys(RankFusion.fuse(raw, lists, ip, 1, 1, -1, groupBy, GroupScorer.SUM)))
                .containsExactly(1L);
        // avg: x 0.9, y 0.75; strict drops the groups with fewer than group_size hits.
        assertThat(keys(RankFusion.fuse(raw, lists, ip, 3, 0, -1, new GroupBy("g", 2, true), GroupScorer.AVG)))
                .containsExactly(2L, 3L);
        // All fused scores negative: every group scores 0 under max; then the larger group, then the smaller key.
        List<List<RankFusion.Hit>> negative = List.of(List.of(new RankFusion.Hit(7L, -0.1f, 0, 0, "a"),
                new RankFusion.Hit(8L, -0.2f, 0, 0, "b"), new RankFusion.Hit(9L, -0.3f, 0, 0, "b")));
        assertThat(keys(RankFusion.fuse(raw, negative, ip, 2, 0, -1, groupBy, GroupScorer.MAX)))
                .containsExactly(8L, 9L, 7L);
    }

    @Test
    void rankParamsAreReadAsMilvusReadsThem() {
        assertThat(Ranker.fromRankParams(Map.of())).isEqualTo(new Ranker.Rrf(60));
        assertThat(Ranker.fromRankParams(Map.of("strategy", "rrf", "params", "{\"k\":20}")))
                .isEqualTo(new Ranker.Rrf(20));
        assertThat(Ranker.fromRankParams(Map.of("strategy", "rrf", "params", "{}"))).isEqualTo(new Ranker.Rrf(60));
        assertThat(Ranker.fromRankParams(Map.of("strategy", "weighted", "params", "{\"weights\":[0.7,0.3]}")))
                .isEqualTo(new Ranker.Weighted(new float[] {0.7f, 0.3f}, false));
        assertThat(Ranker.fromRankParams(Map.of("strategy", "weighted", "params",
                "{\"weights\":[0.7,0.3],\"norm_score\":true}")))
                .isEqualTo(new Ranker.Weighted(new float[] {0.7f, 0.3f}, true));
        failsWith(ErrorCode.PARAMETER_INVALID, () -> Ranker.fromRankParams(Map.of("strategy", "RRF", "params",
                "{}"))).hasMessageContaining("unsupported rank type RRF");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> Ranker.fromRankParams(Map.of("strategy", "rrf")))
                .hasMessageContaining("params not found in rank_params");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> Ranker.fromRankParams(Map.of("strategy", "rrf", "params",
                "{\"k\":\"60\"}"))).hasMessageContaining("The type of rank param k should be float");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> Ranker.fromRankParams(Map.of("strategy", "rrf", "params",
                "{\"k\":16384}"))).hasMessageContaining("The rank params k should be in range (0, 16384)");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> Ranker.fromRankParams(Map.of("strategy", "weighted", "params",
                "{\"weights\":[1.5]}"))).hasMessageContaining("rank param weight should be in range [0, 1]");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> Ranker.fromRankParams(Map.of("strategy", "weighted", "params",
                "{\"weights\":\"0.5\"}"))).hasMessageContaining("weight should be []float");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> Ranker.fromRankParams(Map.of("strategy", "weighted", "params",
                "{\"norm_score\":true}"))).hasMessageContaining("weights not found");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> Ranker.fromRankParams(Map.of("strategy", "weighted", "params",
                "{\"weights\":[0.5],\"norm_score\":\"yes\"}"))).hasMessageContaining("norm_score should been bool");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> Ranker.fromRankParams(Map.of("strategy", "weighted", "params",
                "not json"))).hasMessageContaining("Parse rerank params failed");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> new Ranker.Weighted(new float[] {0.5f, 0.5f}, false)
                .checkArity(3)).hasMessageContaining("the length of weights param mismatch with ann search requests");

        assertThat(Ranker.fromFunctionParams("RRF", Map.of("k", "30"))).isEqualTo(new Ranker.Rrf(30));
        assertThat(Ranker.fromFunctionParams("weighted", Map.of("weights", "[0.2,0.8]", "norm_score", "true")))
                .isEqualTo(new Ranker.Weighted(new float[] {0.2f, 0.8f}, true));
        failsWith(ErrorCode.PARAMETER_INVALID, () -> Ranker.fromFunctionParams("rrf", Map.of("k", "x")))
                .hasMessageContaining("Param k:x is not a number");
    }

    // ------------------------------------------------------------------ property test against a reference

    @Test
    void fusionEqualsAPlainReferenceOnRandomLists() {
        System.out.println("RankFusionTest seed: " + SEED + " (replay with -Dtests.seed=" + SEED + ")");
        Random random = new Random(SEED);
        MetricType[] all = MetricType.values();
        for (int round = 0; round < 3000; round++) {
            int subs = 1 + random.nextInt(4);
            boolean strings = random.nextBoolean();
            int keySpace = 1 + random.nextInt(30);
            List<List<RankFusion.Hit>> lists = new ArrayList<>();
            List<MetricType> metrics = new ArrayList<>();
            Map<Object, Object> groupOf = new HashMap<>();
            for (int s = 0; s < subs; s++) {
                MetricType metric = all[random.nextInt(all.length)];
                metrics.add(metric);
                List<RankFusion.Hit> list = new ArrayList<>();
                int length = random.nextInt(12);
                java.util.Set<Object> seen = new java.util.HashSet<>();
                for (int i = 0; i < length; i++) {
                    long k = random.nextInt(keySpace);
                    Object key = strings ? "k" + k : (Object) k;
                    if (!seen.add(key)) {
                        continue;
                    }
                    // Coarse scores make ties common, so the key order of equal scores is exercised.
                    float score = random.nextInt(4) == 0 ? random.nextInt(5) / 2f
                            : (float) (random.nextGaussian() * 3);
                    // One group value per key (as one row has), null included.
                    if (!groupOf.containsKey(key)) {
                        groupOf.put(key, random.nextInt(6) == 0 ? null : (Object) (long) random.nextInt(5));
                    }
                    Object group = groupOf.get(key);
                    list.add(new RankFusion.Hit(key, score, s, i, group));
                }
                lists.add(list);
            }
            Ranker ranker;
            if (random.nextBoolean()) {
                ranker = new Ranker.Rrf(1 + random.nextInt(100));
            } else {
                float[] weights = new float[subs];
                for (int s = 0; s < subs; s++) {
                    weights[s] = random.nextInt(5) == 0 ? 0f : random.nextFloat();
                }
                ranker = new Ranker.Weighted(weights, random.nextBoolean());
            }
            int limit = 1 + random.nextInt(8);
            int offset = random.nextInt(4);
            int roundDecimal = random.nextInt(3) == 0 ? random.nextInt(7) : -1;
            GroupBy groupBy = random.nextInt(3) == 0 ? new GroupBy("g", 1 + random.nextInt(3), random.nextBoolean())
                    : null;
            GroupScorer scorer = GroupScorer.values()[random.nextInt(3)];
            List<RankFusion.Hit> actual = RankFusion.fuse(ranker, lists, metrics, limit, offset, roundDecimal,
                    groupBy, scorer);
            List<Object[]> expected = FusionReference.fuse(ranker, lists, metrics, limit, offset, roundDecimal, groupBy,
                    scorer);
            String context = "seed " + SEED + " round " + round + " ranker " + ranker + " metrics " + metrics
                    + " limit " + limit + " offset " + offset + " group " + groupBy + " " + scorer;
            assertThat(actual.stream().map(h -> List.of(h.key(), h.score())).toList()).as(context)
                    .isEqualTo(expected.stream().map(e -> List.of(e[0], e[1])).toList());
        }
    }
}
