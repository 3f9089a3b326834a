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
import io.milvus.v2.service.vector.request.AnnSearchReq;
import io.milvus.v2.service.vector.request.HybridSearchReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.request.data.SparseFloatVec;
import io.milvus.v2.service.vector.request.ranker.RRFRanker;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java SDK v2 with a SparseFloatVector field: a collection with a dense and a sparse field, rows inserted (two sealed
 * segments that get a SPARSE_INVERTED_INDEX, the rest growing), a sparse search equal to the brute force computed
 * here, a filter, a query returning the inserted sparse rows, a hybrid dense + sparse search, and the refusals.
 */
@Timeout(300)
class SparseVectorTest {
    private static final int ROWS = 2500;

    @TempDir
    Path dataDir;

    /** Row {@code i}: a few deterministic indices from a small vocabulary, values in eighths. */
    private static SortedMap<Long, Float> sparse(int i) {
        SortedMap<Long, Float> row = new TreeMap<>();
        for (int j = 0; j < 1 + i % 6; j++) {
            row.put((long) ((i * 31L + j * 17L) % 97), (1 + (i + j) % 8) / 8f);
        }
        if (i % 10 == 0) {
            row.put(4_000_000_000L, 0.5f); // an index above 2^31 (a uint32 on the wire)
        }
        return row;
    }

    private static List<Float> dense(int i) {
        return List.of((float) Math.cos(i * 0.1), (float) Math.sin(i * 0.1), 0.5f);
    }

    private static float dot(SortedMap<Long, Float> a, SortedMap<Long, Float> b) {
        float sum = 0;
        for (Map.Entry<Long, Float> e : a.entrySet()) {
            Float other = b.get(e.getKey());
            if (other != null) {
                sum += e.getValue() * other;
            }
        }
        return sum;
    }

    private static void create(MilvusClientV2 client) {
        CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
        schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).build());
        schema.addField(AddFieldReq.builder().fieldName("dense").dataType(DataType.FloatVector).dimension(3).build());
        schema.addField(AddFieldReq.builder().fieldName("sp").dataType(DataType.SparseFloatVector).build());
        schema.addField(AddFieldReq.builder().fieldName("tag").dataType(DataType.Int64).build());
        List<IndexParam> indexes = List.of(
                IndexParam.builder().fieldName("dense").indexType(IndexParam.IndexType.FLAT)
                        .metricType(IndexParam.MetricType.COSINE).build(),
                IndexParam.builder().fieldName("sp").indexType(IndexParam.IndexType.SPARSE_INVERTED_INDEX)
                        .metricType(IndexParam.MetricType.IP)
                        .extraParams(Map.of("inverted_index_algo", "DAAT_MAXSCORE", "drop_ratio_build", 0.2)).build());
        client.createCollection(CreateCollectionReq.builder().collectionName("docs").collectionSchema(schema)
                .indexParams(indexes).build());
        Gson gson = new Gson();
        for (int start = 0; start < ROWS; start += 500) {
            List<JsonObject> rows = new ArrayList<>();
            for (int i = start; i < start + 500; i++) {
                Map<String, Object> values = new LinkedHashMap<>();
                values.put("id", (long) i);
                values.put("dense", dense(i));
                values.put("sp", sparse(i));
                values.put("tag", (long) (i % 4));
                rows.add(gson.toJsonTree(values).getAsJsonObject());
            }
            client.insert(InsertReq.builder().collectionName("docs").data(rows).build());
        }
    }

    /** Brute force: positive inner products, best first, ties by smaller id. */
    private static List<Long> expected(SortedMap<Long, Float> query, int limit, long tag) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            if ((tag < 0 || i % 4 == tag) && dot(query, sparse(i)) > 0) {
                ids.add((long) i);
            }
        }
        ids.sort(Comparator.<Long>comparingDouble(i -> -dot(query, sparse(i.intValue()))).thenComparing(i -> i));
        return ids.subList(0, Math.min(limit, ids.size()));
    }

    @Test
    void sparseSearchQueryAndHybridSearchWorkThroughTheSdk() throws Exception {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir, "localStorage.segmentRows", "1024")) {
            MilvusClientV2 client = Clients.root(server);
            create(client);
            Thread.sleep(500); // let the sealed segments' indexes build; the answers are the same either way

            SortedMap<Long, Float> query = new TreeMap<>(Map.of(3L, 1f, 17L, 0.5f, 40L, 0.25f,
                    4_000_000_000L, 2f));
            for (long tag : new long[] {-1, 2}) {
                SearchResp resp = client.search(SearchReq.builder().collectionName("docs").annsField("sp")
                        .data(List.of(new SparseFloatVec(query))).limit(10)
                        .filter(tag < 0 ? "" : "tag == " + tag)
                        .searchParams(Map.of("drop_ratio_search", 0)).outputFields(List.of("sp", "tag")).build());
                List<SearchResp.SearchResult> hits = resp.getSearchResults().get(0);
                assertThat(hits.stream().map(h -> (Long) h.getId()).toList()).as("tag " + tag)
                        .isEqualTo(expected(query, 10, tag));
                for (SearchResp.SearchResult hit : hits) {
                    SortedMap<Long, Float> stored = sparse(((Long) hit.getId()).intValue());
                    assertThat(hit.getEntity().get("sp")).isEqualTo(stored);
                    assertThat(hit.getScore()).isCloseTo(dot(query, stored), Offset.offset(1e-5f));
                }
            }

            QueryResp queried = client.query(QueryReq.builder().collectionName("docs").filter("id in [0, 7, 2499]")
                    .outputFields(List.of("sp")).build());
            assertThat(queried.getQueryResults()).hasSize(3);
            for (QueryResp.QueryResult r : queried.getQueryResults()) {
                long id = (Long) r.getEntity().get("id");
                assertThat(r.getEntity().get("sp")).as("row " + id).isEqualTo(sparse((int) id));
            }

            FloatVec denseQuery = new FloatVec(new float[] {1f, 0.2f, 0.5f});
            SearchResp hybrid = client.hybridSearch(HybridSearchReq.builder().collectionName("docs")
                    .searchRequests(List.of(
                            AnnSearchReq.builder().vectorFieldName("dense").vectors(List.of(denseQuery)).limit(20)
                                    .build(),
                            AnnSearchReq.builder().vectorFieldName("sp").vectors(List.of(new SparseFloatVec(query)))
                                    .limit(20).params("{\"drop_ratio_search\": 0.1}").build()))
                    .ranker(RRFRanker.builder().k(60).build()).limit(10).outFields(List.of("tag")).build());
            List<SearchResp.SearchResult> fused = hybrid.getSearchResults().get(0);
            assertThat(fused).hasSize(10);
            Set<Object> ids = new HashSet<>();
            fused.forEach(h -> ids.add(h.getId()));
            assertThat(ids).hasSize(10);

            assertThatThrownBy(() -> client.search(SearchReq.builder().collectionName("docs").annsField("sp")
                    .data(List.of(new SparseFloatVec(query))).limit(5).searchParams(Map.of("drop_ratio_search", 1.5))
                    .build())).hasMessageContaining("drop_ratio_search");
            assertThatThrownBy(() -> client.search(SearchReq.builder().collectionName("docs").annsField("sp")
                    .data(List.of(denseQuery)).limit(5).build())).hasMessageContaining("vector type must be the same");
            client.close();
        }
    }

    @Test
    void aSparseFieldRefusesADimAndOtherMetrics() {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir)) {
            MilvusClientV2 client = Clients.root(server);
            CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
            schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).build());
            schema.addField(AddFieldReq.builder().fieldName("sp").dataType(DataType.SparseFloatVector).build());
            assertThatThrownBy(() -> client.createCollection(CreateCollectionReq.builder().collectionName("c")
                    .collectionSchema(schema).indexParams(List.of(IndexParam.builder().fieldName("sp")
                            .indexType(IndexParam.IndexType.SPARSE_WAND).metricType(IndexParam.MetricType.L2)
                            .build())).build())).hasMessageContaining("supported: [IP]");
            client.close();
        }
    }
}
