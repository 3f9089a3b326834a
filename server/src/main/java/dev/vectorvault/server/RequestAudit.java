package dev.vectorvault.server;

import dev.vectorvault.common.MilvusException;
import io.milvus.grpc.AlterCollectionRequest;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.SearchRequest;
import io.milvus.grpc.UpsertRequest;
import java.util.List;
import java.util.Map;

/**
 * Request fields this server does not act on. Each is refused with code 1100 and an error naming it when its value
 * would change the results; its default (what the SDKs send when the user sets nothing) passes. README's "Request
 * fields" table lists the whole audit, including the fields that pass because they cannot change a result.
 */
final class RequestAudit {
    /** Milvus's collection TTL property: rows older than this would disappear from every read. */
    static final String COLLECTION_TTL = "collection.ttl.seconds";

    private RequestAudit() {}

    static void search(SearchRequest r) {
        if (r.hasFunctionScore() && (r.getFunctionScore().getFunctionsCount() > 0
                || r.getFunctionScore().getParamsCount() > 0)) {
            throw unsupported("function_score (rerank functions: decay, model, boost, rrf, weighted)");
        }
        if (r.hasHighlighter()) {
            throw unsupported("highlighter");
        }
        if (r.getSubReqsCount() > 0) {
            throw unsupported("sub_reqs");
        }
        if (r.getSearchByPrimaryKeys()) {
            throw unsupported("search_by_primary_keys (deprecated; send the keys in ids)");
        }
        if (r.hasNamespace() && !r.getNamespace().isEmpty()) {
            throw unsupported("namespace");
        }
    }

    /** Search or query parameters: {@code ignore_growing=true} would leave out the newest rows. */
    static void readParams(Map<String, String> params) {
        if ("true".equalsIgnoreCase(params.getOrDefault("ignore_growing", "false").trim())) {
            throw unsupported("ignore_growing=true");
        }
    }

    static void query(QueryRequest r) {
        if (r.hasNamespace() && !r.getNamespace().isEmpty()) {
            throw unsupported("namespace");
        }
    }

    /** REPLACE is what an upsert does anyway; the array append/remove operations are not implemented. */
    static void upsert(UpsertRequest r) {
        for (io.milvus.grpc.FieldPartialUpdateOp op : r.getFieldOpsList()) {
            if (op.getOp() != io.milvus.grpc.FieldPartialUpdateOp.OpType.REPLACE) {
                throw unsupported("field_ops (" + op.getOp() + " on " + op.getFieldName() + ")");
            }
        }
    }

    static void createCollection(CreateCollectionRequest r) {
        properties(r.getPropertiesList());
    }

    static void alterCollection(AlterCollectionRequest r) {
        properties(r.getPropertiesList());
    }

    /** A positive TTL would expire rows, which this server never does; 0 (no TTL) and other properties pass. */
    private static void properties(List<KeyValuePair> properties) {
        for (KeyValuePair p : properties) {
            if (p.getKey().equals(COLLECTION_TTL) && !p.getValue().isBlank()) {
                long seconds;
                try {
                    seconds = Long.parseLong(p.getValue().trim());
                } catch (NumberFormatException e) {
                    throw MilvusException.invalidParameter(COLLECTION_TTL + " [" + p.getValue()
                            + "] is invalid, it should be an integer");
                }
                if (seconds > 0) {
                    throw unsupported("property " + COLLECTION_TTL + "=" + seconds + " (rows never expire here)");
                }
            }
        }
    }

    static MilvusException unsupported(String field) {
        return MilvusException.invalidParameter("request field " + field + " is not supported by this server");
    }
}
