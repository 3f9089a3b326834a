package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vectorvault.testkit.S3Server;
import dev.vectorvault.testkit.TcpRelay;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DescribeCollectionRequest;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.FlushRequest;
import io.milvus.grpc.FlushResponse;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.MutationResult;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.QueryResults;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.VectorField;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engine faults under a cluster of two server processes whose data path is Kafka + object storage (issue 12): the
 * Kafka broker killed with SIGKILL and restarted while a client writes through the node that does not own the
 * collection, and object storage unreachable for a while. The same faults at the DataStore level are in
 * KafkaDataStoreTest and S3DataStoreTest; these check them through the wire, forwarding and a node's takeover.
 *
 * <p>The engines and the two nodes are started once for the class (half a minute on a small machine). Each test
 * writes its own collection, created through node 0 so that node 0 owns it and node 1 forwards to it, and leaves
 * behind nothing the other needs: after each test the broker runs, object storage is reachable and both nodes serve
 * again (a killed node is restarted on its folder and ports).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ClusterFaultsTest {
    private static final int DIM = 4;
    private static final int BATCH = 10;

    @TempDir
    static Path dir;
    private static RealEngines engines;
    private static TcpRelay s3Link;
    private static ClusterProcesses cluster;

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (s3Link != null) {
            s3Link.close();
        }
        if (engines != null) {
            engines.close();
        }
    }

    /** Undoes a fault a test left in place (it ended early, or killing the owner was its last step). */
    @AfterEach
    void restoreEnginesAndNodes() throws Exception {
        if (!engines.kafka.isRunning()) {
            engines.kafka.restart();
        }
        s3Link.restore();
        for (int node = 0; node < cluster.size(); node++) {
            if (!cluster.isAlive(node)) {
                cluster.restart(node);
                cluster.awaitServing(node);
            }
        }
    }

    @BeforeAll
    static void startCluster() throws Exception {
        engines = RealEngines.withKafkaAndS3(dir);
        s3Link = engines.s3.relay();
        cluster = new ClusterProcesses(dir, engines.etcd, List.of(
                "common.session.ttl=2",
                "cluster.changeAckTimeoutMs=2000",
                "mq.type=kafka",
                "kafka.brokerList=" + engines.kafka.bootstrapServers(),
                "kafka.readTimeout=3",
                // An append the restarted broker no longer tracks is aborted after this + 15 s, well inside the
                // test's wait for writes to resume.
                "kafka.transactionTimeout=10",
                "common.storageType=remote",
                "minio.address=127.0.0.1",
                "minio.port=" + s3Link.port(),
                "minio.accessKeyID=" + S3Server.ACCESS_KEY,
                "minio.secretAccessKey=" + S3Server.SECRET_KEY,
                "minio.bucketName=faults",
                "minio.rootPath=files",
                "minio.requestTimeoutMs=4000"));
        cluster.start(2);
    }

    @Test
    void aKafkaBrokerKilledAndRestartedWhileWritingThroughANodeLosesNoAcknowledgedRowAndWritesResume()
            throws Exception {
        String c = "broker_killed";
        createOwnedByNode0(c);
        TreeSet<Long> acknowledged = new TreeSet<>();
        List<Set<Long>> refused = new CopyOnWriteArrayList<>();
        AtomicInteger acknowledgedAfterRestart = new AtomicInteger();
        AtomicBoolean restarted = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            long next = 0;
            while (!stop.get()) {
                Set<Long> batch = LongStream.range(next, next + BATCH).boxed()
                        .collect(Collectors.toCollection(TreeSet::new));
                next += BATCH;
                boolean ok;
                try {
                    ok = cluster.stub(1, 30).insert(insert(c, batch)).getStatus().getCode() == 0;
                } catch (RuntimeException e) {
                    ok = false;
                }
                if (ok) {
                    synchronized (acknowledged) {
                        acknowledged.addAll(batch);
                    }
                    if (restarted.get()) {
                        acknowledgedAfterRestart.incrementAndGet();
                    }
                } else {
                    refused.add(batch);
                    sleep(100);
                }
            }
        }, "writer");
        writer.start();
        awaitAtLeast(() -> acknowledgedSize(acknowledged), 5 * BATCH, "writes before the broker is killed");

        engines.kafka.kill();
        int refusedBefore = refused.size();
        awaitAtLeast(refused::size, refusedBefore + 1, "a write refused while the broker is down");
        engines.kafka.restart();
        restarted.set(true);
        awaitAtLeast(acknowledgedAfterRestart::get, 5, () -> "writes acknowledged after the broker restarted; logs: "
                + cluster.logTails());
        stop.set(true);
        writer.join(TimeUnit.SECONDS.toMillis(60));

        TreeSet<Long> rows = ids(cluster.stub(1, 60), c);
        assertThat(rows).as("every acknowledged row").containsAll(acknowledged);
        for (Set<Long> batch : refused) {
            // A write is one Kafka transaction over every shard it touches: a refused batch is there whole or not.
            long present = batch.stream().filter(rows::contains).count();
            assertThat(present).as("refused batch %s is there whole or not at all", batch)
                    .isIn(0L, (long) batch.size());
            // A batch that committed after all is held like acknowledged rows.
            batch.stream().filter(rows::contains).forEach(acknowledged::add);
        }
        assertThat(rows).as("nothing that was never written").isEqualTo(acknowledged);
        System.out.println("ClusterFaultsTest: broker kill -9 + restart: " + acknowledged.size() + " rows held, "
                + refused.size() + " batches refused while it was down");
    }

    @Test
    void whileObjectStorageIsUnreachableWritesAreAcknowledgedThroughTheLogAndSealingFailsClearlyUntilItIsBack()
            throws Exception {
        String c = "storage_cut";
        createOwnedByNode0(c);
        TreeSet<Long> acknowledged = new TreeSet<>();
        insertOk(cluster.stub(1, 60), c, 0, 100, acknowledged);
        flushOk(cluster.stub(1, 60), c);

        s3Link.cut();
        insertOk(cluster.stub(1, 60), c, 100, 200, acknowledged); // acknowledged through Kafka alone
        insertOk(cluster.stub(0, 60), c, 200, 250, acknowledged);
        for (int attempt = 0; attempt < 2; attempt++) {
            FlushResponse refused = cluster.stub(1, 60).flush(FlushRequest.newBuilder().addCollectionNames(c)
                    .build());
            assertThat(refused.getStatus().getCode()).as("sealing fails while object storage is unreachable: %s",
                    refused.getStatus()).isNotZero();
            assertThat(refused.getStatus().getReason()).contains("unreachable")
                    .doesNotContain(S3Server.SECRET_KEY);
        }
        assertThat(ids(cluster.stub(1, 60), c)).isEqualTo(acknowledged);

        s3Link.restore();
        flushOk(cluster.stub(1, 60), c); // the retry seals everything
        insertOk(cluster.stub(1, 60), c, 250, 260, acknowledged);
        assertThat(ids(cluster.stub(1, 60), c)).isEqualTo(acknowledged);

        // The owner dies: node 1 takes over from object storage, the etcd manifest and Kafka.
        cluster.kill(0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                assertThat(ids(cluster.stub(1, 60), c)).as("every acknowledged row after the takeover")
                        .isEqualTo(acknowledged);
                break;
            } catch (RuntimeException | AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no takeover within 120 s; logs: " + cluster.logTails(), e);
                }
                Thread.sleep(200);
            }
        }
    }

    private static int acknowledgedSize(Set<Long> acknowledged) {
        synchronized (acknowledged) {
            return acknowledged.size();
        }
    }

    private static void awaitAtLeast(java.util.function.IntSupplier value, int wanted, String what)
            throws InterruptedException {
        awaitAtLeast(value, wanted, () -> what);
    }

    /** {@code what} is asked for only on failure, so node logs it names are read as they are then. */
    private static void awaitAtLeast(java.util.function.IntSupplier value, int wanted,
                                     java.util.function.Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (value.getAsInt() < wanted) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 120 s: " + what.get());
            }
            Thread.sleep(50);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Creates {@code c} through node 0, which then owns it, so node 1 forwards to it; checked in etcd's owner record,
     * as node 0 may be a restart of the node the other test killed.
     */
    private static void createOwnedByNode0(String c) throws java.io.IOException {
        createCollection(cluster.stub(0, 60), c);
        long id = cluster.stub(0, 60).describeCollection(DescribeCollectionRequest.newBuilder().setCollectionName(c)
                .build()).getCollectionID();
        String owner = engines.etcd.etcdctl("get", "--print-value-only",
                "by-dev/meta/root-coord/cluster/collection-owner/" + id).trim();
        assertThat(owner).as("owner of %s", c).isEqualTo(String.valueOf(cluster.nodeId(0)));
    }

    private static void createCollection(MilvusServiceBlockingStub stub, String c) {
        CollectionSchema schema = CollectionSchema.newBuilder().setName(c)
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(SmallCollection.pair("dim", String.valueOf(DIM))))
                .build();
        SmallCollection.ok(stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName(c)
                .setShardsNum(2).setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
        SmallCollection.ok(stub.insert(insert(c, Set.of(-1L))).getStatus()); // makes this node the owner
        SmallCollection.ok(stub.delete(io.milvus.grpc.DeleteRequest.newBuilder().setCollectionName(c)
                .setExpr("id in [-1]").build()).getStatus());
        SmallCollection.ok(stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName(c)
                .setFieldName("v").addExtraParams(SmallCollection.pair("index_type", "FLAT"))
                .addExtraParams(SmallCollection.pair("metric_type", "L2")).build()));
        SmallCollection.ok(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName(c).build()));
    }

    private static InsertRequest insert(String c, Set<Long> ids) {
        LongArray.Builder column = LongArray.newBuilder();
        FloatArray.Builder vectors = FloatArray.newBuilder();
        for (long id : ids) {
            column.addData(id);
            for (int d = 0; d < DIM; d++) {
                vectors.addData(id + d);
            }
        }
        return InsertRequest.newBuilder().setCollectionName(c).setNumRows(ids.size())
                .addFieldsData(FieldData.newBuilder().setFieldName("id").setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(column)))
                .addFieldsData(FieldData.newBuilder().setFieldName("v").setType(DataType.FloatVector)
                        .setVectors(VectorField.newBuilder().setDim(DIM).setFloatVector(vectors)))
                .build();
    }

    private static void insertOk(MilvusServiceBlockingStub stub, String c, long from, long to,
                                 Set<Long> acknowledged) {
        Set<Long> ids = LongStream.range(from, to).boxed().collect(Collectors.toCollection(TreeSet::new));
        MutationResult result = stub.insert(insert(c, ids));
        SmallCollection.ok(result.getStatus());
        acknowledged.addAll(ids);
    }

    private static void flushOk(MilvusServiceBlockingStub stub, String c) {
        SmallCollection.ok(stub.flush(FlushRequest.newBuilder().addCollectionNames(c).build()).getStatus());
    }

    private static TreeSet<Long> ids(MilvusServiceBlockingStub stub, String c) {
        QueryResults results = stub.query(QueryRequest.newBuilder().setCollectionName(c).setExpr("id >= 0")
                .addOutputFields("id").build());
        SmallCollection.ok(results.getStatus());
        List<Long> list = new ArrayList<>();
        for (FieldData field : results.getFieldsDataList()) {
            if (field.getFieldName().equals("id")) {
                list = field.getScalars().getLongData().getDataList();
            }
        }
        TreeSet<Long> set = new TreeSet<>(list);
        assertThat(set).as("no id twice").hasSize(list.size());
        return set;
    }
}
