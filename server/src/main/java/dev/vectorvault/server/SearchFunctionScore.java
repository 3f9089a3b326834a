package dev.vectorvault.server;

import dev.vectorvault.catalog.CollectionSchema;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.query.DecayRanker;
import io.milvus.grpc.FunctionSchema;
import io.milvus.grpc.FunctionScore;

/**
 * A plain search's {@code function_score}, read as Milvus 2.6 reads it: one {@code Rerank} function. The decay
 * reranker is built ({@link DecayRanker}); model and boost rerankers, and RRF/weighted (which fuse the lists of a
 * hybrid search), are refused naming the reranker.
 */
final class SearchFunctionScore {
    private SearchFunctionScore() {}

    /** The decay ranker {@code score} names over a collection with {@code schema}; null for the empty message. */
    static DecayRanker decay(FunctionScore score, CollectionSchema schema) {
        if (!HybridRankParams.hasFunctions(score)) {
            return null;
        }
        FunctionSchema function = HybridRankParams.onlyRerankFunction(score);
        var params = SchemaMapper.keyValues(function.getParamsList());
        String reranker = HybridRankParams.rerankerName(params);
        return switch (reranker) {
            case "decay" -> DecayRanker.of(schema.fields(), function.getInputFieldNamesList(), params);
            case "model" -> throw RequestAudit.unsupported("function_score (model reranker: it calls an external"
                    + " model service, which this server does not have)");
            case "boost" -> throw RequestAudit.unsupported("function_score (boost reranker)");
            case "rrf", "weighted" -> throw RequestAudit.unsupported("function_score (" + reranker + " reranker on"
                    + " a plain search; it fuses the lists of a hybrid search)");
            default -> throw MilvusException.invalidParameter("Unsupported rerank function: [" + reranker
                    + "] , list of supported [decay,model,rrf,weighted]");
        };
    }
}
