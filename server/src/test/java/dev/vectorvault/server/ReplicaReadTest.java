package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.ConsistencyLevel;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.FlushRequest;
import io.milvus.grpc.GetReplicasRequest;
import io.milvus.grpc.GetReplicasResponse;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.MutationResult;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.QueryResults;
import io.milvus.grpc.ReleaseCollectionRequest;
import io.milvus.grpc.ReplicaInfo;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.SearchResults;
import io.milvus.grpc.Status;
import io.milvus.grpc.VectorField;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas with real engines: etcd, Kafka and s3proxy as processes, three server nodes as processes. A collection
 * loaded with two replicas is served by its owner and by a follower on another node (sealed segments from object
 * storage, the rest tailed from Kafka): every node answers searches and queries alike, a Strong read on the follower
 * right after an insert through a third node sees it, and while a client searches through the third node the owner is
 * killed with {@code kill -9}: the searches keep answering (the follower takes them), and every acknowledged row is
 * found after the collection was taken over; the dead node's replica moves to the third node.
 */
@Timeout(400)
class ReplicaReadTest {
    private static final int DIM = 4;
    private static final int TTL_SECONDS = 3;

    @TempDir
    Path dir;
    private RealEngines engines;
    private ClusterProcesses cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (engines != null) {
            engines.close();
        }
    }

    @Test
    void twoReplicasAnswerAlikeAndSearchesKeepAnsweringThroughTheOwnersDeath() throws Exception {
        engines = RealEngines.withKafkaAndS3(dir);
        cluster = ClusterProcesses.onEngines(dir, engines, "replicas", TTL_SECONDS);
        cluster.start(3);
        List<MilvusServiceBlockingStub> stubs = List.of(cluster.stub(0, 380), cluster.stub(1, 380),
                cluster.stub(2, 380));
        int[] ports = {cluster.clientPort(0), cluster.clientPort(1), cluster.clientPort(2)};
        MilvusServiceBlockingStub owner = stubs.get(0);

        CollectionSchema schema = CollectionSchema.newBuilder().setName("c")
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(SmallCollection.pair("dim", String.valueOf(DIM))))
                .build();
        SmallCollection.ok(owner.createCollection(CreateCollectionRequest.newBuilder().setCollectionName("c")
                .setShardsNum(2).setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
        TreeSet<Long> acknowledged = new TreeSet<>();
        insert(owner, 0, 300, acknowledged); // the first data call: node 0 becomes the owner
        SmallCollection.ok(owner.createIndex(CreateIndexRequest.newBuilder().setCollectionName("c")
                .setFieldName("v").addExtraParams(SmallCollection.pair("index_type", "FLAT"))
                .addExtraParams(SmallCollection.pair("metric_type", "L2")).build()));
        SmallCollection.ok(owner.flush(FlushRequest.newBuilder().addCollectionNames("c").build()).getStatus());
        insert(stubs.get(1), 300, 450, acknowledged); // only in Kafka

        Status refused = stubs.get(2).loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("c")
                .setReplicaNumber(4).build());
        assertThat(refused.getCode()).as(refused.getReason()).isEqualTo(304);
        assertThat(refused.getReason()).contains("resource group node not enough");
        SmallCollection.ok(stubs.get(2).loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("c")
                .setReplicaNumber(2).build()));

        // GetReplicas: the owner and one other node, each leading both shards.
        GetReplicasResponse replicas = stubs.get(1).getReplicas(GetReplicasRequest.newBuilder()
                .setCollectionName("c").setWithShardNodes(true).build());
        SmallCollection.ok(replicas.getStatus());
        assertThat(replicas.getReplicasList()).hasSize(2);
        List<Integer> replicaPorts = new ArrayList<>();
        for (ReplicaInfo replica : replicas.getReplicasList()) {
            assertThat(replica.getShardReplicasList()).hasSize(2);
            assertThat(replica.getNodeIdsList()).hasSize(1);
            String address = replica.getShardReplicas(0).getLeaderAddr();
            replicaPorts.add(Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)));
        }
        assertThat(replicaPorts.get(0)).as("the first replica is the owner's").isEqualTo(ports[0]);
        int followerIndex = replicaPorts.get(1) == ports[1] ? 1 : 2;
        assertThat(replicaPorts.get(1)).isEqualTo(ports[followerIndex]);
        MilvusServiceBlockingStub follower = stubs.get(followerIndex);
        MilvusServiceBlockingStub other = stubs.get(3 - followerIndex);
        awaitLog(followerIndex, "event=replica_copy_built");

        // Every node answers alike: the owner and the follower from their own copies, the third through either.
        SearchResults expected = owner.search(SmallCollection.search(2, "topk", "7").setCollectionName("c").build());
        SmallCollection.ok(expected.getStatus());
        assertThat(expected.getResults().getIds().getIntId().getDataList()).hasSize(14);
        for (MilvusServiceBlockingStub stub : stubs) {
            for (int round = 0; round < 2; round++) {
                SearchResults got = stub.search(SmallCollection.search(2, "topk", "7").setCollectionName("c")
                        .build());
                SmallCollection.ok(got.getStatus());
                assertThat(got.getResults().getIds()).isEqualTo(expected.getResults().getIds());
                assertThat(got.getResults().getScoresList()).isEqualTo(expected.getResults().getScoresList());
                assertThat(ids(stub, ConsistencyLevel.Strong)).isEqualTo(acknowledged);
            }
        }

        // Strong on the follower right after an insert acknowledged through the third node.
        insert(other, 450, 500, acknowledged);
        assertThat(ids(follower, ConsistencyLevel.Strong)).as("a Strong read sees the insert").isEqualTo(acknowledged);
        assertThat(ids(follower, ConsistencyLevel.Eventually)).isSubsetOf(acknowledged);

        // Session: the last write's timestamp as guarantee_timestamp (what the SDKs send) makes the follower wait for
        // that write; a guarantee_timestamp too far ahead to wait for is refused, not ignored.
        MutationResult written = other.insert(insertRequest(600, 650));
        SmallCollection.ok(written.getStatus());
        for (long i = 600; i < 650; i++) {
            acknowledged.add(i);
        }
        assertThat(written.getTimestamp()).isGreaterThan(1);
        assertThat(ids(follower, ConsistencyLevel.Session, written.getTimestamp()))
                .as("a Session read with the write's timestamp sees it").isEqualTo(acknowledged);
        QueryResults ahead = follower.query(QueryRequest.newBuilder().setCollectionName("c").setExpr("id >= 0")
                .addOutputFields("id").setConsistencyLevel(ConsistencyLevel.Session)
                .setGuaranteeTimestamp((System.currentTimeMillis() + 3_600_000L) << 18).build());
        assertThat(ahead.getStatus().getCode()).as(ahead.getStatus().getReason()).isEqualTo(1100);
        assertThat(ahead.getStatus().getReason()).contains("guarantee_timestamp");

        // kill -9 of the owner while a client searches through the third node.
        AtomicBoolean searching = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread client = new Thread(() -> {
            while (searching.get()) {
                try {
                    SearchResults got = other.search(SmallCollection.search(1, "topk", "5").setCollectionName("c")
                            .build());
                    if (got.getStatus().getCode() == 0 && got.getResults().getIds().getIntId().getDataCount() == 5) {
                        answered.incrementAndGet();
                    } else {
                        failures.add(got.getStatus().toString());
                    }
                } catch (StatusRuntimeException e) {
                    failures.add(e.getStatus().toString());
                }
            }
        });
        client.start();
        while (answered.get() < 20) {
            Thread.sleep(20);
        }
        int beforeKill = answered.get();
        cluster.kill(0); // SIGKILL: no checkpoint, no lease revocation
        long killed = System.nanoTime();
        // Past the dead owner's session TTL, so both the dead node's refusals and its removal from membership happen.
        while (System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(TTL_SECONDS * 2L)) {
            Thread.sleep(100);
        }
        searching.set(false);
        client.join(30_000);
        System.out.println("ReplicaReadTest: " + (answered.get() - beforeKill) + " searches answered through the"
                + " owner's kill -9 and the following " + (2 * TTL_SECONDS) + " s, " + failures.size() + " failed");
        assertThat(failures).as("searches through a survivor while the owner dies").isEmpty();
        assertThat(answered.get()).isGreaterThan(beforeKill);

        // A write takes the collection over (its owner's lease ran out); every acknowledged row is on both survivors.
        insertWhenTakenOver(other, 500, 520, acknowledged);
        assertThat(ids(other, ConsistencyLevel.Strong)).isEqualTo(acknowledged);
        assertThat(ids(follower, ConsistencyLevel.Strong)).isEqualTo(acknowledged);

        // The dead node's replica moved to the live node that had none: GetReplicas names live nodes only.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            GetReplicasResponse now = other.getReplicas(GetReplicasRequest.newBuilder().setCollectionName("c")
                    .build());
            SmallCollection.ok(now.getStatus());
            List<Integer> live = new ArrayList<>();
            for (ReplicaInfo replica : now.getReplicasList()) {
                String address = replica.getShardReplicas(0).getLeaderAddr();
                live.add(address.isEmpty() ? -1 : Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)));
            }
            if (live.size() == 2 && live.containsAll(List.of(ports[1], ports[2]))) {
                break;
            }
            assertThat(System.nanoTime()).as("the dead node's replica moves; now " + live).isLessThan(deadline);
            Thread.sleep(200);
        }
        assertThat(ids(other, ConsistencyLevel.Strong)).isEqualTo(acknowledged);
        assertThat(ids(follower, ConsistencyLevel.Strong)).isEqualTo(acknowledged);

        // Released: the follower drops its copy.
        SmallCollection.ok(other.releaseCollection(ReleaseCollectionRequest.newBuilder().setCollectionName("c")
                .build()));
        awaitLog(followerIndex, "event=replica_follow_stopped");
    }

    private static void insertWhenTakenOver(MilvusServiceBlockingStub stub, int from, int to,
                                            TreeSet<Long> acknowledged) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                MutationResult result = stub.insert(insertRequest(from, to));
                if (result.getStatus().getCode() == 0) {
                    for (long i = from; i < to; i++) {
                        acknowledged.add(i);
                    }
                    return;
                }
                assertThat(System.nanoTime()).as(result.getStatus().toString()).isLessThan(deadline);
            } catch (StatusRuntimeException e) {
                assertThat(System.nanoTime()).as(e.getStatus().toString()).isLessThan(deadline);
            }
            Thread.sleep(100);
        }
    }

    private static InsertRequest insertRequest(int from, int to) {
        LongArray.Builder ids = LongArray.newBuilder();
        FloatArray.Builder vectors = FloatArray.newBuilder();
        for (int i = from; i < to; i++) {
            ids.addData(i);
            for (int d = 0; d < DIM; d++) {
                vectors.addData(i);
            }
        }
        return InsertRequest.newBuilder().setCollectionName("c").setNumRows(to - from)
                .addFieldsData(FieldData.newBuilder().setFieldName("id").setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(ids)))
                .addFieldsData(FieldData.newBuilder().setFieldName("v").setType(DataType.FloatVector)
                        .setVectors(VectorField.newBuilder().setDim(DIM).setFloatVector(vectors)))
                .build();
    }

    private static void insert(MilvusServiceBlockingStub stub, int from, int to, TreeSet<Long> acknowledged) {
        SmallCollection.ok(stub.insert(insertRequest(from, to)).getStatus());
        for (long i = from; i < to; i++) {
            acknowledged.add(i);
        }
    }

    private static TreeSet<Long> ids(MilvusServiceBlockingStub stub, ConsistencyLevel level) {
        return ids(stub, level, 0);
    }

    private static TreeSet<Long> ids(MilvusServiceBlockingStub stub, ConsistencyLevel level, long guaranteeTs) {
        QueryResults results = stub.query(QueryRequest.newBuilder().setCollectionName("c").setExpr("id >= 0")
                .addOutputFields("id").setConsistencyLevel(level).setGuaranteeTimestamp(guaranteeTs).build());
        SmallCollection.ok(results.getStatus());
        List<Long> list = List.of();
        for (FieldData field : results.getFieldsDataList()) {
            if (field.getFieldName().equals("id")) {
                list = field.getScalars().getLongData().getDataList();
            }
        }
        TreeSet<Long> set = new TreeSet<>(list);
        assertThat(set).as("no id twice").hasSize(list.size());
        return set;
    }

    private void awaitLog(int node, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Path log = dir.resolve("node" + node + ".log");
        while (!Files.readString(log).contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("node " + node + " never logged " + text + "; logs: " + cluster.logTails());
            }
            Thread.sleep(100);
        }
    }
}
