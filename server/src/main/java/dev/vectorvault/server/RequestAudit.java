package dev.vectorvault.server;

import dev.vectorvault.common.MilvusException;
import io.milvus.grpc.AlterCollectionRequest;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.HybridSearchRequest;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.SearchRequest;
import io.milvus.grpc.UpsertRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Request fields this server does not act on. Each is refused with code 1100 and an error naming it when its value
 * would change the results; its default (what the SDKs send when the user sets nothing) passes. README's "Request
 * fields" table lists the whole audit, including the fields that pass because they cannot change a result.
 */
final class RequestAudit {
    private RequestAudit() {}

    /** A plain search's own fields; its {@code function_score} is read by {@link SearchFunctionScore}. */
    static void search(SearchRequest r) {
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

    /** The hybrid search's own fields; its ranker ({@code function_score}) is read by {@link HybridRankParams}. */
    static void hybridSearch(HybridSearchRequest r) {
        if (r.hasNamespace() && !r.getNamespace().isEmpty()) {
            throw unsupported("namespace");
        }
    }

    /**
     * A hybrid search's sub-request: Milvus copies only its vectors, filter, template values and search params, so
     * anything else set there would silently do nothing; such fields are refused, naming the sub-request.
     */
    static void hybridSubRequest(SearchRequest s, int index, HybridSearchRequest hybrid, String database) {
        String at = "requests[" + index + "].";
        String collection = hybrid.getCollectionName();
        if (s.getSearchInputCase() == SearchRequest.SearchInputCase.IDS || s.getSearchByPrimaryKeys()) {
            throw unsupported(at + "ids (search by IDs inside a hybrid search; Milvus does not support it either)");
        }
        // The Node SDK copies the hybrid search's partitions and output fields into every sub-request: equal
        // copies pass, anything else would be dropped and is refused.
        if (s.getPartitionNamesCount() > 0
                && !Set.copyOf(s.getPartitionNamesList()).equals(Set.copyOf(hybrid.getPartitionNamesList()))) {
            throw unsupported(at + "partition_names (set partition_names on the hybrid search)");
        }
        if (s.getOutputFieldsCount() > 0
                && !Set.copyOf(s.getOutputFieldsList()).equals(Set.copyOf(hybrid.getOutputFieldsList()))) {
            throw unsupported(at + "output_fields (set output_fields on the hybrid search)");
        }
        if (s.hasFunctionScore() && (s.getFunctionScore().getFunctionsCount() > 0
                || s.getFunctionScore().getParamsCount() > 0)) {
            throw unsupported(at + "function_score");
        }
        if (s.hasHighlighter()) {
            throw unsupported(at + "highlighter (Milvus highlights plain searches only, not a hybrid search)");
        }
        if (s.getSubReqsCount() > 0) {
            throw unsupported(at + "sub_reqs");
        }
        if (s.hasNamespace() && !s.getNamespace().isEmpty()) {
            throw unsupported(at + "namespace");
        }
        if (!s.getCollectionName().isEmpty() && !s.getCollectionName().equals(collection)) {
            throw unsupported(at + "collection_name (" + s.getCollectionName() + ", not the hybrid search's "
                    + collection + ")");
        }
        if (!s.getDbName().isEmpty() && !s.getDbName().equals(database)) {
            throw unsupported(at + "db_name (" + s.getDbName() + ", not the hybrid search's " + database + ")");
        }
    }

    /**
     * A sub-request's search params: group-by belongs to the hybrid search ({@code rank_params}), a sub-request's
     * offset is dropped by Milvus, and iterators do not apply; each is refused rather than dropped.
     */
    static void hybridSubParams(Map<String, String> params, Map<String, String> nested, int index,
                                long hybridOffset) {
        String at = "requests[" + index + "].search_params ";
        for (String key : List.of("group_by_field", "group_size", "strict_group_size", "json_path", "json_type",
                "strict_cast")) {
            if (params.containsKey(key) || nested.containsKey(key)) {
                throw unsupported(at + key + " (group-by of a hybrid search goes in its rank_params)");
            }
        }
        // 0, or the hybrid search's own offset (the Node SDK copies it into every sub-request), changes nothing.
        String offset = params.getOrDefault("offset", "0").trim();
        if (!offset.isEmpty() && !offset.equals("0") && !offset.equals(String.valueOf(hybridOffset))) {
            throw unsupported(at + "offset=" + offset + " (set offset on the hybrid search)");
        }
        for (String key : List.of("iterator", "search_iter_v2", "search_iter_id", "search_iter_batch_size",
                "search_iter_last_bound")) {
            if (params.containsKey(key) && !params.get(key).trim().equalsIgnoreCase("false")) {
                throw unsupported(at + key + " (iterators do not apply to a hybrid search)");
            }
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

    /** A namespace routes rows inside a namespace collection, which this server does not create. */
    static void insert(InsertRequest r) {
        if (r.hasNamespace() && !r.getNamespace().isEmpty()) {
            throw unsupported("namespace");
        }
    }

    static void upsert(UpsertRequest r) {
        if (r.hasNamespace() && !r.getNamespace().isEmpty()) {
            throw unsupported("namespace");
        }
    }

    static void createCollection(CreateCollectionRequest r) {
        properties(r.getPropertiesList());
    }

    static void alterCollection(AlterCollectionRequest r) {
        properties(r.getPropertiesList());
    }

    /** Milvus's bounds of a collection TTL in seconds: -1 and 0 mean none; at most 100 years. */
    static final long MIN_TTL_SECONDS = -1;
    static final long MAX_TTL_SECONDS = 3_155_760_000L;

    /**
     * A collection TTL must be an integer in Milvus's range, refused with its messages otherwise (as Go's Atoi reads
     * it: no blanks around); other properties pass.
     */
    private static void properties(List<KeyValuePair> properties) {
        for (KeyValuePair p : properties) {
            if (p.getKey().equals(dev.vectorvault.query.Layouts.TTL_PROPERTY)) {
                long seconds;
                try {
                    seconds = Long.parseLong(p.getValue());
                } catch (NumberFormatException e) {
                    throw MilvusException.invalidParameter("collection TTL is not a valid positive integer");
                }
                if (seconds < MIN_TTL_SECONDS || seconds > MAX_TTL_SECONDS) {
                    throw MilvusException.invalidParameter("collection TTL is out of range, expect ["
                            + MIN_TTL_SECONDS + ", " + MAX_TTL_SECONDS + "], got " + seconds);
                }
            }
        }
    }

    static MilvusException unsupported(String field) {
        return MilvusException.invalidParameter("request field " + field + " is not supported by this server");
    }
}
