package dev.vectorvault.acceptance.sdk25;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.vectorvault.acceptance.ServerProcess;
import io.milvus.client.MilvusServiceClient;
import io.milvus.grpc.DataType;
import io.milvus.grpc.GetLoadStateResponse;
import io.milvus.grpc.LoadState;
import io.milvus.grpc.QueryResults;
import io.milvus.grpc.SearchResults;
import io.milvus.grpc.ShowCollectionsResponse;
import io.milvus.param.ConnectParam;
import io.milvus.param.IndexType;
import io.milvus.param.MetricType;
import io.milvus.param.R;
import io.milvus.param.collection.CreateCollectionParam;
import io.milvus.param.collection.CreateDatabaseParam;
import io.milvus.param.collection.DropCollectionParam;
import io.milvus.param.collection.FieldType;
import io.milvus.param.collection.GetLoadStateParam;
import io.milvus.param.collection.LoadCollectionParam;
import io.milvus.param.collection.ReleaseCollectionParam;
import io.milvus.param.collection.ShowCollectionsParam;
import io.milvus.param.dml.InsertParam;
import io.milvus.param.dml.QueryParam;
import io.milvus.param.dml.SearchParam;
import io.milvus.param.index.CreateIndexParam;
import io.milvus.param.partition.CreatePartitionParam;
import io.milvus.param.partition.DropPartitionParam;
import io.milvus.param.partition.LoadPartitionsParam;
import io.milvus.param.partition.ReleasePartitionsParam;
import io.milvus.response.QueryResultsWrapper;
import io.milvus.response.SearchResultsWrapper;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.client.RetryConfig;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DropCollectionReq;
import io.milvus.v2.service.collection.request.GetLoadStateReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.collection.request.ReleaseCollectionReq;
import io.milvus.v2.service.partition.request.CreatePartitionReq;
import io.milvus.v2.service.partition.request.LoadPartitionsReq;
import io.milvus.v2.service.partition.request.ReleasePartitionsReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.FloatVec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Java SDK 2.5.x, still what many applications and frameworks ship with, against the server with
 * authentication on. Its v1 client waits for {@code loadCollection} by polling {@code ShowCollections(type=InMemory,
 * [name])} and for {@code loadPartitions} by polling {@code ShowPartitions(type=InMemory, [names])}, needing exactly
 * the names it asked for back: so every flow here runs with two collections in one database. Its v2 client waits
 * through {@code GetLoadState}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class JavaSdk25Test {
    private static final int DIM = 4;
    private static final String DB = "shop";

    @TempDir
    static Path dataDir;
    static ServerProcess server;
    static MilvusServiceClient v1;
    static MilvusClientV2 v2;

    @BeforeAll
    static void start() {
        server = ServerProcess.startWithAuth(dataDir);
        MilvusServiceClient setup = v1Client("default");
        ok(setup.createDatabase(CreateDatabaseParam.newBuilder().withDatabaseName(DB).build()), "createDatabase");
        setup.close();
        v1 = v1Client(DB);
        v2 = new MilvusClientV2(ConnectConfig.builder().uri(server.uri()).token("root:Milvus").dbName(DB)
                .connectTimeoutMs(15_000).rpcDeadlineMs(15_000).build());
        v2.retryConfig(RetryConfig.builder().maxRetryTimes(1).build());
    }

    private static MilvusServiceClient v1Client(String database) {
        MilvusServiceClient client = new MilvusServiceClient(ConnectParam.newBuilder()
                .withHost("127.0.0.1").withPort(server.port())
                .withAuthorization("root", "Milvus")
                .withDatabaseName(database)
                .withConnectTimeout(15, TimeUnit.SECONDS)
                .withRpcDeadline(15, TimeUnit.SECONDS)
                .build());
        client.withRetry(1);
        return client;
    }

    @AfterAll
    static void stop() {
        if (v1 != null) {
            v1.close();
        }
        if (v2 != null) {
            v2.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** The call succeeded (status 0); the message names what failed otherwise. */
    private static <T> T ok(R<T> response, String what) {
        assertThat(response.getStatus()).as("%s failed: %s", what,
                response.getException() == null ? "" : response.getMessage()).isZero();
        return response.getData();
    }

    private static List<Float> vector(long id) {
        List<Float> v = new ArrayList<>();
        for (int d = 0; d < DIM; d++) {
            v.add(1f + id % 7 + d * 0.5f);
        }
        return v;
    }

    // ------------------------------------------------------------------ v1 client

    private static void createV1Collection(String name) {
        ok(v1.createCollection(CreateCollectionParam.newBuilder().withCollectionName(name)
                .withFieldTypes(List.of(
                        FieldType.newBuilder().withName("id").withDataType(DataType.Int64).withPrimaryKey(true)
                                .withAutoID(false).build(),
                        FieldType.newBuilder().withName("vec").withDataType(DataType.FloatVector)
                                .withDimension(DIM).build()))
                .build()), "createCollection " + name);
        ok(v1.createIndex(CreateIndexParam.newBuilder().withCollectionName(name).withFieldName("vec")
                .withIndexType(IndexType.FLAT).withMetricType(MetricType.L2).build()), "createIndex " + name);
    }

    private static void insertV1(String collection, String partition, long from, int rows) {
        List<Long> ids = LongStream.range(from, from + rows).boxed().toList();
        InsertParam.Builder insert = InsertParam.newBuilder().withCollectionName(collection)
                .withFields(List.of(new InsertParam.Field("id", ids),
                        new InsertParam.Field("vec", ids.stream().map(JavaSdk25Test::vector).toList())));
        if (partition != null) {
            insert.withPartitionName(partition);
        }
        ok(v1.insert(insert.build()), "insert into " + collection);
    }

    private static List<Long> searchV1(String collection, List<String> partitions) {
        SearchParam.Builder search = SearchParam.newBuilder().withCollectionName(collection)
                .withVectorFieldName("vec").withMetricType(MetricType.L2).withTopK(100)
                .withFloatVectors(List.of(vector(0)));
        if (!partitions.isEmpty()) {
            search.withPartitionNames(partitions);
        }
        SearchResults results = ok(v1.search(search.build()), "search " + collection);
        return new SearchResultsWrapper(results.getResults()).getIDScore(0).stream()
                .map(SearchResultsWrapper.IDScore::getLongID).sorted().toList();
    }

    private static LoadState loadStateV1(String collection, List<String> partitions) {
        GetLoadStateParam.Builder request = GetLoadStateParam.newBuilder().withCollectionName(collection);
        if (!partitions.isEmpty()) {
            request.withPartitionNames(partitions);
        }
        GetLoadStateResponse response = ok(v1.getLoadState(request.build()), "getLoadState");
        return response.getState();
    }

    @Test
    void v1LoadsTwoCollectionsOfOneDatabaseSearchesQueriesReleasesAndDrops() {
        createV1Collection("books");
        createV1Collection("films");
        insertV1("books", null, 0, 20);
        insertV1("films", null, 1000, 10);

        // The synchronous load polls ShowCollections(InMemory, [name]) until that name is back at 100 %.
        ok(v1.loadCollection(LoadCollectionParam.newBuilder().withCollectionName("books").withSyncLoad(true)
                .withSyncLoadWaitingTimeout(30L).build()), "loadCollection books");
        ShowCollectionsResponse inMemory = ok(v1.showCollections(ShowCollectionsParam.newBuilder()
                .withCollectionNames(List.of("books")).build()), "showCollections");
        assertThat(inMemory.getCollectionNamesList()).containsExactly("books");
        R<ShowCollectionsResponse> notLoaded = v1.showCollections(ShowCollectionsParam.newBuilder()
                .withCollectionNames(List.of("films")).build());
        assertThat(notLoaded.getStatus()).isNotZero();
        assertThat(notLoaded.getMessage()).contains("collection not loaded[collection=films]");
        ok(v1.loadCollection(LoadCollectionParam.newBuilder().withCollectionName("films").withSyncLoad(true)
                .withSyncLoadWaitingTimeout(30L).build()), "loadCollection films");

        assertThat(searchV1("books", List.of())).hasSize(20).allMatch(id -> id < 20);
        assertThat(searchV1("films", List.of())).hasSize(10).allMatch(id -> id >= 1000);
        QueryResults queried = ok(v1.query(QueryParam.newBuilder().withCollectionName("books")
                .withExpr("id in [3, 4, 99]").withOutFields(List.of("id")).build()), "query");
        assertThat(new QueryResultsWrapper(queried).getRowRecords()).extracting(r -> r.get("id"))
                .containsExactlyInAnyOrder(3L, 4L);

        ok(v1.releaseCollection(ReleaseCollectionParam.newBuilder().withCollectionName("books").build()),
                "releaseCollection");
        assertThat(loadStateV1("books", List.of())).isEqualTo(LoadState.LoadStateNotLoad);
        assertThat(loadStateV1("films", List.of())).isEqualTo(LoadState.LoadStateLoaded);
        assertThat(v1.search(SearchParam.newBuilder().withCollectionName("books").withVectorFieldName("vec")
                .withMetricType(MetricType.L2).withTopK(3).withFloatVectors(List.of(vector(0))).build())
                .getMessage()).contains("collection not loaded");

        for (String name : List.of("books", "films")) {
            ok(v1.dropCollection(DropCollectionParam.newBuilder().withCollectionName(name).build()), "drop " + name);
        }
    }

    @Test
    void v1LoadsAndReleasesPartitionsOnTheirOwn() {
        createV1Collection("shelves");
        createV1Collection("other");
        for (String partition : List.of("north", "south")) {
            ok(v1.createPartition(CreatePartitionParam.newBuilder().withCollectionName("shelves")
                    .withPartitionName(partition).build()), "createPartition " + partition);
        }
        insertV1("shelves", "north", 100, 5);
        insertV1("shelves", "south", 200, 5);
        ok(v1.loadCollection(LoadCollectionParam.newBuilder().withCollectionName("other").withSyncLoad(true)
                .withSyncLoadWaitingTimeout(30L).build()), "loadCollection other");

        // The synchronous partition load polls ShowPartitions(InMemory, [names]).
        ok(v1.loadPartitions(LoadPartitionsParam.newBuilder().withCollectionName("shelves")
                .withPartitionNames(List.of("north", "south")).withSyncLoad(true)
                .withSyncLoadWaitingTimeout(30L).build()), "loadPartitions");
        assertThat(searchV1("shelves", List.of())).hasSize(10);

        ok(v1.releasePartitions(ReleasePartitionsParam.newBuilder().withCollectionName("shelves")
                .withPartitionNames(List.of("north")).build()), "releasePartitions");
        assertThat(searchV1("shelves", List.of())).containsExactly(200L, 201L, 202L, 203L, 204L);
        assertThat(loadStateV1("shelves", List.of("north"))).isEqualTo(LoadState.LoadStateNotLoad);
        assertThat(loadStateV1("shelves", List.of("south"))).isEqualTo(LoadState.LoadStateLoaded);

        R<?> refused = v1.dropPartition(DropPartitionParam.newBuilder().withCollectionName("shelves")
                .withPartitionName("south").build());
        assertThat(refused.getMessage()).contains("partition is loaded, please release it first");
        ok(v1.dropPartition(DropPartitionParam.newBuilder().withCollectionName("shelves")
                .withPartitionName("north").build()), "drop released partition");

        ok(v1.releasePartitions(ReleasePartitionsParam.newBuilder().withCollectionName("shelves")
                .withPartitionNames(List.of("south")).build()), "release the last loaded partition");
        assertThat(loadStateV1("shelves", List.of())).isEqualTo(LoadState.LoadStateNotLoad);
        for (String name : List.of("shelves", "other")) {
            ok(v1.dropCollection(DropCollectionParam.newBuilder().withCollectionName(name).build()), "drop " + name);
        }
    }

    // ------------------------------------------------------------------ v2 client

    private static JsonObject row(long id) {
        JsonObject row = new JsonObject();
        row.addProperty("id", id);
        JsonArray v = new JsonArray();
        vector(id).forEach(v::add);
        row.add("vector", v);
        return row;
    }

    private static List<Long> searchV2(String collection, List<String> partitions) {
        SearchReq.SearchReqBuilder request = SearchReq.builder().collectionName(collection)
                .data(List.<BaseVector>of(new FloatVec(vector(0)))).topK(100);
        if (!partitions.isEmpty()) {
            request.partitionNames(partitions);
        }
        return v2.search(request.build()).getSearchResults().get(0).stream().map(h -> (Long) h.getId()).sorted()
                .toList();
    }

    @Test
    void v2CreatesTwoCollectionsInsertsLoadsSearchesQueriesAndReleasesPartitions() {
        for (String name : List.of("lamps", "chairs")) {
            // Quick setup: CreateCollection, CreateIndex, LoadCollection.
            v2.createCollection(CreateCollectionReq.builder().collectionName(name).dimension(DIM).build());
        }
        v2.createPartition(CreatePartitionReq.builder().collectionName("lamps").partitionName("desk").build());
        List<JsonObject> rows = new ArrayList<>();
        for (long id = 0; id < 8; id++) {
            rows.add(row(id));
        }
        v2.insert(InsertReq.builder().collectionName("lamps").data(rows).build());
        v2.insert(InsertReq.builder().collectionName("lamps").partitionName("desk").data(List.of(row(50), row(51)))
                .build());
        v2.insert(InsertReq.builder().collectionName("chairs").data(List.of(row(900))).build());

        v2.releaseCollection(ReleaseCollectionReq.builder().collectionName("lamps").build());
        v2.loadCollection(LoadCollectionReq.builder().collectionName("lamps").build()); // waits via GetLoadState
        assertThat(v2.getLoadState(GetLoadStateReq.builder().collectionName("lamps").build())).isTrue();
        assertThat(searchV2("lamps", List.of())).hasSize(10);
        assertThat(searchV2("chairs", List.of())).containsExactly(900L);
        assertThat(v2.query(QueryReq.builder().collectionName("lamps").filter("id >= 50")
                .outputFields(List.of("id")).build()).getQueryResults()).hasSize(2);

        v2.releasePartitions(ReleasePartitionsReq.builder().collectionName("lamps")
                .partitionNames(List.of("_default")).build());
        assertThat(searchV2("lamps", List.of())).containsExactly(50L, 51L);
        assertThatThrownBy(() -> searchV2("lamps", List.of("_default")))
                .hasMessageContaining("partition not loaded");
        assertThat(v2.getLoadState(GetLoadStateReq.builder().collectionName("lamps").partitionName("_default")
                .build())).isFalse();
        v2.loadPartitions(LoadPartitionsReq.builder().collectionName("lamps")
                .partitionNames(List.of("_default")).build());
        assertThat(searchV2("lamps", List.of())).hasSize(10);

        for (String name : List.of("lamps", "chairs")) {
            v2.dropCollection(DropCollectionReq.builder().collectionName(name).build());
        }
    }
}
