package dev.vectorvault.server;

import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.resourcegroup.QueryNode;
import dev.vectorvault.resourcegroup.ResourceGroupConfig;
import dev.vectorvault.resourcegroup.ResourceGroups;
import io.milvus.grpc.CreateResourceGroupRequest;
import io.milvus.grpc.DescribeResourceGroupRequest;
import io.milvus.grpc.DescribeResourceGroupResponse;
import io.milvus.grpc.DropResourceGroupRequest;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.ListResourceGroupsResponse;
import io.milvus.grpc.NodeInfo;
import io.milvus.grpc.ReplicaInfo;
import io.milvus.grpc.ResourceGroup;
import io.milvus.grpc.ResourceGroupLimit;
import io.milvus.grpc.ResourceGroupNodeFilter;
import io.milvus.grpc.ResourceGroupTransfer;
import io.milvus.grpc.Status;
import io.milvus.grpc.TransferNodeRequest;
import io.milvus.grpc.TransferReplicaRequest;
import io.milvus.grpc.UpdateResourceGroupsRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The resource-group RPCs: maps Milvus's messages onto {@link ResourceGroups}, and describes a group with the real
 * nodes it holds and the replicas of loaded collections ({@link ReplicaLoads}) in it, across it and into it.
 */
final class ResourceGroupRpc {
    private final ResourceGroups groups;
    private final Catalog catalog;
    private final ReplicaLoads replicas;

    ResourceGroupRpc(ResourceGroups groups, Catalog catalog, ReplicaLoads replicas) {
        this.groups = groups;
        this.catalog = catalog;
        this.replicas = replicas;
    }

    Status create(CreateResourceGroupRequest r) {
        groups.create(r.getResourceGroup(), r.hasConfig() ? Optional.of(config(r.getResourceGroup(), r.getConfig()))
                : Optional.empty());
        return StatusMapper.success();
    }

    Status update(UpdateResourceGroupsRequest r) {
        Map<String, ResourceGroupConfig> configs = new LinkedHashMap<>();
        new TreeMap<>(r.getResourceGroupsMap()).forEach((name, config) -> configs.put(name, config(name, config)));
        groups.update(configs);
        return StatusMapper.success();
    }

    Status drop(DropResourceGroupRequest r) {
        Set<Long> loaded = new HashSet<>();
        loadedCollections().forEach(c -> loaded.add(c.collectionId()));
        // A collection whose last partition was released left no ReleaseCollection behind: its replicas are gone.
        groups.forgetReplicasUnless(loaded::contains);
        groups.drop(r.getResourceGroup());
        return StatusMapper.success();
    }

    ListResourceGroupsResponse list() {
        return ListResourceGroupsResponse.newBuilder().setStatus(StatusMapper.success())
                .addAllResourceGroups(groups.names()).build();
    }

    DescribeResourceGroupResponse describe(DescribeResourceGroupRequest r) {
        ResourceGroups.Group group = groups.describe(r.getResourceGroup());
        Set<Long> inGroup = new HashSet<>();
        group.nodes().forEach(n -> inGroup.add(n.nodeId()));
        Map<String, Integer> loadedReplicas = new TreeMap<>();
        Map<String, Integer> outgoing = new TreeMap<>();
        Map<String, Integer> incoming = new TreeMap<>();
        for (Collection c : loadedCollections()) {
            for (ReplicaInfo replica : replicas.describe(c, false)) {
                boolean ours = replica.getResourceGroupName().equals(group.name());
                if (ours) {
                    loadedReplicas.merge(c.name(), 1, Integer::sum);
                }
                for (long node : replica.getNodeIdsList()) {
                    if (ours && !inGroup.contains(node)) {
                        outgoing.merge(c.name(), 1, Integer::sum);
                    } else if (!ours && inGroup.contains(node)) {
                        incoming.merge(c.name(), 1, Integer::sum);
                    }
                }
            }
        }
        ResourceGroup.Builder out = ResourceGroup.newBuilder().setName(group.name()).setCapacity(group.capacity())
                .setNumAvailableNode(group.nodes().size()).putAllNumLoadedReplica(loadedReplicas)
                .putAllNumOutgoingNode(outgoing).putAllNumIncomingNode(incoming).setConfig(wire(group.config()));
        for (QueryNode node : group.nodes()) {
            out.addNodes(NodeInfo.newBuilder().setNodeId(node.nodeId()).setAddress(node.address())
                    .setHostname(node.hostname()));
        }
        return DescribeResourceGroupResponse.newBuilder().setStatus(StatusMapper.success()).setResourceGroup(out)
                .build();
    }

    Status transferNode(TransferNodeRequest r) {
        groups.transferNodes(r.getSourceResourceGroup(), r.getTargetResourceGroup(), r.getNumNode());
        return StatusMapper.success();
    }

    Status transferReplica(TransferReplicaRequest r) {
        Collection c = catalog.find(CatalogRpc.db(r.getDbName()), r.getCollectionName()).orElseThrow(() ->
                new MilvusException(ErrorCode.COLLECTION_NOT_FOUND, "collection not found[collection="
                        + r.getCollectionName() + "]"));
        if (!c.loaded()) {
            throw new MilvusException(ErrorCode.COLLECTION_NOT_LOADED, "collection not loaded[collection="
                    + c.collectionId() + "]");
        }
        if (r.getNumReplica() > Integer.MAX_VALUE) {
            throw MilvusException.invalidParameterAsIs("invalid parameter[expected=NumReplica in int32 range][actual="
                    + r.getNumReplica() + "]");
        }
        replicas.transfer(c, r.getSourceResourceGroup(), r.getTargetResourceGroup(), (int) r.getNumReplica());
        return StatusMapper.success();
    }

    private List<Collection> loadedCollections() {
        List<Collection> out = new ArrayList<>();
        catalog.listDatabases().forEach(db -> catalog.listCollections(db.name()).stream().filter(Collection::loaded)
                .forEach(out::add));
        return out;
    }

    private static ResourceGroupConfig config(String name, io.milvus.grpc.ResourceGroupConfig config) {
        if (!config.hasRequests() || !config.hasLimits()) {
            throw ResourceGroups.missingConfig(name);
        }
        Map<String, String> labels = new TreeMap<>();
        for (KeyValuePair pair : config.getNodeFilter().getNodeLabelsList()) {
            labels.put(pair.getKey(), pair.getValue());
        }
        return new ResourceGroupConfig(config.getRequests().getNodeNum(), config.getLimits().getNodeNum(),
                config.getTransferFromList().stream().map(ResourceGroupTransfer::getResourceGroup).toList(),
                config.getTransferToList().stream().map(ResourceGroupTransfer::getResourceGroup).toList(), labels);
    }

    private static io.milvus.grpc.ResourceGroupConfig wire(ResourceGroupConfig config) {
        io.milvus.grpc.ResourceGroupConfig.Builder out = io.milvus.grpc.ResourceGroupConfig.newBuilder()
                .setRequests(ResourceGroupLimit.newBuilder().setNodeNum(config.requestsNodeNum()))
                .setLimits(ResourceGroupLimit.newBuilder().setNodeNum(config.limitsNodeNum()));
        config.transferFrom().forEach(g -> out.addTransferFrom(ResourceGroupTransfer.newBuilder().setResourceGroup(g)));
        config.transferTo().forEach(g -> out.addTransferTo(ResourceGroupTransfer.newBuilder().setResourceGroup(g)));
        ResourceGroupNodeFilter.Builder filter = ResourceGroupNodeFilter.newBuilder();
        new TreeMap<>(config.nodeLabels()).forEach((k, v) -> filter.addNodeLabels(KeyValuePair.newBuilder().setKey(k)
                .setValue(v)));
        return out.setNodeFilter(filter).build();
    }
}
