package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DescribeIndexRequest;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.GetIndexBuildProgressRequest;
import io.milvus.grpc.GetIndexBuildProgressResponse;
import io.milvus.grpc.GetIndexStateRequest;
import io.milvus.grpc.IndexDescription;
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
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.SearchRequest;
import io.milvus.grpc.SearchResults;
import io.milvus.grpc.Status;
import io.milvus.grpc.VectorField;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DescribeIndex, GetIndexState and GetIndexBuildProgress over the wire while sealed segments get their HNSW index in
 * the background: every answer adds up (indexed + pending = total) and says Finished exactly when nothing is
 * pending; then a search with {@code ef} goes through the index.
 */
@Timeout(120)
class IndexProgressRpcTest {
    private static final int DIM = 8;
    private static final int ROWS = 2500;

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dataDir;
    private LoopbackServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void describeIndexReportsBuildProgressTruthfullyUntilFinished() throws Exception {
        server = LoopbackServer.start(dataDir, Map.of("localStorage.segmentRows", "1100",
                "indexNode.buildThreads", "1"));
        MilvusServiceBlockingStub stub = MilvusServiceGrpc.newBlockingStub(server.channel())
                .withDeadlineAfter(60, TimeUnit.SECONDS);

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

        long deadline = System.nanoTime() + 60_000_000_000L;
        IndexDescription description;
        do {
            description = stub.describeIndex(DescribeIndexRequest.newBuilder().setCollectionName("c").build())
                    .getIndexDescriptions(0);
            assertThat(description.getTotalRows()).isEqualTo(ROWS);
            assertThat(description.getIndexedRows() + description.getPendingIndexRows()).isEqualTo(ROWS);
            assertThat(description.getState()).isEqualTo(description.getPendingIndexRows() == 0
                    ? IndexState.Finished : IndexState.InProgress);
            Thread.sleep(10);
        } while (description.getState() != IndexState.Finished && System.nanoTime() < deadline);

        assertThat(description.getState()).isEqualTo(IndexState.Finished);
        assertThat(description.getIndexedRows()).isEqualTo(ROWS);
        assertThat(stub.getIndexState(GetIndexStateRequest.newBuilder().setCollectionName("c").build()).getState())
                .isEqualTo(IndexState.Finished);
        GetIndexBuildProgressResponse progress = stub.getIndexBuildProgress(GetIndexBuildProgressRequest
                .newBuilder().setCollectionName("c").build());
        assertThat(progress.getIndexedRows()).isEqualTo(ROWS);
        assertThat(progress.getTotalRows()).isEqualTo(ROWS);
        io.milvus.grpc.GetIndexStatisticsResponse statistics = stub.getIndexStatistics(
                io.milvus.grpc.GetIndexStatisticsRequest.newBuilder().setCollectionName("c").build());
        ok(statistics.getStatus());
        assertThat(statistics.getIndexDescriptionsList()).as("the same descriptions as DescribeIndex")
                .containsExactly(description);
        assertThat(stub.getIndexStatistics(io.milvus.grpc.GetIndexStatisticsRequest.newBuilder()
                .setCollectionName("c").setIndexName("no_such_index").build()).getStatus().getCode()).isNotZero();

        ok(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("c").build()));
        ByteBuffer query = ByteBuffer.allocate(4 * DIM).order(ByteOrder.LITTLE_ENDIAN);
        for (int d = 0; d < DIM; d++) {
            query.putFloat((float) random.nextGaussian());
        }
        PlaceholderGroup group = PlaceholderGroup.newBuilder().addPlaceholders(PlaceholderValue.newBuilder()
                .setTag("$0").setType(PlaceholderType.FloatVector).addValues(ByteString.copyFrom(query.array())))
                .build();
        SearchResults results = stub.search(SearchRequest.newBuilder().setCollectionName("c")
                .setPlaceholderGroup(group.toByteString()).setDslType(io.milvus.grpc.DslType.BoolExprV1)
                .addSearchParams(pair("anns_field", "v")).addSearchParams(pair("topk", "7"))
                .addSearchParams(pair("metric_type", "L2")).addSearchParams(pair("params", "{\"ef\": 32}"))
                .build());
        ok(results.getStatus());
        assertThat(results.getResults().getTopks(0)).isEqualTo(7);
    }

    private static KeyValuePair pair(String key, String value) {
        return KeyValuePair.newBuilder().setKey(key).setValue(value).build();
    }

    private static void ok(Status status) {
        assertThat(status.getCode()).as(status.getReason()).isZero();
    }
}
