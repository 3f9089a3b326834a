package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vectorvault.testkit.EtcdCluster;
import dev.vectorvault.testkit.KafkaBroker;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DescribeCollectionRequest;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.FlushRequest;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.QueryResults;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.VectorField;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two cluster nodes with {@code mq.type: kafka} (real etcd and Kafka processes): CreateCollection's
 * {@code shards_num} is kept, inserts through either node go to the owner's shards on Kafka, a flush records the
 * collection's manifest (segments and each shard's position) under its own etcd key, and after both nodes restart
 * every acknowledged row is back exactly once.
 */
@Timeout(300)
class KafkaClusterServerTest {
    private static final int DIM = 4;

    @TempDir
    Path dir;
    private EtcdCluster etcd;
    private KafkaBroker kafka;
    private final InProcessNodes nodes = new InProcessNodes();

    @AfterEach
    void stop() {
        nodes.close();
        if (kafka != null) {
            kafka.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void rowsGoToTheOwnersShardsOnKafkaAndComeBackAfterBothNodesRestart() throws Exception {
        etcd = EtcdCluster.start(1, Files.createDirectories(dir.resolve("etcd")));
        kafka = KafkaBroker.start();
        int[] ports = {ClusterProcesses.freePort(), ClusterProcesses.freePort(), ClusterProcesses.freePort(),
                ClusterProcesses.freePort()};
        MilvusServer a = node(0, ports);
        MilvusServer b = node(1, ports);
        MilvusServiceBlockingStub onA = stub(a);
        MilvusServiceBlockingStub onB = stub(b);

        CollectionSchema schema = CollectionSchema.newBuilder().setName("c")
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(SmallCollection.pair("dim", String.valueOf(DIM))))
                .build();
        SmallCollection.ok(onA.createCollection(CreateCollectionRequest.newBuilder().setCollectionName("c")
                .setShardsNum(3).setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
        var described = onB.describeCollection(DescribeCollectionRequest.newBuilder().setCollectionName("c").build());
        assertThat(described.getShardsNum()).isEqualTo(3);
        long collectionId = described.getCollectionID();

        insert(onB, 0, 40);
        insert(onA, 40, 80);
        SmallCollection.ok(onA.createIndex(CreateIndexRequest.newBuilder().setCollectionName("c")
                .setFieldName("v").addExtraParams(SmallCollection.pair("index_type", "FLAT"))
                .addExtraParams(SmallCollection.pair("metric_type", "L2")).build()));
        SmallCollection.ok(onA.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("c").build()));
        assertThat(ids(onA)).hasSize(80);
        SmallCollection.ok(onB.flush(FlushRequest.newBuilder().addCollectionNames("c").build()).getStatus());
        insert(onA, 80, 100); // after the checkpoint: only in Kafka until the next one

        String manifest = etcd.etcdctl("get", "--print-value-only",
                "by-dev/meta/root-coord/cluster/collection-manifest/" + collectionId);
        assertThat(manifest).contains("\"formatVersion\":3").contains("\"shardPositions\"")
                .contains("\"shard\":0").contains("\"shard\":1").contains("\"shard\":2");

        nodes.close();
        MilvusServer a2 = node(0, ports);
        MilvusServer b2 = node(1, ports);
        assertThat(ids(stub(b2))).hasSize(100).isEqualTo(range(0, 100));
        assertThat(ids(stub(a2))).isEqualTo(range(0, 100));
    }

    private static TreeSet<Long> range(long from, long to) {
        TreeSet<Long> out = new TreeSet<>();
        for (long i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    private static void insert(MilvusServiceBlockingStub stub, int from, int to) {
        LongArray.Builder ids = LongArray.newBuilder();
        FloatArray.Builder vectors = FloatArray.newBuilder();
        for (int i = from; i < to; i++) {
            ids.addData(i);
            for (int d = 0; d < DIM; d++) {
                vectors.addData(i);
            }
        }
        var result = stub.insert(InsertRequest.newBuilder().setCollectionName("c").setNumRows(to - from)
                .addFieldsData(FieldData.newBuilder().setFieldName("id").setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(ids)))
                .addFieldsData(FieldData.newBuilder().setFieldName("v").setType(DataType.FloatVector)
                        .setVectors(VectorField.newBuilder().setDim(DIM).setFloatVector(vectors)))
                .build());
        SmallCollection.ok(result.getStatus());
        assertThat(result.getInsertCnt()).isEqualTo(to - from);
    }

    /**
     * Every id (a duplicate would show twice). Right after a restart the other node may not have seen the owner's
     * new session yet (status 2, owner not live): asked again until it has, at most 30 s.
     */
    private static List<Long> idList(MilvusServiceBlockingStub stub) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        QueryResults results;
        while (true) {
            results = stub.query(QueryRequest.newBuilder().setCollectionName("c").setExpr("id >= 0")
                    .addOutputFields("id").build());
            if (results.getStatus().getCode() != 2 || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(100);
        }
        SmallCollection.ok(results.getStatus());
        for (FieldData field : results.getFieldsDataList()) {
            if (field.getFieldName().equals("id")) {
                return field.getScalars().getLongData().getDataList();
            }
        }
        return List.of();
    }

    private static TreeSet<Long> ids(MilvusServiceBlockingStub stub) throws InterruptedException {
        List<Long> list = idList(stub);
        TreeSet<Long> set = new TreeSet<>(list);
        assertThat(set).as("no id twice").hasSize(list.size());
        return set;
    }

    private MilvusServer node(int index, int[] ports) throws IOException {
        return nodes.start(Map.of(
                "proxy.port", Integer.toString(ports[2 * index]),
                "proxy.internalPort", Integer.toString(ports[2 * index + 1]),
                "localStorage.path", dir.resolve("node" + index).toString(),
                "etcd.endpoints", etcd.endpointsCsv(),
                "common.session.ttl", "3",
                "cluster.changeAckTimeoutMs", "2000",
                "mq.type", "kafka",
                "kafka.brokerList", kafka.bootstrapServers(),
                "kafka.readTimeout", "10",
                "rootCoord.dmlChannelNum", "4"));
    }

    private MilvusServiceBlockingStub stub(MilvusServer server) {
        return nodes.stub(server, 240);
    }
}
