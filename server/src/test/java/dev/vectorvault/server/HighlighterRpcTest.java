package dev.vectorvault.server;

import static dev.vectorvault.server.SmallCollection.ok;
import static dev.vectorvault.server.SmallCollection.pair;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.FunctionSchema;
import io.milvus.grpc.FunctionType;
import io.milvus.grpc.HighlightData;
import io.milvus.grpc.HighlightResult;
import io.milvus.grpc.HighlightType;
import io.milvus.grpc.Highlighter;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.PlaceholderGroup;
import io.milvus.grpc.PlaceholderType;
import io.milvus.grpc.PlaceholderValue;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.SearchRequest;
import io.milvus.grpc.SearchResults;
import io.milvus.grpc.Status;
import io.milvus.grpc.StringArray;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SearchRequest.highlighter} over the wire: the lexical highlighter's fragments laid out as Milvus lays them out
 * (one {@code HighlightResult} per highlighted field, one {@code HighlightData} per hit in result order across all
 * queries), the highlighted field read even when it is not an output field, and the refusals (1100): a semantic
 * highlighter (no model service), search-text highlighting of a search that is not full-text, fields without an
 * analyzer or unknown, and the highlighter bounds ({@code proxy.highlighter.*}).
 */
@Timeout(120)
class HighlighterRpcTest {
    private static final List<String> TEXTS = List.of("How to cook rice", "Cooking pasta and rice, rice, rice",
            "The weather today");

    @TempDir
    Path dataDir;
    private LoopbackServer server;
    private MilvusServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.start(dataDir, Map.of("proxy.highlighter.maxNumOfFragments", "7",
                "proxy.highlighter.maxResultChars", "400"));
        stub = MilvusServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
        createDocs(stub);
    }

    /**
     * Creates, fills and loads {@code docs}: {@code text} (english analyzer, the BM25 function's input, output
     * {@code sp}), {@code title} (standard analyzer), {@code plain} (no analyzer); rows 1..3 hold {@link #TEXTS}.
     */
    static void createDocs(MilvusServiceBlockingStub stub) {
        CollectionSchema schema = CollectionSchema.newBuilder().setName("docs")
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("text").setDataType(DataType.VarChar)
                        .addTypeParams(pair("max_length", "200")).addTypeParams(pair("enable_analyzer", "true"))
                        .addTypeParams(pair("analyzer_params", "{\"type\":\"english\"}")))
                .addFields(FieldSchema.newBuilder().setName("title").setDataType(DataType.VarChar)
                        .addTypeParams(pair("max_length", "200")).addTypeParams(pair("enable_analyzer", "true")))
                .addFields(FieldSchema.newBuilder().setName("plain").setDataType(DataType.VarChar)
                        .addTypeParams(pair("max_length", "200")))
                .addFields(FieldSchema.newBuilder().setName("sp").setDataType(DataType.SparseFloatVector)
                        .setIsFunctionOutput(true))
                .addFunctions(FunctionSchema.newBuilder().setName("bm25").setType(FunctionType.BM25)
                        .addInputFieldNames("text").addOutputFieldNames("sp"))
                .build();
        ok(stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName("docs")
                .setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
        ok(stub.insert(InsertRequest.newBuilder().setCollectionName("docs").setNumRows(3)
                .addFieldsData(FieldData.newBuilder().setFieldName("id").setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(LongArray.newBuilder()
                                .addData(1).addData(2).addData(3))))
                .addFieldsData(strings("text", TEXTS))
                .addFieldsData(strings("title", List.of("Rice", "Pasta night", "Weather report")))
                .addFieldsData(strings("plain", List.of("a", "b", "c")))
                .build()).getStatus());
        ok(stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName("docs").setFieldName("sp")
                .addExtraParams(pair("index_type", "SPARSE_INVERTED_INDEX")).build()));
        ok(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("docs").build()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static FieldData strings(String name, List<String> values) {
        return FieldData.newBuilder().setFieldName(name).setType(DataType.VarChar)
                .setScalars(ScalarField.newBuilder().setStringData(StringArray.newBuilder().addAllData(values)))
                .build();
    }

    static SearchRequest.Builder fullText(Highlighter.Builder highlighter, String... texts) {
        PlaceholderValue.Builder value = PlaceholderValue.newBuilder().setTag("$0").setType(PlaceholderType.VarChar);
        for (String t : texts) {
            value.addValues(ByteString.copyFromUtf8(t));
        }
        return SearchRequest.newBuilder().setCollectionName("docs").setNq(texts.length)
                .setPlaceholderGroup(PlaceholderGroup.newBuilder().addPlaceholders(value).build().toByteString())
                .setDslType(io.milvus.grpc.DslType.BoolExprV1).addSearchParams(pair("anns_field", "sp"))
                .addSearchParams(pair("topk", "10")).addSearchParams(pair("metric_type", "BM25"))
                .setHighlighter(highlighter);
    }

    static Highlighter.Builder lexical(String... keyValues) {
        Highlighter.Builder h = Highlighter.newBuilder().setType(HighlightType.Lexical);
        for (int i = 0; i < keyValues.length; i += 2) {
            h.addParams(pair(keyValues[i], keyValues[i + 1]));
        }
        return h;
    }

    static List<List<String>> fragments(HighlightResult result) {
        return result.getDatasList().stream().map(HighlightData::getFragmentsList).map(List::copyOf).toList();
    }

    private static void refused(Status status, String reason) {
        assertThat(status.getCode()).as(status.getReason()).isEqualTo(1100);
        assertThat(status.getReason()).isEqualTo(reason);
    }

    @Test
    void eachQuerysSearchTextIsHighlightedInItsOwnHitsOneDataPerHitInResultOrder() {
        SearchResults results = stub.search(fullText(lexical("highlight_search_text", "true", "pre_tags", "[\"{\"]",
                "post_tags", "[\"}\"]"), "cooked rice", "weather").build());
        ok(results.getStatus());
        assertThat(results.getResults().getTopksList()).containsExactly(2L, 1L);
        assertThat(results.getResults().getIds().getIntId().getDataList()).containsExactly(2L, 1L, 3L);
        assertThat(results.getResults().getHighlightResultsList()).singleElement().satisfies(r -> {
            assertThat(r.getFieldName()).isEqualTo("text");
            // Query 0 ("cooked rice": cook, rice) marks hits 2 and 1; query 1 ("weather") marks hit 3 only.
            assertThat(fragments(r)).containsExactly(List.of("{Cooking} pasta and {rice}, {rice}, {rice}"),
                    List.of("{cook} {rice}"), List.of("{weather} today"));
            assertThat(r.getDatasList()).allSatisfy(d -> assertThat(d.getScoresList()).isEmpty());
        });
        // The highlighted field is read for the highlights, not returned: no output field was asked for.
        assertThat(results.getResults().getFieldsDataList()).extracting(FieldData::getFieldName)
                .containsExactly("id");
    }

    @Test
    void highlightQueryTermsMarkEveryHitWithTheirFieldsAnalyzerBesideTheSearchText() {
        SearchResults results = stub.search(fullText(lexical("highlight_search_text", "true",
                "highlight_query", "[{\"type\":\"TextMatch\",\"field\":\"title\",\"text\":\"RICE pasta\"},"
                        + "{\"type\":\"TextMatch\",\"field\":\"text\",\"text\":\"today\"}]",
                "num_of_fragments", "1", "fragment_size", "8"), "rice", "weather")
                .addOutputFields("title").build());
        ok(results.getStatus());
        assertThat(results.getResults().getIds().getIntId().getDataList()).containsExactly(2L, 1L, 3L);
        List<HighlightResult> highlights = results.getResults().getHighlightResultsList();
        assertThat(highlights).extracting(HighlightResult::getFieldName).containsExactly("text", "title");
        // "text": the search text's field first, its own query's terms plus "today" from the highlight query; one
        // fragment of at least 8 code points each, stretched by the matches that start inside it.
        assertThat(fragments(highlights.get(0))).containsExactly(List.of("<em>rice</em>, <em>rice</em>"),
                List.of("<em>rice</em>"), List.of("<em>weather</em> <em>today</em>"));
        assertThat(fragments(highlights.get(1))).containsExactly(List.of("<em>Pasta</em> ni"),
                List.of("<em>Rice</em>"), List.of());
    }

    @Test
    void aSemanticHighlighterIsRefusedForWantOfAModelService() {
        Highlighter.Builder semantic = Highlighter.newBuilder().setType(HighlightType.Semantic)
                .addParams(pair("queries", "[\"rice\"]")).addParams(pair("input_fields", "[\"text\"]"));
        refused(stub.search(fullText(semantic, "rice").build()).getStatus(), "Create SemanticHighlight failed:"
                + " Zilliz client config error, lost endpoint config (the semantic highlighter needs a model service,"
                + " which this server does not have; the Lexical highlighter needs none) : invalid parameter");
        refused(stub.search(fullText(Highlighter.newBuilder().setType(HighlightType.Semantic), "rice").build())
                .getStatus(), "Create SemanticHighlight failed: queries is required : invalid parameter");
        refused(stub.search(fullText(Highlighter.newBuilder().setTypeValue(7), "rice").build()).getStatus(),
                "unsupported highlight type: 7: invalid parameter");
    }

    @Test
    void highlightsThatCannotBeMadeAreRefusedWithMilvusMessages() {
        SmallCollection.create(stub, 3);
        refused(stub.search(SmallCollection.search(1, "topk", "2").setHighlighter(lexical("highlight_search_text",
                "true")).build()).getStatus(),
                "Search highlight only support with metric type \"BM25\" but was: L2: invalid parameter");
        refused(stub.search(fullText(lexical("highlight_query",
                "[{\"type\":\"TextMatch\",\"field\":\"nope\",\"text\":\"a\"}]"), "rice").build()).getStatus(),
                "highlight field not found in schema: nope: invalid parameter");
        Status plain = stub.search(fullText(lexical("highlight_query",
                "[{\"type\":\"TextMatch\",\"field\":\"plain\",\"text\":\"a\"}]"), "rice").build()).getStatus();
        assertThat(plain.getCode()).isEqualTo(1100);
        assertThat(plain.getReason()).startsWith("get highlight failed, the highlight field not found, plain:");
        refused(stub.search(fullText(lexical("fragment_size", "0"), "rice").build()).getStatus(),
                "invalid fragment_size: 0: invalid parameter");
    }

    @Test
    void theHighlighterBoundsAreEnforced() {
        refused(stub.search(fullText(lexical("num_of_fragments", "8"), "rice").build()).getStatus(),
                "invalid num_of_fragments: 8, at most 7 (proxy.highlighter.maxNumOfFragments): invalid parameter");
        ok(stub.search(fullText(lexical("num_of_fragments", "7", "highlight_search_text", "true"), "rice")
                .build()).getStatus());
        String longTag = "[\"" + "<".repeat(120) + "\"]";
        Status tooMuch = stub.search(fullText(lexical("highlight_search_text", "true", "pre_tags", longTag), "rice")
                .build()).getStatus();
        assertThat(tooMuch.getCode()).isEqualTo(1100);
        assertThat(tooMuch.getReason()).contains("proxy.highlighter.maxResultChars [400]");
    }
}
