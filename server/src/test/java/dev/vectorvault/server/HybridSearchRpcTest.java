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
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.FunctionSchema;
import io.milvus.grpc.FunctionScore;
import io.milvus.grpc.FunctionType;
import io.milvus.grpc.HybridSearchRequest;
import io.milvus.grpc.IDs;
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
import io.milvus.grpc.SearchResultData;
import io.milvus.grpc.SearchResults;
import io.milvus.grpc.StringArray;
import io.milvus.grpc.VectorField;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HybridSearch over the wire, shaped as the SDKs send it: sub-requests on two vector fields, RRF and Weighted in the
 * {@code rank_params} form and the {@code function_score} form, paging, output fields, group-by, and every field
 * Milvus would drop refused with 1100 naming it.
 *
 * <p>Collection {@code hc}: row i has {@code a = [i, 0]} (L2: query [0, 0] ranks 0, 1, 2, ...),
 * {@code b = [1, i]} (IP: query [0, 1] ranks 19, 18, ...), {@code tag = "t" + (i % 3)}.
 */
@Timeout(120)
class HybridSearchRpcTest {
    private static final int ROWS = 20;

    @TempDir
    Path dataDir;
    private LoopbackServer server;
    private MilvusServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.start(dataDir, Map.of());
        stub = MilvusServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
        CollectionSchema schema = CollectionSchema.newBuilder().setName("hc")
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("a").setDataType(DataType.FloatVector)
                        .addTypeParams(pair("dim", "2")))
                .addFields(FieldSchema.newBuilder().setName("b").setDataType(DataType.FloatVector)
                        .addTypeParams(pair("dim", "2")))
                .addFields(FieldSchema.newBuilder().setName("tag").setDataType(DataType.VarChar)
                        .addTypeParams(pair("max_length", "8")))
                .build();
        ok(stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName("hc")
                .setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
        LongArray.Builder ids = LongArray.newBuilder();
        FloatArray.Builder a = FloatArray.newBuilder();
        FloatArray.Builder b = FloatArray.newBuilder();
        StringArray.Builder tags = StringArray.newBuilder();
        for (int i = 0; i < ROWS; i++) {
            ids.addData(i);
            a.addData(i).addData(0);
            b.addData(1).addData(i);
            tags.addData("t" + (i % 3));
        }
        ok(stub.insert(InsertRequest.newBuilder().setCollectionName("hc").setNumRows(ROWS)
                .addFieldsData(FieldData.newBuilder().setFieldName("id").setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(ids)))
                .addFieldsData(FieldData.newBuilder().setFieldName("a").setType(DataType.FloatVector)
                        .setVectors(VectorField.newBuilder().setDim(2).setFloatVector(a)))
                .addFieldsData(FieldData.newBuilder().setFieldName("b").setType(DataType.FloatVector)
                        .setVectors(VectorField.newBuilder().setDim(2).setFloatVector(b)))
                .addFieldsData(FieldData.newBuilder().setFieldName("tag").setType(DataType.VarChar)
                        .setScalars(ScalarField.newBuilder().setStringData(tags)))
                .build()).getStatus());
        for (String[] index : new String[][] {{"a", "L2"}, {"b", "IP"}}) {
            ok(stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName("hc").setFieldName(index[0])
                    .addExtraParams(pair("index_type", "FLAT")).addExtraParams(pair("metric_type", index[1]))
                    .build()));
        }
        ok(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("hc").build()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static ByteString placeholder(float[]... vectors) {
        PlaceholderValue.Builder value = PlaceholderValue.newBuilder().setTag("$0")
                .setType(PlaceholderType.FloatVector);
        for (float[] v : vectors) {
            ByteBuffer bytes = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : v) {
                bytes.putFloat(f);
            }
            value.addValues(ByteString.copyFrom(bytes.array()));
        }
        return PlaceholderGroup.newBuilder().addPlaceholders(value).build().toByteString();
    }

    /** A sub-request as the Java SDK's convertAnnSearchParam builds it. */
    private static SearchRequest.Builder sub(String field, int topK, String filter, float[]... vectors) {
        return SearchRequest.newBuilder().setPlaceholderGroup(placeholder(vectors)).setNq(vectors.length)
                .setDslType(io.milvus.grpc.DslType.BoolExprV1).setDsl(filter)
                .addSearchParams(pair("params", "{}")).addSearchParams(pair("anns_field", field))
                .addSearchParams(pair("topk", String.valueOf(topK))).setUseDefaultConsistency(true);
    }

    private static SearchRequest.Builder nearA(int topK) {
        return sub("a", topK, "", new float[] {0, 0});
    }

    private static SearchRequest.Builder nearB(int topK) {
        return sub("b", topK, "", new float[] {0, 1});
    }

    private static HybridSearchRequest.Builder hybrid(String... rankParams) {
        HybridSearchRequest.Builder request = HybridSearchRequest.newBuilder().setCollectionName("hc")
                .addRequests(nearA(3)).addRequests(nearB(3)).setUseDefaultConsistency(true).setGuaranteeTimestamp(1);
        for (int i = 0; i < rankParams.length; i += 2) {
            request.addRankParams(pair(rankParams[i], rankParams[i + 1]));
        }
        return request;
    }

    private static void refused(SearchResults results, String reasonPart) {
        assertThat(results.getStatus().getCode()).as(results.getStatus().getReason()).isEqualTo(1100);
        assertThat(results.getStatus().getReason()).contains(reasonPart);
    }

    @Test
    void rrfFusesBothListsAndTiesGoToTheSmallerKey() {
        SearchResults results = stub.hybridSearch(hybrid("strategy", "rrf", "params", "{\"k\":60}", "limit", "4",
                "round_decimal", "-1", "offset", "0").addOutputFields("tag").build());
        ok(results.getStatus());
        SearchResultData data = results.getResults();
        assertThat(data.getNumQueries()).isEqualTo(1);
        assertThat(data.getTopksList()).containsExactly(4L);
        assertThat(data.getTopK()).isEqualTo(4);
        assertThat(data.getIds().getIntId().getDataList()).containsExactly(0L, 19L, 1L, 18L);
        assertThat(data.getScoresList()).containsExactly(1f / 61, 1f / 61, 1f / 62, 1f / 62);
        assertThat(data.getOutputFieldsList()).contains("tag");
        FieldData tag = data.getFieldsDataList().stream().filter(f -> f.getFieldName().equals("tag")).findFirst()
                .orElseThrow();
        assertThat(tag.getScalars().getStringData().getDataList()).containsExactly("t0", "t1", "t1", "t0");

        // No strategy at all is RRF with k = 60; offset pages the fused list; round_decimal rounds it.
        SearchResults paged = stub.hybridSearch(hybrid("limit", "2", "offset", "2", "round_decimal", "3").build());
        ok(paged.getStatus());
        assertThat(paged.getResults().getIds().getIntId().getDataList()).containsExactly(1L, 18L);
        assertThat(paged.getResults().getScoresList()).containsExactly(0.016f, 0.016f);
    }

    @Test
    void weightedUsesRawScoresUnlessNormScoreIsSet() {
        // Java SDK 2.6.22: no norm_score, so raw scores (Milvus 2.6). L2 and IP mixed: the L2 distances are still
        // mapped to 1 - 2 atan(d)/pi; IP scores are used as they are.
        SearchResults raw = stub.hybridSearch(hybrid("strategy", "weighted", "params", "{\"weights\":[0.5,0.5]}",
                "limit", "2").build());
        ok(raw.getStatus());
        float pi = (float) Math.PI;
        float nineteen = 0.5f * 19f;
        float zero = 0.5f * (1f - 2 * (float) Math.atan(0f) / pi);
        assertThat(raw.getResults().getIds().getIntId().getDataList()).containsExactly(19L, 18L);
        assertThat(raw.getResults().getScoresList().get(0)).isEqualTo(nineteen);
        // pymilvus: norm_score true maps IP scores by 1/2 + atan(s)/pi.
        SearchResults normalised = stub.hybridSearch(hybrid("strategy", "weighted", "params",
                "{\"weights\":[0.5,0.5],\"norm_score\":true}", "limit", "1").build());
        ok(normalised.getStatus());
        assertThat(normalised.getResults().getIds().getIntId().getDataList()).containsExactly(0L);
        assertThat(normalised.getResults().getScoresList().get(0)).isEqualTo(zero);
        refused(stub.hybridSearch(hybrid("strategy", "weighted", "params", "{\"weights\":[1]}", "limit", "2")
                .build()), "the length of weights param mismatch with ann search requests");
    }

    @Test
    void functionScoreFormNamesTheRankerAndOtherRerankersAreRefused() {
        FunctionScore rrf = FunctionScore.newBuilder().addFunctions(FunctionSchema.newBuilder().setName("r")
                .setType(FunctionType.Rerank).addParams(pair("reranker", "rrf")).addParams(pair("k", "60"))).build();
        SearchResults results = stub.hybridSearch(hybrid("limit", "2").setFunctionScore(rrf).build());
        ok(results.getStatus());
        assertThat(results.getResults().getIds().getIntId().getDataList()).containsExactly(0L, 19L);
        FunctionScore decay = FunctionScore.newBuilder().addFunctions(FunctionSchema.newBuilder().setName("d")
                .setType(FunctionType.Rerank).addParams(pair("reranker", "decay")).addInputFieldNames("id")).build();
        refused(stub.hybridSearch(hybrid("limit", "2").setFunctionScore(decay).build()),
                "request field function_score (decay reranker) is not supported by this server");
        refused(stub.hybridSearch(hybrid("limit", "2", "strategy", "weighted", "params", "{\"weights\":[1,1]}")
                .setFunctionScore(rrf).build()), "the ranker is given twice");
        // An empty function_score is what an SDK sends when the user sets nothing: it passes.
        ok(stub.hybridSearch(hybrid("limit", "2").setFunctionScore(FunctionScore.newBuilder()).build())
                .getStatus());
    }

    @Test
    void groupByInRankParamsGroupsTheFusedHits() {
        SearchResults results = stub.hybridSearch(hybrid("limit", "2", "group_by_field", "tag", "group_size", "2")
                .clearRequests().addRequests(nearA(6)).addRequests(nearB(6)).addOutputFields("tag").build());
        ok(results.getStatus());
        SearchResultData data = results.getResults();
        assertThat(data.getGroupByFieldValue().getScalars().getStringData().getDataList())
                .hasSize(data.getIds().getIntId().getDataCount());
        assertThat(data.getTopK()).isEqualTo(4);
        // Groups t0 (0 and 18 ... ) and t1 (19, 1): two groups of at most two hits.
        assertThat(data.getGroupByFieldValue().getScalars().getStringData().getDataList()).hasSizeLessThanOrEqualTo(4)
                .containsOnly("t0", "t1");
        refused(stub.hybridSearch(hybrid("limit", "2", "group_by_field", "a").build()),
                "unsupported data type FloatVector for group by operator");
        refused(stub.hybridSearch(hybrid("limit", "2", "group_by_field", "tag", "rank_group_scorer", "median")
                .build()), "input group scorer type: median is not supported!");
    }

    @Test
    void fieldsMilvusWouldDropAreRefusedNamingThem() {
        refused(stub.hybridSearch(hybrid().build()), "limit not found in rank_params");
        refused(stub.hybridSearch(hybrid("limit", "2", "strategy", "max", "params", "{}").build()),
                "unsupported rank type max");
        refused(stub.hybridSearch(hybrid("limit", "2", "round_decimal", "9").build()),
                "round_decimal [9] is invalid, should be -1 or an integer in range [0, 6]");
        refused(stub.hybridSearch(hybrid("limit", "16384", "offset", "1").build()),
                "invalid max query result window");
        refused(stub.hybridSearch(hybrid("limit", "2").setNamespace("tenant").build()), "namespace");
        refused(stub.hybridSearch(hybrid("limit", "2", "ignore_growing", "true").build()), "ignore_growing=true");
        refused(stub.hybridSearch(hybrid("limit", "2").addRequests(nearA(3).clearPlaceholderGroup()
                .setIds(IDs.newBuilder().setIntId(LongArray.newBuilder().addData(1)))).build()), "requests[2].ids");
        refused(stub.hybridSearch(hybrid("limit", "2").addRequests(nearA(3).addPartitionNames("_default")).build()),
                "requests[2].partition_names");
        refused(stub.hybridSearch(hybrid("limit", "2").addRequests(nearA(3).addOutputFields("tag")).build()),
                "requests[2].output_fields");
        refused(stub.hybridSearch(hybrid("limit", "2").addRequests(nearA(3)
                .addSearchParams(pair("group_by_field", "tag"))).build()), "requests[2].search_params group_by_field");
        refused(stub.hybridSearch(hybrid("limit", "2").addRequests(nearA(3)
                .addSearchParams(pair("offset", "5"))).build()), "requests[2].search_params offset=5");
        refused(stub.hybridSearch(hybrid("limit", "2").addRequests(sub("a", 3, "", new float[] {0, 0},
                new float[] {1, 1})).build()), "sub search request nq should be the same");
        refused(stub.hybridSearch(hybrid("limit", "2").addRequests(sub("nope", 3, "", new float[] {0, 0}))
                .build()), "fieldName(nope) not found");
        refused(stub.hybridSearch(hybrid("limit", "2").addRequests(sub("a", 3, "tag ==", new float[] {0, 0}))
                .build()), "");
        // What the Node SDK sends: the hybrid search's partitions, output fields and offset copied into every
        // sub-request. Equal copies change nothing and pass.
        SearchResults nodeShaped = stub.hybridSearch(hybrid("limit", "2", "offset", "1").clearRequests()
                .addPartitionNames("_default").addOutputFields("tag")
                .addRequests(nearA(3).addPartitionNames("_default").addOutputFields("tag")
                        .addSearchParams(pair("offset", "1")))
                .addRequests(nearB(3).addPartitionNames("_default").addOutputFields("tag")
                        .addSearchParams(pair("offset", "1"))).build());
        ok(nodeShaped.getStatus());
        assertThat(nodeShaped.getResults().getIds().getIntId().getDataList()).containsExactly(19L, 1L);
        refused(stub.hybridSearch(hybrid("limit", "2", "offset", "1").addRequests(nearA(3)
                .addSearchParams(pair("offset", "2"))).build()), "requests[2].search_params offset=2");
        // A sub-request without topk searches the hybrid search's limit + offset.
        SearchResults noTopK = stub.hybridSearch(HybridSearchRequest.newBuilder().setCollectionName("hc")
                .addRequests(SearchRequest.newBuilder().setPlaceholderGroup(placeholder(new float[] {0, 0}))
                        .addSearchParams(pair("anns_field", "a")))
                .addRankParams(pair("limit", "3")).addRankParams(pair("offset", "1")).build());
        ok(noTopK.getStatus());
        assertThat(noTopK.getResults().getIds().getIntId().getDataList()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void subRequestFiltersAndTopLevelPartitionsApply() {
        SearchResults results = stub.hybridSearch(hybrid("limit", "3").clearRequests()
                .addRequests(sub("a", 3, "id > 10", new float[] {0, 0}))
                .addRequests(sub("b", 3, "id < 5", new float[] {0, 1})).addPartitionNames("_default").build());
        ok(results.getStatus());
        assertThat(results.getResults().getIds().getIntId().getDataList()).containsExactly(4L, 11L, 3L);
    }
}
