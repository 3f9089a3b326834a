package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.milvus.common.clientenum.FunctionType;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.EmbeddedText;
import io.milvus.v2.service.vector.request.highlighter.LexicalHighlighter;
import io.milvus.v2.service.vector.request.highlighter.SemanticHighlighter;
import io.milvus.v2.service.vector.response.SearchResp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search highlighter with the Java SDK 2.6.22 ({@code SearchReq.highlighter}): the collection and documents of
 * Milvus's "Text Highlighter" guide (standard analyzer, BM25 function, {@code enable_match}), its examples' searches
 * and the fragments the guide shows; highlight queries beside a {@code TEXT_MATCH} filter; the semantic highlighter
 * refused. The SDK hands each hit its own fragments ({@code SearchResult.getHighlightResult}).
 */
@Timeout(300)
class HighlighterTest {
    private static final String COLLECTION = "highlighter_demo";
    private static final List<String> DOCS = List.of("my first test doc", "my second test doc",
            "my first test doc. Milvus is an open-source vector database built for GenAI applications.",
            "my second test doc. Milvus is an open-source vector database that suits AI applications of every size"
                    + " from running a demo chatbot to building web-scale search.");

    @TempDir
    static Path dataDir;

    private static ServerProcess server;
    private static MilvusClientV2 client;

    @BeforeAll
    static void startAndFill() {
        server = ServerProcess.startWithAuth(dataDir);
        client = Clients.root(server);
        CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
        schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).build());
        schema.addField(AddFieldReq.builder().fieldName("text").dataType(DataType.VarChar).maxLength(2000)
                .enableAnalyzer(true).enableMatch(true).build());
        schema.addField(AddFieldReq.builder().fieldName("sparse_vector").dataType(DataType.SparseFloatVector)
                .build());
        schema.addFunction(CreateCollectionReq.Function.builder().name("text_bm25").functionType(FunctionType.BM25)
                .inputFieldNames(List.of("text")).outputFieldNames(List.of("sparse_vector")).build());
        client.createCollection(CreateCollectionReq.builder().collectionName(COLLECTION).collectionSchema(schema)
                .indexParams(List.of(IndexParam.builder().fieldName("sparse_vector")
                        .indexType(IndexParam.IndexType.SPARSE_INVERTED_INDEX)
                        .metricType(IndexParam.MetricType.BM25).build())).build());
        Gson gson = new Gson();
        List<JsonObject> rows = new ArrayList<>();
        for (int i = 0; i < DOCS.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", (long) i + 1);
            row.put("text", DOCS.get(i));
            rows.add(gson.toJsonTree(row).getAsJsonObject());
        }
        client.insert(InsertReq.builder().collectionName(COLLECTION).data(rows).build());
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

    private static SearchReq.SearchReqBuilder search(LexicalHighlighter highlighter, String... texts) {
        List<io.milvus.v2.service.vector.request.data.BaseVector> data = new ArrayList<>();
        for (String t : texts) {
            data.add(new EmbeddedText(t));
        }
        return SearchReq.builder().collectionName(COLLECTION).annsField("sparse_vector").data(data).limit(10)
                .searchParams(Map.of("drop_ratio_search", 0.0)).outputFields(List.of("text"))
                .highlighter(highlighter);
    }

    /** Each hit's fragments of field {@code text}, keyed by the hit's id. */
    private static Map<Long, List<String>> fragments(List<SearchResp.SearchResult> hits) {
        Map<Long, List<String>> out = new LinkedHashMap<>();
        for (SearchResp.SearchResult hit : hits) {
            SearchResp.HighlightResult highlight = hit.getHighlightResult("text");
            assertThat(highlight).as("hit %s", hit.getId()).isNotNull();
            assertThat(highlight.getFieldName()).isEqualTo("text");
            out.put((Long) hit.getId(), highlight.getFragments());
        }
        return out;
    }

    @Test
    void searchTermsAreHighlightedFromTheFirstMatchAsInMilvusGuide() {
        SearchResp resp = client.search(search(LexicalHighlighter.builder().preTags(List.of("{"))
                .postTags(List.of("}")).highlightSearchText(true).build(), "test").build());
        assertThat(fragments(resp.getSearchResults().get(0))).containsOnly(
                Map.entry(1L, List.of("{test} doc")), Map.entry(2L, List.of("{test} doc")),
                Map.entry(3L, List.of("{test} doc. Milvus is an open-source vector database built for GenAI"
                        + " applications.")),
                Map.entry(4L, List.of("{test} doc. Milvus is an open-source vector database that suits AI"
                        + " applications of every size from run")));

        // The default tags are <em> and </em>.
        SearchResp plain = client.search(search(LexicalHighlighter.builder().highlightSearchText(true).build(),
                "Milvus").build());
        assertThat(fragments(plain.getSearchResults().get(0))).containsOnly(
                Map.entry(3L, List.of("<em>Milvus</em> is an open-source vector database built for GenAI"
                        + " applications.")),
                Map.entry(4L, List.of("<em>Milvus</em> is an open-source vector database that suits AI applications"
                        + " of every size from running a dem")));
    }

    @Test
    void fragmentOptionsAndSeveralQueriesEachHighlightingItsOwnHitsAsInMilvusGuide() {
        LexicalHighlighter highlighter = LexicalHighlighter.builder().preTags(List.of("{")).postTags(List.of("}"))
                .highlightSearchText(true).fragmentOffset(20).fragmentSize(60).numOfFragments(1).build();
        SearchResp resp = client.search(search(highlighter, "Milvus", "second").limit(2).build());
        assertThat(resp.getSearchResults()).hasSize(2);
        assertThat(fragments(resp.getSearchResults().get(0))).containsOnly(
                Map.entry(3L, List.of("my first test doc. {Milvus} is an open-source vector database ")),
                Map.entry(4L, List.of("my second test doc. {Milvus} is an open-source vector database")));
        assertThat(fragments(resp.getSearchResults().get(1))).containsOnly(
                Map.entry(2L, List.of("my {second} test doc")),
                Map.entry(4L, List.of("my {second} test doc. Milvus is an open-source vector database")));
    }

    @Test
    void highlightQueryTermsOfATextMatchFilterAreHighlightedToo() {
        LexicalHighlighter highlighter = LexicalHighlighter.builder().preTags(List.of("{")).postTags(List.of("}"))
                .highlightSearchText(true)
                .addHighlightQuery(new LexicalHighlighter.HighlightQuery("TextMatch", "text", "my doc")).build();
        SearchResp resp = client.search(search(highlighter, "test").filter("TEXT_MATCH(text, 'my doc')").build());
        assertThat(fragments(resp.getSearchResults().get(0))).containsOnly(
                Map.entry(1L, List.of("{my} first {test} {doc}")), Map.entry(2L, List.of("{my} second {test} {doc}")),
                Map.entry(3L, List.of("{my} first {test} {doc}. Milvus is an open-source vector database built for"
                        + " GenAI applications.")),
                Map.entry(4L, List.of("{my} second {test} {doc}. Milvus is an open-source vector database that suits"
                        + " AI applications of every siz")));

        assertThatThrownBy(() -> client.search(search(LexicalHighlighter.builder()
                .addHighlightQuery(new LexicalHighlighter.HighlightQuery("TextMatch", "missing", "x")).build(),
                "test").build())).hasMessageContaining("highlight field not found in schema: missing");
    }

    @Test
    void theSemanticHighlighterIsRefusedForWantOfAModelService() {
        SearchReq request = SearchReq.builder().collectionName(COLLECTION).annsField("sparse_vector")
                .data(List.of(new EmbeddedText("test"))).limit(3).outputFields(List.of("text"))
                .highlighter(SemanticHighlighter.builder().queries(List.of("test")).inputFields(List.of("text"))
                        .build()).build();
        assertThatThrownBy(() -> client.search(request)).hasMessageContaining("Create SemanticHighlight failed")
                .hasMessageContaining("needs a model service");
    }
}
