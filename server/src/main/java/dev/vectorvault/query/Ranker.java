package dev.vectorvault.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.index.MetricType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a hybrid search fuses the hit lists of its sub-requests into one score per primary key: RRF or Weighted, with
 * Milvus 2.6's parameters, defaults, messages and float32 arithmetic ({@code rerank/rrf_function.go},
 * {@code weighted_function.go}). A key's score is the sum of its contributions, added in sub-request order.
 */
public sealed interface Ranker permits Ranker.Rrf, Ranker.Weighted {

    /** Milvus's RRF constant when none is given. */
    float DEFAULT_RRF_K = 60f;

    /** The contribution of the hit at 0-based {@code position} of sub-request {@code sub}'s list. */
    float contribution(int sub, int position, float score, MetricType metric, boolean mixedMetrics);

    /** Whether fused scores sort descending (they always do when grouping). */
    boolean descending(List<MetricType> metrics);

    /** Refuses a ranker that does not fit this many sub-requests. */
    void checkArity(int subRequests);

    /** Reciprocal rank fusion: the hit at position r adds {@code 1 / (k + r + 1)}. */
    record Rrf(float k) implements Ranker {
        public Rrf {
            if (!(k > 0 && k < 16384)) {
                throw MilvusException.invalidParameter("The rank params k should be in range (0, 16384)");
            }
        }

        @Override
        public float contribution(int sub, int position, float score, MetricType metric, boolean mixedMetrics) {
            return 1f / (k + (float) (position + 1));
        }

        @Override
        public boolean descending(List<MetricType> metrics) {
            return true;
        }

        @Override
        public void checkArity(int subRequests) {
            // any number of lists
        }
    }

    /**
     * Weighted sum of each sub-request's score. With {@code normScore} every score is first mapped by
     * {@link MetricType#rerankNormalised}; without it scores are used raw, except that in a mix of distances and
     * similarities the distances are still mapped (so larger is better throughout), as Milvus does.
     */
    record Weighted(float[] weights, boolean normScore) implements Ranker {
        public Weighted {
            weights = weights.clone();
            for (float w : weights) {
                if (!(w >= 0 && w <= 1)) {
                    throw MilvusException.invalidParameter("rank param weight should be in range [0, 1]");
                }
            }
        }

        @Override
        public float contribution(int sub, int position, float score, MetricType metric, boolean mixedMetrics) {
            float value = normScore || (mixedMetrics && !metric.higherIsBetter())
                    ? metric.rerankNormalised(score) : score;
            return weights[sub] * value;
        }

        /** Normalised scores sort descending; raw ones ascending only when every metric is a distance. */
        @Override
        public boolean descending(List<MetricType> metrics) {
            return normScore || mixed(metrics) || metrics.stream().allMatch(MetricType::higherIsBetter);
        }

        @Override
        public void checkArity(int subRequests) {
            if (subRequests != weights.length) {
                throw MilvusException.invalidParameterAsIs("the length of weights param mismatch with ann search"
                        + " requests: invalid parameter[expected=" + subRequests + "][actual=" + weights.length
                        + "]");
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Weighted w && Arrays.equals(weights, w.weights) && normScore == w.normScore;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(weights) * 31 + Boolean.hashCode(normScore);
        }

        @Override
        public String toString() {
            return "Weighted[weights=" + Arrays.toString(weights) + ", normScore=" + normScore + "]";
        }
    }

    /** Whether the metrics mix similarities (larger is better) and distances (smaller is better). */
    static boolean mixed(List<MetricType> metrics) {
        return metrics.stream().anyMatch(MetricType::higherIsBetter)
                && metrics.stream().anyMatch(m -> !m.higherIsBetter());
    }

    /**
     * The ranker of the legacy {@code rank_params} form every SDK sends: {@code strategy} ({@code rrf} or
     * {@code weighted}, case as given; absent means RRF with k = 60) and {@code params}, a JSON object
     * ({@code {"k":60}}, {@code {"weights":[0.7,0.3],"norm_score":true}}). A missing {@code norm_score} means false, as
     * in Milvus 2.6 (2.5 normalised by default). Other keys of {@code params} are ignored, as Milvus ignores them.
     */
    static Ranker fromRankParams(Map<String, String> rankParams) {
        String strategy = rankParams.get("strategy");
        if (strategy == null) {
            return new Rrf(DEFAULT_RRF_K);
        }
        if (!strategy.equals("rrf") && !strategy.equals("weighted")) {
            throw MilvusException.invalidParameter("unsupported rank type " + strategy
                    + " (rank_params strategy: rrf or weighted)");
        }
        String json = rankParams.get("params");
        if (json == null) {
            throw MilvusException.invalidParameter("params not found in rank_params");
        }
        JsonNode params;
        try {
            params = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw MilvusException.invalidParameter("Parse rerank params failed, err: rank_params params is not valid"
                    + " JSON: " + json);
        }
        if (params == null || !params.isObject()) {
            throw MilvusException.invalidParameter("Parse rerank params failed, err: rank_params params must be a"
                    + " JSON object: " + json);
        }
        if (strategy.equals("rrf")) {
            JsonNode k = params.get("k");
            if (k == null) {
                return new Rrf(DEFAULT_RRF_K);
            }
            if (!k.isNumber()) {
                throw MilvusException.invalidParameter("The type of rank param k should be float");
            }
            return new Rrf((float) k.asDouble());
        }
        JsonNode weights = params.get("weights");
        JsonNode norm = params.get("norm_score");
        boolean normScore = false;
        if (norm != null) {
            if (!norm.isBoolean()) {
                throw MilvusException.invalidParameter("Weighted rerank err, norm_score should been bool type, but"
                        + " [norm_score:" + norm + "]'s type is " + jsonType(norm));
            }
            normScore = norm.booleanValue();
        }
        if (weights == null) {
            throw MilvusException.invalidParameter("weights not found");
        }
        return new Weighted(weightsOf(weights, weights.toString()), normScore);
    }

    /**
     * The ranker of a {@code function_score} function ({@code type=Rerank}, {@code params.reranker}): {@code rrf}
     * with {@code k}, {@code weighted} with {@code weights} (a JSON list) and {@code norm_score}, all as strings.
     * Milvus's other rerankers ({@code decay}, {@code model}, {@code boost}) are refused by the caller.
     */
    static Ranker fromFunctionParams(String reranker, Map<String, String> params) {
        switch (reranker.toLowerCase(Locale.ROOT)) {
            case "rrf" -> {
                String k = param(params, "k");
                if (k == null) {
                    return new Rrf(DEFAULT_RRF_K);
                }
                try {
                    return new Rrf((float) Double.parseDouble(k.trim()));
                } catch (NumberFormatException e) {
                    throw MilvusException.invalidParameter("Param k:" + k + " is not a number");
                }
            }
            case "weighted" -> {
                String weights = param(params, "weights");
                boolean normScore = false;
                String norm = param(params, "norm_score");
                if (norm != null) {
                    if (!norm.trim().equalsIgnoreCase("true") && !norm.trim().equalsIgnoreCase("false")) {
                        throw MilvusException.invalidParameter("norm_score params must be true/false, bug got "
                                + norm);
                    }
                    normScore = Boolean.parseBoolean(norm.trim());
                }
                if (weights == null) {
                    throw MilvusException.invalidParameter("weights not found");
                }
                JsonNode list;
                try {
                    list = Json.MAPPER.readTree(weights);
                } catch (JsonProcessingException e) {
                    list = null;
                }
                return new Weighted(weightsOf(list, weights), normScore);
            }
            default -> throw MilvusException.invalidParameter("Unsupported rerank function: [" + reranker
                    + "] , list of supported [rrf,weighted]");
        }
    }

    /** A key looked up as Milvus does for function params: ignoring case. */
    private static String param(Map<String, String> params, String key) {
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (e.getKey().equalsIgnoreCase(key)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static float[] weightsOf(JsonNode list, String asGiven) {
        if (list == null || !list.isArray()) {
            throw MilvusException.invalidParameter("Parse weights param failed, weight should be []float, bug got: "
                    + asGiven);
        }
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!list.get(i).isNumber()) {
                throw MilvusException.invalidParameter("Parse weights param failed, weight should be []float, bug"
                        + " got: " + asGiven);
            }
            // Decimal text straight to float32, as Go's json.Unmarshal into []float32 rounds it (no double step).
            out[i] = Float.parseFloat(list.get(i).decimalValue().toString());
        }
        if (out.length == 0) {
            throw MilvusException.invalidParameter("weights not found");
        }
        return out;
    }

    private static String jsonType(JsonNode node) {
        if (node.isTextual()) {
            return "string";
        }
        return node.isNumber() ? "float64" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** The shared, thread-safe JSON reader. */
    final class Json {
        /** Decimals kept exact, so weights round once, straight to float32. */
        static final ObjectMapper MAPPER = new ObjectMapper()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

        private Json() {}
    }
}
