package dev.vectorvault.catalog;

import java.util.Map;

/** An index on one field: its type (FLAT, AUTOINDEX, ...), metric for vector fields, and user parameters. */
public record IndexDefinition(long indexId, String indexName, String fieldName, String indexType, String metricType,
                              Map<String, String> params, long createdTimestamp) {
    public IndexDefinition {
        params = Map.copyOf(params);
    }
}
