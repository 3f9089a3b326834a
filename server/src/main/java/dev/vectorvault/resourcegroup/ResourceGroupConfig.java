package dev.vectorvault.resourcegroup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * What a resource group asks for (Milvus's {@code rg.ResourceGroupConfig}): at least {@code requestsNodeNum} nodes,
 * at most {@code limitsNodeNum}; the groups it prefers to take missing nodes from or give redundant ones to; and the
 * node labels a node must carry to join it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResourceGroupConfig(
        @JsonProperty("requestsNodeNum") int requestsNodeNum,
        @JsonProperty("limitsNodeNum") int limitsNodeNum,
        @JsonProperty("transferFrom") List<String> transferFrom,
        @JsonProperty("transferTo") List<String> transferTo,
        @JsonProperty("nodeLabels") Map<String, String> nodeLabels) {

    /** Milvus's {@code defaultResourceGroupCapacity}: the default group's limit and reported capacity. */
    public static final int DEFAULT_GROUP_CAPACITY = 1_000_000;

    public ResourceGroupConfig {
        transferFrom = transferFrom == null ? List.of() : List.copyOf(transferFrom);
        transferTo = transferTo == null ? List.of() : List.copyOf(transferTo);
        nodeLabels = nodeLabels == null ? Map.of() : Map.copyOf(nodeLabels);
    }

    /** A configuration with node counts only. */
    public static ResourceGroupConfig of(int requestsNodeNum, int limitsNodeNum) {
        return new ResourceGroupConfig(requestsNodeNum, limitsNodeNum, List.of(), List.of(), Map.of());
    }

    ResourceGroupConfig withNodeNums(int requests, int limits) {
        return new ResourceGroupConfig(requests, limits, transferFrom, transferTo, nodeLabels);
    }

    /** Whether a node carrying {@code labels} may join the group (every label of the filter must match). */
    boolean accepts(Map<String, String> labels) {
        return nodeLabels.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
}
