package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.DataType;
import io.milvus.v2.service.collection.request.AddCollectionFieldReq;
import io.milvus.v2.service.collection.request.AlterCollectionFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.response.DescribeCollectionResp;
import io.milvus.v2.service.index.request.AlterIndexPropertiesReq;
import io.milvus.v2.service.index.request.ListIndexesReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.response.QueryResp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema changes with the v2 SDK 2.6.22: {@code addCollectionField} (old rows read the default or null, in output and
 * filters; new rows carry the field), {@code alterCollectionField} ({@code max_length} enforced on later inserts),
 * and {@code alterIndexProperties} refused with a clear message for what would change nothing here.
 */
@Timeout(300)
class SchemaEvolutionTest {
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

    private static void insert(String collection, long from, int rows, Map<String, Object> extra) {
        insert(client, collection, from, rows, extra);
    }

    private static void insert(MilvusClientV2 client, String collection, long from, int rows,
                               Map<String, Object> extra) {
        List<JsonObject> data = new ArrayList<>();
        for (long id = from; id < from + rows; id++) {
            JsonObject row = new JsonObject();
            row.addProperty("id", id);
            JsonArray vector = new JsonArray();
            for (int d = 0; d < DIM; d++) {
                vector.add(1f + id % 7 + d * 0.5f);
            }
            row.add("vector", vector);
            extra.forEach((k, v) -> {
                if (v instanceof Number n) {
                    row.addProperty(k, n);
                } else {
                    row.addProperty(k, (String) v);
                }
            });
            data.add(row);
        }
        client.insert(InsertReq.builder().collectionName(collection).data(data).build());
    }

    private static Map<Long, Map<String, Object>> rows(String collection, String filter) {
        QueryResp resp = client.query(QueryReq.builder().collectionName(collection).filter(filter)
                .outputFields(List.of("id", "score", "tag")).build());
        Map<Long, Map<String, Object>> out = new HashMap<>();
        for (QueryResp.QueryResult result : resp.getQueryResults()) {
            out.put((Long) result.getEntity().get("id"), result.getEntity());
        }
        return out;
    }

    @Test
    void anAddedFieldReadsItsDefaultOrNullInOldRowsAndIsCarriedByNewOnes() {
        String name = "evolving";
        client.createCollection(CreateCollectionReq.builder().collectionName(name).dimension(DIM).build());
        insert(name, 0, 10, Map.of());

        client.addCollectionField(AddCollectionFieldReq.builder().collectionName(name).fieldName("score")
                .dataType(DataType.Int64).isNullable(true).defaultValue(7L).build());
        client.addCollectionField(AddCollectionFieldReq.builder().collectionName(name).fieldName("tag")
                .dataType(DataType.VarChar).maxLength(8).isNullable(true).build());
        assertThatThrownBy(() -> client.addCollectionField(AddCollectionFieldReq.builder().collectionName(name)
                .fieldName("strict").dataType(DataType.Int64).isNullable(false).build()))
                .hasMessageContaining("added field must be nullable, please check it, field name = strict");

        DescribeCollectionResp described = client.describeCollection(DescribeCollectionReq.builder()
                .collectionName(name).build());
        assertThat(described.getCollectionSchema().getField("score")).isNotNull();
        assertThat(described.getCollectionSchema().getField("tag").getIsNullable()).isTrue();

        Map<Long, Map<String, Object>> old = rows(name, "id < 10");
        assertThat(old).hasSize(10);
        assertThat(old.values()).allSatisfy(row -> {
            assertThat(row.get("score")).isEqualTo(7L);
            assertThat(row.get("tag")).isNull();
        });
        assertThat(rows(name, "tag is null")).hasSize(10);

        insert(name, 100, 3, Map.of("score", 1L, "tag", "new"));
        assertThat(rows(name, "tag == \"new\" and score == 1").keySet()).containsExactlyInAnyOrder(100L, 101L, 102L);
        assertThat(rows(name, "score == 7")).hasSize(10);

        assertThatThrownBy(() -> insert(name, 200, 1, Map.of("tag", "far too long")))
                .hasMessageContaining("max");
        client.alterCollectionField(AlterCollectionFieldReq.builder().collectionName(name).fieldName("tag")
                .property("max_length", "32").build());
        // The SDK checks max_length itself against the schema it cached; a new client describes afresh.
        MilvusClientV2 fresh = Clients.root(server);
        try {
            insert(fresh, name, 200, 1, Map.of("tag", "far too long"));
        } finally {
            fresh.close();
        }
        assertThat(rows(name, "tag == \"far too long\"").keySet()).containsExactly(200L);
    }

    @Test
    void alterIndexPropertiesIsRefusedNamingThePropertyThatWouldChangeNothing() {
        String name = "indexed";
        client.createCollection(CreateCollectionReq.builder().collectionName(name).dimension(DIM).build());
        String index = client.listIndexes(ListIndexesReq.builder().collectionName(name).build()).get(0);
        assertThatThrownBy(() -> client.alterIndexProperties(AlterIndexPropertiesReq.builder().collectionName(name)
                .indexName(index).property("mmap.enabled", "true").build()))
                .hasMessageContaining("mmap.enabled").hasMessageContaining("not supported by this server");
    }
}
