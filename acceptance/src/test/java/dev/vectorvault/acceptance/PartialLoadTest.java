package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.GetLoadStateReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.collection.request.ReleaseCollectionReq;
import io.milvus.v2.service.partition.request.CreatePartitionReq;
import io.milvus.v2.service.partition.request.DropPartitionReq;
import io.milvus.v2.service.partition.request.LoadPartitionsReq;
import io.milvus.v2.service.partition.request.ReleasePartitionsReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.QueryResp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partitions load and release on their own with the v2 SDK 2.6.22 (Milvus 2.4+): releasing one partition keeps the
 * others loaded and searchable, a search naming the released one fails with Milvus's message, a loaded partition
 * cannot be dropped while a released one can, and LoadPartitions loads only what it names. Fields load partly too
 * ({@code LoadCollectionReq.loadFields}, {@code skipLoadDynamicField}): the dynamic field left out cannot be returned
 * or filtered on, {@code *} returns the loaded fields, another list is refused while loaded, and a release then a
 * whole load brings every field back.
 */
@Timeout(300)
class PartialLoadTest {
    private static final int DIM = 4;

    @TempDir
    static Path dataDir;
    static ServerProcess server;
    static MilvusClientV2 client;

    @BeforeAll
    static void start() {
        server = ServerProcess.startWithAuth(dataDir);
        client = Clients.root(server);
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

    private static JsonObject row(long id) {
        JsonObject row = new JsonObject();
        row.addProperty("id", id);
        JsonArray vector = new JsonArray();
        for (int d = 0; d < DIM; d++) {
            vector.add(1f + id % 7 + d * 0.5f);
        }
        row.add("vector", vector);
        return row;
    }

    private static void insert(String collection, String partition, long from, int rows) {
        List<JsonObject> data = new ArrayList<>();
        for (long id = from; id < from + rows; id++) {
            data.add(row(id));
        }
        client.insert(InsertReq.builder().collectionName(collection).partitionName(partition).data(data).build());
    }

    private static List<Long> searchIds(String collection, List<String> partitions) {
        SearchReq.SearchReqBuilder request = SearchReq.builder().collectionName(collection)
                .data(List.<BaseVector>of(new FloatVec(new float[] {1f, 1.5f, 2f, 2.5f}))).topK(100);
        if (!partitions.isEmpty()) {
            request.partitionNames(partitions);
        }
        return client.search(request.build()).getSearchResults().get(0).stream().map(h -> (Long) h.getId())
                .sorted().toList();
    }

    private static boolean loaded(String collection, String partition) {
        GetLoadStateReq.GetLoadStateReqBuilder request = GetLoadStateReq.builder().collectionName(collection);
        if (partition != null) {
            request.partitionName(partition);
        }
        return client.getLoadState(request.build());
    }

    @Test
    void releasingOnePartitionKeepsTheRestSearchableAndALoadedPartitionCannotBeDropped() {
        String name = "seasons";
        client.createCollection(CreateCollectionReq.builder().collectionName(name).dimension(DIM).build());
        for (String partition : List.of("spring", "autumn")) {
            client.createPartition(CreatePartitionReq.builder().collectionName(name).partitionName(partition)
                    .build());
        }
        insert(name, "_default", 0, 5);
        insert(name, "spring", 100, 5);
        insert(name, "autumn", 200, 5);
        assertThat(searchIds(name, List.of())).hasSize(15);

        client.releasePartitions(ReleasePartitionsReq.builder().collectionName(name)
                .partitionNames(List.of("spring")).build());

        assertThat(searchIds(name, List.of())).containsExactly(0L, 1L, 2L, 3L, 4L, 200L, 201L, 202L, 203L, 204L);
        assertThat(searchIds(name, List.of("autumn"))).containsExactly(200L, 201L, 202L, 203L, 204L);
        assertThat(client.query(QueryReq.builder().collectionName(name).filter("id >= 100")
                .outputFields(List.of("id")).build()).getQueryResults()).hasSize(5);
        assertThatThrownBy(() -> searchIds(name, List.of("spring")))
                .hasMessageContaining("partition not loaded");
        assertThat(loaded(name, null)).isTrue();
        assertThat(loaded(name, "autumn")).isTrue();
        assertThat(loaded(name, "spring")).isFalse();

        assertThatThrownBy(() -> client.dropPartition(DropPartitionReq.builder().collectionName(name)
                .partitionName("autumn").build()))
                .hasMessageContaining("partition cannot be dropped, partition is loaded, please release it first");
        client.dropPartition(DropPartitionReq.builder().collectionName(name).partitionName("spring").build());
        assertThat(searchIds(name, List.of())).hasSize(10);

        // Releasing the last loaded partitions releases the collection; loading one partition serves only it.
        client.releasePartitions(ReleasePartitionsReq.builder().collectionName(name)
                .partitionNames(List.of("_default", "autumn")).build());
        assertThat(loaded(name, null)).isFalse();
        assertThatThrownBy(() -> searchIds(name, List.of())).hasMessageContaining("collection not loaded");
        client.loadPartitions(LoadPartitionsReq.builder().collectionName(name).partitionNames(List.of("autumn"))
                .build());
        assertThat(searchIds(name, List.of())).containsExactly(200L, 201L, 202L, 203L, 204L);
        assertThat(loaded(name, "_default")).isFalse();
        client.releaseCollection(ReleaseCollectionReq.builder().collectionName(name).build());
        assertThat(loaded(name, "autumn")).isFalse();
    }

    private static QueryResp queryShapes(String filter, String... outputFields) {
        return client.query(QueryReq.builder().collectionName("shapes").filter(filter)
                .outputFields(List.of(outputFields)).build());
    }

    @Test
    void aFieldLoadWithoutTheDynamicFieldRefusesItsKeysUntilAWholeLoad() {
        client.createCollection(CreateCollectionReq.builder().collectionName("shapes").dimension(DIM).build());
        List<JsonObject> rows = new ArrayList<>();
        for (long id = 0; id < 5; id++) {
            JsonObject row = row(id);
            row.addProperty("color", "c" + id);
            rows.add(row);
        }
        client.insert(InsertReq.builder().collectionName("shapes").data(rows).build());
        client.releaseCollection(ReleaseCollectionReq.builder().collectionName("shapes").build());

        client.loadCollection(LoadCollectionReq.builder().collectionName("shapes")
                .loadFields(List.of("id", "vector")).skipLoadDynamicField(true).build());

        assertThatThrownBy(() -> queryShapes("id >= 0", "color"))
                .hasMessageContaining("field color cannot be returned since dynamic field not loaded");
        assertThatThrownBy(() -> queryShapes("color == \"c1\"", "id"))
                .hasMessageContaining("field color is dynamic but dynamic field is not loaded");
        assertThat(queryShapes("id == 2", "*").getQueryResults().get(0).getEntity())
                .containsOnlyKeys("id", "vector");
        assertThatThrownBy(() -> client.loadCollection(LoadCollectionReq.builder().collectionName("shapes")
                .build())).hasMessageContaining("can't change the load field list for loaded collection");

        client.releaseCollection(ReleaseCollectionReq.builder().collectionName("shapes").build());
        client.loadCollection(LoadCollectionReq.builder().collectionName("shapes").build());

        assertThat(queryShapes("color == \"c3\"", "color").getQueryResults().get(0).getEntity())
                .containsEntry("color", "c3");
    }
}
