package dev.vectorvault.server;

import dev.vectorvault.cluster.ClusterNode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.data.DataExecutors;
import dev.vectorvault.storage.data.DataStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What is wrong with this node now, checked afresh at every call: the write-ahead log refusing writes (after a failed
 * fsync, until it has recovered), the index builder stopped, and in cluster mode a node that may be stale. One
 * answer for every reader: {@code /healthz} on the management port, {@code GetComponentStates} and
 * {@code GetMetrics} over gRPC.
 */
final class NodeHealth implements Supplier<List<String>> {
    private final DataStore data;
    private final DataExecutors executors;
    private final ClusterNode node;

    /** @param node null when embedded */
    NodeHealth(DataStore data, DataExecutors executors, ClusterNode node) {
        this.data = data;
        this.executors = executors;
        this.node = node;
    }

    /** The reasons this node is unhealthy; empty when it is healthy. */
    @Override
    public List<String> get() {
        List<String> problems = new ArrayList<>();
        data.writeRefusal().ifPresent(problems::add);
        if (!executors.running()) {
            problems.add("the index builder has stopped");
        }
        if (node != null) {
            try {
                node.checkServing();
            } catch (MilvusException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }
}
