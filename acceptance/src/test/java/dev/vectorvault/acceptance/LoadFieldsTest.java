package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.collection.request.ReleaseCollectionReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
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
 * Partial field load with the v2 SDK 2.6.22 ({@code LoadCollectionReq.loadFields}, {@code skipLoadDynamicField}):
 * the dynamic field left out cannot be returned or filtered on, {@code *} returns the loaded fields, another list
 * is refused while loaded, and a release then a whole load brings every field back.
 */
@Timeout(300)
class LoadFieldsTest {
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

    private static QueryResp query(String filter, String... outputFields) {
        return client.query(QueryReq.builder().collectionName("shapes").filter(filter)
                .outputFields(List.of(outputFields)).build());
    }

    @Test
    void aPartialLoadWithoutTheDynamicFieldRefusesItsKeysUntilAWholeLoad() {
        client.createCollection(CreateCollectionReq.builder().collectionName("shapes").dimension(DIM).build());
        List<JsonObject> rows = new ArrayList<>();
        for (long id = 0; id < 5; id++) {
            JsonObject row = new JsonObject();
            row.addProperty("id", id);
            JsonArray vector = new JsonArray();
            for (int d = 0; d < DIM; d++) {
                vector.add(id + d);
            }
            row.add("vector", vector);
            row.addProperty("color", "c" + id);
            rows.add(row);
        }
        client.insert(InsertReq.builder().collectionName("shapes").data(rows).build());
        client.releaseCollection(ReleaseCollectionReq.builder().collectionName("shapes").build());

        client.loadCollection(LoadCollectionReq.builder().collectionName("shapes")
                .loadFields(List.of("id", "vector")).skipLoadDynamicField(true).build());

        assertThatThrownBy(() -> query("id >= 0", "color"))
                .hasMessageContaining("field color cannot be returned since dynamic field not loaded");
        assertThatThrownBy(() -> query("color == \"c1\"", "id"))
                .hasMessageContaining("field color is dynamic but dynamic field is not loaded");
        assertThat(query("id == 2", "*").getQueryResults().get(0).getEntity()).containsOnlyKeys("id", "vector");
        assertThatThrownBy(() -> client.loadCollection(LoadCollectionReq.builder().collectionName("shapes")
                .build())).hasMessageContaining("can't change the load field list for loaded collection");

        client.releaseCollection(ReleaseCollectionReq.builder().collectionName("shapes").build());
        client.loadCollection(LoadCollectionReq.builder().collectionName("shapes").build());

        assertThat(query("color == \"c3\"", "color").getQueryResults().get(0).getEntity())
                .containsEntry("color", "c3");
    }
}
