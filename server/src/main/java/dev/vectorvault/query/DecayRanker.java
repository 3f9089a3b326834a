package dev.vectorvault.query;

import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.index.MetricType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Milvus 2.6's decay reranker on a plain search ({@code function_score} with {@code reranker: decay}): each hit's
 * search score, turned so that larger is better, is multiplied by a factor in (0, 1] that falls with the distance of
 * a numeric field's value from {@code origin}. Within {@code offset} of the origin the factor is 1; at
 * {@code offset + scale} it is {@code decay}; the {@link Shape} says how it falls.
 *
 * <p>Milvus computes the factor in float64 and the rest in float32 ({@code rerank/decay_function.go}); so does this
 * class, so scores agree to the last bit. The reranked hits are sorted by score descending, ties by primary key
 * ascending, and {@code [offset, offset + limit)} of them kept.
 */
public final class DecayRanker {

    /** How the factor falls beyond {@code offset}: a bell curve, an exponential, or a straight line floored at decay. */
    public enum Shape {
        GAUSS, EXP, LINEAR;

        static Shape named(String name) {
            return switch (name) {
                case "gauss" -> GAUSS;
                case "exp" -> EXP;
                case "linear" -> LINEAR;
                // Milvus names the reranker where it means the function, and spells the message so.
                default -> throw MilvusException.invalidParameter("Invaild decay function: decay, only support"
                        + " [gauss,linear,exp]");
            };
        }
    }

    private final String field;
    private final Shape shape;
    private final double origin;
    private final double scale;
    private final double offset;
    private final double decay;

    DecayRanker(String field, Shape shape, double origin, double scale, double offset, double decay) {
        this.field = field;
        this.shape = shape;
        this.origin = origin;
        this.scale = scale;
        this.offset = offset;
        this.decay = decay;
    }

    /**
     * The ranker over {@code inputs} (the function's input field names) of a collection with {@code fields}, from
     * the function's params ({@code function}, {@code origin}, {@code scale}, optional {@code offset} = 0 and
     * {@code decay} = 0.5; keys in any case), checked in Milvus's order with its messages. The input is one
     * non-nullable Int8/16/32/64, Float or Double field.
     */
    public static DecayRanker of(List<FieldSchema> fields, List<String> inputs, Map<String, String> params) {
        FieldSchema input = null;
        for (String name : inputs) {
            if (name.isEmpty()) {
                throw MilvusException.invalidParameter("rerank input field name cannot be empty string");
            }
            if (inputs.indexOf(name) != inputs.lastIndexOf(name)) {
                throw MilvusException.invalidParameter("each function input field should be used exactly once in"
                        + " the same function, input field: " + name);
            }
            FieldSchema found = fields.stream().filter(f -> f.name().equals(name)).findFirst()
                    .orElseThrow(() -> MilvusException.invalidParameter("function input field not found: " + name));
            if (found.nullable()) {
                throw MilvusException.invalidParameter("function input field cannot be nullable: field " + name);
            }
            input = found;
        }
        if (inputs.size() != 1) {
            throw MilvusException.invalidParameter("Decay function only supoorts single input, but gets ["
                    + String.join(" ", inputs) + "] input");
        }
        DataType type = input.dataType();
        if (!type.isInteger() && type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw MilvusException.invalidParameter("Decay rerank: unsupported input field type:" + type
                    + ", only support numberic field");
        }
        String function = "";
        Double origin = null;
        Double scale = null;
        double offset = 0;
        double decay = 0.5;
        for (Map.Entry<String, String> e : params.entrySet()) {
            switch (e.getKey().toLowerCase(Locale.ROOT)) {
                case "function" -> function = e.getValue();
                case "origin" -> origin = number("origin", e.getValue());
                case "scale" -> scale = number("scale", e.getValue());
                case "offset" -> offset = number("offset", e.getValue());
                case "decay" -> decay = number("decay", e.getValue());
                default -> { } // reranker and anything else: Milvus ignores them here
            }
        }
        if (origin == null) {
            throw MilvusException.invalidParameter("Decay function lost param: origin");
        }
        if (scale == null) {
            throw MilvusException.invalidParameter("Decay function lost param: scale");
        }
        if (!(scale > 0)) {
            throw MilvusException.invalidParameter("Decay function param: scale must > 0, but got " + go(scale));
        }
        if (!(offset >= 0)) {
            throw MilvusException.invalidParameter("Decay function param: offset must >= 0, but got " + go(offset));
        }
        if (!(decay > 0 && decay < 1)) {
            throw MilvusException.invalidParameter("Decay function param: decay must 0 < decay < 1, but got "
                    + go(decay));
        }
        return new DecayRanker(input.name(), Shape.named(function), origin, scale, offset, decay);
    }

    private static double number(String key, String text) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw MilvusException.invalidParameter("Param " + key + ":" + text + " is not a number");
        }
    }

    /** Go's {@code %f}: six decimals. */
    private static String go(double value) {
        return String.format(Locale.ROOT, "%f", value);
    }

    /** The input field's name. */
    public String field() {
        return field;
    }

    /** The factor for a hit whose input field holds {@code value}: 1 within offset of origin, decay at offset + scale. */
    public double factor(double value) {
        double beyond = Math.max(0, Math.abs(value - origin) - offset);
        return switch (shape) {
            // exp(ln(decay) * (beyond / scale)^2)
            case GAUSS -> Math.exp(Math.pow(beyond, 2.0) / (Math.pow(scale, 2.0) / Math.log(decay)));
            case EXP -> Math.exp(Math.log(decay) / scale * beyond);
            case LINEAR -> Math.max(decay, 1 - (1 - decay) / scale * beyond);
        };
    }

    /**
     * A hit's reranked score: its search score made larger-is-better as Milvus does for decay (IP, COSINE and BM25
     * as they are, a distance {@code 1 - 2 atan(d) / pi}, in float32) times the factor of its field value.
     */
    public float score(float searchScore, MetricType metric, double value) {
        float greater = metric.higherIsBetter() ? searchScore
                : 1f - 2 * (float) Math.atan(searchScore) / (float) Math.PI;
        return (float) factor(value) * greater;
    }

    /**
     * One query's hits reranked: each scored by {@link #score} with its field value, sorted by that score descending
     * (ties: primary key ascending), {@code [offset, offset + limit)} kept. {@code values} is parallel to {@code hits}.
     */
    List<RankFusion.Hit> rerank(List<RankFusion.Hit> hits, double[] values, MetricType metric, int offset,
                                int limit) {
        List<RankFusion.Hit> scored = new ArrayList<>(hits.size());
        for (int i = 0; i < hits.size(); i++) {
            RankFusion.Hit h = hits.get(i);
            scored.add(new RankFusion.Hit(h.key(), score(h.score(), metric, values[i]), h.segment(), h.ordinal(),
                    h.group()));
        }
        scored.sort((a, b) -> a.score() == b.score() ? RankFusion.compareKeys(a.key(), b.key())
                : Float.compare(b.score(), a.score()));
        int from = Math.min(offset, scored.size());
        return List.copyOf(scored.subList(from, Math.min(scored.size(), from + limit)));
    }

    @Override
    public String toString() {
        return "decay(" + shape.name().toLowerCase(Locale.ROOT) + " on " + field + ", origin " + origin + ", scale "
                + scale + ", offset " + offset + ", decay " + decay + ")";
    }
}
