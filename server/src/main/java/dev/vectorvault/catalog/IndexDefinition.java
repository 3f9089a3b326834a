package dev.vectorvault.catalog;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.vectorvault.index.IndexKind;
import dev.vectorvault.index.IndexKinds;
import dev.vectorvault.index.MetricType;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An index on one field: its type (FLAT, AUTOINDEX, ...), metric for vector fields (empty for a scalar index), and
 * user parameters. The type is stored as Milvus's name (shown back by DescribeIndex); code that acts on it asks
 * {@link #kind()}.
 *
 * <p>Stored form (catalog JSON, unchanged since version 1): the metric is the property {@code metricType} holding its
 * wire name ({@code "L2"}), or {@code ""} for a scalar index, in the component order below; {@link #fromJson} reads
 * it back and refuses a name that is no metric (the record is then corrupt).
 */
@JsonPropertyOrder({"indexId", "indexName", "fieldName", "indexType", "metricType", "params", "createdTimestamp"})
public record IndexDefinition(long indexId, String indexName, String fieldName, String indexType,
                              @JsonIgnore Optional<MetricType> metric, Map<String, String> params,
                              long createdTimestamp) {
    public IndexDefinition {
        metric = Objects.requireNonNull(metric, "metric (empty for a scalar index)");
        params = Map.copyOf(params);
    }

    /** The vector index kind; empty for a scalar index. */
    public Optional<IndexKind> kind() {
        return metric.isEmpty() ? Optional.empty() : IndexKinds.of(indexType);
    }

    /** The metric's wire name as stored and shown by DescribeIndex; empty for a scalar index. */
    @JsonProperty("metricType")
    String metricWireName() {
        return metric.map(MetricType::wireName).orElse("");
    }

    @JsonCreator
    static IndexDefinition fromJson(@JsonProperty("indexId") long indexId,
                                    @JsonProperty("indexName") String indexName,
                                    @JsonProperty("fieldName") String fieldName,
                                    @JsonProperty("indexType") String indexType,
                                    @JsonProperty("metricType") String metricType,
                                    @JsonProperty("params") Map<String, String> params,
                                    @JsonProperty("createdTimestamp") long createdTimestamp) {
        Optional<MetricType> metric = metricType == null || metricType.isEmpty() ? Optional.empty()
                : Optional.of(MetricType.fromWireName(metricType).orElseThrow(() ->
                        new IllegalArgumentException("index " + indexName + " has metric type " + metricType
                                + ", which is none of " + MetricType.wireNames())));
        return new IndexDefinition(indexId, indexName, fieldName, indexType, metric, params, createdTimestamp);
    }
}
