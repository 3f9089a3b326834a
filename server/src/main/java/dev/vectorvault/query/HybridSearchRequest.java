package dev.vectorvault.query;

import java.util.List;

/**
 * A hybrid search: several vector searches of one collection (usually on different vector fields), fused per query by
 * a {@link Ranker}. Each sub-request carries its own field, query vectors, filter, metric, index parameters and
 * {@code topK} (its {@code offset}, {@code outputFields}, {@code partitions} and {@code groupBy} are not used: the
 * hybrid search's own apply); every sub-request must have the same number of queries. {@code limit} and
 * {@code offset} apply to the fused list ({@code limit} counts groups when {@code groupBy} is set: each sub-request
 * is then a group-by search too, and fused hits are grouped again). {@code roundDecimal} rounds the fused scores.
 */
public record HybridSearchRequest(
        String database,
        String collection,
        List<String> partitions,
        List<SubRequest> subRequests,
        Ranker ranker,
        int limit,
        int offset,
        int roundDecimal,
        List<String> outputFields,
        GroupBy groupBy,
        GroupScorer groupScorer) {

    /** Milvus's limit on the number of sub-requests. */
    public static final int MAX_SUB_REQUESTS = 1024;

    /** One sub-request; {@code roundDecimal} rounds its own scores before fusion, as Milvus's segments do. */
    public record SubRequest(SearchRequest search, int roundDecimal) {}

    public HybridSearchRequest {
        partitions = partitions == null ? List.of() : List.copyOf(partitions);
        subRequests = List.copyOf(subRequests);
        outputFields = outputFields == null ? List.of() : List.copyOf(outputFields);
        groupScorer = groupScorer == null ? GroupScorer.MAX : groupScorer;
    }
}
