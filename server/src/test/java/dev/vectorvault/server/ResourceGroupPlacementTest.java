package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.testkit.EtcdCluster;
import dev.vectorvault.testkit.KafkaBroker;
import dev.vectorvault.testkit.S3Server;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.ConsistencyLevel;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.FlushRequest;
import io.milvus.grpc.GetReplicasRequest;
import io.milvus.grpc.GetReplicasResponse;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.QueryResults;
import io.milvus.grpc.ReplicaInfo;
import io.milvus.grpc.ResourceGroup;
import io.milvus.grpc.Status;
import io.milvus.grpc.TransferReplicaRequest;
import io.milvus.grpc.UpdateResourceGroupsRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas placed by resource group on a cluster of three nodes with real engines (etcd, Kafka and s3proxy as
 * processes): with rg1 = {a} and rg2 = {b, c}, a load rg1 cannot hold is refused and changes nothing; two replicas
 * loaded into [rg1, rg2] sit one in each group on their own nodes (as every node reports); TransferReplica moves a
 * replica onto the target group's spare node and back, and refuses what the target cannot hold; reads keep answering
 * while the owner serves no replica; when rg2's serving node stops, its replica moves to rg2's other node, and when
 * rg2 has no node left the replica waits without nodes, as GetReplicas and DescribeResourceGroup say.
 */
@Timeout(300)
class ResourceGroupPlacementTest {
    private static final String DEFAULT = "__default_resource_group";
    private static final int ROWS = 40;

    @TempDir
    Path dir;
    private EtcdCluster etcd;
    private KafkaBroker kafka;
    private S3Server s3;
    private final List<MilvusServer> nodes = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void stop() {
        channels.forEach(ManagedChannel::shutdownNow);
        nodes.stream().filter(java.util.Objects::nonNull).forEach(MilvusServer::close);
        for (AutoCloseable engine : new AutoCloseable[] {kafka, s3, etcd}) {
            try {
                if (engine != null) {
                    engine.close();
                }
            } catch (Exception ignored) {
                // the next engine still stops
            }
        }
    }

    @Test
    void replicasStayInTheirResourceGroupsThroughLoadTransferAndNodeDeaths() throws Exception {
        etcd = EtcdCluster.start(1, Files.createDirectories(dir.resolve("etcd")));
        kafka = KafkaBroker.start();
        s3 = S3Server.start(Files.createDirectories(dir.resolve("s3")));
        List<MilvusServiceBlockingStub> stubs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            stubs.add(stub(node(i)));
        }
        MilvusServiceBlockingStub any = stubs.get(0);
        // rg1 and rg2 each ask for one node, rg2 may grow to two, the default group gives all of its nodes away:
        // the lowest node id goes to rg1, the other two to rg2.
        SmallCollection.ok(any.updateResourceGroups(UpdateResourceGroupsRequest.newBuilder()
                .putResourceGroups(DEFAULT, ResourceGroupRpcTest.config(0, 0)).build()));
        SmallCollection.ok(ResourceGroupRpcTest.create(any, "rg1", ResourceGroupRpcTest.config(1, 1)));
        SmallCollection.ok(ResourceGroupRpcTest.create(any, "rg2", ResourceGroupRpcTest.config(1, 2)));
        ResourceGroup rg1 = ResourceGroupRpcTest.describe(stubs.get(1), "rg1");
        ResourceGroup rg2 = ResourceGroupRpcTest.describe(stubs.get(2), "rg2");
        assertThat(rg1.getNodesCount()).isEqualTo(1);
        assertThat(rg2.getNodesCount()).isEqualTo(2);
        long a = rg1.getNodes(0).getNodeId();
        long b = rg2.getNodes(0).getNodeId();
        long c = rg2.getNodes(1).getNodeId();
        Map<Long, Integer> indexOf = new HashMap<>();
        for (io.milvus.grpc.NodeInfo info : List.of(rg1.getNodes(0), rg2.getNodes(0), rg2.getNodes(1))) {
            int port = Integer.parseInt(info.getAddress().substring(info.getAddress().lastIndexOf(':') + 1));
            for (int i = 0; i < nodes.size(); i++) {
                if (nodes.get(i).port() == port) {
                    indexOf.put(info.getNodeId(), i);
                }
            }
        }
        MilvusServiceBlockingStub onA = stubs.get(indexOf.get(a));
        createFilledCollection(onA); // node a writes first: it owns the collection

        Status tooMany = onA.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("c")
                .setReplicaNumber(2).addResourceGroups("rg1").build());
        assertThat(tooMany.getCode()).as(tooMany.getReason()).isEqualTo(304);
        assertThat(tooMany.getReason()).contains("resource group node not enough[rg=rg1][requested=2][actual=1]");
        assertThat(ResourceGroupRpcTest.describe(any, "rg1").getNumLoadedReplicaMap()).isEmpty();
        assertThat(any.getReplicas(GetReplicasRequest.newBuilder().setCollectionName("c").build())
                .getReplicasList()).isEmpty();

        SmallCollection.ok(stubs.get(indexOf.get(b)).loadCollection(LoadCollectionRequest.newBuilder()
                .setCollectionName("c").setReplicaNumber(2).addResourceGroups("rg1").addResourceGroups("rg2").build()));
        for (MilvusServiceBlockingStub stub : stubs) {
            List<ReplicaInfo> replicas = replicas(stub);
            assertThat(replicas).extracting(ReplicaInfo::getResourceGroupName).containsExactly("rg1", "rg2");
            assertThat(replicas.get(0).getNodeIdsList()).as("the owner serves rg1's replica").containsExactly(a);
            assertThat(replicas.get(1).getNodeIdsList()).hasSize(1).containsAnyOf(b, c);
        }
        assertThat(ResourceGroupRpcTest.describe(any, "rg1").getNumLoadedReplicaMap()).containsEntry("c", 1);
        assertThat(ResourceGroupRpcTest.describe(any, "rg2").getNumLoadedReplicaMap()).containsEntry("c", 1);
        assertThat(count(stubs.get(indexOf.get(c)))).isEqualTo(ROWS);

        // rg1's replica joins rg2 on rg2's spare node: the owner (a) serves no replica now, reads still answer.
        SmallCollection.ok(any.transferReplica(transfer("rg1", "rg2")));
        List<ReplicaInfo> inRg2 = replicas(any);
        assertThat(inRg2).extracting(ReplicaInfo::getResourceGroupName).containsOnly("rg2");
        assertThat(inRg2).flatExtracting(ReplicaInfo::getNodeIdsList).containsExactlyInAnyOrder(b, c);
        assertThat(ResourceGroupRpcTest.describe(any, "rg2").getNumLoadedReplicaMap()).containsEntry("c", 2);
        assertThat(count(onA)).isEqualTo(ROWS);

        // Back again; a second move cannot fit (rg1 holds one node) and changes nothing.
        SmallCollection.ok(any.transferReplica(transfer("rg2", "rg1")));
        Status full = any.transferReplica(transfer("rg2", "rg1"));
        assertThat(full.getCode()).as(full.getReason()).isEqualTo(304);
        List<ReplicaInfo> back = replicas(stubs.get(indexOf.get(c)));
        assertThat(back).extracting(ReplicaInfo::getResourceGroupName).containsExactlyInAnyOrder("rg1", "rg2");
        ReplicaInfo inRg1 = back.stream().filter(r -> r.getResourceGroupName().equals("rg1")).findFirst()
                .orElseThrow();
        assertThat(inRg1.getNodeIdsList()).containsExactly(a);
        long served = back.stream().filter(r -> r.getResourceGroupName().equals("rg2")).findFirst().orElseThrow()
                .getNodeIds(0);
        long spare = served == b ? c : b;

        // rg2's serving node stops: its replica moves to rg2's other node, never to a.
        stopNode(indexOf.get(served));
        List<ReplicaInfo> repaired = awaitReplicas(onA, rs -> rs.stream().anyMatch(r ->
                r.getResourceGroupName().equals("rg2") && r.getNodeIdsList().equals(List.of(spare))));
        assertThat(repaired).filteredOn(r -> r.getResourceGroupName().equals("rg1"))
                .allSatisfy(r -> assertThat(r.getNodeIdsList()).containsExactly(a));
        assertThat(count(onA)).isEqualTo(ROWS);

        // rg2's last node stops: its replica waits without a node (rg1's does not take it over).
        stopNode(indexOf.get(spare));
        List<ReplicaInfo> degraded = awaitReplicas(onA, rs -> rs.stream().anyMatch(r ->
                r.getResourceGroupName().equals("rg2") && r.getNodeIdsCount() == 0));
        assertThat(degraded).filteredOn(r -> r.getResourceGroupName().equals("rg1"))
                .allSatisfy(r -> assertThat(r.getNodeIdsList()).containsExactly(a));
        ResourceGroup emptied = ResourceGroupRpcTest.describe(onA, "rg2");
        assertThat(emptied.getNumAvailableNode()).isZero();
        assertThat(emptied.getNumLoadedReplicaMap()).containsEntry("c", 1);

        // Releasing the last loaded partition releases the replicas as ReleaseCollection does: loaded again without
        // groups, the collection has no replica left in rg1 or rg2.
        SmallCollection.ok(onA.releasePartitions(io.milvus.grpc.ReleasePartitionsRequest.newBuilder()
                .setCollectionName("c").addPartitionNames("_default").build()));
        SmallCollection.ok(onA.loadPartitions(io.milvus.grpc.LoadPartitionsRequest.newBuilder()
                .setCollectionName("c").addPartitionNames("_default").build()));
        assertThat(replicas(onA)).isEmpty();
        assertThat(ResourceGroupRpcTest.describe(onA, "rg1").getNumLoadedReplicaMap()).isEmpty();
        assertThat(ResourceGroupRpcTest.describe(onA, "rg2").getNumLoadedReplicaMap()).isEmpty();
    }

    private static TransferReplicaRequest transfer(String source, String target) {
        return TransferReplicaRequest.newBuilder().setCollectionName("c").setSourceResourceGroup(source)
                .setTargetResourceGroup(target).setNumReplica(1).build();
    }

    private static List<ReplicaInfo> replicas(MilvusServiceBlockingStub stub) {
        GetReplicasResponse response = stub.getReplicas(GetReplicasRequest.newBuilder().setCollectionName("c")
                .setWithShardNodes(true).build());
        SmallCollection.ok(response.getStatus());
        return response.getReplicasList();
    }

    /** GetReplicas until {@code done} holds (a dead node's session must lapse and the repair run first). */
    private static List<ReplicaInfo> awaitReplicas(MilvusServiceBlockingStub stub, Predicate<List<ReplicaInfo>> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            List<ReplicaInfo> now = replicas(stub);
            if (done.test(now)) {
                return now;
            }
            assertThat(System.nanoTime()).as("replicas now: " + now).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** The rows a Strong query finds, retried while a replica's copy is still loading. */
    private static int count(MilvusServiceBlockingStub stub) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            QueryResults results = stub.query(QueryRequest.newBuilder().setCollectionName("c").setExpr("id >= 0")
                    .addOutputFields("id").setConsistencyLevel(ConsistencyLevel.Strong).build());
            if (results.getStatus().getCode() == 0) {
                return results.getFieldsDataList().stream().filter(f -> f.getFieldName().equals("id"))
                        .mapToInt(f -> f.getScalars().getLongData().getDataCount()).sum();
            }
            assertThat(System.nanoTime()).as(results.getStatus().toString()).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static void createFilledCollection(MilvusServiceBlockingStub stub) {
        CollectionSchema schema = CollectionSchema.newBuilder().setName("c")
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(SmallCollection.pair("dim", String.valueOf(SmallCollection.DIM))))
                .build();
        SmallCollection.ok(stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName("c")
                .setShardsNum(1).setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
        SmallCollection.insert(stub, 0, ROWS / 2);
        SmallCollection.ok(stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName("c")
                .setFieldName("v").addExtraParams(SmallCollection.pair("index_type", "FLAT"))
                .addExtraParams(SmallCollection.pair("metric_type", "L2")).build()));
        SmallCollection.ok(stub.flush(FlushRequest.newBuilder().addCollectionNames("c").build()).getStatus());
        SmallCollection.insert(stub, ROWS / 2, ROWS); // only in Kafka
    }

    private MilvusServer node(int index) throws IOException {
        Map<String, String> keys = new HashMap<>();
        for (String key : ClusterProcesses.onKafkaAndS3(kafka, s3.port(), "groups", 2)) {
            keys.put(key.substring(0, key.indexOf('=')), key.substring(key.indexOf('=') + 1));
        }
        keys.put("proxy.port", Integer.toString(ClusterProcesses.freePort()));
        keys.put("proxy.internalPort", Integer.toString(ClusterProcesses.freePort()));
        keys.put("localStorage.path", dir.resolve("node" + index).toString());
        keys.put("etcd.endpoints", etcd.endpointsCsv());
        keys.put("common.metricsPort", "-1");
        MilvusServer server = MilvusServer.start(ServerConfig.fromFlatKeys(keys));
        nodes.add(server);
        return server;
    }

    private void stopNode(int index) {
        nodes.get(index).close();
        nodes.set(index, null);
    }

    private MilvusServiceBlockingStub stub(MilvusServer server) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        channels.add(channel);
        return MilvusServiceGrpc.newBlockingStub(channel).withDeadlineAfter(240, TimeUnit.SECONDS);
    }
}
