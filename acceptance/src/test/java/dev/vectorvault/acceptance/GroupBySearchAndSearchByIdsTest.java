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
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.SearchResp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java SDK v2 group-by search ({@code groupByFieldName}, {@code groupSize}, {@code strictGroupSize}) and search by
 * primary keys ({@code ids}) against the server process: a RAG-style collection of chunks grouped by document.
 */
@Timeout(300)
class GroupBySearchAndSearchByIdsTest {
    private static final int DOCS = 6;

    @TempDir
    Path dataDir;

    /** Chunk i belongs to document "doc" + (i % 6); its vector walks along a line, so nearness follows i. */
    private static JsonObject chunk(int i) {
        Map<String, Object> values = new java.util.LinkedHashMap<>();
        values.put("id", (long) i);
        values.put("vec", List.of(i * 0.1f, 1f, 0.5f, -i * 0.1f));
        values.put("doc", "doc" + (i % DOCS));
        values.put("weight", i / 3.0);
        return new Gson().toJsonTree(values).getAsJsonObject();
    }

    private static void createChunks(MilvusClientV2 client) {
        CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
        schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).build());
        schema.addField(AddFieldReq.builder().fieldName("vec").dataType(DataType.FloatVector).dimension(4).build());
        schema.addField(AddFieldReq.builder().fieldName("doc").dataType(DataType.VarChar).maxLength(16).build());
        schema.addField(AddFieldReq.builder().fieldName("weight").dataType(DataType.Double).build());
        IndexParam index = IndexParam.builder().fieldName("vec").indexType(IndexParam.IndexType.FLAT)
                .metricType(IndexParam.MetricType.L2).build();
        client.createCollection(CreateCollectionReq.builder().collectionName("chunks").collectionSchema(schema)
                .indexParams(List.of(index)).build());
        List<JsonObject> rows = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            rows.add(chunk(i));
        }
        client.insert(InsertReq.builder().collectionName("chunks").data(rows).build());
    }

    /** Near chunk {@code i}, off the midpoints, so no two chunks are equally near. */
    private static List<BaseVector> near(double i) {
        return List.of(new FloatVec(new float[] {(float) (i * 0.1), 1f, 0.5f, (float) (-i * 0.1)}));
    }

    @Test
    void groupBySearchReturnsLimitGroupsOfGroupSizeHits() {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir)) {
            MilvusClientV2 client = Clients.root(server);
            createChunks(client);
            SearchResp grouped = client.search(SearchReq.builder().collectionName("chunks").data(near(30.3))
                    .limit(3).groupByFieldName("doc").groupSize(2).strictGroupSize(true)
                    .outputFields(List.of("doc")).build());
            List<SearchResp.SearchResult> hits = grouped.getSearchResults().get(0);
            // Three documents, two chunks each, the groups in the order of their best chunk.
            assertThat(hits).hasSize(6);
            List<Object> docs = hits.stream().map(h -> h.getEntity().get("doc")).toList();
            // Nearness: 30 (doc0), 31 (doc1), 29 (doc5), ...; 36 and 25 and 35 are their documents' next chunks.
            assertThat(docs).containsExactly("doc0", "doc0", "doc1", "doc1", "doc5", "doc5");
            assertThat(hits.stream().map(SearchResp.SearchResult::getId).toList())
                    .containsExactly(30L, 36L, 31L, 25L, 29L, 35L);

            // offset skips groups; the default group size is 1.
            SearchResp paged = client.search(SearchReq.builder().collectionName("chunks").data(near(30.3))
                    .limit(2).offset(1).groupByFieldName("doc").outputFields(List.of("doc")).build());
            assertThat(paged.getSearchResults().get(0).stream().map(h -> h.getEntity().get("doc")).toList())
                    .containsExactly("doc1", "doc5");

            // All six documents when the limit asks for more groups than exist.
            SearchResp all = client.search(SearchReq.builder().collectionName("chunks").data(near(0))
                    .limit(10).groupByFieldName("doc").groupSize(3).outputFields(List.of("doc")).build());
            Set<Object> distinct = new LinkedHashSet<>();
            all.getSearchResults().get(0).forEach(h -> distinct.add(h.getEntity().get("doc")));
            assertThat(distinct).hasSize(DOCS);
            assertThat(all.getSearchResults().get(0)).hasSize(DOCS * 3);

            assertThatThrownBy(() -> client.search(SearchReq.builder().collectionName("chunks").data(near(0))
                    .limit(3).groupByFieldName("weight").build()))
                    .hasMessageContaining("unsupported data type Double for group by operator");
            assertThatThrownBy(() -> client.search(SearchReq.builder().collectionName("chunks").data(near(0))
                    .limit(3).groupByFieldName("doc").groupSize(11).build()))
                    .hasMessageContaining("exceeds configured max group size:10");
            client.close();
        }
    }

    @Test
    void searchByIdsUsesTheStoredVectorsInRequestOrder() {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir)) {
            MilvusClientV2 client = Clients.root(server);
            createChunks(client);
            SearchResp byIds = client.search(SearchReq.builder().collectionName("chunks").annsField("vec")
                    .ids(List.of(42L, 7L)).limit(3).outputFields(List.of("doc")).build());
            assertThat(byIds.getSearchResults()).hasSize(2);
            assertThat(byIds.getSearchResults().get(0).get(0).getId()).isEqualTo(42L);
            assertThat(byIds.getSearchResults().get(0).get(0).getScore()).isZero();
            assertThat(byIds.getSearchResults().get(1).get(0).getId()).isEqualTo(7L);
            assertThat(byIds.getSearchResults().get(1).get(0).getEntity()).containsEntry("doc", "doc1");

            // Grouped too, and with the anns field left out (the collection has one vector field).
            SearchResp grouped = client.search(SearchReq.builder().collectionName("chunks").ids(List.of(30L))
                    .limit(2).groupByFieldName("doc").outputFields(List.of("doc")).build());
            List<Object> ids = grouped.getSearchResults().get(0).stream().map(SearchResp.SearchResult::getId)
                    .toList();
            assertThat(ids).hasSize(2).startsWith(30L);
            assertThat(ids.get(1)).isIn(29L, 31L); // equally near; either document may come second

            assertThatThrownBy(() -> client.search(SearchReq.builder().collectionName("chunks").annsField("vec")
                    .ids(List.of(1L, 1000L)).limit(3).build()))
                    .hasMessageContaining("some of the provided primary key IDs do not exist: missing IDs = [1000]");
            client.close();
        }
    }
}
