package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.milvus.common.clientenum.FunctionType;
import io.milvus.orm.iterator.QueryIterator;
import io.milvus.response.QueryResultsWrapper;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.vector.request.AnnSearchReq;
import io.milvus.v2.service.vector.request.HybridSearchReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryIteratorReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.EmbeddedText;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.request.ranker.RRFRanker;
import io.milvus.v2.service.vector.request.ranker.WeightedRanker;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java SDK v2 with a LangChain-style retrieval collection (the shape LangChain's and LlamaIndex's Milvus hybrid
 * retrievers create): a dense vector, a VarChar text with an analyzer and {@code enable_match}, and a BM25 function
 * filling a sparse field. Filled over several sealed segments and a growing one, then: full-text search with raw
 * text, {@code text_match} / {@code phrase_match} in query and in a search filter, hybrid search (dense + BM25) with
 * RRF and Weighted rankers (expected answers computed from the same SDK's plain searches), and grouped full-text
 * search. One server for the class.
 */
@Timeout(300)
class FullTextSearchTest {
    private static final String COLLECTION = "rag";
    private static final int ROWS = 300;
    private static final Set<String> STOP = Set.of("the", "and", "of", "a");
    /** Words the english analyzer keeps as they are (no stemming changes them), and stop words. */
    private static final String[] WORDS = ("rice soup bread salt water fish lemon pot pan oven the and of a green"
            + " tea milk honey").split(" ");

    @TempDir
    static Path dataDir;

    private static ServerProcess server;
    private static MilvusClientV2 client;

    /** Row {@code i}'s text: 3 to 9 words, deterministic. */
    static String text(int i) {
        int n = 3 + (i * 7) % 7;
        StringBuilder out = new StringBuilder();
        for (int w = 0; w < n; w++) {
            out.append(w == 0 ? "" : " ").append(WORDS[(int) ((i * 31L + w * w * 17L + w * 5L) % WORDS.length)]);
        }
        return i % 5 == 0 ? out.toString().toUpperCase() : out.toString();
    }

    static List<Float> dense(int i) {
        return List.of((float) Math.cos(i * 0.37), (float) Math.sin(i * 0.37), 0.3f, (float) (i % 7) * 0.1f);
    }

    /** The english analyzer on these texts: lowercase words, stop words removed keeping their positions. */
    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        for (String word : text.toLowerCase().split(" ")) {
            out.add(STOP.contains(word) ? null : word);
        }
        return out;
    }

    static boolean textMatch(String text, String query) {
        List<String> doc = tokens(text);
        return tokens(query).stream().anyMatch(q -> q != null && doc.contains(q));
    }

    /**
     * A two-word phrase with Milvus's slop: the second word {@code slop} positions or fewer away from right after the
     * first (before it too: a swapped pair is 2 away).
     */
    static boolean phraseMatch(String text, String first, String second, int slop) {
        List<String> doc = tokens(text);
        for (int i = 0; i < doc.size(); i++) {
            for (int j = 0; j < doc.size(); j++) {
                if (first.equals(doc.get(i)) && second.equals(doc.get(j)) && Math.abs(j - i - 1) <= slop) {
                    return true;
                }
            }
        }
        return false;
    }

    @BeforeAll
    static void startAndFill() {
        server = ServerProcess.startWithAuth(dataDir, "localStorage.segmentRows", "64");
        client = Clients.root(server);
        CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
        schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).build());
        schema.addField(AddFieldReq.builder().fieldName("text").dataType(DataType.VarChar).maxLength(1000)
                .enableAnalyzer(true).analyzerParams(Map.of("type", "english")).enableMatch(true).build());
        schema.addField(AddFieldReq.builder().fieldName("doc").dataType(DataType.VarChar).maxLength(16).build());
        schema.addField(AddFieldReq.builder().fieldName("dense").dataType(DataType.FloatVector).dimension(4).build());
        schema.addField(AddFieldReq.builder().fieldName("sparse").dataType(DataType.SparseFloatVector).build());
        schema.addFunction(CreateCollectionReq.Function.builder().name("text_bm25").functionType(FunctionType.BM25)
                .inputFieldNames(List.of("text")).outputFieldNames(List.of("sparse")).build());
        List<IndexParam> indexes = List.of(
                IndexParam.builder().fieldName("dense").indexType(IndexParam.IndexType.FLAT)
                        .metricType(IndexParam.MetricType.COSINE).build(),
                IndexParam.builder().fieldName("sparse").indexType(IndexParam.IndexType.SPARSE_INVERTED_INDEX)
                        .metricType(IndexParam.MetricType.BM25).build());
        client.createCollection(CreateCollectionReq.builder().collectionName(COLLECTION).collectionSchema(schema)
                .indexParams(indexes).build());
        Gson gson = new Gson();
        for (int start = 0; start < ROWS; start += 100) {
            List<JsonObject> rows = new ArrayList<>();
            for (int i = start; i < start + 100; i++) {
                Map<String, Object> values = new LinkedHashMap<>();
                values.put("id", (long) i);
                values.put("text", text(i));
                values.put("doc", "doc" + (i % 6));
                values.put("dense", dense(i));
                rows.add(gson.toJsonTree(values).getAsJsonObject());
            }
            client.insert(InsertReq.builder().collectionName(COLLECTION).data(rows).build());
        }
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

    private static List<Long> ids(List<QueryResp.QueryResult> rows) {
        return rows.stream().map(r -> (Long) r.getEntity().get("id")).sorted().toList();
    }

    private static List<Long> expected(java.util.function.IntPredicate matches) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            if (matches.test(i)) {
                out.add((long) i);
            }
        }
        return out;
    }

    @Test
    void textMatchAndPhraseMatchInQuery() {
        QueryResp any = client.query(QueryReq.builder().collectionName(COLLECTION)
                .filter("text_match(text, 'LEMON honey')").outputFields(List.of("id", "text")).build());
        List<Long> want = expected(i -> textMatch(text(i), "lemon honey"));
        assertThat(want).isNotEmpty().hasSizeLessThan(ROWS);
        assertThat(ids(any.getQueryResults())).isEqualTo(want);

        QueryResp combined = client.query(QueryReq.builder().collectionName(COLLECTION)
                .filter("TEXT_MATCH(text, 'rice') and doc == 'doc2'").outputFields(List.of("id")).build());
        assertThat(ids(combined.getQueryResults()))
                .isEqualTo(expected(i -> textMatch(text(i), "rice") && i % 6 == 2));

        for (int slop : new int[] {0, 2}) {
            QueryResp phrase = client.query(QueryReq.builder().collectionName(COLLECTION)
                    .filter("phrase_match(text, 'green tea', " + slop + ")").outputFields(List.of("id")).build());
            assertThat(ids(phrase.getQueryResults())).as("slop " + slop)
                    .isEqualTo(expected(i -> phraseMatch(text(i), "green", "tea", slop)));
        }

        QueryResp templated = client.query(QueryReq.builder().collectionName(COLLECTION)
                .filter("not text_match(text, {words})").filterTemplateValues(Map.of("words", "salt water"))
                .outputFields(List.of("id")).build());
        assertThat(ids(templated.getQueryResults())).isEqualTo(expected(i -> !textMatch(text(i), "salt water")));

        assertThatThrownBy(() -> client.query(QueryReq.builder().collectionName(COLLECTION)
                .filter("text_match(doc, 'doc1')").build())).hasMessageContaining("field \"doc\" does not enable match");

        // The query iterator pages the same rows.
        QueryIterator iterator = client.queryIterator(QueryIteratorReq.builder().collectionName(COLLECTION)
                .expr("text_match(text, 'lemon honey')").outputFields(List.of("id")).batchSize(7).build());
        List<Long> paged = new ArrayList<>();
        List<QueryResultsWrapper.RowRecord> batch;
        while (!(batch = iterator.next()).isEmpty()) {
            batch.forEach(r -> paged.add((Long) r.get("id")));
        }
        iterator.close();
        assertThat(paged.stream().sorted().toList()).isEqualTo(want);
    }

    @Test
    void fullTextSearchWithRawTextFindsOnlyDocumentsHoldingTheWords() {
        SearchResp resp = client.search(SearchReq.builder().collectionName(COLLECTION).annsField("sparse")
                .data(List.of(new EmbeddedText("fish soup"), new EmbeddedText("Honey!"))).limit(8)
                .outputFields(List.of("text")).build());
        assertThat(resp.getSearchResults()).hasSize(2);
        String[] queries = {"fish soup", "honey"};
        for (int q = 0; q < 2; q++) {
            List<SearchResp.SearchResult> hits = resp.getSearchResults().get(q);
            String query = queries[q];
            assertThat(hits).hasSize(Math.min(8, expected(i -> textMatch(text(i), query)).size()));
            for (int h = 0; h < hits.size(); h++) {
                SearchResp.SearchResult hit = hits.get(h);
                assertThat(textMatch((String) hit.getEntity().get("text"), query)).as("hit %s", hit).isTrue();
                assertThat(hit.getScore()).isPositive();
                if (h > 0) {
                    assertThat(hit.getScore()).isLessThanOrEqualTo(hits.get(h - 1).getScore());
                }
            }
        }

        // text_match in the filter of a dense search.
        SearchResp filtered = client.search(SearchReq.builder().collectionName(COLLECTION).annsField("dense")
                .data(List.of(new FloatVec(new float[] {1f, 0.2f, 0.3f, 0.1f}))).limit(5)
                .filter("text_match(text, 'oven')").outputFields(List.of("text")).build());
        assertThat(filtered.getSearchResults().get(0)).hasSize(Math.min(5, expected(i -> textMatch(text(i), "oven"))
                .size())).allSatisfy(h -> assertThat(textMatch((String) h.getEntity().get("text"), "oven")).isTrue());
    }

    private static final FloatVec DENSE_QUERY = new FloatVec(new float[] {0.8f, 0.5f, 0.3f, 0.2f});
    private static final String TEXT_QUERY = "lemon tea with honey";

    private static AnnSearchReq denseRequest() {
        return AnnSearchReq.builder().vectorFieldName("dense").vectors(List.of(DENSE_QUERY)).limit(10).build();
    }

    private static AnnSearchReq textRequest() {
        return AnnSearchReq.builder().vectorFieldName("sparse").vectors(List.of(new EmbeddedText(TEXT_QUERY)))
                .limit(10).build();
    }

    private static List<SearchResp.SearchResult> plain(String field, Object query) {
        return client.search(SearchReq.builder().collectionName(COLLECTION).annsField(field)
                .data(List.of(query instanceof String s ? new EmbeddedText(s) : (FloatVec) query)).limit(10).build())
                .getSearchResults().get(0);
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

    private static void assertFused(List<SearchResp.SearchResult> hits, List<Map.Entry<Long, Float>> expected) {
        assertThat(hits).hasSameSizeAs(expected);
        for (int i = 0; i < hits.size(); i++) {
            assertThat(hits.get(i).getScore()).as("score %d", i)
                    .isCloseTo(expected.get(i).getValue(), Offset.offset(1e-5f));
        }
        // Equal fused scores may come in either order; the set at each score must agree.
        assertThat(hits.stream().map(h -> (Object) h.getId()).toList())
                .containsExactlyInAnyOrderElementsOf(expected.stream().map(e -> (Object) e.getKey()).toList());
    }

    @Test
    void hybridDensePlusBm25WithRrfAndWeightedRankers() {
        List<List<SearchResp.SearchResult>> lists = List.of(plain("dense", DENSE_QUERY), plain("sparse", TEXT_QUERY));
        assertThat(lists.get(1)).isNotEmpty();

        SearchResp rrf = client.hybridSearch(HybridSearchReq.builder().collectionName(COLLECTION)
                .searchRequests(List.of(denseRequest(), textRequest())).ranker(RRFRanker.builder().k(60).build())
                .limit(8).outFields(List.of("text")).build());
        List<Map.Entry<Long, Float>> rrfExpected = fuse(lists, null);
        assertFused(rrf.getSearchResults().get(0), rrfExpected.subList(0, Math.min(8, rrfExpected.size())));

        float[] weights = {0.3f, 0.7f};
        SearchResp weighted = client.hybridSearch(HybridSearchReq.builder().collectionName(COLLECTION)
                .searchRequests(List.of(denseRequest(), textRequest()))
                .ranker(WeightedRanker.builder().weights(List.of(0.3f, 0.7f)).build()).limit(6).build());
        List<Map.Entry<Long, Float>> weightedExpected = fuse(lists, weights);
        assertFused(weighted.getSearchResults().get(0), weightedExpected.subList(0, Math.min(6,
                weightedExpected.size())));

        // A text_match filter on the dense sub-request narrows what it contributes.
        AnnSearchReq filteredDense = AnnSearchReq.builder().vectorFieldName("dense").vectors(List.of(DENSE_QUERY))
                .limit(10).expr("text_match(text, 'bread')").build();
        SearchResp narrowed = client.hybridSearch(HybridSearchReq.builder().collectionName(COLLECTION)
                .searchRequests(List.of(filteredDense, textRequest())).ranker(RRFRanker.builder().k(60).build())
                .limit(20).outFields(List.of("text")).build());
        for (SearchResp.SearchResult hit : narrowed.getSearchResults().get(0)) {
            String text = (String) hit.getEntity().get("text");
            assertThat(textMatch(text, "bread") || textMatch(text, TEXT_QUERY)).as("hit %s", hit).isTrue();
        }
    }

    @Test
    void groupedFullTextSearchReturnsLimitGroups() {
        SearchResp grouped = client.search(SearchReq.builder().collectionName(COLLECTION).annsField("sparse")
                .data(List.of(new EmbeddedText("rice bread soup"))).limit(3).groupByFieldName("doc").groupSize(2)
                .outputFields(List.of("doc", "text")).build());
        List<SearchResp.SearchResult> hits = grouped.getSearchResults().get(0);
        Map<Object, Integer> perGroup = new LinkedHashMap<>();
        hits.forEach(h -> perGroup.merge(h.getEntity().get("doc"), 1, Integer::sum));
        assertThat(perGroup).hasSize(3);
        assertThat(perGroup.values()).allSatisfy(n -> assertThat(n).isBetween(1, 2));
        hits.forEach(h -> assertThat(textMatch((String) h.getEntity().get("text"), "rice bread soup")).isTrue());
    }
}
