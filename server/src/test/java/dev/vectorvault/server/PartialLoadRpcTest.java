package dev.vectorvault.server;

import static dev.vectorvault.server.SmallCollection.ok;
import static dev.vectorvault.server.SmallCollection.pair;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.JSONArray;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.LoadPartitionsRequest;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.QueryResults;
import io.milvus.grpc.ReleaseCollectionRequest;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.SearchRequest;
import io.milvus.grpc.SearchResults;
import io.milvus.grpc.Status;
import io.milvus.grpc.StringArray;
import io.milvus.grpc.VectorField;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partial load on the wire (Milvus 2.5+ {@code load_fields}, {@code skip_load_dynamic_field}), with {@code refresh}
 * and {@code load_params}. Collection {@code p}: {@code id} (primary key), {@code v} (vector, FLAT), {@code w} (vector,
 * no index), {@code title} (VarChar), {@code score} (Int64) and a dynamic field whose rows hold {@code color}; rows
 * i = 0..9 with title "t"+i, score 10*i, color i. Metadata on disk, so a restart keeps the load.
 */
@Timeout(120)
class PartialLoadRpcTest {
    private static final int DIM = SmallCollection.DIM;

    @TempDir
    Path dataDir;
    private LoopbackServer server;
    private MilvusServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        open();
        CollectionSchema schema = CollectionSchema.newBuilder().setName("p").setEnableDynamicField(true)
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(vectorField("v"))
                .addFields(vectorField("w"))
                .addFields(FieldSchema.newBuilder().setName("title").setDataType(DataType.VarChar)
                        .addTypeParams(pair("max_length", "16")))
                .addFields(FieldSchema.newBuilder().setName("score").setDataType(DataType.Int64))
                .build();
        ok(stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName("p")
                .setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
        insert(0, 10);
        index("v");
    }

    private void open() throws Exception {
        server = LoopbackServer.startOnDisk(dataDir);
        stub = MilvusServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static FieldSchema.Builder vectorField(String name) {
        return FieldSchema.newBuilder().setName(name).setDataType(DataType.FloatVector)
                .addTypeParams(pair("dim", String.valueOf(DIM)));
    }

    private void index(String field) {
        ok(stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName("p").setFieldName(field)
                .addExtraParams(pair("index_type", "FLAT")).addExtraParams(pair("metric_type", "L2")).build()));
    }

    private void insert(int from, int to) {
        LongArray.Builder ids = LongArray.newBuilder();
        LongArray.Builder scores = LongArray.newBuilder();
        StringArray.Builder titles = StringArray.newBuilder();
        JSONArray.Builder meta = JSONArray.newBuilder();
        FloatArray.Builder vectors = FloatArray.newBuilder();
        for (int i = from; i < to; i++) {
            ids.addData(i);
            scores.addData(10L * i);
            titles.addData("t" + i);
            meta.addData(ByteString.copyFromUtf8("{\"color\": " + i + "}"));
            for (int d = 0; d < DIM; d++) {
                vectors.addData(i);
            }
        }
        ok(stub.insert(InsertRequest.newBuilder().setCollectionName("p").setNumRows(to - from)
                .addFieldsData(FieldData.newBuilder().setFieldName("id").setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(ids)))
                .addFieldsData(vectors("v", vectors))
                .addFieldsData(vectors("w", vectors))
                .addFieldsData(FieldData.newBuilder().setFieldName("title").setType(DataType.VarChar)
                        .setScalars(ScalarField.newBuilder().setStringData(titles)))
                .addFieldsData(FieldData.newBuilder().setFieldName("score").setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(scores)))
                .addFieldsData(FieldData.newBuilder().setFieldName("$meta").setType(DataType.JSON).setIsDynamic(true)
                        .setScalars(ScalarField.newBuilder().setJsonData(meta)))
                .build()).getStatus());
    }

    private static FieldData vectors(String name, FloatArray.Builder values) {
        return FieldData.newBuilder().setFieldName(name).setType(DataType.FloatVector)
                .setVectors(VectorField.newBuilder().setDim(DIM).setFloatVector(values)).build();
    }

    private Status load(boolean skipDynamic, String... fields) {
        return stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("p")
                .addAllLoadFields(List.of(fields)).setSkipLoadDynamicField(skipDynamic).build());
    }

    private QueryResults query(String filter, String... outputFields) {
        return stub.query(QueryRequest.newBuilder().setCollectionName("p").setExpr(filter)
                .addAllOutputFields(List.of(outputFields)).build());
    }

    /** A search of one zero vector on {@code annsField}, top 3; {@code keyValues}: more search params. */
    private SearchResults search(String annsField, String filter, List<String> outputFields, String... keyValues) {
        SearchRequest.Builder request = SmallCollection.search(1, "topk", "3");
        request.setCollectionName("p").setDsl(filter).addAllOutputFields(outputFields);
        request.removeSearchParams(0).addSearchParams(pair("anns_field", annsField)); // SmallCollection's is "v"
        for (int i = 0; i < keyValues.length; i += 2) {
            request.addSearchParams(pair(keyValues[i], keyValues[i + 1]));
        }
        return stub.search(request.build());
    }

    private SearchResults search(String annsField, String filter) {
        return search(annsField, filter, List.of());
    }

    private static List<String> fieldNames(QueryResults results) {
        ok(results.getStatus());
        return results.getFieldsDataList().stream().map(FieldData::getFieldName).toList();
    }

    private static void refused(Status status, int code, String reason) {
        assertThat(status.getCode()).as(status.getReason()).isEqualTo(code);
        assertThat(status.getReason()).contains(reason);
    }

    @Test
    void aLoadFieldListWithoutThePrimaryKeyAVectorOrAKnownFieldIsRefused() {
        refused(load(false, "v", "title"), 1100, "load field list [v title] does not contain primary key field id");
        refused(load(false, "id", "title"), 1100, "load field list [id title] does not contain vector field");
        refused(load(false, "id", "v", "nope"), 1100, "failed to get field schema by name: fieldName(nope) not found");
        assertThat(query("id >= 0").getStatus().getCode()).isEqualTo(101); // nothing was loaded
    }

    @Test
    void aLoadFieldListWithoutThePartitionKeyIsRefused() {
        CollectionSchema schema = CollectionSchema.newBuilder().setName("k")
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(vectorField("v"))
                .addFields(FieldSchema.newBuilder().setName("tenant").setDataType(DataType.Int64)
                        .setIsPartitionKey(true))
                .build();
        ok(stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName("k")
                .setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
        ok(stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName("k").setFieldName("v")
                .addExtraParams(pair("index_type", "FLAT")).addExtraParams(pair("metric_type", "L2")).build()));

        refused(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("k")
                .addAllLoadFields(List.of("id", "v")).build()), 1100,
                "load field list [id v] does not contain partition key field tenant");
        ok(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("k")
                .addAllLoadFields(List.of("id", "v", "tenant")).build()));
    }

    @Test
    void aVectorFieldLeftOutNeedsNoIndexButAWholeLoadDoes() {
        refused(load(false), 700, "there is no vector index on field: [w]");

        ok(load(false, "id", "v", "title"));

        ok(search("v", "").getStatus());
    }

    @Test
    void outputFiltersSearchesAndGroupsOnAFieldNotLoadedAreRefused() {
        ok(load(false, "id", "v", "title"));

        refused(query("id >= 0", "score").getStatus(), 1100, "field score is not loaded");
        refused(search("v", "", List.of("score")).getStatus(), 1100, "field score is not loaded");
        refused(query("score > 10").getStatus(), 1100, "field score is not loaded");
        refused(search("v", "score > 10").getStatus(), 1100, "field score is not loaded");
        refused(search("w", "").getStatus(), 1100, "ann field \"w\" not loaded");
        refused(search("v", "", List.of(), "group_by_field", "score").getStatus(), 1100,
                "group by field score is not loaded");
        assertThat(fieldNames(query("title == \"t3\" && color == 3", "title", "color")))
                .containsExactlyInAnyOrder("id", "title", "$meta"); // dynamic keys come back in $meta
    }

    @Test
    void starReturnsTheLoadedFieldsOnly() {
        ok(load(false, "title", "v", "id"));

        assertThat(fieldNames(query("id >= 0", "*"))).containsExactlyInAnyOrder("id", "v", "title", "$meta");
        SearchResults searched = search("v", "", List.of("*"));
        ok(searched.getStatus());
        assertThat(searched.getResults().getFieldsDataList()).extracting(FieldData::getFieldName)
                .containsExactlyInAnyOrder("id", "v", "title", "$meta");
        assertThat(searched.getResults().getIds().getIntId().getDataList()).containsExactly(0L, 1L, 2L);
    }

    @Test
    void aSkippedDynamicFieldCannotBeReturnedOrFiltered() {
        index("w");
        ok(load(true));

        refused(query("id >= 0", "color").getStatus(), 1100,
                "field color cannot be returned since dynamic field not loaded");
        refused(query("color > 1").getStatus(), 1100, "field color is dynamic but dynamic field is not loaded");
        assertThat(fieldNames(query("id >= 0", "*"))).doesNotContain("$meta").contains("score", "w");
    }

    @Test
    void aLoadedCollectionTakesOnlyTheListItWasLoadedWith() {
        ok(load(false, "id", "v", "title"));

        refused(load(false, "id", "v", "score"), 1100, "can't change the load field list for loaded collection");
        index("w");
        refused(load(false), 1100, "can't change the load field list for loaded collection");
        refused(stub.loadPartitions(LoadPartitionsRequest.newBuilder().setCollectionName("p")
                .addPartitionNames("_default").addAllLoadFields(List.of("id", "v")).build()), 1100,
                "can't change the load field list for loaded collection");
        ok(load(false, "title", "id", "v"));
        ok(stub.loadPartitions(LoadPartitionsRequest.newBuilder().setCollectionName("p")
                .addPartitionNames("_default").addAllLoadFields(List.of("id", "v", "title")).build()));
        refused(query("id >= 0", "score").getStatus(), 1100, "field score is not loaded");
    }

    @Test
    void rowsInsertedWhilePartlyLoadedKeepEveryFieldAndAWholeLoadAfterReleaseShowsThem() {
        ok(load(true, "id", "v"));
        insert(10, 12);

        ok(stub.releaseCollection(ReleaseCollectionRequest.newBuilder().setCollectionName("p").build()));
        index("w");
        ok(load(false));

        QueryResults row = query("id == 11", "score", "title", "color");
        assertThat(fieldNames(row)).containsExactlyInAnyOrder("id", "score", "title", "$meta");
        FieldData score = row.getFieldsDataList().stream().filter(f -> f.getFieldName().equals("score"))
                .findFirst().orElseThrow();
        assertThat(score.getScalars().getLongData().getDataList()).containsExactly(110L);
        ok(search("w", "score >= 0").getStatus());
    }

    @Test
    void aPartialLoadSurvivesARestart() throws Exception {
        ok(load(true, "id", "v", "title"));

        stop();
        open();

        refused(query("id >= 0", "score").getStatus(), 1100, "field score is not loaded");
        assertThat(fieldNames(query("id >= 0", "*"))).containsExactlyInAnyOrder("id", "v", "title");
        refused(load(false, "id", "v"), 1100, "can't change the load field list for loaded collection");
    }

    @Test
    void refreshNeedsALoadedCollectionAndKeepsItsFields() {
        long id = stub.describeCollection(io.milvus.grpc.DescribeCollectionRequest.newBuilder()
                .setCollectionName("p").build()).getCollectionID();
        refused(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("p").setRefresh(true)
                .build()), 101, "collection not loaded[collection=" + id + "]");
        ok(load(false, "id", "v", "title"));

        ok(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("p").setRefresh(true).build()));
        ok(stub.loadPartitions(LoadPartitionsRequest.newBuilder().setCollectionName("p")
                .addPartitionNames("_default").setRefresh(true).build()));

        refused(query("id >= 0", "score").getStatus(), 1100, "field score is not loaded");
    }

    @Test
    void loadPriorityIsAcceptedAndAnUnknownLoadParamIsRefusedByName() {
        refused(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("p")
                .addAllLoadFields(List.of("id", "v")).putLoadParams("warmup", "sync").build()), 1100,
                "load_params key warmup of LoadCollection is not supported");
        assertThat(query("id >= 0").getStatus().getCode()).isEqualTo(101);

        ok(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("p")
                .addAllLoadFields(List.of("id", "v")).putLoadParams("load_priority", "low").build()));
    }
}
