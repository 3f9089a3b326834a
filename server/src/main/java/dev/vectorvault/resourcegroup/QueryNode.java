package dev.vectorvault.resourcegroup;

import java.util.Map;

/** A live node that can serve replicas: its id, where clients reach it ({@code host:port}), its host name, labels. */
public record QueryNode(long nodeId, String address, String hostname, Map<String, String> labels) {
    public QueryNode {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public QueryNode(long nodeId, String address, String hostname) {
        this(nodeId, address, hostname, Map.of());
    }
}
