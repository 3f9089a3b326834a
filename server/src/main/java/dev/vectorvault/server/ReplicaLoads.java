package dev.vectorvault.server;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.cluster.CollectionReplicas;
import dev.vectorvault.cluster.ReplicaPlacement;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.resourcegroup.QueryNode;
import dev.vectorvault.resourcegroup.ResourceGroups;
import dev.vectorvault.storage.log.ShardId;
import io.milvus.grpc.ReplicaInfo;
import io.milvus.grpc.ShardReplica;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * {@code replica_number} of LoadCollection, ReleaseCollection's end of the placement, and GetReplicas. One node (the
 * embedded server, or a cluster whose data cannot move: no shard log on Kafka or no object storage) serves one
 * replica and refuses more, as Milvus does when the resource group has too few query nodes. A cluster on Kafka and
 * object storage places the replicas in etcd ({@link CollectionReplicas}): each replica on a live node of its
 * resource group ({@link ResourceGroups}), the owner serving the replica of its own group. The embedded server places
 * its one replica in any group that holds its node; a cluster whose data cannot move serves the default group only.
 */
abstract class ReplicaLoads {
    static final String RESOURCE_GROUP = ResourceGroups.DEFAULT_GROUP;

    final ResourceGroups groups;

    ReplicaLoads(ResourceGroups groups) {
        this.groups = groups;
    }

    /**
     * Refuses, before anything changes, replicas this deployment cannot serve in the requested resource groups
     * (LoadCollection's {@code resource_groups}); returns the group of each replica.
     */
    abstract List<String> check(int replicaNumber, List<String> resourceGroups);

    /** The collection was loaded with one replica per entry of {@code replicaGroups} (already checked). */
    abstract void loaded(Collection collection, List<String> replicaGroups);

    /** The collection was released: its replicas go. */
    abstract void released(long collectionId);

    /** The replicas of a loaded collection, described as Milvus does. */
    abstract List<ReplicaInfo> describe(Collection collection, boolean withShardNodes);

    /** TransferReplica: {@code count} replicas of the loaded collection move from one group to another. */
    abstract void transfer(Collection collection, String source, String target, int count);

    static MilvusException notEnoughNodes(String group, int requested, int actual, String why) {
        return ResourceGroups.notEnoughNodesToLoad(group, requested, actual, why);
    }

    /**
     * A cluster whose data cannot move (no Kafka shard log or no object storage) serves a collection on its owner
     * alone, wherever its group: a load naming another group is refused, and so is any load while a live node
     * belongs to another group, rather than serving a replica on a node outside its group.
     */
    static void refuseGroupsInCluster(ResourceGroups groups, List<String> replicaGroups) {
        for (String group : replicaGroups) {
            if (!group.equals(RESOURCE_GROUP)) {
                throw MilvusException.invalidParameterAsIs("resource_groups: loading replicas into resource group "
                        + group + " needs mq.type: kafka and common.storageType: remote in cluster mode (a"
                        + " collection's data must be readable by the group's nodes); load into " + RESOURCE_GROUP
                        + " only");
            }
        }
        Map<String, List<QueryNode>> members = groups.membership();
        members.forEach((group, nodes) -> {
            if (!group.equals(RESOURCE_GROUP) && !nodes.isEmpty()) {
                throw MilvusException.invalidParameterAsIs("resource_groups: resource group " + group + " holds "
                        + nodes.size() + " node(s); without mq.type: kafka and common.storageType: remote a"
                        + " collection is served by its owner, whatever its group, so loading is refused while a live"
                        + " node belongs to another group than " + RESOURCE_GROUP);
            }
        });
    }

    /** One replica on this node ({@code nodeId}; its address {@code address}). */
    static ReplicaLoads single(long nodeId, String address, Function<ShardId, String> channels, String why,
                               ResourceGroups groups, boolean cluster) {
        return new ReplicaLoads(groups) {
            @Override
            List<String> check(int replicaNumber, List<String> resourceGroups) {
                ResourceGroups.checkGroupCount(resourceGroups, replicaNumber);
                if (replicaNumber > 1) {
                    throw notEnoughNodes(resourceGroups.isEmpty() ? RESOURCE_GROUP : resourceGroups.get(0),
                            replicaNumber, 1, why);
                }
                List<String> replicaGroups = groups.groupsForReplicas(resourceGroups, replicaNumber);
                if (cluster) {
                    refuseGroupsInCluster(groups, replicaGroups);
                }
                return replicaGroups;
            }

            @Override
            void loaded(Collection collection, List<String> replicaGroups) {
                // this node serves the one replica, whose id is the collection's
                groups.replicasPlaced(collection.collectionId(), Map.of(collection.collectionId(),
                        replicaGroups.get(0)));
            }

            @Override
            void released(long collectionId) {
                groups.replicasReleased(collectionId);
            }

            @Override
            List<ReplicaInfo> describe(Collection collection, boolean withShardNodes) {
                return List.of(replica(collection, collection.collectionId(), List.of(nodeId), address, channels,
                        withShardNodes, groups.groupOfReplica(collection.collectionId(), collection.collectionId()),
                        Map.of()));
            }

            @Override
            void transfer(Collection collection, String source, String target, int count) {
                if (cluster) {
                    throw transferRefused();
                }
                groups.transferReplicas(collection.collectionId(), List.of(collection.collectionId()), source, target,
                        count);
            }
        };
    }

    /** Replicas placed in etcd across the live nodes of their resource groups. */
    static ReplicaLoads cluster(CollectionReplicas replicas, LongFunction<Optional<String>> addresses,
                                Function<ShardId, String> channels, ResourceGroups groups) {
        return new ReplicaLoads(groups) {
            @Override
            List<String> check(int replicaNumber, List<String> resourceGroups) {
                // Refuses a group with fewer live nodes than replicas asked of it; CollectionReplicas.place checks
                // again against the membership of the moment, before it writes anything.
                return groups.groupsForReplicas(resourceGroups, replicaNumber);
            }

            @Override
            void loaded(Collection collection, List<String> replicaGroups) {
                // The placement and the groups' record of it are one transaction: a crash leaves both or neither.
                long id = collection.collectionId();
                ReplicaPlacement placement = replicas.place(id, replicaGroups,
                        placed -> ResourceGroups.replicaRecord(id, byReplica(placed)));
                groups.replicasRecorded(id, byReplica(placement));
            }

            @Override
            void released(long collectionId) {
                replicas.remove(collectionId, Set.of(ResourceGroups.replicaKey(collectionId)));
                groups.replicasForgotten(collectionId);
            }

            @Override
            void transfer(Collection collection, String source, String target, int count) {
                ReplicaPlacement placement = replicas.placement(collection.collectionId()).orElseThrow(() ->
                        new MilvusException(ErrorCode.COLLECTION_NOT_LOADED, "collection not loaded[collection="
                                + collection.collectionId() + "]"));
                Map<Long, String> plan = groups.transferPlan(collection.collectionId(), placement.replicas().stream()
                        .map(ReplicaPlacement.Replica::replicaId).toList(), source, target, count);
                long id = collection.collectionId();
                ReplicaPlacement moved = replicas.regroup(id, plan,
                        regrouped -> ResourceGroups.replicaRecord(id, byReplica(regrouped)));
                groups.replicasRecorded(id, byReplica(moved));
            }

            @Override
            List<ReplicaInfo> describe(Collection collection, boolean withShardNodes) {
                ReplicaPlacement placement = replicas.placement(collection.collectionId()).orElse(null);
                if (placement == null) {
                    return List.of();
                }
                List<ReplicaInfo> out = new ArrayList<>();
                for (ReplicaPlacement.Replica r : placement.replicas()) {
                    // A dead node serves nothing: the replica is reported without nodes until its group gives it one.
                    Optional<String> address = addresses.apply(r.nodeId());
                    List<Long> nodes = address.isPresent() ? List.of(r.nodeId()) : List.of();
                    Map<String, Integer> outbound = new HashMap<>();
                    if (address.isPresent()) {
                        groups.groupOf(r.nodeId()).filter(g -> !g.equals(r.resourceGroup()))
                                .ifPresent(g -> outbound.put(g, 1));
                    }
                    out.add(replica(collection, r.replicaId(), nodes, address.orElse(""), channels, withShardNodes,
                            r.resourceGroup(), outbound));
                }
                return out;
            }
        };
    }

    private static Map<Long, String> byReplica(ReplicaPlacement placement) {
        Map<Long, String> byReplica = new HashMap<>();
        placement.replicas().forEach(r -> byReplica.put(r.replicaId(), r.resourceGroup()));
        return byReplica;
    }

    static MilvusException transferRefused() {
        return MilvusException.invalidParameterAsIs("TransferReplica needs mq.type: kafka and common.storageType:"
                + " remote in cluster mode: without them a collection is served by its owner alone and cannot move"
                + " to another group's nodes");
    }

    /**
     * One replica served by {@code nodes} (one node, which leads each of its shards, or none while the replica waits
     * for a node of its group); {@code outbound} counts its nodes that now belong to another group.
     */
    private static ReplicaInfo replica(Collection collection, long replicaId, List<Long> nodes, String leaderAddress,
                                       Function<ShardId, String> channels, boolean withShardNodes, String group,
                                       Map<String, Integer> outbound) {
        ReplicaInfo.Builder info = ReplicaInfo.newBuilder().setReplicaID(replicaId)
                .setCollectionID(collection.collectionId()).addAllNodeIds(nodes)
                .setResourceGroupName(group).putAllNumOutboundNode(outbound);
        collection.partitions().stream().filter(p -> p.loaded()).forEach(p -> info.addPartitionIds(p.partitionId()));
        for (int shard = 0; shard < Math.max(1, collection.shardsNum()); shard++) {
            ShardReplica.Builder shardReplica = ShardReplica.newBuilder()
                    .setLeaderID(nodes.isEmpty() ? -1 : nodes.get(0)).setLeaderAddr(leaderAddress)
                    .setDmChannelName(channels.apply(new ShardId(collection.collectionId(), shard)));
            if (withShardNodes) {
                shardReplica.addAllNodeIds(nodes);
            }
            info.addShardReplicas(shardReplica);
        }
        return info.build();
    }
}
