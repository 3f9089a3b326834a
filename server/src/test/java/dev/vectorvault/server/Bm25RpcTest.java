package dev.vectorvault.server;

import static dev.vectorvault.server.SmallCollection.ok;
import static dev.vectorvault.server.SmallCollection.pair;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vectorvault.text.TermHash;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DescribeCollectionRequest;
import io.milvus.grpc.DescribeCollectionResponse;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.FunctionSchema;
import io.milvus.grpc.FunctionType;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.PlaceholderGroup;
import io.milvus.grpc.PlaceholderType;
import io.milvus.grpc.PlaceholderValue;
import io.milvus.grpc.RunAnalyzerRequest;
import io.milvus.grpc.RunAnalyzerResponse;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.SearchRequest;
import io.milvus.grpc.SearchResults;
import io.milvus.grpc.Status;
import io.milvus.grpc.StringArray;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full-text search over the wire as the SDKs send it: a schema with a BM25 function (DescribeCollection gives it
 * back), inserts without the output column, an index whose metric BM25 is filled in, raw-text search (VarChar
 * placeholder), RunAnalyzer with and without a collection; wrong schemas refused with Milvus's messages (1100).
 */
@Timeout(120)
class Bm25RpcTest {
    @TempDir
    Path dataDir;
    private LoopbackServer server;
    private MilvusServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.start(dataDir, Map.of());
        stub = MilvusServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static CollectionSchema schema(boolean analyzer) {
        FieldSchema.Builder text = FieldSchema.newBuilder().setName("text").setDataType(DataType.VarChar)
                .addTypeParams(pair("max_length", "200"));
        if (analyzer) {
            text.addTypeParams(pair("enable_analyzer", "true"))
                    .addTypeParams(pair("analyzer_params", "{\"type\":\"english\"}"));
        }
        return CollectionSchema.newBuilder().setName("docs")
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(text)
                .addFields(FieldSchema.newBuilder().setName("sp").setDataType(DataType.SparseFloatVector)
                        .setIsFunctionOutput(true))
                .addFunctions(FunctionSchema.newBuilder().setName("bm25").setType(FunctionType.BM25)
                        .addInputFieldNames("text").addOutputFieldNames("sp"))
                .build();
    }

    private Status create(CollectionSchema schema) {
        return stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName("docs")
                .setSchema(ByteString.copyFrom(schema.toByteArray())).build());
    }

    private static ByteString texts(String... texts) {
        PlaceholderValue.Builder value = PlaceholderValue.newBuilder().setTag("$0").setType(PlaceholderType.VarChar);
        for (String t : texts) {
            value.addValues(ByteString.copyFromUtf8(t));
        }
        return PlaceholderGroup.newBuilder().addPlaceholders(value).build().toByteString();
    }

    /**
     * Add/Alter/DropCollectionFunction answer as Milvus 2.6's proxy does: BM25 functions cannot be added, altered or
     * dropped; other types are refused as unsupported here; dropping a missing function is a quiet success. No call
     * changes the schema.
     */
    @Test
    void collectionFunctionCallsAnswerWithMilvusChecksAndChangeNothing() {
        ok(create(schema(true)));
        FunctionSchema bm25 = FunctionSchema.newBuilder().setName("bm25b").setType(FunctionType.BM25)
                .addInputFieldNames("text").addOutputFieldNames("sp").build();
        FunctionSchema embedding = FunctionSchema.newBuilder().setName("embed").setType(FunctionType.TextEmbedding)
                .addInputFieldNames("text").addOutputFieldNames("sp").build();
        var add = io.milvus.grpc.AddCollectionFunctionRequest.newBuilder().setCollectionName("docs");
        var alter = io.milvus.grpc.AlterCollectionFunctionRequest.newBuilder().setCollectionName("docs");
        var drop = io.milvus.grpc.DropCollectionFunctionRequest.newBuilder().setCollectionName("docs");

        assertRefused(stub.addCollectionFunction(add.build()), 65535, "Function Schema is empty");
        assertRefused(stub.addCollectionFunction(add.setFunctionSchema(bm25).build()), 65535,
                "Currently does not support adding BM25 function");
        assertRefused(stub.addCollectionFunction(add.setFunctionSchema(embedding).build()), 1100,
                "function type TextEmbedding of function embed is not supported by this server (supported: BM25)");
        assertRefused(stub.addCollectionFunction(add.setCollectionName("nope").build()), 100, "nope");

        assertRefused(stub.alterCollectionFunction(alter.setFunctionName("bm25").setFunctionSchema(bm25).build()),
                65535, "Currently does not support alter BM25 function");
        assertRefused(stub.alterCollectionFunction(alter.setFunctionSchema(embedding).build()), 65535,
                "Invalid function config, name not match");
        assertRefused(stub.alterCollectionFunction(alter.setFunctionName("embed").build()), 65535,
                "Function embed not found");
        assertRefused(stub.alterCollectionFunction(alter.setFunctionName("bm25")
                .setFunctionSchema(embedding.toBuilder().setName("bm25")).build()), 65535,
                "Currently does not support alter BM25 function");

        ok(stub.dropCollectionFunction(drop.setFunctionName("missing").build()));
        assertRefused(stub.dropCollectionFunction(drop.setFunctionName("bm25").build()), 65535,
                "Currently does not support droping BM25 function");

        DescribeCollectionResponse described = stub.describeCollection(DescribeCollectionRequest.newBuilder()
                .setCollectionName("docs").build());
        assertThat(described.getSchema().getFunctionsList()).extracting(FunctionSchema::getName)
                .containsExactly("bm25");
    }

    private static void assertRefused(Status status, int code, String reasonPart) {
        assertThat(status.getCode()).as(status.getReason()).isEqualTo(code);
        assertThat(status.getReason()).contains(reasonPart);
    }

    @Test
    void aBm25CollectionIsCreatedDescribedFilledAndSearchedWithRawText() {
        ok(create(schema(true)));
        DescribeCollectionResponse described = stub.describeCollection(DescribeCollectionRequest.newBuilder()
                .setCollectionName("docs").build());
        ok(described.getStatus());
        assertThat(described.getSchema().getFunctionsList()).singleElement().satisfies(f -> {
            assertThat(f.getType()).isEqualTo(FunctionType.BM25);
            assertThat(f.getInputFieldNamesList()).containsExactly("text");
            assertThat(f.getOutputFieldNamesList()).containsExactly("sp");
        });
        FieldSchema text = described.getSchema().getFields(1);
        assertThat(SchemaMapper.keyValues(text.getTypeParamsList())).containsEntry("enable_analyzer", "true")
                .containsEntry("analyzer_params", "{\"type\":\"english\"}");
        assertThat(described.getSchema().getFields(2).getIsFunctionOutput()).isTrue();

        ok(stub.insert(InsertRequest.newBuilder().setCollectionName("docs").setNumRows(3)
                .addFieldsData(FieldData.newBuilder().setFieldName("id").setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(LongArray.newBuilder()
                                .addData(1).addData(2).addData(3))))
                .addFieldsData(FieldData.newBuilder().setFieldName("text").setType(DataType.VarChar)
                        .setScalars(ScalarField.newBuilder().setStringData(StringArray.newBuilder()
                                .addData("How to cook rice").addData("Cooking pasta and rice, rice, rice")
                                .addData("The weather today"))))
                .build()).getStatus());
        ok(stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName("docs").setFieldName("sp")
                .addExtraParams(pair("index_type", "SPARSE_INVERTED_INDEX")).build()));
        assertThat(stub.describeIndex(io.milvus.grpc.DescribeIndexRequest.newBuilder().setCollectionName("docs")
                .build()).getIndexDescriptions(0).getParamsList())
                .extracting(KeyValuePair::getKey, KeyValuePair::getValue)
                .contains(org.assertj.core.groups.Tuple.tuple("metric_type", "BM25"));
        ok(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("docs").build()));

        SearchResults results = stub.search(SearchRequest.newBuilder().setCollectionName("docs")
                .setPlaceholderGroup(texts("cooked rice")).setNq(1).setDslType(io.milvus.grpc.DslType.BoolExprV1)
                .addSearchParams(pair("anns_field", "sp")).addSearchParams(pair("topk", "10"))
                .addSearchParams(pair("metric_type", "BM25")).addSearchParams(pair("params", "{}")).build());
        ok(results.getStatus());
        assertThat(results.getResults().getIds().getIntId().getDataList()).containsExactly(2L, 1L);
        assertThat(results.getResults().getScoresList()).allMatch(s -> s > 0).isSortedAccordingTo((x, y) ->
                Float.compare(y, x));
    }

    @Test
    void runAnalyzerTokenizesWithParamsOrWithAFieldsAnalyzer() {
        RunAnalyzerResponse plain = stub.runAnalyzer(RunAnalyzerRequest.newBuilder()
                .addPlaceholder(ByteString.copyFromUtf8("Hello World"))
                .setAnalyzerParams("{\"type\":\"english\"}").setWithDetail(true).setWithHash(true).build());
        ok(plain.getStatus());
        assertThat(plain.getResults(0).getTokensList()).extracting(io.milvus.grpc.AnalyzerToken::getToken)
                .containsExactly("hello", "world");
        io.milvus.grpc.AnalyzerToken world = plain.getResults(0).getTokens(1);
        assertThat(world.getStartOffset()).isEqualTo(6);
        assertThat(world.getEndOffset()).isEqualTo(11);
        assertThat(world.getPosition()).isEqualTo(1);
        assertThat(Integer.toUnsignedLong(world.getHash())).isEqualTo(TermHash.of("world"));

        ok(create(schema(true)));
        ok(stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName("docs").setFieldName("sp")
                .addExtraParams(pair("index_type", "AUTOINDEX")).addExtraParams(pair("metric_type", "BM25"))
                .build()));
        ok(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("docs").build()));
        RunAnalyzerResponse field = stub.runAnalyzer(RunAnalyzerRequest.newBuilder().setCollectionName("docs")
                .setFieldName("text").addPlaceholder(ByteString.copyFrom("The cats".getBytes(StandardCharsets.UTF_8)))
                .build());
        ok(field.getStatus());
        assertThat(field.getResults(0).getTokensList()).extracting(io.milvus.grpc.AnalyzerToken::getToken)
                .containsExactly("cat");
        Status both = stub.runAnalyzer(RunAnalyzerRequest.newBuilder().setCollectionName("docs")
                .setFieldName("text").setAnalyzerParams("{}").build()).getStatus();
        assertThat(both.getCode()).isEqualTo(1100);
        assertThat(both.getReason()).contains("run analyzer can't use analyzer params and (collection,field)");
    }

    @Test
    void wrongSchemasAndIndexesAreRefusedWithMilvusMessages() {
        Status noAnalyzer = create(schema(false));
        assertThat(noAnalyzer.getCode()).isEqualTo(1100);
        assertThat(noAnalyzer.getReason()).contains("BM25 function input field must set enable_analyzer to true");
        Status badParams = create(schema(true).toBuilder().setFunctions(0, schema(true).getFunctions(0)
                .toBuilder().addParams(pair("k", "v"))).build());
        assertThat(badParams.getReason()).contains("BM25 function accepts no params");
        ok(create(schema(true)));
        Status ip = stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName("docs").setFieldName("sp")
                .addExtraParams(pair("index_type", "SPARSE_INVERTED_INDEX")).addExtraParams(pair("metric_type", "IP"))
                .build());
        assertThat(ip.getReason()).contains("index metric type of BM25 function output field must be BM25, got IP");
        Status k1 = stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName("docs").setFieldName("sp")
                .addExtraParams(pair("index_type", "SPARSE_INVERTED_INDEX")).addExtraParams(pair("bm25_k1", "5"))
                .build());
        assertThat(k1.getCode()).isEqualTo(1100);
        assertThat(k1.getReason()).contains("bm25_k1");
    }
}
