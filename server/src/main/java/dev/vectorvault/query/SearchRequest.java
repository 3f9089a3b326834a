package dev.vectorvault.query;

import java.util.List;
import java.util.Map;

/**
 * One vector search. {@code annsField} may be empty when the collection has one vector field; {@code metric} may be
 * empty (the index's metric is used). {@code radius}/{@code rangeFilter} are NaN unless this is a range search.
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
        String metric,
        float radius,
        float rangeFilter) {}
