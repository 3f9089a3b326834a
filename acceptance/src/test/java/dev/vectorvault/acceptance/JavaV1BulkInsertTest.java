package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import io.milvus.client.MilvusServiceClient;
import io.milvus.grpc.DataType;
import io.milvus.grpc.GetImportStateResponse;
import io.milvus.grpc.ImportResponse;
import io.milvus.grpc.ImportState;
import io.milvus.grpc.ListImportTasksResponse;
import io.milvus.param.ConnectParam;
import io.milvus.param.IndexType;
import io.milvus.param.MetricType;
import io.milvus.param.R;
import io.milvus.param.bulkinsert.BulkInsertParam;
import io.milvus.param.bulkinsert.GetBulkInsertStateParam;
import io.milvus.param.bulkinsert.ListBulkInsertTasksParam;
import io.milvus.param.collection.CreateCollectionParam;
import io.milvus.param.collection.FieldType;
import io.milvus.param.collection.LoadCollectionParam;
import io.milvus.param.dml.QueryParam;
import io.milvus.param.index.CreateIndexParam;
import io.milvus.response.GetBulkInsertStateWrapper;
import io.milvus.response.QueryResultsWrapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java SDK v1's bulk insert ({@code bulkInsert}, {@code getBulkInsertState}, {@code listBulkInsertTasks})
 * against the server process: a JSON file under the import root is imported, its state read through the SDK's
 * wrapper, and its rows queried; a bad file fails with its reason and leaves no row.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class JavaV1BulkInsertTest {
    @TempDir
    static Path dataDir;
    static ServerProcess server;
    static MilvusServiceClient client;

    @BeforeAll
    static void start() {
        // Cluster mode refuses bulk import (files and jobs are not shared between nodes); see README "Bulk import".
        org.junit.jupiter.api.Assumptions.assumeFalse(Boolean.getBoolean("acceptance.cluster"));
        server = ServerProcess.startWithAuth(dataDir);
        client = new MilvusServiceClient(ConnectParam.newBuilder()
                .withHost("127.0.0.1").withPort(server.port())
                .withAuthorization("root", "Milvus")
                .withConnectTimeout(15, TimeUnit.SECONDS)
                .withRpcDeadline(15, TimeUnit.SECONDS)
                .build());
        client.withRetry(1);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void bulkInsertImportsAJsonFileAndReportsItsState() throws Exception {
        createCollection("bulk");
        Files.createDirectories(dataDir.resolve("import"));
        Files.writeString(dataDir.resolve("import/rows.json"), """
                [{"id": 1, "vec": [0.1, 0.2, 0.3, 0.4], "title": "first"},
                 {"id": 2, "vec": [0.5, 0.6, 0.7, 0.8], "title": "second"}]""");
        Files.writeString(dataDir.resolve("import/bad.json"), """
                [{"id": 3, "vec": [0.1, 0.2, 0.3, 0.4], "title": "fine"},
                 {"id": 4, "vec": [0.5], "title": "short vector"}]""");

        ImportResponse started = ok(client.bulkInsert(BulkInsertParam.newBuilder().withCollectionName("bulk")
                .addFile("rows.json").build()), "bulkInsert");
        GetBulkInsertStateWrapper done = awaitFinished(started.getTasks(0));
        assertThat(done.getState()).as(done.getFailedReason()).isEqualTo(ImportState.ImportCompleted);
        assertThat(done.getImportedCount()).isEqualTo(2);
        assertThat(count("bulk")).isEqualTo(2);

        ImportResponse bad = ok(client.bulkInsert(BulkInsertParam.newBuilder().withCollectionName("bulk")
                .addFile("bad.json").build()), "bulkInsert");
        GetBulkInsertStateWrapper failed = awaitFinished(bad.getTasks(0));
        assertThat(failed.getState()).isEqualTo(ImportState.ImportFailed);
        assertThat(failed.getFailedReason()).contains("bad.json");
        assertThat(count("bulk")).isEqualTo(2);

        ListImportTasksResponse tasks = ok(client.listBulkInsertTasks(ListBulkInsertTasksParam.newBuilder()
                .withCollectionName("bulk").build()), "listBulkInsertTasks");
        assertThat(tasks.getTasksList()).extracting(GetImportStateResponse::getState)
                .containsExactly(ImportState.ImportCompleted, ImportState.ImportFailed);
        R<ImportResponse> escape = client.bulkInsert(BulkInsertParam.newBuilder().withCollectionName("bulk")
                .addFile("../wal/anything.json").build());
        assertThat(escape.getStatus()).isNotZero();
    }

    private static GetBulkInsertStateWrapper awaitFinished(long task) throws InterruptedException {
        while (true) {
            GetBulkInsertStateWrapper state = new GetBulkInsertStateWrapper(ok(client.getBulkInsertState(
                    GetBulkInsertStateParam.newBuilder().withTask(task).build()), "getBulkInsertState"));
            if (state.getState() == ImportState.ImportCompleted || state.getState() == ImportState.ImportFailed) {
                return state;
            }
            Thread.sleep(50);
        }
    }

    private static void createCollection(String name) {
        ok(client.createCollection(CreateCollectionParam.newBuilder().withCollectionName(name)
                .withFieldTypes(List.of(
                        FieldType.newBuilder().withName("id").withDataType(DataType.Int64).withPrimaryKey(true)
                                .withAutoID(false).build(),
                        FieldType.newBuilder().withName("vec").withDataType(DataType.FloatVector).withDimension(4)
                                .build(),
                        FieldType.newBuilder().withName("title").withDataType(DataType.VarChar).withMaxLength(32)
                                .build())).build()), "createCollection");
        ok(client.createIndex(CreateIndexParam.newBuilder().withCollectionName(name).withFieldName("vec")
                .withIndexType(IndexType.FLAT).withMetricType(MetricType.L2).build()), "createIndex");
        ok(client.loadCollection(LoadCollectionParam.newBuilder().withCollectionName(name).build()),
                "loadCollection");
    }

    private static long count(String collection) {
        QueryResultsWrapper wrapper = new QueryResultsWrapper(ok(client.query(QueryParam.newBuilder()
                .withCollectionName(collection).withOutFields(List.of("count(*)")).build()), "count(*)"));
        return (Long) wrapper.getFieldWrapper("count(*)").getFieldData().get(0);
    }

    private static <T> T ok(R<T> response, String what) {
        assertThat(response.getStatus()).as("%s failed: %s", what,
                response.getException() == null ? "" : response.getMessage()).isZero();
        return response.getData();
    }
}
