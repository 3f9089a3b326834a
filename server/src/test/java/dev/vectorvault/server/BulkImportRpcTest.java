package dev.vectorvault.server;

import static dev.vectorvault.server.SmallCollection.ok;
import static dev.vectorvault.server.SmallCollection.pair;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DoubleArray;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.GetImportStateRequest;
import io.milvus.grpc.GetImportStateResponse;
import io.milvus.grpc.ImportRequest;
import io.milvus.grpc.ImportResponse;
import io.milvus.grpc.ImportState;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.ListImportTasksRequest;
import io.milvus.grpc.ListImportTasksResponse;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.QueryResults;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.SearchResults;
import io.milvus.grpc.StringArray;
import io.milvus.grpc.VectorField;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk import over raw gRPC (Import, GetImportState, ListImportTasks): JSON and NumPy files under the import root
 * become exactly the rows an Insert of the same data stores; a bad row fails the job with nothing written; paths that
 * leave the root, unknown file types and options, and requests over the limits are refused (Parquet files:
 * {@link ParquetImportTest}).
 */
@Timeout(120)
class BulkImportRpcTest {
    @TempDir
    Path dataDir;
    @TempDir
    Path outside;
    private LoopbackServer server;
    private MilvusServiceBlockingStub stub;

    private void start(Map<String, String> keys) throws Exception {
        server = LoopbackServer.start(dataDir, keys);
        stub = MilvusServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
        Files.createDirectories(dataDir.resolve("import"));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void jsonImportStoresExactlyWhatTheSameInsertStores() throws Exception {
        start(Map.of());
        createCollection("imported");
        createCollection("inserted");
        write("rows.json", """
                [{"id": 1, "v": [0.5, 1, 1.5, 2], "tag": "a", "score": 1.25, "color": "red"},
                 {"id": 2, "v": [2, 2, 2, 2], "tag": "b", "score": -3.0, "$meta": {"size": 7}},
                 {"id": 3, "v": [3, 3.25, 3, 3], "tag": "", "score": 0}]""");
        GetImportStateResponse done = awaitFinished(importFiles("imported", "rows.json"));
        assertThat(done.getState()).as(info(done, "failed_reason")).isEqualTo(ImportState.ImportCompleted);
        assertThat(done.getRowCount()).isEqualTo(3);
        assertThat(info(done, "progress_percent")).isEqualTo("100");

        insertSameRows("inserted");
        assertThat(rows("inserted")).containsKeys("id", "v", "tag", "score", "$meta");
        assertThat(rows("imported")).isEqualTo(rows("inserted"));
        SearchResults hits = stub.search(SmallCollection.search(1, "topk", "3").setCollectionName("imported").build());
        ok(hits.getStatus());
        assertThat(hits.getResults().getIds().getIntId().getDataList()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void oldRowsLayoutAndNumpyColumnsImportLikeInsert() throws Exception {
        start(Map.of());
        createCollection("fromNumpy");
        createCollection("fromRows");
        createCollection("inserted");
        write("old.json", """
                {"rows": [{"id": 1, "v": [0.5, 1, 1.5, 2], "tag": "a", "score": 1.25, "color": "red"},
                          {"id": 2, "v": [2, 2, 2, 2], "tag": "b", "score": -3.0, "size": 7},
                          {"id": 3, "v": [3, 3.25, 3, 3], "tag": "", "score": 0}]}""");
        Files.createDirectories(dataDir.resolve("import/np"));
        Files.write(dataDir.resolve("import/np/id.npy"), npy("<i8", "(3,)", longs(1, 2, 3)));
        Files.write(dataDir.resolve("import/np/v.npy"), npy("<f4", "(3, 4)",
                floats(0.5f, 1, 1.5f, 2, 2, 2, 2, 2, 3, 3.25f, 3, 3)));
        Files.write(dataDir.resolve("import/np/tag.npy"), npy("<U1", "(3,)", unicode(1, "a", "b", "")));
        Files.write(dataDir.resolve("import/np/score.npy"), npy("<f8", "(3,)", doubles(1.25, -3.0, 0)));
        Files.write(dataDir.resolve("import/np/$meta.npy"), npy("<U15", "(3,)",
                unicode(15, "{\"color\":\"red\"}", "{\"size\":7}", "{}")));
        GetImportStateResponse numpy = awaitFinished(importFiles("fromNumpy", "np/id.npy", "np/v.npy",
                "np/tag.npy", "np/score.npy", "np/$meta.npy"));
        assertThat(numpy.getState()).as(info(numpy, "failed_reason")).isEqualTo(ImportState.ImportCompleted);
        GetImportStateResponse old = awaitFinished(importFiles("fromRows", "old.json"));
        assertThat(old.getState()).as(info(old, "failed_reason")).isEqualTo(ImportState.ImportCompleted);

        insertSameRows("inserted");
        assertThat(rows("fromRows")).isEqualTo(rows("inserted"));
        Map<String, FieldData> fromNumpy = rows("fromNumpy");
        Map<String, FieldData> inserted = rows("inserted");
        for (String field : List.of("id", "v", "tag", "score")) {
            assertThat(fromNumpy.get(field)).as(field).isEqualTo(inserted.get(field));
        }
        assertThat(inserted).containsKey("$meta");
        assertThat(fromNumpy.get("$meta")).isEqualTo(inserted.get("$meta"));
    }

    @Test
    void csvImportStoresExactlyWhatTheSameInsertStores() throws Exception {
        start(Map.of());
        createCollection("fromCsv");
        createCollection("inserted");
        createCollection("withOptions");
        write("rows.csv", """
                id,v,tag,score,$meta
                1,"[0.5, 1, 1.5, 2]",a,1.25,"{""color"": ""red""}"
                2,"[2, 2, 2, 2]",b,-3.0,"{""size"": 7}"
                
                3,"[3, 3.25, 3, 3]",,0,{}
                """);
        write("options.csv", "id;v;tag;score;note\n1;[1,1,1,1];x;NULL;free text\n2;[2,2,2,2];\"y;z\";2.5;\n");
        GetImportStateResponse csv = awaitFinished(importFiles("fromCsv", "rows.csv"));
        assertThat(csv.getState()).as(info(csv, "failed_reason")).isEqualTo(ImportState.ImportCompleted);
        insertSameRows("inserted");
        assertThat(rows("fromCsv")).isEqualTo(rows("inserted"));

        ImportResponse withOptions = stub.import_(request("withOptions", "options.csv")
                .addOptions(pair("sep", ";")).addOptions(pair("nullkey", "NULL")).build());
        ok(withOptions.getStatus());
        GetImportStateResponse done = awaitFinished(withOptions.getTasks(0));
        assertThat(done.getState()).as(info(done, "failed_reason")).isEqualTo(ImportState.ImportCompleted);
        assertThat(ids("withOptions", "score is null")).containsExactly(1L);
        assertThat(ids("withOptions", "tag == \"y;z\"")).containsExactly(2L);
        assertThat(ids("withOptions", "note == \"free text\"")).containsExactly(1L);
        assertThat(count("withOptions")).isEqualTo(2);
    }

    /** Milvus's Java BulkWriter writes a JSON field as its text; Milvus's importer takes text or an object. */
    @Test
    void aJsonFieldGivenAsItsTextImportsAsThatJsonAndTextThatIsNotJsonFailsTheJob() throws Exception {
        start(Map.of());
        CollectionSchema schema = CollectionSchema.newBuilder().setName("docs")
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(pair("dim", "2")))
                .addFields(FieldSchema.newBuilder().setName("doc").setDataType(DataType.JSON)).build();
        ok(stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName("docs")
                .setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
        write("docs.json", """
                [{"id": 1, "v": [1, 2], "doc": "{\\"a\\": [1, 2], \\"b\\": \\"x\\"}"},
                 {"id": 2, "v": [1, 2], "doc": {"a": [1, 2], "b": "x"}}]""");
        write("notjson.json", """
                [{"id": 3, "v": [1, 2], "doc": {"a": 1}},
                 {"id": 4, "v": [1, 2], "doc": "{a: 1"}]""");

        GetImportStateResponse done = awaitFinished(importFiles("docs", "docs.json"));
        assertThat(done.getState()).as(info(done, "failed_reason")).isEqualTo(ImportState.ImportCompleted);
        GetImportStateResponse failed = awaitFinished(importFiles("docs", "notjson.json"));
        assertThat(failed.getState()).isEqualTo(ImportState.ImportFailed);
        assertThat(info(failed, "failed_reason")).contains("notjson.json", "row 2", "doc");

        ok(stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName("docs").setFieldName("v")
                .addExtraParams(pair("index_type", "FLAT")).addExtraParams(pair("metric_type", "L2")).build()));
        ok(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("docs").build()));
        QueryResults r = stub.query(QueryRequest.newBuilder().setCollectionName("docs").setExpr("id > 0")
                .addOutputFields("doc").build());
        ok(r.getStatus());
        FieldData doc = r.getFieldsDataList().stream().filter(f -> f.getFieldName().equals("doc")).findFirst()
                .orElseThrow();
        assertThat(doc.getScalars().getJsonData().getDataList()).extracting(ByteString::toStringUtf8)
                .containsExactly("{\"a\":[1,2],\"b\":\"x\"}", "{\"a\":[1,2],\"b\":\"x\"}");
    }

    @Test
    void aBadRowAfterManyGoodBatchesFailsTheJobAndLeavesNoRow() throws Exception {
        start(Map.of("dataNode.import.readBufferSizeInMB", "1"));
        createCollection("c");
        StringBuilder json = new StringBuilder("[");
        int good = 30_000; // about 2 MB: the bad row comes after two batches were checked
        for (int i = 0; i < good; i++) {
            json.append("{\"id\": ").append(i).append(", \"v\": [1, 2, 3, ").append(i)
                    .append("], \"tag\": \"row").append(i).append("\", \"score\": 1.5},\n");
        }
        json.append("{\"id\": -1, \"v\": [1, 2, 3], \"tag\": \"short vector\", \"score\": 0}]");
        write("bad.json", json.toString());
        GetImportStateResponse failed = awaitFinished(importFiles("c", "bad.json"));
        assertThat(failed.getState()).isEqualTo(ImportState.ImportFailed);
        assertThat(info(failed, "failed_reason")).contains("bad.json").contains("v");
        assertThat(failed.getRowCount()).isZero();
        assertThat(count("c")).isZero();
    }

    @Test
    void numpyFilesThatDoNotFitTheSchemaFailTheJobWithTheirReason() throws Exception {
        start(Map.of());
        createCollection("c");
        Files.createDirectories(dataDir.resolve("import/np"));
        Files.write(dataDir.resolve("import/np/id.npy"), npy("<i8", "(2,)", longs(1, 2)));
        Files.write(dataDir.resolve("import/np/short.npy"), npy("<i8", "(1,)", longs(1)));
        Files.write(dataDir.resolve("import/np/v.npy"), npy("<f4", "(2, 3)", floats(1, 2, 3, 4, 5, 6)));
        Files.write(dataDir.resolve("import/np/tag.npy"), npy("<U1", "(2,)", unicode(1, "a", "b")));
        Files.write(dataDir.resolve("import/np/other.npy"), npy("<i8", "(2,)", longs(1, 2)));
        Files.createDirectories(dataDir.resolve("import/be"));
        Files.write(dataDir.resolve("import/be/id.npy"), npy(">i8", "(2,)", longs(1, 2)));
        assertThat(info(awaitFinished(importFiles("c", "np/id.npy", "np/v.npy", "np/tag.npy")), "failed_reason"))
                .contains("does not fit field v");
        Files.write(dataDir.resolve("import/np/v.npy"), npy("<f4", "(1, 4)", floats(1, 2, 3, 4)));
        assertThat(info(awaitFinished(importFiles("c", "np/id.npy", "np/v.npy", "np/tag.npy")), "failed_reason"))
                .contains("different numbers of rows");
        assertThat(info(awaitFinished(importFiles("c", "np/other.npy")), "failed_reason"))
                .contains("does not have");
        assertThat(info(awaitFinished(importFiles("c", "be/id.npy")), "failed_reason")).contains("big-endian");
        assertThat(count("c")).isZero();
    }

    @Test
    void jobsAreListedPerCollectionWithTheirStates() throws Exception {
        start(Map.of());
        createCollection("a");
        createCollection("b");
        write("one.json", "[{\"id\": 1, \"v\": [1, 1, 1, 1], \"tag\": \"x\", \"score\": 1}]");
        write("broken.json", "[{\"id\": 1, \"v\": [1, 1, 1, 1], \"tag\": \"x\", \"score\": 1}");
        long first = awaitFinished(importFiles("a", "one.json")).getId();
        long second = awaitFinished(importFiles("a", "broken.json")).getId();
        long third = awaitFinished(importFiles("b", "one.json")).getId();

        ListImportTasksResponse ofA = stub.listImportTasks(ListImportTasksRequest.newBuilder()
                .setCollectionName("a").build());
        ok(ofA.getStatus());
        assertThat(ofA.getTasksList()).extracting(GetImportStateResponse::getId).containsExactly(first, second);
        assertThat(ofA.getTasksList()).extracting(GetImportStateResponse::getState)
                .containsExactly(ImportState.ImportCompleted, ImportState.ImportFailed);
        assertThat(info(ofA.getTasks(1), "failed_reason")).contains("broken.json");
        ListImportTasksResponse all = stub.listImportTasks(ListImportTasksRequest.newBuilder().build());
        assertThat(all.getTasksList()).extracting(GetImportStateResponse::getId)
                .containsExactly(first, second, third);
        assertThat(stub.listImportTasks(ListImportTasksRequest.newBuilder().setLimit(1).build()).getTasksCount())
                .isEqualTo(1);
        GetImportStateResponse unknown = stub.getImportState(GetImportStateRequest.newBuilder().setTask(42).build());
        assertThat(unknown.getStatus().getCode()).isEqualTo(2100);
    }

    @Test
    void pathsLeavingTheImportRootAreRefused() throws Exception {
        start(Map.of());
        createCollection("c");
        Files.writeString(outside.resolve("secret.json"), "[{\"id\": 1, \"v\": [1, 1, 1, 1], \"tag\": \"x\"}]");
        Files.createSymbolicLink(dataDir.resolve("import/link.json"), outside.resolve("secret.json"));
        Files.createSymbolicLink(dataDir.resolve("import/dir"), outside);
        for (String escape : List.of("../secret.json", "a/../../secret.json", outside.resolve("secret.json")
                .toString(), "link.json", "dir/secret.json")) {
            ImportResponse refused = stub.import_(request("c", escape).build());
            assertThat(refused.getStatus().getCode()).as(escape).isEqualTo(2100);
            assertThat(refused.getStatus().getReason()).as(escape).contains("refused");
        }
        assertThat(stub.import_(request("c", "missing.json").build()).getStatus().getReason())
                .contains("not found");
    }

    @Test
    void otherTypesUnknownOptionsAndBackupsAreRefusedByName() throws Exception {
        start(Map.of());
        createCollection("c");
        write("data.txt", "id,v\n");
        write("one.json", "[{\"id\": 1, \"v\": [1, 1, 1, 1], \"tag\": \"x\", \"score\": 1}]");
        assertThat(stub.import_(request("c", "data.txt").build()).getStatus().getReason()).contains("file type");
        assertThat(stub.import_(request("c", "one.json").addOptions(pair("start_ts", "1")).build()).getStatus()
                .getReason()).contains("'start_ts'");
        assertThat(stub.import_(request("c", "one.json").addOptions(pair("sep", ";;")).build()).getStatus()
                .getReason()).contains("sep");
        assertThat(stub.import_(request("c", "one.json").addOptions(pair("backup", "true")).build()).getStatus()
                .getReason()).contains("backup");
        assertThat(stub.import_(request("c", "one.json").setPartitionName("nope").build()).getStatus()
                .getCode()).isEqualTo(200);
        assertThat(stub.import_(request("c", "one.json").addOptions(pair("timeout", "300s")).build())
                .getStatus().getCode()).isZero();
    }

    @Test
    void requestsOverTheFileLimitsAreRefused() throws Exception {
        start(Map.of("dataCoord.import.maxImportFileNumPerReq", "2",
                "dataNode.import.maxImportFileSizeInGB", String.valueOf(1000.0 / (1L << 30))));
        createCollection("c");
        String row = "{\"id\": 1, \"v\": [1, 1, 1, 1], \"tag\": \"x\", \"score\": 1}";
        write("a.json", "[" + row + "]");
        write("big.json", "[" + String.join(",", java.util.Collections.nCopies(40, row)) + "]");
        ImportResponse tooMany = stub.import_(request("c", "a.json", "a.json", "a.json").build());
        assertThat(tooMany.getStatus().getReason()).contains("maxImportFileNumPerReq");
        ImportResponse tooBig = stub.import_(request("c", "big.json").build());
        assertThat(tooBig.getStatus().getReason()).contains("maxImportFileSizeInGB");
        assertThat(awaitFinished(importFiles("c", "a.json", "a.json")).getState())
                .isEqualTo(ImportState.ImportCompleted);
    }

    @Test
    void importNeedsTheImportPrivilegeOnTheCollection() throws Exception {
        server = LoopbackServer.start(dataDir, Map.of("common.security.authorizationEnabled", "true"));
        Files.createDirectories(dataDir.resolve("import"));
        stub = as("root", "Milvus");
        createCollection("c");
        write("one.json", "[{\"id\": 1, \"v\": [1, 1, 1, 1], \"tag\": \"x\", \"score\": 1}]");
        ok(stub.createCredential(io.milvus.grpc.CreateCredentialRequest.newBuilder().setUsername("loader")
                .setPassword(java.util.Base64.getEncoder().encodeToString("secret1".getBytes(StandardCharsets.UTF_8)))
                .build()));
        ok(stub.createRole(io.milvus.grpc.CreateRoleRequest.newBuilder()
                .setEntity(io.milvus.grpc.RoleEntity.newBuilder().setName("loaders")).build()));
        ok(stub.operateUserRole(io.milvus.grpc.OperateUserRoleRequest.newBuilder().setUsername("loader")
                .setRoleName("loaders").setType(io.milvus.grpc.OperateUserRoleType.AddUserToRole).build()));
        MilvusServiceBlockingStub loader = as("loader", "secret1");

        assertThatThrownBy(() -> loader.import_(request("c", "one.json").build()))
                .isInstanceOfSatisfying(io.grpc.StatusRuntimeException.class, e -> assertThat(e.getStatus()
                        .getCode()).isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED));
        ok(stub.operatePrivilegeV2(io.milvus.grpc.OperatePrivilegeV2Request.newBuilder()
                .setRole(io.milvus.grpc.RoleEntity.newBuilder().setName("loaders"))
                .setGrantor(io.milvus.grpc.GrantorEntity.newBuilder()
                        .setPrivilege(io.milvus.grpc.PrivilegeEntity.newBuilder().setName("Import")))
                .setType(io.milvus.grpc.OperatePrivilegeType.Grant).setDbName("default").setCollectionName("c")
                .build()));
        ImportResponse allowed = loader.import_(request("c", "one.json").build());
        ok(allowed.getStatus());
        stub = loader;
        assertThat(awaitFinished(allowed.getTasks(0)).getState()).isEqualTo(ImportState.ImportCompleted);
    }

    @Test
    void restJobRoutesCreateDescribeAndListJobsWithMilvusStateNames() throws Exception {
        start(Map.of());
        createCollection("c");
        write("one.json", "[{\"id\": 1, \"v\": [1, 1, 1, 1], \"tag\": \"x\", \"score\": 1}]");
        Files.createDirectories(dataDir.resolve("import/np"));
        Files.write(dataDir.resolve("import/np/id.npy"), npy("<i8", "(1,)", longs(2)));
        Files.write(dataDir.resolve("import/np/v.npy"), npy("<f4", "(1, 4)", floats(2, 2, 2, 2)));
        Files.write(dataDir.resolve("import/np/tag.npy"), npy("<U1", "(1,)", unicode(1, "y")));
        String jobId = RestCalls.ok(server, "jobs/import/create", "{\"collectionName\": \"c\", \"files\":"
                + " [[\"one.json\"]], \"options\": {\"timeout\": \"60s\"}}").get("jobId").asText();
        assertThat(awaitFinished(Long.parseLong(jobId)).getState()).isEqualTo(ImportState.ImportCompleted);
        com.fasterxml.jackson.databind.JsonNode progress = RestCalls.ok(server, "jobs/import/get_progress",
                "{\"jobId\": \"" + jobId + "\"}");
        assertThat(progress.get("state").asText()).isEqualTo("Completed");
        assertThat(progress.get("progress").asInt()).isEqualTo(100);
        assertThat(progress.get("importedRows").asLong()).isEqualTo(1);
        assertThat(progress.get("totalRows").asLong()).isEqualTo(1);
        assertThat(progress.get("collectionName").asText()).isEqualTo("c");
        String numpyJob = RestCalls.ok(server, "jobs/import/create", "{\"collectionName\": \"c\", \"files\":"
                + " [[\"np/id.npy\", \"np/v.npy\", \"np/tag.npy\"]]}").get("jobId").asText();
        assertThat(awaitFinished(Long.parseLong(numpyJob)).getState()).isEqualTo(ImportState.ImportCompleted);
        assertThat(count("c")).isEqualTo(2);

        com.fasterxml.jackson.databind.JsonNode list = RestCalls.ok(server, "jobs/import/list",
                "{\"collectionName\": \"c\"}");
        assertThat(list.get("records")).hasSize(2);
        assertThat(list.get("records").get(0).get("jobId").asText()).isEqualTo(jobId);
        assertThat(list.get("records").get(1).get("state").asText()).isEqualTo("Completed");
        RestCalls.Reply parquet = RestCalls.post(server, "jobs/import/create", RestCalls.ROOT,
                "{\"collectionName\": \"c\", \"files\": [[\"x.parquet\", \"y.parquet\"]]}");
        assertThat(parquet.code()).isEqualTo(2100);
        assertThat(parquet.body().get("message").asText()).contains("Parquet import, accepts only one file");
        RestCalls.Reply missing = RestCalls.post(server, "jobs/import/describe", RestCalls.ROOT,
                "{\"jobId\": \"7\"}");
        assertThat(missing.code()).isEqualTo(2100);
    }

    private MilvusServiceBlockingStub as(String user, String password) {
        return MilvusServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS)
                .withInterceptors(new WireHeaders(WireHeaders.basic(user, password), "default"));
    }

    // ---- fixtures

    private void createCollection(String name) {
        CollectionSchema schema = CollectionSchema.newBuilder().setName(name).setEnableDynamicField(true)
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(pair("dim", "4")))
                .addFields(FieldSchema.newBuilder().setName("tag").setDataType(DataType.VarChar)
                        .addTypeParams(pair("max_length", "32")))
                .addFields(FieldSchema.newBuilder().setName("score").setDataType(DataType.Double)
                        .setNullable(true))
                .build();
        ok(stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName(name)
                .setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
        ok(stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName(name).setFieldName("v")
                .addExtraParams(pair("index_type", "FLAT")).addExtraParams(pair("metric_type", "L2")).build()));
        ok(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName(name).build()));
    }

    /** The rows of the JSON fixtures, sent as an SDK's Insert would send them. */
    private void insertSameRows(String collection) {
        JSONArrayBuilder meta = new JSONArrayBuilder().add("{\"color\":\"red\"}").add("{\"size\":7}").add("{}");
        ok(stub.insert(InsertRequest.newBuilder().setCollectionName(collection).setNumRows(3)
                .addFieldsData(FieldData.newBuilder().setFieldName("id").setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(LongArray.newBuilder()
                                .addAllData(List.of(1L, 2L, 3L)))))
                .addFieldsData(FieldData.newBuilder().setFieldName("v").setType(DataType.FloatVector)
                        .setVectors(VectorField.newBuilder().setDim(4).setFloatVector(FloatArray.newBuilder()
                                .addAllData(List.of(0.5f, 1f, 1.5f, 2f, 2f, 2f, 2f, 2f, 3f, 3.25f, 3f, 3f)))))
                .addFieldsData(FieldData.newBuilder().setFieldName("tag").setType(DataType.VarChar)
                        .setScalars(ScalarField.newBuilder().setStringData(StringArray.newBuilder()
                                .addAllData(List.of("a", "b", "")))))
                .addFieldsData(FieldData.newBuilder().setFieldName("score").setType(DataType.Double)
                        .addAllValidData(List.of(true, true, true))
                        .setScalars(ScalarField.newBuilder().setDoubleData(DoubleArray.newBuilder()
                                .addAllData(List.of(1.25, -3.0, 0.0)))))
                .addFieldsData(FieldData.newBuilder().setFieldName("$meta").setType(DataType.JSON)
                        .setIsDynamic(true).setScalars(ScalarField.newBuilder().setJsonData(meta.build())))
                .build()).getStatus());
    }

    private static final class JSONArrayBuilder {
        private final io.milvus.grpc.JSONArray.Builder json = io.milvus.grpc.JSONArray.newBuilder();

        JSONArrayBuilder add(String text) {
            json.addData(ByteString.copyFromUtf8(text));
            return this;
        }

        io.milvus.grpc.JSONArray build() {
            return json.build();
        }
    }

    /** Every stored field of the collection's rows in key order, field ids cleared (they differ per collection). */
    private Map<String, FieldData> rows(String collection) {
        QueryResults r = stub.query(QueryRequest.newBuilder().setCollectionName(collection).setExpr("id > -100")
                .addAllOutputFields(List.of("id", "v", "tag", "score", "color", "size")).build());
        ok(r.getStatus());
        return r.getFieldsDataList().stream().collect(Collectors.toMap(FieldData::getFieldName,
                f -> f.toBuilder().clearFieldId().build()));
    }

    private List<Long> ids(String collection, String filter) {
        QueryResults r = stub.query(QueryRequest.newBuilder().setCollectionName(collection).setExpr(filter)
                .addOutputFields("id").build());
        ok(r.getStatus());
        return r.getFieldsDataList().stream().filter(f -> f.getFieldName().equals("id")).findFirst().orElseThrow()
                .getScalars().getLongData().getDataList();
    }

    private long count(String collection) {
        QueryResults r = stub.query(QueryRequest.newBuilder().setCollectionName(collection).setExpr("")
                .addOutputFields("count(*)").build());
        ok(r.getStatus());
        return r.getFieldsData(0).getScalars().getLongData().getData(0);
    }

    private ImportRequest.Builder request(String collection, String... files) {
        return ImportRequest.newBuilder().setCollectionName(collection).addAllFiles(List.of(files));
    }

    private long importFiles(String collection, String... files) {
        ImportResponse r = stub.import_(request(collection, files).build());
        ok(r.getStatus());
        assertThat(r.getTasksCount()).isEqualTo(1);
        return r.getTasks(0);
    }

    /** Polls until the job completed or failed; the test's timeout bounds the wait. */
    private GetImportStateResponse awaitFinished(long job) throws InterruptedException {
        while (true) {
            GetImportStateResponse state = stub.getImportState(GetImportStateRequest.newBuilder().setTask(job).build());
            ok(state.getStatus());
            assertThat(state.getId()).isEqualTo(job);
            if (state.getState() == ImportState.ImportCompleted || state.getState() == ImportState.ImportFailed) {
                return state;
            }
            Thread.sleep(20);
        }
    }

    static String info(GetImportStateResponse state, String key) {
        return state.getInfosList().stream().filter(kv -> kv.getKey().equals(key)).map(KeyValuePair::getValue)
                .findFirst().orElse("");
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(dataDir.resolve("import").resolve(name), text, StandardCharsets.UTF_8);
    }

    // ---- .npy files as numpy.save writes them (format 1.0, little-endian, C order)

    static byte[] npy(String descr, String shape, byte[] body) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer out = ByteBuffer.allocate(10 + header.length() + body.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        out.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII)).put(body);
        return out.array();
    }

    static byte[] longs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static byte[] doubles(double... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

    /** NumPy's {@code <U width} strings: UTF-32LE, zero-padded. */
    static byte[] unicode(int width, String... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * width * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (String v : values) {
            int[] cps = v.codePoints().toArray();
            for (int i = 0; i < width; i++) {
                b.putInt(i < cps.length ? cps[i] : 0);
            }
        }
        return b.array();
    }
}
