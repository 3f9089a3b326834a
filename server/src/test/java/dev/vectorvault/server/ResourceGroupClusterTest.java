package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.testkit.EtcdCluster;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.GetReplicasRequest;
import io.milvus.grpc.ListResourceGroupsRequest;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.NodeInfo;
import io.milvus.grpc.ResourceGroup;
import io.milvus.grpc.Status;
import io.milvus.grpc.UpdateResourceGroupsRequest;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resource groups on two cluster nodes sharing a real etcd: a group created through one node is listed and described
 * by the other as soon as the call returns, membership divides the two live nodes between the groups, and, as this
 * cluster's data cannot move (no Kafka log, no object storage: the owner alone serves a collection), a load naming
 * another group than the default one (or any load while a node belongs to another group) is refused. Placement by
 * group on Kafka and object storage: {@code ResourceGroupPlacementTest}.
 */
@Timeout(120)
class ResourceGroupClusterTest {
    private static final String DEFAULT = "__default_resource_group";

    @TempDir
    Path dir;
    private EtcdCluster etcd;
    private final List<MilvusServer> nodes = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void stop() {
        channels.forEach(ManagedChannel::shutdownNow);
        nodes.forEach(MilvusServer::close);
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void aGroupCreatedOnOneNodeIsSeenByTheOtherAndDividesTheLiveNodes() throws Exception {
        etcd = EtcdCluster.start(1, Files.createDirectories(dir.resolve("etcd")));
        MilvusServiceBlockingStub a = stub(node(0));
        MilvusServiceBlockingStub b = stub(node(1));

        SmallCollection.ok(ResourceGroupRpcTest.create(a, "rg", ResourceGroupRpcTest.config(1, 1)));
        assertThat(b.listResourceGroups(ListResourceGroupsRequest.getDefaultInstance()).getResourceGroupsList())
                .containsExactlyInAnyOrder(DEFAULT, "rg");
        ResourceGroup rg = ResourceGroupRpcTest.describe(b, "rg");
        ResourceGroup rest = ResourceGroupRpcTest.describe(b, DEFAULT);
        assertThat(rg.getNumAvailableNode()).isEqualTo(1);
        assertThat(rest.getNumAvailableNode()).isEqualTo(1);
        assertThat(rg.getNodes(0).getNodeId()).isNotEqualTo(rest.getNodes(0).getNodeId());
        assertThat(rg.getNodes(0).getAddress()).isNotEmpty();
        assertThat(List.of(rg.getNodes(0), rest.getNodes(0))).extracting(NodeInfo::getAddress)
                .containsExactlyInAnyOrder("127.0.0.1:" + nodes.get(0).port(), "127.0.0.1:" + nodes.get(1).port());

        createIndexedCollection(b);
        Status named = b.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("c")
                .addResourceGroups("rg").build());
        assertThat(named.getCode()).as(named.getReason()).isEqualTo(1100);
        assertThat(named.getReason()).contains("needs mq.type: kafka and common.storageType: remote");
        Status whileHeld = b.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("c").build());
        assertThat(whileHeld.getCode()).as(whileHeld.getReason()).isEqualTo(1100);
        assertThat(whileHeld.getReason()).contains("resource group rg holds 1 node(s)");

        SmallCollection.ok(b.updateResourceGroups(UpdateResourceGroupsRequest.newBuilder()
                .putResourceGroups("rg", ResourceGroupRpcTest.config(0, 0)).build()));
        assertThat(ResourceGroupRpcTest.describe(b, DEFAULT).getNumAvailableNode()).isEqualTo(2);
        SmallCollection.ok(b.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("c").build()));
        assertThat(a.getReplicas(GetReplicasRequest.newBuilder().setCollectionName("c").build()).getReplicasList())
                .allSatisfy(r -> assertThat(r.getResourceGroupName()).isEqualTo(DEFAULT));
        assertThat(ResourceGroupRpcTest.describe(a, DEFAULT).getNumLoadedReplicaMap()).containsKey("c");

        SmallCollection.ok(b.dropResourceGroup(io.milvus.grpc.DropResourceGroupRequest.newBuilder()
                .setResourceGroup("rg").build()));
        assertThat(a.listResourceGroups(ListResourceGroupsRequest.getDefaultInstance()).getResourceGroupsList())
                .containsExactly(DEFAULT);
    }

    private MilvusServer node(int index) throws IOException {
        Map<String, String> keys = new HashMap<>();
        keys.put("proxy.port", Integer.toString(freePort()));
        keys.put("proxy.internalPort", Integer.toString(freePort()));
        keys.put("localStorage.path", dir.resolve("node" + index).toString());
        keys.put("etcd.endpoints", etcd.endpointsCsv());
        keys.put("common.session.ttl", "3");
        keys.put("common.metricsPort", "-1");
        MilvusServer server = MilvusServer.start(ServerConfig.fromFlatKeys(keys));
        nodes.add(server);
        return server;
    }

    private MilvusServiceBlockingStub stub(MilvusServer server) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        channels.add(channel);
        return MilvusServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    private static void createIndexedCollection(MilvusServiceBlockingStub stub) {
        CollectionSchema schema = CollectionSchema.newBuilder().setName("c")
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(SmallCollection.pair("dim", "4")))
                .build();
        SmallCollection.ok(stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName("c")
                .setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
        SmallCollection.ok(stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName("c")
                .setFieldName("v").addExtraParams(SmallCollection.pair("index_type", "FLAT"))
                .addExtraParams(SmallCollection.pair("metric_type", "L2")).build()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
