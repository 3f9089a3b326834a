package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.partition.request.CreatePartitionReq;
import io.milvus.v2.service.partition.request.ListPartitionsReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java SDK v2 with a partition key (the multi-tenant pattern): {@code isPartitionKey} and {@code numPartitions}
 * create Milvus's {@code _default_N} partitions, rows are routed by the key, reads filtered on a tenant see that
 * tenant only, and managing partitions by hand is refused as Milvus refuses it.
 */
@Timeout(300)
class PartitionKeyTest {
    @TempDir
    Path dataDir;

    @Test
    void tenantsAreRoutedByTheKeyAndReadsFilteredByTenantSeeOnlyTheirRows() {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir)) {
            MilvusClientV2 client = Clients.root(server);
            CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
            schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true)
                    .build());
            schema.addField(AddFieldReq.builder().fieldName("vec").dataType(DataType.FloatVector).dimension(4)
                    .build());
            schema.addField(AddFieldReq.builder().fieldName("tenant").dataType(DataType.VarChar).maxLength(32)
                    .isPartitionKey(true).build());
            IndexParam index = IndexParam.builder().fieldName("vec").indexType(IndexParam.IndexType.FLAT)
                    .metricType(IndexParam.MetricType.L2).build();
            client.createCollection(CreateCollectionReq.builder().collectionName("docs").collectionSchema(schema)
                    .numPartitions(8).indexParams(List.of(index)).build());

            assertThat(client.describeCollection(DescribeCollectionReq.builder().collectionName("docs").build())
                    .getNumOfPartitions()).isEqualTo(8L);
            assertThat(client.listPartitions(ListPartitionsReq.builder().collectionName("docs").build()))
                    .containsExactlyInAnyOrder("_default_0", "_default_1", "_default_2", "_default_3",
                            "_default_4", "_default_5", "_default_6", "_default_7");

            List<JsonObject> rows = new ArrayList<>();
            for (int i = 0; i < 90; i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", (long) i);
                row.put("vec", List.of(i * 0.01f, 1f, 0.5f, -i * 0.01f));
                row.put("tenant", "tenant-" + (i % 9));
                rows.add(new Gson().toJsonTree(row).getAsJsonObject());
            }
            client.insert(InsertReq.builder().collectionName("docs").data(rows).build());

            QueryResp tenant4 = client.query(QueryReq.builder().collectionName("docs")
                    .filter("tenant == \"tenant-4\"").outputFields(List.of("tenant")).build());
            assertThat(tenant4.getQueryResults()).hasSize(10)
                    .allSatisfy(r -> assertThat(r.getEntity()).containsEntry("tenant", "tenant-4"));

            SearchResp hits = client.search(SearchReq.builder().collectionName("docs")
                    .data(List.of(new FloatVec(new float[] {0.3f, 1f, 0.5f, -0.3f}))).limit(5)
                    .filter("tenant in [\"tenant-2\", \"tenant-7\"]").outputFields(List.of("tenant")).build());
            assertThat(hits.getSearchResults().get(0)).hasSize(5)
                    .allSatisfy(h -> assertThat(h.getEntity().get("tenant")).isIn("tenant-2", "tenant-7"));

            // The SDK itself refuses this, having read the partition key from DescribeCollection.
            assertThatThrownBy(() -> client.insert(InsertReq.builder().collectionName("docs")
                    .partitionName("_default_1").data(rows.subList(0, 1)).build()))
                    .hasMessageContaining("has partition key, not allow to specify partition name");
            assertThatThrownBy(() -> client.query(QueryReq.builder().collectionName("docs").filter("id > 0")
                    .partitionNames(List.of("_default_1")).build()))
                    .hasMessageContaining("not support manually specifying the partition names if partition key"
                            + " mode is used");
            assertThatThrownBy(() -> client.createPartition(CreatePartitionReq.builder().collectionName("docs")
                    .partitionName("extra").build()))
                    .hasMessageContaining("disable create partition if partition key mode is used");

            // TruncateCollection (Java SDK v2): the rows go, the partition-key collection stays writable.
            client.truncateCollection(io.milvus.v2.service.collection.request.TruncateCollectionReq.builder()
                    .collectionName("docs").build());
            assertThat(client.query(QueryReq.builder().collectionName("docs").filter("id >= 0").build())
                    .getQueryResults()).isEmpty();
            client.insert(InsertReq.builder().collectionName("docs").data(rows.subList(0, 3)).build());
            assertThat(client.query(QueryReq.builder().collectionName("docs").filter("id >= 0").build())
                    .getQueryResults()).hasSize(3);
            client.close();
        }
    }
}
