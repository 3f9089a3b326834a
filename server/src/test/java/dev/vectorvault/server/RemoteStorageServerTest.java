package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.s3.S3ObjectStore;
import dev.vectorvault.storage.s3.S3TestStores;
import dev.vectorvault.testkit.S3Server;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DescribeIndexRequest;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.FlushRequest;
import io.milvus.grpc.IndexState;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.PlaceholderGroup;
import io.milvus.grpc.PlaceholderType;
import io.milvus.grpc.PlaceholderValue;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.SearchRequest;
import io.milvus.grpc.SearchResults;
import io.milvus.grpc.Status;
import io.milvus.grpc.VectorField;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole server with {@code common.storageType: remote} on a real s3proxy: flushed segments and built HNSW index
 * files land in the bucket under Milvus-like keys, and a server started on an empty data folder with the same
 * metadata answers the same search from them.
 */
@Timeout(240)
class RemoteStorageServerTest {
    private static final int DIM = 8;
    private static final int ROWS = 2500;

    @TempDir
    Path dir;

    private MilvusServer start(S3Server s3, String root, Path dataDir) {
        Map<String, String> keys = new HashMap<>();
        keys.put("proxy.port", "0");
        keys.put("localStorage.path", dataDir.toString());
        keys.put("localStorage.segmentRows", "1100");
        keys.put("indexNode.buildThreads", "1");
        keys.put("common.storageType", "remote");
        keys.put("minio.address", "127.0.0.1");
        keys.put("minio.port", Integer.toString(s3.port()));
        keys.put("minio.accessKeyID", S3Server.ACCESS_KEY);
        keys.put("minio.secretAccessKey", S3Server.SECRET_KEY);
        keys.put("minio.bucketName", S3TestStores.BUCKET);
        keys.put("minio.rootPath", root);
        try {
            return MilvusServer.start(ServerConfig.fromFlatKeys(keys), MvMetaStore.open(dir.resolve("meta")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void sealedSegmentsAndIndexFilesLiveInTheBucketAndServeAServerWithAnEmptyDataFolder() throws Exception {
        String root = S3TestStores.freshRoot();
        try (S3Server s3 = S3Server.start()) {
            List<Long> first;
            MilvusServer server = start(s3, root, dir.resolve("node-a"));
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                MilvusServiceBlockingStub stub = MilvusServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(120, TimeUnit.SECONDS);
                createInsertAndIndex(stub);
                ok(stub.flush(FlushRequest.newBuilder().addCollectionNames("c").build()).getStatus());
                ok(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("c").build()));
                first = search(stub);
            } finally {
                channel.shutdownNow();
                server.close();
            }
            try (S3ObjectStore bucket = S3TestStores.open(s3.port(), root, 10_000)) {
                List<String> keys = bucket.list("");
                assertThat(keys).anyMatch(k -> k.matches("insert_log/\\d+/\\d+/\\d+\\.seg"))
                        .anyMatch(k -> k.matches("index_files/\\d+/\\d+/\\d+\\.\\d+\\.\\d+\\..+\\.idx"));
            }
            assertThat(dir.resolve("node-a/data/segments")).doesNotExist();

            MilvusServer again = start(s3, root, dir.resolve("node-b"));
            ManagedChannel channel2 = NettyChannelBuilder.forAddress("127.0.0.1", again.port()).usePlaintext()
                    .build();
            try {
                MilvusServiceBlockingStub stub = MilvusServiceGrpc.newBlockingStub(channel2)
                        .withDeadlineAfter(120, TimeUnit.SECONDS);
                var count = stub.query(QueryRequest.newBuilder().setCollectionName("c")
                        .addOutputFields("count(*)").build());
                ok(count.getStatus());
                assertThat(count.getFieldsData(0).getScalars().getLongData().getData(0)).isEqualTo(ROWS);
                awaitIndexed(stub);
                assertThat(search(stub)).isEqualTo(first);
            } finally {
                channel2.shutdownNow();
                again.close();
            }
        }
    }

    private static void createInsertAndIndex(MilvusServiceBlockingStub stub) throws InterruptedException {
        CollectionSchema schema = CollectionSchema.newBuilder().setName("c")
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(KeyValuePair.newBuilder().setKey("dim").setValue(String.valueOf(DIM))))
                .build();
        ok(stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName("c")
                .setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
        Random random = new Random(7);
        LongArray.Builder ids = LongArray.newBuilder();
        FloatArray.Builder vectors = FloatArray.newBuilder();
        for (int i = 0; i < ROWS; i++) {
            ids.addData(i);
            for (int d = 0; d < DIM; d++) {
                vectors.addData((float) random.nextGaussian());
            }
        }
        ok(stub.insert(InsertRequest.newBuilder().setCollectionName("c").setNumRows(ROWS)
                .addFieldsData(FieldData.newBuilder().setFieldName("id").setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(ids)))
                .addFieldsData(FieldData.newBuilder().setFieldName("v").setType(DataType.FloatVector)
                        .setVectors(VectorField.newBuilder().setDim(DIM).setFloatVector(vectors)))
                .build()).getStatus());
        ok(stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName("c").setFieldName("v")
                .addExtraParams(pair("index_type", "HNSW")).addExtraParams(pair("metric_type", "L2"))
                .addExtraParams(pair("params", "{\"M\": 8, \"efConstruction\": 64}")).build()));
        awaitIndexed(stub);
    }

    /** Until every sealed row is indexed (its index file written to the bucket first); the test timeout bounds it. */
    private static void awaitIndexed(MilvusServiceBlockingStub stub) throws InterruptedException {
        while (stub.describeIndex(DescribeIndexRequest.newBuilder().setCollectionName("c").build())
                .getIndexDescriptions(0).getState() != IndexState.Finished) {
            Thread.sleep(20);
        }
    }

    private static List<Long> search(MilvusServiceBlockingStub stub) {
        ByteBuffer query = ByteBuffer.allocate(4 * DIM).order(ByteOrder.LITTLE_ENDIAN);
        Random random = new Random(99);
        for (int d = 0; d < DIM; d++) {
            query.putFloat((float) random.nextGaussian());
        }
        PlaceholderGroup group = PlaceholderGroup.newBuilder().addPlaceholders(PlaceholderValue.newBuilder()
                .setTag("$0").setType(PlaceholderType.FloatVector).addValues(ByteString.copyFrom(query.array())))
                .build();
        SearchResults results = stub.search(SearchRequest.newBuilder().setCollectionName("c")
                .setPlaceholderGroup(group.toByteString()).setDslType(io.milvus.grpc.DslType.BoolExprV1)
                .addSearchParams(pair("anns_field", "v")).addSearchParams(pair("topk", "10"))
                .addSearchParams(pair("metric_type", "L2")).addSearchParams(pair("params", "{\"ef\": 64}"))
                .build());
        ok(results.getStatus());
        return results.getResults().getIds().getIntId().getDataList();
    }

    private static KeyValuePair pair(String key, String value) {
        return KeyValuePair.newBuilder().setKey(key).setValue(value).build();
    }

    private static void ok(Status status) {
        assertThat(status.getCode()).as(status.getReason()).isZero();
    }
}
