package dev.vectorvault.server;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.cluster.CollectionReplicas;
import dev.vectorvault.cluster.ReplicaPlacement;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.log.ShardId;
import io.milvus.grpc.ReplicaInfo;
import io.milvus.grpc.ShardReplica;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * {@code replica_number} of LoadCollection, ReleaseCollection's end of the placement, and GetReplicas. One node (the
 * embedded server, or a cluster whose data cannot move: no shard log on Kafka or no object storage) serves one
 * replica and refuses more, as Milvus does when the resource group has too few query nodes. A cluster on Kafka and
 * object storage places the replicas in etcd ({@link CollectionReplicas}): the owner and followers on other nodes.
 */
abstract class ReplicaLoads {
    static final String RESOURCE_GROUP = "__default_resource_group";

    /** Refuses, before anything changes, a replica number this deployment cannot serve. */
    abstract void check(int replicaNumber);

    /** The collection was loaded with {@code replicaNumber} replicas (already checked). */
    abstract void loaded(Collection collection, int replicaNumber);

    /** The collection was released: its replicas go. */
    abstract void released(long collectionId);

    /** The replicas of a loaded collection, described as Milvus does. */
    abstract List<ReplicaInfo> describe(Collection collection, boolean withShardNodes);

    static MilvusException notEnoughNodes(int requested, int actual, String why) {
        return new MilvusException(ErrorCode.RESOURCE_GROUP_NODE_NOT_ENOUGH, "failed to load collection: resource"
                + " group node not enough[rg=" + RESOURCE_GROUP + "][requested=" + requested + "][actual=" + actual
                + "]: " + why);
    }

    /** One replica on this node ({@code nodeId}; its address {@code address}). */
    static ReplicaLoads single(long nodeId, String address, Function<ShardId, String> channels, String why) {
        return new ReplicaLoads() {
            @Override
            void check(int replicaNumber) {
                if (replicaNumber > 1) {
                    throw notEnoughNodes(replicaNumber, 1, why);
                }
            }

            @Override
            void loaded(Collection collection, int replicaNumber) {
                // nothing to place: this node serves the one replica
            }

            @Override
            void released(long collectionId) {
                // nothing placed
            }

            @Override
            List<ReplicaInfo> describe(Collection collection, boolean withShardNodes) {
                return List.of(replica(collection, collection.collectionId(), nodeId, nodeId, address, channels,
                        withShardNodes));
            }
        };
    }

    /** Replicas placed in etcd across the cluster's live nodes. */
    static ReplicaLoads cluster(CollectionReplicas replicas, LongFunction<Optional<String>> addresses,
                                Function<ShardId, String> channels) {
        return new ReplicaLoads() {
            @Override
            void check(int replicaNumber) {
                // CollectionReplicas.place refuses more replicas than live nodes, before it writes anything.
            }

            @Override
            void loaded(Collection collection, int replicaNumber) {
                replicas.place(collection.collectionId(), replicaNumber);
            }

            @Override
            void released(long collectionId) {
                replicas.remove(collectionId);
            }

            @Override
            List<ReplicaInfo> describe(Collection collection, boolean withShardNodes) {
                ReplicaPlacement placement = replicas.placement(collection.collectionId()).orElse(null);
                if (placement == null) {
                    return List.of();
                }
                return placement.replicas().stream().map(r -> replica(collection, r.replicaId(), r.nodeId(),
                        r.nodeId(), addresses.apply(r.nodeId()).orElse(""), channels, withShardNodes)).toList();
            }
        };
    }

    /** One replica served wholly by {@code nodeId}, which leads each of its shards. */
    private static ReplicaInfo replica(Collection collection, long replicaId, long nodeId, long leaderId,
                                       String leaderAddress, Function<ShardId, String> channels,
                                       boolean withShardNodes) {
        ReplicaInfo.Builder info = ReplicaInfo.newBuilder().setReplicaID(replicaId)
                .setCollectionID(collection.collectionId()).addNodeIds(nodeId)
                .setResourceGroupName(RESOURCE_GROUP);
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
