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
import io.milvus.v2.service.vector.request.FunctionScore;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.request.ranker.DecayRanker;
import io.milvus.v2.service.vector.request.ranker.RRFRanker;
import io.milvus.v2.service.vector.response.SearchResp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java SDK v2 search with a decay {@code functionScore} against the server process: an IP collection whose rows carry
 * a {@code year}; the expected order is computed here from the same SDK's plain search and the decay formula.
 */
@Timeout(300)
class DecayRerankTest {
    private static final int ROWS = 30;

    @TempDir
    Path dataDir;

    private static void createItems(MilvusClientV2 client) {
        CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
        schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).build());
        schema.addField(AddFieldReq.builder().fieldName("vec").dataType(DataType.FloatVector).dimension(3).build());
        schema.addField(AddFieldReq.builder().fieldName("year").dataType(DataType.Int32).build());
        IndexParam index = IndexParam.builder().fieldName("vec").indexType(IndexParam.IndexType.FLAT)
                .metricType(IndexParam.MetricType.IP).build();
        client.createCollection(CreateCollectionReq.builder().collectionName("items").collectionSchema(schema)
                .indexParams(List.of(index)).build());
        List<JsonObject> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("id", (long) i);
            values.put("vec", List.of(1f - i * 0.01f, 0.5f, (i % 3) * 0.1f));
            values.put("year", 2000 + i);
            rows.add(new Gson().toJsonTree(values).getAsJsonObject());
        }
        client.insert(InsertReq.builder().collectionName("items").data(rows).build());
    }

    private static final FloatVec QUERY = new FloatVec(new float[] {1f, 0.2f, 0.1f});

    @Test
    void decayFunctionScoreReranksBySearchScoreTimesTheFactorOfTheField() {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir)) {
            MilvusClientV2 client = Clients.root(server);
            createItems(client);
            int limit = 5;
            int offset = 2;
            List<SearchResp.SearchResult> plain = client.search(SearchReq.builder().collectionName("items")
                    .data(List.of(QUERY)).limit(limit + offset).outputFields(List.of("year")).build())
                    .getSearchResults().get(0);
            assertThat(plain).hasSize(limit + offset);
            // Linear decay around 2004: factor 1 there, 0.5 three years away or further.
            List<Map.Entry<Long, Float>> expected = new ArrayList<>();
            for (SearchResp.SearchResult hit : plain) {
                double distance = Math.abs(((Number) hit.getEntity().get("year")).doubleValue() - 2004);
                double factor = Math.max(0.5, 1 - 0.5 / 3 * distance);
                expected.add(Map.entry((Long) hit.getId(), (float) factor * hit.getScore()));
            }
            expected.sort((a, b) -> a.getValue().equals(b.getValue()) ? Long.compare(a.getKey(), b.getKey())
                    : Float.compare(b.getValue(), a.getValue()));

            DecayRanker decay = DecayRanker.builder().name("recent").inputFieldNames(List.of("year"))
                    .function("linear").origin(2004).scale(3).decay(0.5).build();
            SearchResp reranked = client.search(SearchReq.builder().collectionName("items").data(List.of(QUERY))
                    .limit(limit).offset(offset).outputFields(List.of("year"))
                    .functionScore(FunctionScore.builder().addFunction(decay).build()).build());
            List<SearchResp.SearchResult> hits = reranked.getSearchResults().get(0);
            List<Map.Entry<Long, Float>> window = expected.subList(offset, offset + limit);
            assertThat(hits.stream().map(SearchResp.SearchResult::getId).toList())
                    .isEqualTo(window.stream().map(e -> (Object) e.getKey()).toList());
            for (int i = 0; i < hits.size(); i++) {
                assertThat(hits.get(i).getScore()).isCloseTo(window.get(i).getValue(), Offset.offset(1e-6f));
                assertThat(hits.get(i).getEntity()).containsKey("year");
            }
            // The reranked order differs from the vector order here, so the rerank is not a no-op.
            assertThat(expected.stream().map(Map.Entry::getKey).toList())
                    .isNotEqualTo(plain.stream().map(SearchResp.SearchResult::getId).toList());

            assertThatThrownBy(() -> client.search(SearchReq.builder().collectionName("items")
                    .data(List.of(QUERY)).limit(3).functionScore(FunctionScore.builder().addFunction(
                            DecayRanker.builder().name("bad").inputFieldNames(List.of("year")).function("gauss")
                                    .origin(2020).scale(0).build()).build()).build()))
                    .hasMessageContaining("Decay function param: scale must > 0");
            assertThatThrownBy(() -> client.search(SearchReq.builder().collectionName("items")
                    .data(List.of(QUERY)).limit(3).functionScore(FunctionScore.builder().addFunction(
                            RRFRanker.builder().k(60).build()).build()).build()))
                    .hasMessageContaining("function_score (rrf reranker");
        }
    }
}
