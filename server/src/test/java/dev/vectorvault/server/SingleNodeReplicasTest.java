package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.GetLoadStateRequest;
import io.milvus.grpc.GetReplicasRequest;
import io.milvus.grpc.GetReplicasResponse;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.LoadState;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.ReplicaInfo;
import io.milvus.grpc.Status;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server serves one replica: LoadCollection with {@code replica_number} 2 is refused as Milvus refuses it
 * when the resource group has too few query nodes, changing nothing; GetReplicas describes the one replica (one shard
 * replica per shard) of a loaded collection and refuses an unloaded one.
 */
class SingleNodeReplicasTest {
    @TempDir
    Path dataDir;
    private LoopbackServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void oneReplicaIsServedAndMoreAreRefused() throws Exception {
        server = LoopbackServer.start(dataDir, Map.of());
        MilvusServiceBlockingStub stub = MilvusServiceGrpc.newBlockingStub(server.channel())
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        CollectionSchema schema = CollectionSchema.newBuilder().setName("c")
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(SmallCollection.pair("dim", "4")))
                .build();
        SmallCollection.ok(stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName("c")
                .setShardsNum(2).setSchema(ByteString.copyFrom(schema.toByteArray())).build()));

        SmallCollection.ok(stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName("c")
                .setFieldName("v").addExtraParams(SmallCollection.pair("index_type", "FLAT"))
                .addExtraParams(SmallCollection.pair("metric_type", "L2")).build()));

        GetReplicasResponse unloaded = stub.getReplicas(GetReplicasRequest.newBuilder().setCollectionName("c")
                .build());
        assertThat(unloaded.getStatus().getCode()).isEqualTo(101);

        Status refused = stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("c")
                .setReplicaNumber(2).build());
        assertThat(refused.getCode()).as(refused.getReason()).isEqualTo(304);
        assertThat(refused.getReason()).contains("resource group node not enough").contains("requested=2");
        assertThat(stub.getLoadState(GetLoadStateRequest.newBuilder().setCollectionName("c").build()).getState())
                .as("a refused load changes nothing").isEqualTo(LoadState.LoadStateNotLoad);
        Status partitions = stub.loadPartitions(io.milvus.grpc.LoadPartitionsRequest.newBuilder()
                .setCollectionName("c").addPartitionNames("_default").setReplicaNumber(2).build());
        assertThat(partitions.getCode()).as(partitions.getReason()).isEqualTo(304);
        assertThat(stub.getLoadState(GetLoadStateRequest.newBuilder().setCollectionName("c").build()).getState())
                .as("a refused partition load changes nothing").isEqualTo(LoadState.LoadStateNotLoad);

        SmallCollection.ok(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("c")
                .setReplicaNumber(1).build()));
        GetReplicasResponse replicas = stub.getReplicas(GetReplicasRequest.newBuilder().setCollectionName("c")
                .setWithShardNodes(true).build());
        SmallCollection.ok(replicas.getStatus());
        assertThat(replicas.getReplicasList()).hasSize(1);
        ReplicaInfo replica = replicas.getReplicas(0);
        assertThat(replica.getShardReplicasList()).hasSize(2);
        assertThat(replica.getShardReplicas(0).getDmChannelName()).endsWith("v0");
        assertThat(replica.getShardReplicas(1).getDmChannelName()).endsWith("v1");
        assertThat(replica.getPartitionIdsList()).isNotEmpty();
        assertThat(replica.getResourceGroupName()).isEqualTo("__default_resource_group");
    }
}
