package dev.vectorvault.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.index.MetricType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decay reranker's parameters, formulas and reordering, against values worked out by hand. */
class DecayRankerTest {
    private static final List<FieldSchema> FIELDS = List.of(
            field(1, "id", DataType.INT64, false),
            field(2, "price", DataType.DOUBLE, false),
            field(3, "year", DataType.INT32, false),
            field(4, "title", DataType.VARCHAR, false),
            field(5, "rating", DataType.FLOAT, true));

    private static FieldSchema field(long id, String name, DataType type, boolean nullable) {
        return new FieldSchema(id, name, "", type, id == 1, false, 0, type == DataType.VARCHAR ? 64 : 0, null, 0,
                nullable, null, false, false);
    }

    private static Map<String, String> params(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("reranker", "decay");
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    private static DecayRanker ranker(String... keyValues) {
        return DecayRanker.of(FIELDS, List.of("price"), params(keyValues));
    }

    @Test
    void everyShapeGivesOneAtTheOriginAndDecayAtOffsetPlusScale() {
        for (String shape : List.of("gauss", "exp", "linear")) {
            DecayRanker r = ranker("function", shape, "origin", "100", "scale", "10", "offset", "2", "decay", "0.3");
            assertThat(r.factor(100)).as(shape).isEqualTo(1.0);
            assertThat(r.factor(98)).as(shape + " inside offset").isEqualTo(1.0);
            assertThat(r.factor(112)).as(shape + " above").isCloseTo(0.3, within(1e-12));
            assertThat(r.factor(88)).as(shape + " below, symmetric").isCloseTo(0.3, within(1e-12));
        }
    }

    @Test
    void shapesDifferBetweenOriginAndScale() {
        // Half way (5 of scale 10, decay 0.5): gauss 0.5^(1/4), exp 0.5^(1/2), linear 1 - 0.5/2.
        assertThat(ranker("function", "gauss", "origin", "0", "scale", "10").factor(5))
                .isCloseTo(Math.pow(0.5, 0.25), within(1e-12));
        assertThat(ranker("function", "exp", "origin", "0", "scale", "10").factor(5))
                .isCloseTo(Math.sqrt(0.5), within(1e-12));
        assertThat(ranker("function", "linear", "origin", "0", "scale", "10").factor(5)).isCloseTo(0.75,
                within(1e-12));
        // Twice the scale: gauss 0.5^4, exp 0.5^2; linear reaches 0 at 2 x scale but never falls under decay.
        assertThat(ranker("function", "gauss", "origin", "0", "scale", "10").factor(20))
                .isCloseTo(0.0625, within(1e-12));
        assertThat(ranker("function", "exp", "origin", "0", "scale", "10").factor(20)).isCloseTo(0.25,
                within(1e-12));
        assertThat(ranker("function", "linear", "origin", "0", "scale", "10").factor(30)).isEqualTo(0.5);
    }

    @Test
    void similarityScoresAreMultipliedAsTheyAreAndDistancesAreTurnedFirst() {
        DecayRanker r = ranker("function", "exp", "origin", "0", "scale", "10");
        assertThat(r.score(0.8f, MetricType.IP, 10)).isEqualTo(0.4f);
        assertThat(r.score(0.8f, MetricType.COSINE, 0)).isEqualTo(0.8f);
        // L2 distance 1: 1 - 2 atan(1) / pi = 1/2, times 1/2.
        assertThat(r.score(1f, MetricType.L2, 10)).isCloseTo(0.25f, within(1e-7f));
        assertThat(r.score(0f, MetricType.L2, 0)).isEqualTo(1f);
    }

    @Test
    void rerankSortsByNewScoreThenKeyAndKeepsTheWindow() {
        DecayRanker r = ranker("function", "linear", "origin", "0", "scale", "10", "decay", "0.5");
        List<RankFusion.Hit> hits = List.of(hit(1L, 0.9f), hit(2L, 0.8f), hit(3L, 0.4f), hit(4L, 0.4f));
        // Factors 0.5, 1, 1, 1: scores 0.45, 0.8, 0.4, 0.4 (3 and 4 tie: smaller key first).
        double[] values = {10, 0, 0, 0};
        assertThat(r.rerank(hits, values, MetricType.IP, 0, 10)).extracting(RankFusion.Hit::key)
                .containsExactly(2L, 1L, 3L, 4L);
        assertThat(r.rerank(hits, values, MetricType.IP, 1, 2)).extracting(RankFusion.Hit::key)
                .containsExactly(1L, 3L);
        assertThat(r.rerank(hits, values, MetricType.IP, 1, 2)).extracting(RankFusion.Hit::score)
                .containsExactly(0.45f, 0.4f);
        assertThat(r.rerank(hits, values, MetricType.IP, 5, 2)).isEmpty();
    }

    private static RankFusion.Hit hit(Object key, float score) {
        return new RankFusion.Hit(key, score, 0, 0, null);
    }

    @Test
    void offsetAndDecayDefaultToZeroAndOneHalfAndKeysAreReadInAnyCase() {
        DecayRanker r = ranker("FUNCTION", "exp", "Origin", "0", "SCALE", "4");
        assertThat(r.factor(4)).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void parametersAreCheckedWithMilvusMessages() {
        refused(() -> ranker("function", "gauss", "scale", "1"), "Decay function lost param: origin");
        refused(() -> ranker("function", "gauss", "origin", "1"), "Decay function lost param: scale");
        refused(() -> ranker("function", "gauss", "origin", "x", "scale", "1"), "Param origin:x is not a number");
        refused(() -> ranker("function", "gauss", "origin", "1", "scale", "0"),
                "Decay function param: scale must > 0, but got 0.000000");
        refused(() -> ranker("function", "gauss", "origin", "1", "scale", "1", "offset", "-1"),
                "Decay function param: offset must >= 0, but got -1.000000");
        refused(() -> ranker("function", "gauss", "origin", "1", "scale", "1", "decay", "1"),
                "Decay function param: decay must 0 < decay < 1, but got 1.000000");
        refused(() -> ranker("function", "cubic", "origin", "1", "scale", "1"),
                "Invaild decay function: decay, only support [gauss,linear,exp]");
        refused(() -> ranker("origin", "1", "scale", "1"), "Invaild decay function");
    }

    @Test
    void theInputIsOneNumericNonNullableField() {
        Map<String, String> ok = params("function", "gauss", "origin", "1", "scale", "1");
        assertThat(DecayRanker.of(FIELDS, List.of("year"), ok).field()).isEqualTo("year");
        refused(() -> DecayRanker.of(FIELDS, List.of(), ok), "Decay function only supoorts single input, but gets []");
        refused(() -> DecayRanker.of(FIELDS, List.of("price", "year"), ok),
                "Decay function only supoorts single input, but gets [price year] input");
        refused(() -> DecayRanker.of(FIELDS, List.of("title"), ok),
                "Decay rerank: unsupported input field type:VARCHAR, only support numberic field");
        refused(() -> DecayRanker.of(FIELDS, List.of("rating"), ok),
                "function input field cannot be nullable: field rating");
        refused(() -> DecayRanker.of(FIELDS, List.of("nope"), ok), "function input field not found: nope");
        refused(() -> DecayRanker.of(FIELDS, List.of("price", "price"), ok),
                "each function input field should be used exactly once in the same function, input field: price");
    }

    private static void refused(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(MilvusException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.PARAMETER_INVALID);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
