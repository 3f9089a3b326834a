package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.milvus.orm.iterator.QueryIterator;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.collection.response.DescribeCollectionResp;
import io.milvus.v2.service.database.request.CreateDatabaseReq;
import io.milvus.v2.service.partition.request.CreatePartitionReq;
import io.milvus.v2.service.partition.request.HasPartitionReq;
import io.milvus.v2.service.utility.request.CreateAliasReq;
import io.milvus.v2.service.utility.request.DropAliasReq;
import io.milvus.v2.service.utility.request.ListAliasesReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryIteratorReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.QueryResp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A custom schema with every supported field type, nullable and default values, partitions, a second database,
 * aliases, the query iterator, and a restart between writing and reading.
 */
@Timeout(300)
class CustomSchemaTest {
    @TempDir
    Path dataDir;

    private static CreateCollectionReq.CollectionSchema schema() {
        CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder()
                .enableDynamicField(true).build();
        schema.addField(AddFieldReq.builder().fieldName("pk").dataType(DataType.VarChar).maxLength(64)
                .isPrimaryKey(true).build());
        schema.addField(AddFieldReq.builder().fieldName("vec").dataType(DataType.FloatVector).dimension(4).build());
        schema.addField(AddFieldReq.builder().fieldName("flag").dataType(DataType.Bool).build());
        schema.addField(AddFieldReq.builder().fieldName("i8").dataType(DataType.Int8).build());
        schema.addField(AddFieldReq.builder().fieldName("i16").dataType(DataType.Int16).build());
        schema.addField(AddFieldReq.builder().fieldName("i32").dataType(DataType.Int32).build());
        schema.addField(AddFieldReq.builder().fieldName("i64").dataType(DataType.Int64).build());
        schema.addField(AddFieldReq.builder().fieldName("f32").dataType(DataType.Float).build());
        schema.addField(AddFieldReq.builder().fieldName("f64").dataType(DataType.Double).build());
        schema.addField(AddFieldReq.builder().fieldName("text").dataType(DataType.VarChar).maxLength(16).build());
        schema.addField(AddFieldReq.builder().fieldName("doc").dataType(DataType.JSON).build());
        schema.addField(AddFieldReq.builder().fieldName("tags").dataType(DataType.Array)
                .elementType(DataType.VarChar).maxLength(8).maxCapacity(4).build());
        schema.addField(AddFieldReq.builder().fieldName("maybe").dataType(DataType.Int64).isNullable(true)
                .build());
        schema.addField(AddFieldReq.builder().fieldName("level").dataType(DataType.Int32).defaultValue(7)
                .build());
        return schema;
    }

    private static JsonObject row(int i) {
        Map<String, Object> values = new java.util.LinkedHashMap<>();
        values.put("pk", "key_" + (1000 + i));
        values.put("vec", List.of(i * 0.1f, 1f, 0.5f, -i * 0.1f));
        values.put("flag", i % 2 == 0);
        values.put("i8", i % 100);
        values.put("i16", i * 10);
        values.put("i32", i * 1000);
        values.put("i64", i * 1_000_000_000L);
        values.put("f32", i / 2.0f);
        values.put("f64", i / 4.0);
        values.put("text", "t" + i);
        values.put("doc", Map.of("n", i, "name", "doc" + i, "nested", Map.of("even", i % 2 == 0)));
        values.put("tags", i % 3 == 0 ? List.of("a", "b") : List.of("c"));
        if (i % 4 != 0) {
            values.put("maybe", i);
        }
        values.put("extra_score", i * 3); // dynamic
        return new Gson().toJsonTree(values).getAsJsonObject();
    }

    @Test
    void everyFieldTypeSurvivesARoundTripAndARestart() {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir)) {
            MilvusClientV2 client = Clients.root(server);
            client.createDatabase(CreateDatabaseReq.builder().databaseName("analytics").build());
            IndexParam index = IndexParam.builder().fieldName("vec").indexType(IndexParam.IndexType.FLAT)
                    .metricType(IndexParam.MetricType.L2).build();
            client.createCollection(CreateCollectionReq.builder().databaseName("analytics").collectionName("items")
                    .collectionSchema(schema()).indexParams(List.of(index)).build());
            client.createPartition(CreatePartitionReq.builder().databaseName("analytics").collectionName("items")
                    .partitionName("recent").build());
            List<JsonObject> rows = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                rows.add(row(i));
            }
            client.insert(InsertReq.builder().databaseName("analytics").collectionName("items").data(rows).build());
            client.insert(InsertReq.builder().databaseName("analytics").collectionName("items")
                    .partitionName("recent").data(List.of(row(100))).build());
            client.createAlias(CreateAliasReq.builder().databaseName("analytics").collectionName("items")
                    .alias("items_now").build());
            client.close();

            server.kill9();
            server.restart();

            MilvusClientV2 again = Clients.connect(server, b -> b.token("root:Milvus").dbName("analytics"));
            DescribeCollectionResp described = again.describeCollection(DescribeCollectionReq.builder()
                    .collectionName("items_now").build());
            assertThat(described.getCollectionName()).isEqualTo("items");
            assertThat(described.getPrimaryFieldName()).isEqualTo("pk");
            assertThat(described.getEnableDynamicField()).isTrue();
            assertThat(again.hasPartition(HasPartitionReq.builder().collectionName("items")
                    .partitionName("recent").build())).isTrue();
            assertThat(again.listAliases(ListAliasesReq.builder().collectionName("items").build()).getAlias())
                    .containsExactly("items_now");
            again.loadCollection(LoadCollectionReq.builder().collectionName("items").build());

            QueryResp one = again.query(QueryReq.builder().collectionName("items_now")
                    .filter("pk == \"key_1005\"").outputFields(List.of("*")).build());
            Map<String, Object> entity = one.getQueryResults().get(0).getEntity();
            assertThat(entity).containsEntry("flag", false).containsEntry("i8", 5).containsEntry("i16", 50)
                    .containsEntry("i32", 5000).containsEntry("i64", 5_000_000_000L).containsEntry("f32", 2.5f)
                    .containsEntry("f64", 1.25).containsEntry("text", "t5").containsEntry("maybe", 5L)
                    .containsEntry("level", 7).containsEntry("extra_score", 15L);
            assertThat(entity.get("tags")).isEqualTo(List.of("c"));
            assertThat(entity.get("doc").toString()).contains("doc5");
            assertThat((List<?>) entity.get("vec")).hasSize(4);

            // Rows 0, 4, ..., 36 and 100 sent no value for the nullable field.
            assertThat(count(again, "maybe is null")).isEqualTo(11L);
            assertThat(count(again, "doc[\"nested\"][\"even\"] == true and i32 >= 10000")).isEqualTo(16L);
            assertThat(count(again, "array_contains(tags, \"a\") and text like \"t1%\"")).isEqualTo(3L);
            assertThat(count(again, "extra_score in [3, 6, 300]")).isEqualTo(3L);
            assertThat(count(again, "10 < i16 <= 100")).isEqualTo(9L);
            assertThat(again.query(QueryReq.builder().collectionName("items").partitionNames(List.of("recent"))
                    .filter("i64 >= 0").outputFields(List.of("pk")).build()).getQueryResults()).hasSize(1);

            // The query iterator pages through everything in primary-key order.
            QueryIterator iterator = again.queryIterator(QueryIteratorReq.builder().collectionName("items")
                    .expr("i64 >= 0").outputFields(List.of("pk")).batchSize(7).build());
            List<String> keys = new ArrayList<>();
            List<QueryResultsWrapperRow> page;
            while (!(page = rowsOf(iterator.next())).isEmpty()) {
                page.forEach(r -> keys.add((String) r.values().get("pk")));
            }
            iterator.close();
            assertThat(keys).hasSize(41).isSorted();

            List<Float> query = List.of(0.5f, 1f, 0.5f, -0.5f);
            var hits = again.search(SearchReq.builder().collectionName("items")
                    .data(List.<BaseVector>of(new FloatVec(query))).topK(3).outputFields(List.of("text"))
                    .build()).getSearchResults().get(0);
            assertThat(hits.get(0).getId()).isEqualTo("key_1005");
            assertThat(hits.get(0).getScore()).isEqualTo(0f);

            assertThatThrownBy(() -> again.query(QueryReq.builder().collectionName("items")
                    .filter("text > 5").build())).hasMessageContaining("cannot parse expression: text > 5");
            again.dropAlias(DropAliasReq.builder().alias("items_now").build());
            again.close();
        }
    }

    private record QueryResultsWrapperRow(Map<String, Object> values) {}

    private static List<QueryResultsWrapperRow> rowsOf(List<io.milvus.response.QueryResultsWrapper.RowRecord> page) {
        return page.stream().map(r -> new QueryResultsWrapperRow(r.getFieldValues())).toList();
    }

    private static Long count(MilvusClientV2 client, String filter) {
        return (Long) client.query(QueryReq.builder().collectionName("items").filter(filter)
                .outputFields(List.of("count(*)")).build()).getQueryResults().get(0).getEntity().get("count(*)");
    }
}
