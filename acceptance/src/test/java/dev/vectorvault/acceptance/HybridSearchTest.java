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
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.request.ranker.RRFRanker;
import io.milvus.v2.service.vector.request.ranker.WeightedRanker;
import io.milvus.v2.service.vector.response.SearchResp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java SDK v2 {@code hybridSearch} against the server process: a collection with two dense vector fields
 * ({@code dense}: COSINE on HNSW, {@code title}: IP on FLAT), searched with RRF and Weighted rankers, a filter on one
 * sub-request, paging, output fields and group-by. The expected answers are computed here from the same SDK's plain
 * searches of each sub-request and the rankers' formulas.
 */
@Timeout(300)
class HybridSearchTest {
    private static final int ROWS = 40;

    @TempDir
    Path dataDir;

    private static List<Float> dense(int i) {
        return List.of((float) Math.cos(i * 0.3), (float) Math.sin(i * 0.3), 0.2f, (float) (i % 5) * 0.1f);
    }

    private static List<Float> title(int i) {
        return List.of((float) ((i * 7) % 11) / 11f, (float) ((i * 3) % 13) / 13f, 1f);
    }

    private static void createDocs(MilvusClientV2 client) {
        CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
        schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).build());
        schema.addField(AddFieldReq.builder().fieldName("dense").dataType(DataType.FloatVector).dimension(4).build());
        schema.addField(AddFieldReq.builder().fieldName("title").dataType(DataType.FloatVector).dimension(3).build());
        schema.addField(AddFieldReq.builder().fieldName("doc").dataType(DataType.VarChar).maxLength(16).build());
        List<IndexParam> indexes = List.of(
                IndexParam.builder().fieldName("dense").indexType(IndexParam.IndexType.HNSW)
                        .metricType(IndexParam.MetricType.COSINE).extraParams(Map.of("M", 8, "efConstruction", 64))
                        .build(),
                IndexParam.builder().fieldName("title").indexType(IndexParam.IndexType.FLAT)
                        .metricType(IndexParam.MetricType.IP).build());
        client.createCollection(CreateCollectionReq.builder().collectionName("docs").collectionSchema(schema)
                .indexParams(indexes).build());
        List<JsonObject> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("id", (long) i);
            values.put("dense", dense(i));
            values.put("title", title(i));
            values.put("doc", "doc" + (i % 4));
            rows.add(new Gson().toJsonTree(values).getAsJsonObject());
        }
        client.insert(InsertReq.builder().collectionName("docs").data(rows).build());
    }

    private static final FloatVec DENSE_QUERY = new FloatVec(new float[] {0.9f, 0.4f, 0.2f, 0.1f});
    private static final FloatVec TITLE_QUERY = new FloatVec(new float[] {0.5f, 0.2f, 0.3f});

    private static AnnSearchReq denseRequest() {
        return AnnSearchReq.builder().vectorFieldName("dense").vectors(List.of(DENSE_QUERY)).limit(10)
                .params("{\"ef\": 64}").build();
    }

    private static AnnSearchReq titleRequest() {
        return AnnSearchReq.builder().vectorFieldName("title").vectors(List.of(TITLE_QUERY)).limit(8)
                .expr("id >= 10").build();
    }

    /** The same sub-request as a plain search: its hits, best first. */
    private static List<SearchResp.SearchResult> plain(MilvusClientV2 client, String field, FloatVec query,
                                                       int limit, String filter, Map<String, Object> params) {
        // An empty filter is not sent (the SDK sends the dsl only when it is set).
        return client.search(SearchReq.builder().collectionName("docs").annsField(field).data(List.of(query))
                .limit(limit).searchParams(params).filter(filter).build()).getSearchResults().get(0);
    }

    /** Fused scores in float, as the rankers compute them; ordered by score, then id. */
    private static List<Map.Entry<Long, Float>> fuse(List<List<SearchResp.SearchResult>> lists, float[] weights) {
        Map<Long, Float> scores = new HashMap<>();
        for (int l = 0; l < lists.size(); l++) {
            List<SearchResp.SearchResult> list = lists.get(l);
            for (int r = 0; r < list.size(); r++) {
                float add = weights == null ? 1f / (60f + (float) (r + 1)) : weights[l] * list.get(r).getScore();
                scores.merge((Long) list.get(r).getId(), add, Float::sum);
            }
        }
        List<Map.Entry<Long, Float>> out = new ArrayList<>(scores.entrySet());
        out.sort((a, b) -> a.getValue().equals(b.getValue()) ? Long.compare(a.getKey(), b.getKey())
                : Float.compare(b.getValue(), a.getValue()));
        return out;
    }

    private static void assertHits(List<SearchResp.SearchResult> hits, List<Map.Entry<Long, Float>> expected) {
        assertThat(hits.stream().map(SearchResp.SearchResult::getId).toList())
                .isEqualTo(expected.stream().map(e -> (Object) e.getKey()).toList());
        for (int i = 0; i < hits.size(); i++) {
            assertThat(hits.get(i).getScore()).isCloseTo(expected.get(i).getValue(), Offset.offset(1e-6f));
        }
    }

    @Test
    void rrfAndWeightedFuseTheSubSearchesAsMilvusDoes() {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir)) {
            MilvusClientV2 client = Clients.root(server);
            createDocs(client);
            List<List<SearchResp.SearchResult>> lists = List.of(
                    plain(client, "dense", DENSE_QUERY, 10, "", Map.of("ef", 64)),
                    plain(client, "title", TITLE_QUERY, 8, "id >= 10", Map.of()));
            assertThat(lists.get(0)).hasSize(10);
            assertThat(lists.get(1)).hasSize(8).allSatisfy(h -> assertThat((Long) h.getId()).isGreaterThanOrEqualTo(10L));

            SearchResp rrf = client.hybridSearch(HybridSearchReq.builder().collectionName("docs")
                    .searchRequests(List.of(denseRequest(), titleRequest()))
                    .ranker(RRFRanker.builder().k(60).build()).limit(6).outFields(List.of("doc")).build());
            List<SearchResp.SearchResult> rrfHits = rrf.getSearchResults().get(0);
            assertHits(rrfHits, fuse(lists, null).subList(0, 6));
            rrfHits.forEach(h -> assertThat(h.getEntity().get("doc")).isEqualTo("doc" + ((Long) h.getId() % 4)));

            // Offset pages the fused list.
            SearchResp paged = client.hybridSearch(HybridSearchReq.builder().collectionName("docs")
                    .searchRequests(List.of(denseRequest(), titleRequest()))
                    .ranker(RRFRanker.builder().k(60).build()).limit(3).offset(2).build());
            assertHits(paged.getSearchResults().get(0), fuse(lists, null).subList(2, 5));

            // Java SDK 2.6.22 sends no norm_score: Milvus 2.6 sums the raw scores (COSINE and IP: larger is better).
            float[] weights = {0.7f, 0.3f};
            SearchResp weighted = client.hybridSearch(HybridSearchReq.builder().collectionName("docs")
                    .searchRequests(List.of(denseRequest(), titleRequest()))
                    .ranker(WeightedRanker.builder().weights(List.of(0.7f, 0.3f)).build()).limit(5).build());
            assertHits(weighted.getSearchResults().get(0), fuse(lists, weights).subList(0, 5));

            assertThatThrownBy(() -> client.hybridSearch(HybridSearchReq.builder().collectionName("docs")
                    .searchRequests(List.of(denseRequest(), titleRequest()))
                    .ranker(WeightedRanker.builder().weights(List.of(1f)).build()).limit(5).build()))
                    .hasMessageContaining("the length of weights param mismatch with ann search requests");
            client.close();
        }
    }

    @Test
    void hybridGroupByReturnsLimitGroups() {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir)) {
            MilvusClientV2 client = Clients.root(server);
            createDocs(client);
            SearchResp grouped = client.hybridSearch(HybridSearchReq.builder().collectionName("docs")
                    .searchRequests(List.of(denseRequest(), titleRequest()))
                    .ranker(RRFRanker.builder().k(60).build()).limit(2).groupByFieldName("doc").groupSize(2)
                    .outFields(List.of("doc")).build());
            List<SearchResp.SearchResult> hits = grouped.getSearchResults().get(0);
            List<Object> docs = hits.stream().map(h -> h.getEntity().get("doc")).toList();
            assertThat(hits).hasSizeBetween(2, 4);
            assertThat(docs.stream().distinct().count()).isEqualTo(2);
            // Hits come group by group.
            for (int i = 1; i < docs.size(); i++) {
                if (!docs.get(i).equals(docs.get(i - 1))) {
                    assertThat(docs.subList(i, docs.size())).doesNotContain(docs.get(i - 1));
                }
            }
            client.close();
        }
    }
}
