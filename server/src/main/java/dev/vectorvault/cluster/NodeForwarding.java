package dev.vectorvault.cluster;

/**
 * What a cluster node needs to forward a collection's data calls to its owner and to accept calls forwarded to it:
 * its node id (sent with every forwarded call, for the owner's log), where each collection lives, and the shared
 * signing key. The embedded server has none and forwards nothing.
 */
public record NodeForwarding(long nodeId, CollectionPlacement placement, ForwardingKey key) {
    public NodeForwarding {
        java.util.Objects.requireNonNull(placement, "placement");
        java.util.Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
        return "NodeForwarding[nodeId=" + nodeId + "]";
    }
}
