package dev.vectorvault.server;

import static dev.vectorvault.server.BulkImportRpcTest.info;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.ingest.ParquetFiles;
import dev.vectorvault.storage.s3.S3ObjectStore;
import dev.vectorvault.storage.s3.S3TestStores;
import dev.vectorvault.testkit.S3Server;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.GetImportStateRequest;
import io.milvus.grpc.GetImportStateResponse;
import io.milvus.grpc.ImportRequest;
import io.milvus.grpc.ImportResponse;
import io.milvus.grpc.ImportState;
import io.milvus.grpc.ListImportTasksRequest;
import io.milvus.grpc.ListImportTasksResponse;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.QueryResults;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk import in a cluster on real engines (etcd, Kafka and s3proxy processes, two server nodes): the files are keys
 * of the deployment's bucket, a job accepted by one node is answered for by the other (its record is in etcd), its
 * rows are read from both, keys leaving the root are refused, a missing key fails the job, and a job whose node has
 * no session any more is marked Failed by the node that reads it.
 */
@Timeout(300)
class ClusterImportTest {
    private static final String ROOT_PATH = "files";

    @TempDir
    Path dir;
    private RealEngines engines;
    private final List<MilvusServer> nodes = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void stop() {
        channels.forEach(ManagedChannel::shutdownNow);
        nodes.forEach(MilvusServer::close);
        if (engines != null) {
            engines.close();
        }
    }

    @Test
    void bucketFilesImportThroughOneNodeAndEveryNodeAnswersForTheJobs() throws Exception {
        engines = RealEngines.withKafkaAndS3(dir);
        MilvusServer nodeA = node(0, true);
        MilvusServer nodeB = node(1, true);
        MilvusServiceBlockingStub a = stub(nodeA);
        MilvusServiceBlockingStub b = stub(nodeB);
        createCollection(a);
        try (S3ObjectStore bucket = S3TestStores.open(engines.s3.port(), ROOT_PATH, 30_000)) {
            StringBuilder json = new StringBuilder("[");
            for (int i = 0; i < 10; i++) {
                json.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"v\":[").append(i)
                        .append(",1,2,3]}");
            }
            bucket.write("uploads/rows.json", json.append("]").toString().getBytes(StandardCharsets.UTF_8));
            bucket.write("uploads/np/id.npy", BulkImportRpcTest.npy("<i8", "(10,)",
                    BulkImportRpcTest.longs(LongStream.range(10, 20).toArray())));
            float[] vectors = new float[40];
            for (int i = 0; i < vectors.length; i++) {
                vectors[i] = i;
            }
            bucket.write("uploads/np/v.npy", BulkImportRpcTest.npy("<f4", "(10, 4)", BulkImportRpcTest.floats(vectors)));
            StringBuilder csv = new StringBuilder("id,v\n");
            for (int i = 20; i < 30; i++) {
                csv.append(i).append(",\"[").append(i).append(", 0, 0, 1]\"\n");
            }
            bucket.write("uploads/rows.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
            // Parquet as the SDKs' BulkWriters upload it; the node stages the object locally, then reads the copy.
            Path parquet = Files.createTempFile("rows", ".parquet");
            ParquetFiles.write(parquet, "message row { required int64 id; required group v (LIST) {"
                    + " repeated group list { required float element; } } }", CompressionCodecName.SNAPPY, 10,
                    1 << 20, (row, i) -> {
                        row.add("id", 40L + i);
                        ParquetFiles.list(row, "v", List.of((float) i, 0f, 1f, 0f));
                    });
            bucket.write("uploads/rows.parquet", Files.readAllBytes(parquet));
            Files.delete(parquet);
            bucket.write("uploads/rest.json", "[{\"id\":30,\"v\":[1,1,1,1]},{\"id\":31,\"v\":[2,2,2,2]}]"
                    .getBytes(StandardCharsets.UTF_8));
        }

        long fromJson = importFiles(a, "uploads/rows.json");
        long fromNumpy = importFiles(b, "uploads/np/id.npy", "uploads/np/v.npy");
        long fromCsv = importFiles(a, "uploads/rows.csv");
        long fromParquet = importFiles(b, "uploads/rows.parquet");
        for (long job : new long[] {fromJson, fromNumpy, fromCsv, fromParquet}) {
            GetImportStateResponse done = awaitFinished(job % 2 == 0 ? b : a, job);
            assertThat(done.getState()).as(info(done, "failed_reason")).isEqualTo(ImportState.ImportCompleted);
            assertThat(done.getRowCount()).isEqualTo(10);
            GetImportStateResponse elsewhere = (job % 2 == 0 ? a : b).getImportState(
                    GetImportStateRequest.newBuilder().setTask(job).build());
            assertThat(elsewhere).as("the same answer from either node").isEqualTo(done);
        }
        assertThat(new TreeSet<>(List.of(fromJson, fromNumpy, fromCsv, fromParquet))).as("ids unique across nodes")
                .hasSize(4);
        ListImportTasksResponse listedOnA = a.listImportTasks(ListImportTasksRequest.newBuilder()
                .setCollectionName("c").build());
        SmallCollection.ok(listedOnA.getStatus());
        assertThat(listedOnA.getTasksList()).extracting(GetImportStateResponse::getId)
                .containsExactly(fromJson, fromNumpy, fromCsv, fromParquet);
        assertThat(b.listImportTasks(ListImportTasksRequest.newBuilder().setCollectionName("c").build()))
                .isEqualTo(listedOnA);

        // REST v2 goes through the same RPCs: created on B, its progress read on A.
        String restJob = rest(nodeB, "jobs/import/create",
                "{\"collectionName\": \"c\", \"files\": [[\"uploads/rest.json\"]]}").get("jobId").asText();
        awaitFinished(b, Long.parseLong(restJob));
        JsonNode progress = rest(nodeA, "jobs/import/get_progress", "{\"jobId\": \"" + restJob + "\"}");
        assertThat(progress.get("state").asText()).as(progress.toString()).isEqualTo("Completed");
        assertThat(progress.get("importedRows").asLong()).isEqualTo(2);

        SmallCollection.ok(a.createIndex(CreateIndexRequest.newBuilder().setCollectionName("c")
                .setFieldName("v").addExtraParams(SmallCollection.pair("index_type", "FLAT"))
                .addExtraParams(SmallCollection.pair("metric_type", "L2")).build()));
        SmallCollection.ok(b.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("c").build()));
        TreeSet<Long> expected = new TreeSet<>();
        LongStream.range(0, 32).forEach(expected::add);
        LongStream.range(40, 50).forEach(expected::add);
        assertThat(ids(a)).isEqualTo(expected);
        assertThat(ids(b)).isEqualTo(expected);

        for (String escaping : new String[] {"../rows.json", "/files/uploads/rows.json", "uploads/../../x.json",
                "insert_log/1/2/rows.json"}) {
            ImportResponse refused = b.import_(ImportRequest.newBuilder().setCollectionName("c")
                    .addFiles(escaping).build());
            assertThat(refused.getStatus().getCode()).as(escaping).isEqualTo(2100);
            assertThat(refused.getStatus().getReason()).as(escaping).contains("refused");
        }

        long missing = importFiles(b, "uploads/missing.json");
        GetImportStateResponse failed = awaitFinished(a, missing);
        assertThat(failed.getState()).isEqualTo(ImportState.ImportFailed);
        assertThat(info(failed, "failed_reason")).isEqualTo("import file not found: uploads/missing.json");
    }

    /**
     * A record as a node writes it while its job runs, naming a node that has no session (it died): whichever node
     * reads the job first marks it Failed, and both then report the same.
     */
    @Test
    void aJobWhoseNodeHasNoSessionIsMarkedFailedByTheNodeThatReadsIt() throws Exception {
        engines = RealEngines.withKafkaAndS3(dir);
        MilvusServiceBlockingStub a = stub(node(0, true));
        MilvusServiceBlockingStub b = stub(node(1, true));
        createCollection(a);
        long job = 463812394881024001L;
        engines.etcd.etcdctl("put", "by-dev/meta/vectorvault/import/job/" + job, "{\"formatVersion\":1,\"id\":" + job
                + ",\"database\":\"default\",\"collection\":\"c\",\"collectionId\":1,\"partition\":\"\","
                + "\"files\":[[\"rows.json\"]],\"createdMillis\":1765100000000,\"state\":\"Importing\","
                + "\"totalRows\":3000,\"importedRows\":1200,\"progress\":46,\"reason\":\"\",\"finishedMillis\":0,"
                + "\"node\":9999,\"lease\":7587883417356621314}");

        GetImportStateResponse onB = b.getImportState(GetImportStateRequest.newBuilder().setTask(job).build());
        SmallCollection.ok(onB.getStatus());
        assertThat(onB.getState()).isEqualTo(ImportState.ImportFailed);
        assertThat(info(onB, "failed_reason")).contains("node 9999").contains("etcd session ended")
                .contains("at least 1200");
        assertThat(a.getImportState(GetImportStateRequest.newBuilder().setTask(job).build())).isEqualTo(onB);
        assertThat(engines.etcd.etcdctl("get", "--print-value-only", "by-dev/meta/vectorvault/import/job/" + job))
                .contains("\"state\":\"Failed\"");
    }

    @Test
    void aClusterWithoutObjectStorageRefusesImportsNamingTheSetting() throws Exception {
        engines = RealEngines.etcdOnly(dir);
        MilvusServiceBlockingStub a = stub(node(0, false));
        createCollection(a);
        ImportResponse refused = a.import_(ImportRequest.newBuilder().setCollectionName("c")
                .addFiles("rows.json").build());
        assertThat(refused.getStatus().getCode()).isEqualTo(2100);
        assertThat(refused.getStatus().getReason()).contains("common.storageType");
    }

    /** Collection {@code c}: {@code id} Int64 primary key, {@code v} FloatVector of 4, two shards. */
    static void createCollection(MilvusServiceBlockingStub stub) {
        CollectionSchema schema = CollectionSchema.newBuilder().setName("c")
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(SmallCollection.pair("dim", "4")))
                .build();
        SmallCollection.ok(stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName("c")
                .setShardsNum(2).setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
    }

    private static JsonNode rest(MilvusServer node, String route, String body) throws Exception {
        RestCalls.Reply reply = RestCalls.post(node.port(), "/v2/vectordb/" + route, null, body);
        assertThat(reply.code()).as(route + " " + reply.body()).isZero();
        return reply.body().get("data");
    }

    private static long importFiles(MilvusServiceBlockingStub stub, String... files) {
        ImportResponse r = stub.import_(ImportRequest.newBuilder().setCollectionName("c")
                .addAllFiles(List.of(files)).build());
        SmallCollection.ok(r.getStatus());
        return r.getTasks(0);
    }

    /** Polls until the job completed or failed; the test's timeout bounds the wait. */
    private static GetImportStateResponse awaitFinished(MilvusServiceBlockingStub stub, long job)
            throws InterruptedException {
        while (true) {
            GetImportStateResponse state = stub.getImportState(GetImportStateRequest.newBuilder().setTask(job).build());
            SmallCollection.ok(state.getStatus());
            if (state.getState() == ImportState.ImportCompleted || state.getState() == ImportState.ImportFailed) {
                return state;
            }
            Thread.sleep(50);
        }
    }

    private static TreeSet<Long> ids(MilvusServiceBlockingStub stub) {
        QueryResults results = stub.query(QueryRequest.newBuilder().setCollectionName("c").setExpr("id >= 0")
                .addOutputFields("id").build());
        SmallCollection.ok(results.getStatus());
        for (FieldData field : results.getFieldsDataList()) {
            if (field.getFieldName().equals("id")) {
                List<Long> list = field.getScalars().getLongData().getDataList();
                TreeSet<Long> set = new TreeSet<>(list);
                assertThat(set).as("no id twice").hasSize(list.size());
                return set;
            }
        }
        return new TreeSet<>();
    }

    private MilvusServer node(int index, boolean kafkaAndS3) throws IOException {
        Map<String, String> keys = new HashMap<>();
        keys.put("proxy.port", Integer.toString(freePort()));
        keys.put("proxy.internalPort", Integer.toString(freePort()));
        keys.put("localStorage.path", dir.resolve("node" + index).toString());
        keys.put("etcd.endpoints", engines.etcd.endpointsCsv());
        keys.put("common.metricsPort", "-1"); // the nodes share one host: no management port
        keys.put("common.session.ttl", "3");
        keys.put("cluster.changeAckTimeoutMs", "2000");
        if (kafkaAndS3) {
            keys.put("mq.type", "kafka");
            keys.put("kafka.brokerList", engines.kafka.bootstrapServers());
            keys.put("kafka.readTimeout", "10");
            keys.put("rootCoord.dmlChannelNum", "4");
            keys.putAll(Map.of("common.storageType", "remote", "minio.address", "127.0.0.1",
                    "minio.port", Integer.toString(engines.s3.port()), "minio.accessKeyID", S3Server.ACCESS_KEY,
                    "minio.secretAccessKey", S3Server.SECRET_KEY, "minio.bucketName", S3TestStores.BUCKET,
                    "minio.rootPath", ROOT_PATH));
        }
        MilvusServer server = MilvusServer.start(ServerConfig.fromFlatKeys(keys));
        nodes.add(server);
        return server;
    }

    private MilvusServiceBlockingStub stub(MilvusServer server) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        channels.add(channel);
        return MilvusServiceGrpc.newBlockingStub(channel).withDeadlineAfter(240, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
