package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.AlterCollectionPropertiesReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.FloatVec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java SDK v2 with a collection TTL ({@code collection.ttl.seconds}): created with a TTL of 3 s, its rows are seen
 * (under a TTL raised to 600 s, so nothing depends on speed), then, back at 3 s, vanish from count(*), query and
 * search once the TTL has passed (polled, with a generous bound: no timing is asserted); raising the TTL again
 * brings them back (a TTL is evaluated at read time) with rows inserted later; DescribeCollection shows the property, and Milvus's refusal of a
 * negative TTL reaches the SDK.
 */
@Timeout(180)
class CollectionTtlTest {
    private static final int DIM = 4;

    @TempDir
    Path dataDir;

    private static List<JsonObject> rows(long from, long to) {
        List<JsonObject> rows = new ArrayList<>();
        for (long id = from; id < to; id++) {
            JsonObject row = new JsonObject();
            row.addProperty("id", id);
            JsonArray vector = new JsonArray();
            for (int d = 0; d < DIM; d++) {
                vector.add((float) ((id + d) % 5) + 0.5f);
            }
            row.add("vector", vector);
            rows.add(row);
        }
        return rows;
    }

    private static long count(MilvusClientV2 client) {
        return (Long) client.query(QueryReq.builder().collectionName("ttl").outputFields(List.of("count(*)"))
                .consistencyLevel(ConsistencyLevel.STRONG).build()).getQueryResults().get(0).getEntity()
                .get("count(*)");
    }

    private static int searchHits(MilvusClientV2 client) {
        return client.search(SearchReq.builder().collectionName("ttl")
                .data(List.<BaseVector>of(new FloatVec(new float[] {1, 1, 1, 1}))).topK(50)
                .consistencyLevel(ConsistencyLevel.STRONG).build()).getSearchResults().get(0).size();
    }

    private static void ttl(MilvusClientV2 client, String seconds) {
        client.alterCollectionProperties(AlterCollectionPropertiesReq.builder().collectionName("ttl")
                .property("collection.ttl.seconds", seconds).build());
    }

    @Test
    void rowsVanishOnceTheirTimeToLiveHasPassed() throws Exception {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir)) {
            MilvusClientV2 client = Clients.root(server);
            try {
                // With a schema: the SDK's quick setup (dimension only) sends no properties.
                CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
                schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true)
                        .build());
                schema.addField(AddFieldReq.builder().fieldName("vector").dataType(DataType.FloatVector)
                        .dimension(DIM).build());
                client.createCollection(CreateCollectionReq.builder().collectionName("ttl").collectionSchema(schema)
                        .indexParams(List.of(IndexParam.builder().fieldName("vector")
                                .indexType(IndexParam.IndexType.AUTOINDEX).metricType(IndexParam.MetricType.L2)
                                .build()))
                        .property("collection.ttl.seconds", "3").build());
                assertThat(client.describeCollection(DescribeCollectionReq.builder().collectionName("ttl").build())
                        .getProperties()).containsEntry("collection.ttl.seconds", "3");
                client.insert(InsertReq.builder().collectionName("ttl").data(rows(0, 20)).build());
                // Seen under a long TTL first, so that no assertion depends on how fast this machine is.
                ttl(client, "600");
                assertThat(count(client)).isEqualTo(20);
                assertThat(searchHits(client)).isEqualTo(20);
                ttl(client, "3");
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (count(client) > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                assertThat(count(client)).as("expired within a minute").isZero();
                assertThat(searchHits(client)).isZero();
                assertThat(client.query(QueryReq.builder().collectionName("ttl").filter("id >= 0")
                        .outputFields(List.of("id")).consistencyLevel(ConsistencyLevel.STRONG).build())
                        .getQueryResults()).isEmpty();

                ttl(client, "600");
                client.insert(InsertReq.builder().collectionName("ttl").data(rows(100, 105)).build());
                assertThat(count(client)).as("the older rows are back under the longer TTL, the new ones with them")
                        .isEqualTo(25);
                assertThat(searchHits(client)).isEqualTo(25);
                assertThatThrownBy(() -> client.alterCollectionProperties(AlterCollectionPropertiesReq.builder()
                        .collectionName("ttl").property("collection.ttl.seconds", "-5").build()))
                        .hasMessageContaining("collection TTL is out of range");
            } finally {
                client.close();
            }
        }
    }
}
