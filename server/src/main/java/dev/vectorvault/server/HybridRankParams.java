package dev.vectorvault.server;

import dev.vectorvault.common.MilvusException;
import dev.vectorvault.query.Ranker;
import io.milvus.grpc.FunctionSchema;
import io.milvus.grpc.FunctionScore;
import io.milvus.grpc.FunctionType;
import java.util.Locale;
import java.util.Map;

/**
 * The result window of a hybrid search's {@code rank_params} ({@code limit} required, {@code offset},
 * {@code round_decimal}) and its ranker when given as {@code function_score}, read with Milvus 2.6's rules and
 * messages ({@code parseRankParams}, {@code rerank.NewFunctionScore}).
 */
record HybridRankParams(int limit, int offset, int roundDecimal) {

    static HybridRankParams parse(Map<String, String> rank, int maxQueryResultWindow) {
        String limitText = rank.get("limit");
        if (limitText == null) {
            throw MilvusException.invalidParameter("limit not found in rank_params");
        }
        long limit = integer(limitText, "limit [" + limitText + "] is invalid");
        String offsetText = rank.get("offset");
        long offset = offsetText == null ? 0 : integer(offsetText, "offset [" + offsetText + "] is invalid");
        if (offset < 0) {
            throw MilvusException.invalidParameter("invalid max query result window, offset [" + offset
                    + "] is invalid, should be gte than 0");
        }
        if (limit <= 0) {
            throw MilvusException.invalidParameter("invalid max query result window, limit [" + limit
                    + "] is invalid, should be greater than 0");
        }
        long window = limit + offset;
        if (window > maxQueryResultWindow) {
            throw MilvusException.invalidParameter("invalid max query result window, (offset+limit) should be in"
                    + " range [1, " + maxQueryResultWindow + "], but got " + window);
        }
        return new HybridRankParams((int) limit, (int) offset, roundDecimal(rank));
    }

    /** {@code round_decimal}: -1 (absent: as they are) or 0..6. */
    static int roundDecimal(Map<String, String> params) {
        String text = params.get("round_decimal");
        if (text == null) {
            return -1;
        }
        String message = "round_decimal [" + text + "] is invalid, should be -1 or an integer in range [0, 6]";
        long value = integer(text, message);
        if (value != -1 && (value < 0 || value > 6)) {
            throw MilvusException.invalidParameter(message);
        }
        return (int) value;
    }

    private static long integer(String text, String message) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw MilvusException.invalidParameter(message);
        }
    }

    /**
     * The one function of a {@code function_score}, checked as Milvus checks it ({@code NewFunctionScore},
     * {@code createFunction}): exactly one, of type {@code Rerank}, without output fields. The message-level
     * {@code params} are refused naming the field (this server does not read them).
     */
    static FunctionSchema onlyRerankFunction(FunctionScore score) {
        if (score.getParamsCount() > 0) {
            throw RequestAudit.unsupported("function_score.params (" + score.getParams(0).getKey() + ")");
        }
        if (score.getFunctionsCount() != 1) {
            throw MilvusException.invalidParameter("Currently only supports one rerank, but got "
                    + score.getFunctionsCount());
        }
        FunctionSchema function = score.getFunctions(0);
        if (function.getType() != FunctionType.Rerank) {
            throw MilvusException.invalidParameter(function.getType() + " is not rerank function.");
        }
        if (function.getOutputFieldNamesCount() > 0) {
            throw MilvusException.invalidParameter("Rerank function should not have output field, but now is "
                    + function.getOutputFieldNamesCount());
        }
        return function;
    }

    /** The {@code reranker} param (key in any case), lower-cased; empty when absent. */
    static String rerankerName(Map<String, String> params) {
        String reranker = "";
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (e.getKey().equalsIgnoreCase("reranker")) {
                reranker = e.getValue().toLowerCase(Locale.ROOT);
            }
        }
        return reranker;
    }

    /** Whether {@code function_score} names anything: the SDKs' empty message means "not set". */
    static boolean hasFunctions(FunctionScore score) {
        return score.getFunctionsCount() > 0 || score.getParamsCount() > 0;
    }

    /**
     * The ranker a {@code function_score} names: exactly one {@code Rerank} function with {@code reranker} rrf or
     * weighted, no input or output fields. The rerankers this server does not have (decay, model, boost) and
     * {@code function_score.params} are refused naming the field. A {@code strategy} in {@code rank_params} as well
     * would be ignored by Milvus; it is refused here, since the two may disagree.
     */
    static Ranker ranker(FunctionScore score, Map<String, String> rank) {
        if (rank.containsKey("strategy") && score.getParamsCount() == 0 && score.getFunctionsCount() == 1) {
            throw MilvusException.invalidParameter("the ranker is given twice: function_score and rank_params"
                    + " strategy=" + rank.get("strategy") + "; send one");
        }
        FunctionSchema function = onlyRerankFunction(score);
        Map<String, String> params = SchemaMapper.keyValues(function.getParamsList());
        String reranker = rerankerName(params);
        switch (reranker) {
            case "rrf", "weighted" -> {
                if (function.getInputFieldNamesCount() > 0) {
                    throw MilvusException.invalidParameter("The " + reranker + " function does not support input"
                            + " parameters, but got " + function.getInputFieldNamesList());
                }
                return Ranker.fromFunctionParams(reranker, params);
            }
            case "decay", "model", "boost" -> throw RequestAudit.unsupported("function_score (" + reranker
                    + " reranker)");
            default -> throw MilvusException.invalidParameter("Unsupported rerank function: [" + reranker
                    + "] , list of supported [decay,model,rrf,weighted]");
        }
    }
}
