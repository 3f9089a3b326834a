package dev.vectorvault.server;

import static dev.vectorvault.server.SmallCollection.ok;
import static dev.vectorvault.server.SmallCollection.pair;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreatePartitionRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DescribeCollectionRequest;
import io.milvus.grpc.DescribeCollectionResponse;
import io.milvus.grpc.DropPartitionRequest;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.GetLoadStateRequest;
import io.milvus.grpc.GetLoadingProgressRequest;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.LoadPartitionsRequest;
import io.milvus.grpc.LoadState;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.QueryResults;
import io.milvus.grpc.ReleaseCollectionRequest;
import io.milvus.grpc.ReleasePartitionsRequest;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.SearchResults;
import io.milvus.grpc.ShowCollectionsRequest;
import io.milvus.grpc.ShowCollectionsResponse;
import io.milvus.grpc.ShowPartitionsRequest;
import io.milvus.grpc.ShowPartitionsResponse;
import io.milvus.grpc.ShowType;
import io.milvus.grpc.Status;
import io.milvus.grpc.VectorField;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load state on the wire as Milvus 2.6 answers it: ShowCollections and ShowPartitions honour {@code type=InMemory}
 * and their name lists (what SDK v1 polls while it waits for a load), partitions load and release on their own, a
 * search reads only loaded partitions, GetLoadState and GetLoadingProgress per partition, and the drop refusal.
 * Collection {@code c} (loaded; rows 0..9 in {@code _default}, 100..104 in {@code p1}, 200..204 in {@code p2}) and
 * collection {@code d} (indexed, never loaded) share the database.
 */
@Timeout(120)
class LoadStateRpcTest {
    @TempDir
    Path dataDir;
    private LoopbackServer server;
    private MilvusServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.start(dataDir, Map.of());
        stub = MilvusServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
        SmallCollection.create(stub, 10);
        for (String partition : List.of("p1", "p2")) {
            ok(stub.createPartition(CreatePartitionRequest.newBuilder().setCollectionName("c")
                    .setPartitionName(partition).build()));
        }
        insert("c", "p1", 100, 5);
        insert("c", "p2", 200, 5);
        CollectionSchema schema = CollectionSchema.newBuilder().setName("d")
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(pair("dim", String.valueOf(SmallCollection.DIM))))
                .build();
        ok(stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName("d")
                .setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
        ok(stub.createIndex(io.milvus.grpc.CreateIndexRequest.newBuilder().setCollectionName("d").setFieldName("v")
                .addExtraParams(pair("index_type", "FLAT")).addExtraParams(pair("metric_type", "L2")).build()));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void insert(String collection, String partition, int firstId, int rows) {
        LongArray.Builder ids = LongArray.newBuilder();
        FloatArray.Builder vectors = FloatArray.newBuilder();
        for (int i = 0; i < rows; i++) {
            ids.addData(firstId + i);
            for (int d = 0; d < SmallCollection.DIM; d++) {
                vectors.addData(firstId + i);
            }
        }
        ok(stub.insert(InsertRequest.newBuilder().setCollectionName(collection).setPartitionName(partition)
                .setNumRows(rows)
                .addFieldsData(FieldData.newBuilder().setFieldName("id").setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(ids)))
                .addFieldsData(FieldData.newBuilder().setFieldName("v").setType(DataType.FloatVector)
                        .setVectors(VectorField.newBuilder().setDim(SmallCollection.DIM).setFloatVector(vectors)))
                .build()).getStatus());
    }

    private ShowCollectionsResponse showCollections(ShowType type, String... names) {
        return stub.showCollections(ShowCollectionsRequest.newBuilder().setType(type)
                .addAllCollectionNames(List.of(names)).build());
    }

    private ShowPartitionsResponse showPartitions(ShowType type, String... names) {
        return stub.showPartitions(ShowPartitionsRequest.newBuilder().setCollectionName("c").setType(type)
                .addAllPartitionNames(List.of(names)).build());
    }

    private List<Long> searchIds(String... partitions) {
        SearchResults results = stub.search(SmallCollection.search(1, "topk", "100")
                .addAllPartitionNames(List.of(partitions)).build());
        ok(results.getStatus());
        return results.getResults().getIds().getIntId().getDataList().stream().sorted().toList();
    }

    private Status searchStatus(String... partitions) {
        return stub.search(SmallCollection.search(1, "topk", "100").addAllPartitionNames(List.of(partitions))
                .build()).getStatus();
    }

    private LoadState loadState(String collection, String... partitions) {
        var response = stub.getLoadState(GetLoadStateRequest.newBuilder().setCollectionName(collection)
                .addAllPartitionNames(List.of(partitions)).build());
        ok(response.getStatus());
        return response.getState();
    }

    private long partitionId(String name) {
        ShowPartitionsResponse all = showPartitions(ShowType.All);
        return all.getPartitionIDs(all.getPartitionNamesList().indexOf(name));
    }

    @Test
    void showCollectionsInMemoryListsOnlyLoadedCollectionsAndExactlyTheNamedOne() {
        ShowCollectionsResponse loaded = showCollections(ShowType.InMemory);
        ok(loaded.getStatus());
        assertThat(loaded.getCollectionNamesList()).containsExactly("c");
        assertThat(loaded.getInMemoryPercentagesList()).containsExactly(100L);

        ShowCollectionsResponse named = showCollections(ShowType.InMemory, "c");
        ok(named.getStatus());
        assertThat(named.getCollectionNamesList()).containsExactly("c");
        assertThat(named.getInMemoryPercentagesList()).containsExactly(100L);
        assertThat(named.getQueryServiceAvailableList()).containsExactly(true);

        ShowCollectionsResponse all = showCollections(ShowType.All);
        assertThat(all.getCollectionNamesList()).containsExactly("c", "d");
        assertThat(all.getInMemoryPercentagesList()).containsExactly(100L, 0L);
    }

    @Test
    void showCollectionsInMemoryNamingACollectionThatIsNotLoadedIsMilvusError() {
        Status notLoaded = showCollections(ShowType.InMemory, "c", "d").getStatus();
        assertThat(notLoaded.getCode()).isEqualTo(65535);
        assertThat(notLoaded.getReason()).isEqualTo("collection not loaded[collection=d]");

        Status unknown = showCollections(ShowType.InMemory, "nope").getStatus();
        assertThat(unknown.getCode()).isEqualTo(100);
        assertThat(unknown.getReason()).isEqualTo("collection not found[database=default][collection=nope]");

        ShowCollectionsResponse namedAll = showCollections(ShowType.All, "d");
        ok(namedAll.getStatus());
        assertThat(namedAll.getCollectionNamesList()).containsExactly("d");
        assertThat(namedAll.getInMemoryPercentagesList()).containsExactly(0L);
    }

    @Test
    void showPartitionsInMemoryListsOnlyLoadedPartitionsAndANamedReleasedOneIsPartitionNotLoaded() {
        ok(stub.releasePartitions(ReleasePartitionsRequest.newBuilder().setCollectionName("c")
                .addPartitionNames("p1").build()));

        ShowPartitionsResponse loaded = showPartitions(ShowType.InMemory);
        ok(loaded.getStatus());
        assertThat(loaded.getPartitionNamesList()).containsExactly("_default", "p2");
        assertThat(loaded.getInMemoryPercentagesList()).containsExactly(100L, 100L);

        assertThat(showPartitions(ShowType.InMemory, "p2").getPartitionNamesList()).containsExactly("p2");
        Status notLoaded = showPartitions(ShowType.InMemory, "p2", "p1").getStatus();
        assertThat(notLoaded.getCode()).isEqualTo(201);
        assertThat(notLoaded.getReason()).isEqualTo("partition not loaded[partition=" + partitionId("p1") + "]");
        assertThat(showPartitions(ShowType.All, "nope").getStatus().getCode()).isEqualTo(200);

        ShowPartitionsResponse all = showPartitions(ShowType.All);
        assertThat(all.getPartitionNamesList()).containsExactly("_default", "p1", "p2");
        assertThat(all.getInMemoryPercentagesList()).containsExactly(100L, 0L, 100L);
    }

    @Test
    void releasingOnePartitionKeepsTheOthersSearchableAndDroppingALoadedOneIsRefused() {
        assertThat(searchIds()).hasSize(20);
        ok(stub.releasePartitions(ReleasePartitionsRequest.newBuilder().setCollectionName("c")
                .addPartitionNames("p1").build()));

        assertThat(searchIds()).allMatch(id -> id < 100 || id >= 200).hasSize(15);
        assertThat(searchIds("p2")).containsExactly(200L, 201L, 202L, 203L, 204L);
        Status released = searchStatus("p1");
        assertThat(released.getCode()).isEqualTo(201);
        assertThat(released.getReason()).isEqualTo("partition not loaded[partition=" + partitionId("p1") + "]");
        QueryResults count = stub.query(QueryRequest.newBuilder().setCollectionName("c").setExpr("")
                .addOutputFields("count(*)").build());
        ok(count.getStatus());
        assertThat(count.getFieldsData(0).getScalars().getLongData().getData(0)).isEqualTo(15L);

        assertThat(loadState("c")).isEqualTo(LoadState.LoadStateLoaded);
        assertThat(loadState("c", "p2")).isEqualTo(LoadState.LoadStateLoaded);
        assertThat(loadState("c", "p1")).isEqualTo(LoadState.LoadStateNotLoad);
        assertThat(loadState("c", "p1", "p2")).isEqualTo(LoadState.LoadStateNotLoad);
        Status progress = stub.getLoadingProgress(GetLoadingProgressRequest.newBuilder().setCollectionName("c")
                .addPartitionNames("p1").build()).getStatus();
        assertThat(progress.getCode()).isEqualTo(201);

        Status refused = stub.dropPartition(DropPartitionRequest.newBuilder().setCollectionName("c")
                .setPartitionName("p2").build());
        assertThat(refused.getCode()).isEqualTo(65535);
        assertThat(refused.getReason())
                .isEqualTo("partition cannot be dropped, partition is loaded, please release it first");
        ok(stub.dropPartition(DropPartitionRequest.newBuilder().setCollectionName("c").setPartitionName("p1")
                .build()));
        assertThat(searchIds()).hasSize(15);
    }

    @Test
    void releasingTheLastLoadedPartitionReleasesTheCollectionAndLoadPartitionsLoadsOnlyThose() {
        ok(stub.releasePartitions(ReleasePartitionsRequest.newBuilder().setCollectionName("c")
                .addAllPartitionNames(List.of("_default", "p1", "p2")).build()));
        assertThat(loadState("c")).isEqualTo(LoadState.LoadStateNotLoad);
        assertThat(searchStatus().getCode()).isEqualTo(101);
        assertThat(showCollections(ShowType.InMemory).getCollectionNamesList()).isEmpty();

        ok(stub.loadPartitions(LoadPartitionsRequest.newBuilder().setCollectionName("c").addPartitionNames("p2")
                .build()));
        assertThat(searchIds()).containsExactly(200L, 201L, 202L, 203L, 204L);
        assertThat(loadState("c")).isEqualTo(LoadState.LoadStateLoaded);
        assertThat(showCollections(ShowType.InMemory, "c").getCollectionNamesList()).containsExactly("c");
        ok(stub.getLoadingProgress(GetLoadingProgressRequest.newBuilder().setCollectionName("c")
                .addPartitionNames("p2").build()).getStatus());

        Status empty = stub.loadPartitions(LoadPartitionsRequest.newBuilder().setCollectionName("c").build());
        assertThat(empty.getReason()).isEqualTo("failed to load partition, due to no partition specified");
        Status emptyRelease = stub.releasePartitions(ReleasePartitionsRequest.newBuilder().setCollectionName("c")
                .build());
        assertThat(emptyRelease.getCode()).isEqualTo(1100);

        ok(stub.releaseCollection(ReleaseCollectionRequest.newBuilder().setCollectionName("c").build()));
        assertThat(loadState("c", "p2")).isEqualTo(LoadState.LoadStateNotLoad);
    }

    @Test
    void getLoadStateOfAnUnknownCollectionIsNotExistAndAnUnknownPartitionIsAnError() {
        assertThat(loadState("nope")).isEqualTo(LoadState.LoadStateNotExist);
        assertThat(loadState("d")).isEqualTo(LoadState.LoadStateNotLoad);
        Status unknown = stub.getLoadState(GetLoadStateRequest.newBuilder().setCollectionName("c")
                .addPartitionNames("nope").build()).getStatus();
        assertThat(unknown.getCode()).isEqualTo(200);
        assertThat(unknown.getReason()).isEqualTo("partition not found[partition=nope]");
    }

    @Test
    void describeCollectionAndShowPartitionsFindTheCollectionByIdWhenNoNameIsGiven() {
        long id = showCollections(ShowType.All).getCollectionIds(1);
        DescribeCollectionResponse described = stub.describeCollection(DescribeCollectionRequest.newBuilder()
                .setCollectionID(id).build());
        ok(described.getStatus());
        assertThat(described.getCollectionName()).isEqualTo("d");
        assertThat(stub.showPartitions(ShowPartitionsRequest.newBuilder().setCollectionID(id).build())
                .getPartitionNamesList()).containsExactly("_default");
        Status unknown = stub.describeCollection(DescribeCollectionRequest.newBuilder().setCollectionID(1).build())
                .getStatus();
        assertThat(unknown.getCode()).isEqualTo(100);
    }
}
