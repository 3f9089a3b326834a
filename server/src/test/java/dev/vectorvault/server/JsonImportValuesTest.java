package dev.vectorvault.server;

import static dev.vectorvault.server.BulkImportRpcTest.info;
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
import io.milvus.grpc.GetImportStateRequest;
import io.milvus.grpc.GetImportStateResponse;
import io.milvus.grpc.ImportRequest;
import io.milvus.grpc.ImportResponse;
import io.milvus.grpc.ImportState;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.QueryResults;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The values a JSON row file may give a JSON field and the dynamic field {@code $meta}, as Milvus 2.6's JSON importer
 * takes them: a JSON field an object or the JSON text of any value; {@code $meta} an object or the JSON text of one.
 * Each file has a good row first, then the row under test: a refused value fails the job naming the file, the row and
 * the field, and neither row is stored.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JsonImportValuesTest {
    private static final String GOOD_ROW = "{\"id\": %d, \"v\": [1, 2], \"doc\": {\"k\": 1}}";

    private Path dataDir;
    private LoopbackServer server;
    private MilvusServiceBlockingStub stub;
    private final AtomicLong ids = new AtomicLong(1);

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        dataDir = dir;
        server = LoopbackServer.start(dataDir, Map.of());
        stub = MilvusServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(100, TimeUnit.SECONDS);
        Files.createDirectories(dataDir.resolve("import"));
        CollectionSchema schema = CollectionSchema.newBuilder().setName("docs").setEnableDynamicField(true)
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(pair("dim", "2")))
                .addFields(FieldSchema.newBuilder().setName("doc").setDataType(DataType.JSON))
                .addFields(FieldSchema.newBuilder().setName("note").setDataType(DataType.JSON).setNullable(true))
                .build();
        ok(stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName("docs")
                .setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
        ok(stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName("docs").setFieldName("v")
                .addExtraParams(pair("index_type", "FLAT")).addExtraParams(pair("metric_type", "L2")).build()));
        ok(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("docs").build()));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    static Stream<Arguments> acceptedValues() {
        String doc = "\"doc\": ";
        String meta = "\"doc\": {}, \"$meta\": ";
        return Stream.of(
                Arguments.of("a JSON field takes an object", "doc", doc + "{\"a\": [1, 2]}", "{\"a\":[1,2]}"),
                Arguments.of("a JSON field takes the JSON text of an object", "doc", doc + "\"{\\\"a\\\": 1}\"",
                        "{\"a\":1}"),
                Arguments.of("a JSON field takes the JSON text of a number", "doc", doc + "\"8\"", "8"),
                Arguments.of("a JSON field takes the JSON text of an array", "doc", doc + "\"[1, 2]\"", "[1,2]"),
                Arguments.of("a JSON field takes the JSON text of a boolean", "doc", doc + "\"true\"", "true"),
                Arguments.of("a JSON field takes the JSON text of a string", "doc", doc + "\"\\\"x\\\"\"", "\"x\""),
                Arguments.of("$meta takes an object", "$meta", meta + "{\"color\": \"red\"}", "{\"color\":\"red\"}"),
                Arguments.of("$meta takes the JSON text of an object", "$meta",
                        meta + "\"{\\\"color\\\": \\\"red\\\"}\"", "{\"color\":\"red\"}"),
                Arguments.of("$meta takes the JSON text null, holding no key", "$meta", meta + "\"null\"", "{}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedValues")
    void aJsonFieldTakesAnObjectOrAnyJsonTextAndTheDynamicFieldAnObjectOrItsText(String behaviour, String field,
                                                                               String fields, String stored)
            throws Exception {
        Imported done = importAfterAGoodRow(fields);
        assertThat(done.state().getState()).as(info(done.state(), "failed_reason"))
                .isEqualTo(ImportState.ImportCompleted);
        assertThat(stored(done.firstId() + 1, field)).isEqualTo(stored);
    }

    static Stream<Arguments> refusedValues() {
        String doc = "\"doc\": ";
        String meta = "\"doc\": {}, \"$meta\": ";
        return Stream.of(
                Arguments.of("a JSON field refuses a number", doc + "8", "JSON field doc", "not a number"),
                Arguments.of("a JSON field refuses an array", doc + "[1, 2]", "JSON field doc", "not an array"),
                Arguments.of("a JSON field refuses a boolean", doc + "true", "JSON field doc", "not a boolean"),
                Arguments.of("a JSON field not nullable refuses null", doc + "null", "JSON field doc", "is null"),
                Arguments.of("a JSON field refuses text that is not JSON", doc + "\"{a: 1\"", "JSON field doc",
                        "text that is not JSON"),
                Arguments.of("a JSON field refuses JSON text with more after it", doc + "\"{} x\"", "JSON field doc",
                        "text that is not JSON"),
                Arguments.of("$meta refuses a number", meta + "8", "dynamic field $meta", "not a number"),
                Arguments.of("$meta refuses an array", meta + "[{\"color\": \"red\"}]", "dynamic field $meta",
                        "not an array"),
                Arguments.of("$meta refuses a boolean", meta + "false", "dynamic field $meta", "not a boolean"),
                Arguments.of("$meta refuses null", meta + "null", "dynamic field $meta", "not null"),
                Arguments.of("$meta refuses text that is not JSON", meta + "\"{color\"", "dynamic field $meta",
                        "text that is not JSON"),
                Arguments.of("$meta refuses the JSON text of an array", meta + "\"[1]\"", "dynamic field $meta",
                        "JSON text of an array, not of an object"),
                Arguments.of("$meta refuses a key the row has too", "\"doc\": {}, \"color\": \"blue\", \"$meta\": "
                        + "{\"color\": \"red\"}", "dynamic field $meta", "key color is both in the row and in"));
    }

    /** The job fails naming the file, row 2 and the field, and stores neither row. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedValues")
    void otherValuesFailTheJobAndItStoresNothing(String behaviour, String fields, String field, String why)
            throws Exception {
        Imported failed = importAfterAGoodRow(fields);
        assertThat(failed.state().getState()).isEqualTo(ImportState.ImportFailed);
        assertThat(info(failed.state(), "failed_reason")).startsWith("file rows-" + failed.firstId() + ".json: row 2: ")
                .contains(field).contains(why);
        assertThat(failed.state().getRowCount()).isZero();
        assertThat(count(failed.firstId())).as("the good row").isZero();
    }

    @Test
    void aNullableJsonFieldTakesNull() throws Exception {
        Imported done = importAfterAGoodRow("\"doc\": {}, \"note\": null");
        assertThat(done.state().getState()).isEqualTo(ImportState.ImportCompleted);
        assertThat(column(done.firstId() + 1, "note").getValidDataList()).containsExactly(false);
    }

    /** A CSV cell of a JSON field holds JSON text of any value; text going on after the value is not JSON. */
    @ParameterizedTest(name = "a CSV cell of a JSON field refuses {0}")
    @MethodSource("refusedCsvCells")
    void aCsvJsonCellThatIsNotOneJsonValueFailsTheJob(String kind, String cell) throws Exception {
        long id = ids.getAndAdd(2);
        String file = "rows-" + id + ".csv";
        Files.writeString(dataDir.resolve("import").resolve(file), "id,v,doc,note\n" + id + ",\"[1, 2]\",8,\n"
                + (id + 1) + ",\"[1, 2]\"," + cell + ",\n", StandardCharsets.UTF_8);
        GetImportStateResponse failed = awaitEnd(file);
        assertThat(failed.getState()).isEqualTo(ImportState.ImportFailed);
        assertThat(info(failed, "failed_reason")).startsWith("file " + file + ": the value of doc is not JSON (row 2)");
        assertThat(count(id)).as("the good row").isZero();
    }

    static Stream<Arguments> refusedCsvCells() {
        return Stream.of(Arguments.of("text after the value", "\"{\"\"a\"\": 1} x\""),
                Arguments.of("an empty cell", "\"\""));
    }

    private long count(long id) {
        QueryResults r = stub.query(QueryRequest.newBuilder().setCollectionName("docs").setExpr("id == " + id)
                .addOutputFields("count(*)").build());
        ok(r.getStatus());
        return r.getFieldsData(0).getScalars().getLongData().getData(0);
    }

    private record Imported(long firstId, GetImportStateResponse state) {}

    /** Imports a good row, then a row with {@code fields} beside its key and vector; waits for the job's end. */
    private Imported importAfterAGoodRow(String fields) throws Exception {
        long id = ids.getAndAdd(2);
        return new Imported(id, importRows(id, fields));
    }

    /** Imports a file of a good row with key {@code id}, then the row under test, and waits for the job's end. */
    private GetImportStateResponse importRows(long id, String fields) throws Exception {
        String file = "rows-" + id + ".json";
        Files.writeString(dataDir.resolve("import").resolve(file), "[" + GOOD_ROW.formatted(id) + ",\n{\"id\": "
                + (id + 1) + ", \"v\": [1, 2], " + fields + "}]", StandardCharsets.UTF_8);
        return awaitEnd(file);
    }

    private GetImportStateResponse awaitEnd(String file) throws Exception {
        ImportResponse r = stub.import_(ImportRequest.newBuilder().setCollectionName("docs").addFiles(file).build());
        ok(r.getStatus());
        while (true) {
            GetImportStateResponse state = stub.getImportState(GetImportStateRequest.newBuilder()
                    .setTask(r.getTasks(0)).build());
            ok(state.getStatus());
            if (state.getState() == ImportState.ImportCompleted || state.getState() == ImportState.ImportFailed) {
                return state;
            }
            Thread.sleep(20);
        }
    }

    /** The stored JSON text of one row's field. */
    private String stored(long id, String field) {
        FieldData column = column(id, field);
        assertThat(column.getScalars().getJsonData().getDataCount()).as("rows with id " + id).isEqualTo(1);
        return column.getScalars().getJsonData().getData(0).toStringUtf8();
    }

    private FieldData column(long id, String field) {
        QueryResults r = stub.query(QueryRequest.newBuilder().setCollectionName("docs").setExpr("id == " + id)
                .addOutputFields(field).build());
        ok(r.getStatus());
        return r.getFieldsDataList().stream().filter(f -> f.getFieldName().equals(field)).findFirst().orElseThrow();
    }
}
