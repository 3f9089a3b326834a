package dev.vectorvault.query;

import dev.vectorvault.index.RequestedMetric;
import java.util.List;
import java.util.Map;

/**
 * One vector search. {@code annsField} may be empty when the collection has one vector field; {@code metric} is the
 * metric the client named, parsed at the edge ({@link RequestedMetric#none()}: the index's metric is used; any other
 * must be the index's). {@code radius}/{@code rangeFilter} are NaN unless this is a range search.
 * {@code searchParams} are the index's search parameters ({@code ef} for HNSW, {@code nprobe} for IVF_FLAT).
 */
public record SearchRequest(
        String database,
        String collection,
        List<String> partitions,
        String annsField,
        float[][] queries,
        int topK,
        int offset,
        String filter,
        Map<String, Object> templates,
        List<String> outputFields,
        RequestedMetric metric,
        float radius,
        float rangeFilter,
        Map<String, String> searchParams) {

    public SearchRequest {
        metric = metric == null ? RequestedMetric.none() : metric;
        searchParams = searchParams == null ? Map.of() : Map.copyOf(searchParams);
    }

    /** A search without index search parameters (defaults apply). */
    public SearchRequest(String database, String collection, List<String> partitions, String annsField,
                         float[][] queries, int topK, int offset, String filter, Map<String, Object> templates,
                         List<String> outputFields, RequestedMetric metric, float radius,
                         float rangeFilter) {
        this(database, collection, partitions, annsField, queries, topK, offset, filter, templates, outputFields,
                metric, radius, rangeFilter, Map.of());
    }
}
