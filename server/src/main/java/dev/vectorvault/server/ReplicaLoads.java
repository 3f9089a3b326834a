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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * {@code replica_number} of LoadCollection, ReleaseCollection's end of the placement, and GetReplicas. One node (the
 * embedded server, or a cluster whose data cannot move: no shard log on Kafka or no object storage) serves one
 * replica and refuses more, as Milvus does when the resource group has too few query nodes. A cluster on Kafka and
 * object storage places the replicas in etcd ({@link CollectionReplicas}): the owner and followers on other nodes.
 * Every replica belongs to a resource group ({@link ResourceGroups}): the embedded server places its one replica in
 * any group that holds its node; a cluster's placement does not follow groups yet, so it serves the default group only.
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
        return new MilvusException(ErrorCode.RESOURCE_GROUP_NODE_NOT_ENOUGH, "failed to load collection: resource"
                + " group node not enough[rg=" + group + "][requested=" + requested + "][actual=" + actual
                + "]: " + why);
    }

    /**
     * Cluster mode places replicas on any live node ({@link CollectionReplicas}), not yet by group: a load naming
     * another group is refused, and so is any load while a live node belongs to another group, rather than placing a
     * replica on a node outside its group.
     */
    static void refuseGroupsInCluster(ResourceGroups groups, List<String> replicaGroups) {
        for (String group : replicaGroups) {
            if (!group.equals(RESOURCE_GROUP)) {
                throw MilvusException.invalidParameterAsIs("resource_groups: loading replicas into resource group "
                        + group + " is not supported in cluster mode (replicas are placed on any live node); load"
                        + " into " + RESOURCE_GROUP + " only");
            }
        }
        Map<String, List<QueryNode>> members = groups.membership();
        members.forEach((group, nodes) -> {
            if (!group.equals(RESOURCE_GROUP) && !nodes.isEmpty()) {
                throw MilvusException.invalidParameterAsIs("resource_groups: resource group " + group + " holds "
                        + nodes.size() + " node(s); cluster mode places replicas on any live node, so loading is"
                        + " refused while a live node belongs to another group than " + RESOURCE_GROUP);
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
                return List.of(replica(collection, collection.collectionId(), nodeId, nodeId, address, channels,
                        withShardNodes, groups.groupOfReplica(collection.collectionId(), collection.collectionId())));
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

    /** Replicas placed in etcd across the cluster's live nodes. */
    static ReplicaLoads cluster(CollectionReplicas replicas, LongFunction<Optional<String>> addresses,
                                Function<ShardId, String> channels, ResourceGroups groups) {
        return new ReplicaLoads(groups) {
            @Override
            List<String> check(int replicaNumber, List<String> resourceGroups) {
                // CollectionReplicas.place refuses more replicas than live nodes, before it writes anything.
                List<String> replicaGroups = groups.groupsForReplicas(resourceGroups, replicaNumber);
                refuseGroupsInCluster(groups, replicaGroups);
                return replicaGroups;
            }

            @Override
            void loaded(Collection collection, List<String> replicaGroups) {
                ReplicaPlacement placement = replicas.place(collection.collectionId(), replicaGroups.size());
                Map<Long, String> byReplica = new HashMap<>();
                for (int i = 0; i < placement.replicas().size(); i++) {
                    byReplica.put(placement.replicas().get(i).replicaId(), replicaGroups.get(i));
                }
                groups.replicasPlaced(collection.collectionId(), byReplica);
            }

            @Override
            void released(long collectionId) {
                replicas.remove(collectionId);
                groups.replicasReleased(collectionId);
            }

            @Override
            void transfer(Collection collection, String source, String target, int count) {
                throw transferRefused();
            }

            @Override
            List<ReplicaInfo> describe(Collection collection, boolean withShardNodes) {
                ReplicaPlacement placement = replicas.placement(collection.collectionId()).orElse(null);
                if (placement == null) {
                    return List.of();
                }
                return placement.replicas().stream().map(r -> replica(collection, r.replicaId(), r.nodeId(),
                        r.nodeId(), addresses.apply(r.nodeId()).orElse(""), channels, withShardNodes,
                        groups.groupOfReplica(collection.collectionId(), r.replicaId()))).toList();
            }
        };
    }

    static MilvusException transferRefused() {
        return MilvusException.invalidParameterAsIs("TransferReplica is not supported in cluster mode: replicas are"
                + " placed on any live node, not by resource group");
    }

    /** One replica served wholly by {@code nodeId}, which leads each of its shards. */
    private static ReplicaInfo replica(Collection collection, long replicaId, long nodeId, long leaderId,
                                       String leaderAddress, Function<ShardId, String> channels,
                                       boolean withShardNodes, String group) {
        ReplicaInfo.Builder info = ReplicaInfo.newBuilder().setReplicaID(replicaId)
                .setCollectionID(collection.collectionId()).addNodeIds(nodeId)
                .setResourceGroupName(group);
        collection.partitions().stream().filter(p -> p.loaded()).forEach(p -> info.addPartitionIds(p.partitionId()));
        for (int shard = 0; shard < Math.max(1, collection.shardsNum()); shard++) {
            ShardReplica.Builder shardReplica = ShardReplica.newBuilder().setLeaderID(leaderId)
                    .setLeaderAddr(leaderAddress)
                    .setDmChannelName(channels.apply(new ShardId(collection.collectionId(), shard)));
            if (withShardNodes) {
                shardReplica.addNodeIds(nodeId);
            }
            info.addShardReplicas(shardReplica);
        }
        return info.build();
    }
}
