package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.milvus.grpc.FunctionScore;
import io.milvus.grpc.FunctionSchema;
import io.milvus.grpc.Highlighter;
import io.milvus.grpc.IDs;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.SearchRequest;
import io.milvus.grpc.SearchResultData;
import io.milvus.grpc.SearchResults;
import io.milvus.grpc.StringArray;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group-by search and search by IDs over the wire, and the search fields the server does not act on: a set value
 * that would change the results is refused with code 1100 naming the field, the SDKs' defaults pass.
 */
@Timeout(120)
class RetrievalRequestRpcTest {
    @TempDir
    Path dataDir;
    private LoopbackServer server;
    private MilvusServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.start(dataDir, Map.of());
        stub = MilvusServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
        SmallCollection.create(stub, 20);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static void refused(SearchResults results, String reasonPart) {
        assertThat(results.getStatus().getCode()).as(results.getStatus().getReason()).isEqualTo(1100);
        assertThat(results.getStatus().getReason()).contains(reasonPart);
    }

    @Test
    void groupBySearchCountsGroupsAndSendsTheGroupValues() {
        SearchResults results = stub.search(SmallCollection.search(1, "topk", "3", "offset", "1",
                "group_by_field", "id", "group_size", "2", "strict_group_size", "true").build());
        SmallCollection.ok(results.getStatus());
        SearchResultData data = results.getResults();
        // Every id is its own group: one hit each, the first group skipped.
        assertThat(data.getTopksList()).containsExactly(3L);
        assertThat(data.getIds().getIntId().getDataList()).containsExactly(1L, 2L, 3L);
        assertThat(data.getGroupByFieldValue().getFieldName()).isEmpty();
        assertThat(data.getGroupByFieldValue().getType()).isEqualTo(io.milvus.grpc.DataType.Int64);
        assertThat(data.getGroupByFieldValue().getScalars().getLongData().getDataList()).containsExactly(1L, 2L, 3L);
        assertThat(data.getGroupByFieldValue().getValidDataCount()).isZero();
    }

    @Test
    void groupByIsNeverIgnored() {
        refused(stub.search(SmallCollection.search(1, "topk", "3", "group_by_field", "v").build()),
                "unsupported data type FloatVector for group by operator");
        refused(stub.search(SmallCollection.search(1, "topk", "3", "group_by_field", "nope").build()),
                "groupBy field not found in schema");
        refused(stub.search(SmallCollection.search(1, "topk", "3", "group_by_field", "id", "radius", "5").build()),
                "Not allowed to do range-search when doing search-group-by");
        refused(stub.search(SmallCollection.search(1, "topk", "3", "group_by_field", "id", "iterator", "true")
                .build()), "Not allowed to do groupBy when doing iteration");
        refused(stub.search(SmallCollection.search(1, "group_by_field", "id", "search_iter_v2", "true",
                "search_iter_batch_size", "3").build()), "Not allowed to do groupBy when doing iteration");
        refused(stub.search(SmallCollection.search(1, "topk", "3", "params", "{\"group_by_field\":\"nope\"}")
                .build()), "groupBy field not found in schema");
    }

    @Test
    void searchByIdsUsesTheStoredVectorsInRequestOrder() {
        SearchRequest.Builder request = SmallCollection.search(1, "topk", "2").clearPlaceholderGroup()
                .setIds(IDs.newBuilder().setIntId(LongArray.newBuilder().addData(7).addData(3))).setNq(2);
        SearchResults results = stub.search(request.build());
        SmallCollection.ok(results.getStatus());
        assertThat(results.getResults().getNumQueries()).isEqualTo(2);
        assertThat(results.getResults().getTopksList()).containsExactly(2L, 2L);
        assertThat(results.getResults().getIds().getIntId().getDataList().get(0)).isEqualTo(7L);
        assertThat(results.getResults().getIds().getIntId().getDataList().get(2)).isEqualTo(3L);
        refused(stub.search(SmallCollection.search(1, "topk", "2").clearPlaceholderGroup()
                        .setIds(IDs.newBuilder().setIntId(LongArray.newBuilder().addData(7).addData(70))).build()),
                "some of the provided primary key IDs do not exist: missing IDs = [70]");
        refused(stub.search(SmallCollection.search(1, "topk", "2").clearPlaceholderGroup()
                        .setIds(IDs.newBuilder().setStrId(StringArray.newBuilder().addData("7"))).build()),
                "the IDs to search by are strings, but the primary key id is Int64");
    }

    @Test
    void searchFieldsThatWouldChangeResultsAreRefusedAndDefaultsPass() {
        refused(stub.search(SmallCollection.search(1, "topk", "3").setFunctionScore(rerank("model",
                "id")).build()), "function_score (model reranker");
        // A lexical highlighter with nothing to highlight (no search text, no highlight_query) changes nothing.
        io.milvus.grpc.SearchResults highlighted = stub.search(SmallCollection.search(1, "topk", "3")
                .setHighlighter(Highlighter.newBuilder()).build());
        assertThat(highlighted.getStatus().getCode()).as(highlighted.getStatus().getReason()).isZero();
        assertThat(highlighted.getResults().getHighlightResultsList()).isEmpty();
        refused(stub.search(SmallCollection.search(1, "topk", "3", "ignore_growing", "true").build()),
                "ignore_growing=true");
        refused(stub.search(SmallCollection.search(1, "topk", "3").setSearchByPrimaryKeys(true).build()),
                "search_by_primary_keys");
        // What the Java SDK sends when the user sets nothing.
        SmallCollection.ok(stub.search(SmallCollection.search(1, "topk", "3", "round_decimal", "-1",
                "ignore_growing", "false", "offset", "0", "params", "{}").setUseDefaultConsistency(true)
                .setGuaranteeTimestamp(1).setFunctionScore(FunctionScore.newBuilder()).build()).getStatus());
    }

    private static FunctionScore.Builder rerank(String reranker, String input, String... keyValues) {
        FunctionSchema.Builder function = FunctionSchema.newBuilder().setName("r")
                .setType(io.milvus.grpc.FunctionType.Rerank).addParams(SmallCollection.pair("reranker", reranker));
        if (!input.isEmpty()) {
            function.addInputFieldNames(input);
        }
        for (int i = 0; i < keyValues.length; i += 2) {
            function.addParams(SmallCollection.pair(keyValues[i], keyValues[i + 1]));
        }
        return FunctionScore.newBuilder().addFunctions(function);
    }

    @Test
    void decayRerankerReordersTheHitsOfLimitPlusOffsetThenCutsTheWindow() {
        // Row i lies at L2 distance 4 i^2 from the zero query: turned into 1 - 2 atan(4 i^2) / pi. A gauss decay
        // around id 1 (scale 1, decay 0.1) gives row 1 factor 1, rows 0 and 2 factor 0.1, row 3 factor 0.0001.
        FunctionScore.Builder decay = rerank("decay", "id", "function", "gauss", "origin", "1", "scale", "1",
                "decay", "0.1");
        SearchResults top = stub.search(SmallCollection.search(1, "topk", "2").setFunctionScore(decay).build());
        SmallCollection.ok(top.getStatus());
        assertThat(top.getResults().getIds().getIntId().getDataList()).containsExactly(1L, 0L);
        assertThat(top.getResults().getTopK()).isEqualTo(2);
        assertThat(top.getResults().getScores(0)).isCloseTo(greater(4), within(1e-6f));
        assertThat(top.getResults().getScores(1)).isCloseTo(0.1f, within(1e-6f));
        // Offset 1, limit 3: rows 0..3 are found, reranked 1, 0, 2, 3, and the first is skipped.
        SearchResults page = stub.search(SmallCollection.search(1, "topk", "3", "offset", "1",
                "round_decimal", "3").setFunctionScore(decay).addOutputFields("id").build());
        SmallCollection.ok(page.getStatus());
        assertThat(page.getResults().getIds().getIntId().getDataList()).containsExactly(0L, 2L, 3L);
        assertThat(page.getResults().getTopksList()).containsExactly(3L);
        assertThat(page.getResults().getScoresList()).containsExactly(0.1f, 0.004f, 0f);
        assertThat(page.getResults().getFieldsData(0).getScalars().getLongData().getDataList())
                .containsExactly(0L, 2L, 3L);
        // Two queries: each reranked on its own.
        SearchResults two = stub.search(SmallCollection.search(2, "topk", "2").setFunctionScore(decay).build());
        assertThat(two.getResults().getIds().getIntId().getDataList()).containsExactly(1L, 0L, 1L, 0L);
    }

    /** Milvus's larger-is-better form of an L2 distance, in float32. */
    private static float greater(float distance) {
        return 1f - 2 * (float) Math.atan(distance) / (float) Math.PI;
    }

    @Test
    void functionScoreIsCheckedAsMilvusChecksIt() {
        refused(stub.search(SmallCollection.search(1, "topk", "2").setFunctionScore(rerank("decay", "id",
                "function", "gauss", "scale", "1")).build()), "Decay function lost param: origin");
        refused(stub.search(SmallCollection.search(1, "topk", "2").setFunctionScore(rerank("decay", "v",
                "function", "gauss", "origin", "1", "scale", "1")).build()),
                "Decay rerank: unsupported input field type");
        refused(stub.search(SmallCollection.search(1, "topk", "2", "group_by_field", "id").setFunctionScore(
                rerank("decay", "id", "function", "gauss", "origin", "1", "scale", "1")).build()),
                "Current rerank does not support grouping search");
        refused(stub.search(SmallCollection.search(1, "topk", "2", "iterator", "true").setFunctionScore(
                rerank("decay", "id", "function", "gauss", "origin", "1", "scale", "1")).build()),
                "Range search do not support rerank");
        refused(stub.search(SmallCollection.search(1, "topk", "2", "offset", "-1").setFunctionScore(
                rerank("decay", "id", "function", "gauss", "origin", "1", "scale", "1")).build()), "offset");
        refused(stub.search(SmallCollection.search(1, "topk", "2").setFunctionScore(rerank("boost", ""))
                .build()), "function_score (boost reranker)");
        refused(stub.search(SmallCollection.search(1, "topk", "2").setFunctionScore(rerank("rrf", ""))
                .build()), "function_score (rrf reranker");
        refused(stub.search(SmallCollection.search(1, "topk", "2").setFunctionScore(rerank("other", ""))
                .build()), "Unsupported rerank function: [other]");
        refused(stub.search(SmallCollection.search(1, "topk", "2").setFunctionScore(FunctionScore.newBuilder()
                .addFunctions(FunctionSchema.newBuilder().setName("e").setType(io.milvus.grpc.FunctionType.BM25)))
                .build()), "BM25 is not rerank function.");
    }

    @Test
    void queryUpsertAndCollectionFieldsThatWouldChangeResultsAreRefused() {
        io.milvus.grpc.QueryResults namespaced = stub.query(io.milvus.grpc.QueryRequest.newBuilder()
                .setCollectionName("c").setExpr("id > 0").setNamespace("tenant").build());
        assertThat(namespaced.getStatus().getCode()).isEqualTo(1100);
        assertThat(namespaced.getStatus().getReason()).contains("namespace");
        io.milvus.grpc.QueryResults growing = stub.query(io.milvus.grpc.QueryRequest.newBuilder()
                .setCollectionName("c").setExpr("id > 0").addQueryParams(SmallCollection.pair("ignore_growing",
                        "true")).build());
        assertThat(growing.getStatus().getReason()).contains("ignore_growing=true");
        SmallCollection.ok(stub.query(io.milvus.grpc.QueryRequest.newBuilder().setCollectionName("c")
                .setExpr("id > 0").addQueryParams(SmallCollection.pair("ignore_growing", "false")).build())
                .getStatus());
        io.milvus.grpc.MutationResult ops = stub.upsert(io.milvus.grpc.UpsertRequest.newBuilder()
                .setCollectionName("c").addFieldOps(io.milvus.grpc.FieldPartialUpdateOp.newBuilder()
                        .setFieldName("id").setOpValue(3)).build());
        assertThat(ops.getStatus().getReason()).contains("unsupported partial update op: 3");
        io.milvus.grpc.Status word = stub.alterCollection(io.milvus.grpc.AlterCollectionRequest.newBuilder()
                .setCollectionName("c").addProperties(SmallCollection.pair("collection.ttl.seconds", "abc")).build());
        assertThat(word.getCode()).isEqualTo(1100);
        assertThat(word.getReason()).isEqualTo("collection TTL is not a valid positive integer: invalid parameter");
        io.milvus.grpc.Status negative = stub.alterCollection(io.milvus.grpc.AlterCollectionRequest.newBuilder()
                .setCollectionName("c").addProperties(SmallCollection.pair("collection.ttl.seconds", "-2")).build());
        assertThat(negative.getCode()).isEqualTo(1100);
        assertThat(negative.getReason()).isEqualTo(
                "collection TTL is out of range, expect [-1, 3155760000], got -2: invalid parameter");
        io.milvus.grpc.Status fraction = stub.createCollection(io.milvus.grpc.CreateCollectionRequest.newBuilder()
                .setCollectionName("c2").addProperties(SmallCollection.pair("collection.ttl.seconds", "1.5")).build());
        assertThat(fraction.getReason()).isEqualTo("collection TTL is not a valid positive integer: invalid parameter");
        SmallCollection.ok(stub.alterCollection(io.milvus.grpc.AlterCollectionRequest.newBuilder()
                .setCollectionName("c").addProperties(SmallCollection.pair("collection.ttl.seconds", "60")).build()));
        assertThat(stub.describeCollection(io.milvus.grpc.DescribeCollectionRequest.newBuilder()
                .setCollectionName("c").build()).getPropertiesList())
                .contains(SmallCollection.pair("collection.ttl.seconds", "60"));
        SmallCollection.ok(stub.alterCollection(io.milvus.grpc.AlterCollectionRequest.newBuilder()
                .setCollectionName("c").addDeleteKeys("collection.ttl.seconds").build()));
        assertThat(stub.describeCollection(io.milvus.grpc.DescribeCollectionRequest.newBuilder()
                .setCollectionName("c").build()).getPropertiesList())
                .noneMatch(p -> p.getKey().equals("collection.ttl.seconds"));
        SmallCollection.ok(stub.alterCollection(io.milvus.grpc.AlterCollectionRequest.newBuilder()
                .setCollectionName("c").addProperties(SmallCollection.pair("collection.ttl.seconds", "-1")).build()));
    }

    @Test
    void anInsertOrUpsertIntoANamespaceIsRefusedAndWritesNothing() {
        long before = stub.query(io.milvus.grpc.QueryRequest.newBuilder().setCollectionName("c").setExpr("id >= 0")
                .addOutputFields("count(*)").build()).getFieldsData(0).getScalars().getLongData().getData(0);
        io.milvus.grpc.MutationResult inserted = stub.insert(io.milvus.grpc.InsertRequest.newBuilder()
                .setCollectionName("c").setNamespace("tenant").build());
        assertThat(inserted.getStatus().getCode()).isEqualTo(1100);
        assertThat(inserted.getStatus().getReason())
                .isEqualTo("request field namespace is not supported by this server: invalid parameter");
        io.milvus.grpc.MutationResult upserted = stub.upsert(io.milvus.grpc.UpsertRequest.newBuilder()
                .setCollectionName("c").setNamespace("tenant").build());
        assertThat(upserted.getStatus().getReason()).contains("request field namespace is not supported");
        assertThat(stub.query(io.milvus.grpc.QueryRequest.newBuilder().setCollectionName("c").setExpr("id >= 0")
                .addOutputFields("count(*)").build()).getFieldsData(0).getScalars().getLongData().getData(0))
                .isEqualTo(before);
    }
}
