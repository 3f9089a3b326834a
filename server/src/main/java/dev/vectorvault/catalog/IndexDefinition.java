package dev.vectorvault.catalog;

import dev.vectorvault.index.IndexKind;
import dev.vectorvault.index.IndexKinds;
import dev.vectorvault.index.MetricType;
import java.util.Map;
import java.util.Optional;

/**
 * An index on one field: its type (FLAT, AUTOINDEX, ...), metric for vector fields, and user parameters. Type and
 * metric are stored as Milvus's names (the catalog's persisted form, shown back by DescribeIndex); code that acts on
 * them asks {@link #kind()} and {@link #metric()} instead of comparing strings.
 */
public record IndexDefinition(long indexId, String indexName, String fieldName, String indexType, String metricType,
                              Map<String, String> params, long createdTimestamp) {
    public IndexDefinition {
        params = Map.copyOf(params);
    }

    /** The vector index kind; empty for a scalar index. */
    public Optional<IndexKind> kind() {
        return metricType.isEmpty() ? Optional.empty() : IndexKinds.of(indexType);
    }

    /** The metric of a vector index; empty for a scalar index. */
    public Optional<MetricType> metric() {
        return MetricType.fromWireName(metricType);
    }
}
