package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.testkit.EtcdCluster;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.milvus.grpc.BoolResponse;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DescribeCollectionRequest;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.HasCollectionRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.Status;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * CreateCollection's {@code shards_num} is capped by {@code proxy.maxShardNum} (Milvus's key, default 16) with
 * Milvus's message, in the embedded mode and on a cluster node; a refused create creates nothing.
 */
@Timeout(120)
class ShardNumCapTest {
    @TempDir
    Path dir;

    @Test
    void embeddedServerRefusesMoreShardsThanTheDefaultCap() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(dir, Map.of())) {
            MilvusServiceBlockingStub stub = stub(server.channel());
            assertRefused(create(stub, "c", 17), 16);
            assertThat(has(stub, "c")).as("a refused create creates nothing").isFalse();
            SmallCollection.ok(create(stub, "c", 16));
            assertThat(stub.describeCollection(DescribeCollectionRequest.newBuilder().setCollectionName("c").build())
                    .getShardsNum()).isEqualTo(16);
        }
    }

    @Test
    void configuredCapApplies() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(dir, Map.of("proxy.maxShardNum", "4"))) {
            MilvusServiceBlockingStub stub = stub(server.channel());
            assertRefused(create(stub, "c", 5), 4);
            SmallCollection.ok(create(stub, "c", 4));
        }
    }

    @Test
    void clusterNodeRefusesMoreShardsThanItsCap() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start(1, Files.createDirectories(dir.resolve("etcd")))) {
            Map<String, String> keys = new HashMap<>();
            keys.put("proxy.port", Integer.toString(freePort()));
            keys.put("proxy.internalPort", Integer.toString(freePort()));
            keys.put("localStorage.path", dir.resolve("node").toString());
            keys.put("etcd.endpoints", etcd.endpointsCsv());
            keys.put("proxy.maxShardNum", "3");
            MilvusServer node = MilvusServer.start(ServerConfig.fromFlatKeys(keys));
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", node.port()).usePlaintext().build();
            try {
                MilvusServiceBlockingStub stub = stub(channel);
                assertRefused(create(stub, "c", 4), 3);
                assertThat(has(stub, "c")).isFalse();
                SmallCollection.ok(create(stub, "c", 3));
            } finally {
                channel.shutdownNow();
                node.close();
            }
        }
    }

    private static void assertRefused(Status status, int cap) {
        assertThat(status.getCode()).as(status.getReason()).isEqualTo(65535);
        assertThat(status.getErrorCodeValue()).isEqualTo(1);
        assertThat(status.getReason()).isEqualTo("maximum shards's number should be limited to " + cap);
    }

    private static MilvusServiceBlockingStub stub(ManagedChannel channel) {
        return MilvusServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    private static Status create(MilvusServiceBlockingStub stub, String name, int shards) {
        CollectionSchema schema = CollectionSchema.newBuilder().setName(name)
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(SmallCollection.pair("dim", "4")))
                .build();
        return stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName(name)
                .setShardsNum(shards).setSchema(ByteString.copyFrom(schema.toByteArray())).build());
    }

    private static boolean has(MilvusServiceBlockingStub stub, String name) {
        BoolResponse has = stub.hasCollection(HasCollectionRequest.newBuilder().setCollectionName(name).build());
        SmallCollection.ok(has.getStatus());
        return has.getValue();
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
