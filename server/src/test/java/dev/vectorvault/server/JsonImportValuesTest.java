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

    static Stream<Arguments> acceptedJsonFieldValues() {
        return Stream.of(
                Arguments.of("an object", "{\"a\": [1, 2]}", "{\"a\":[1,2]}"),
                Arguments.of("the JSON text of an object", "\"{\\\"a\\\": 1}\"", "{\"a\":1}"),
                Arguments.of("the JSON text of a number", "\"8\"", "8"),
                Arguments.of("the JSON text of an array", "\"[1, 2]\"", "[1,2]"),
                Arguments.of("the JSON text of a boolean", "\"true\"", "true"),
                Arguments.of("the JSON text of a string", "\"\\\"x\\\"\"", "\"x\""));
    }

    @ParameterizedTest(name = "a JSON field takes {0}")
    @MethodSource("acceptedJsonFieldValues")
    void aJsonFieldTakesAnObjectOrTheJsonTextOfAnyValue(String kind, String value, String stored) throws Exception {
        long id = ids.getAndAdd(2);
        GetImportStateResponse done = importRows(GOOD_ROW.formatted(id),
                "{\"id\": " + (id + 1) + ", \"v\": [1, 2], \"doc\": " + value + "}");
        assertThat(done.getState()).as(info(done, "failed_reason")).isEqualTo(ImportState.ImportCompleted);
        assertThat(stored(id + 1, "doc")).isEqualTo(stored);
    }

    static Stream<Arguments> refusedJsonFieldValues() {
        return Stream.of(
                Arguments.of("a number", "8", "not a number"),
                Arguments.of("an array", "[1, 2]", "not an array"),
                Arguments.of("a boolean", "true", "not a boolean"),
                Arguments.of("null, the field not being nullable", "null", "is null"),
                Arguments.of("text that is not JSON", "\"{a: 1\"", "text that is not JSON"),
                Arguments.of("JSON text with more after it", "\"{} x\"", "text that is not JSON"));
    }

    @ParameterizedTest(name = "a JSON field refuses {0}")
    @MethodSource("refusedJsonFieldValues")
    void aJsonFieldRefusesOtherValuesAndTheJobStoresNothing(String kind, String value, String why) throws Exception {
        long id = ids.getAndAdd(2);
        GetImportStateResponse failed = importRows(GOOD_ROW.formatted(id),
                "{\"id\": " + (id + 1) + ", \"v\": [1, 2], \"doc\": " + value + "}");
        assertRefused(failed, id, "JSON field doc", why);
    }

    @Test
    void aNullableJsonFieldTakesNull() throws Exception {
        long id = ids.getAndAdd(2);
        GetImportStateResponse done = importRows(GOOD_ROW.formatted(id),
                "{\"id\": " + (id + 1) + ", \"v\": [1, 2], \"doc\": {}, \"note\": null}");
        assertThat(done.getState()).as(info(done, "failed_reason")).isEqualTo(ImportState.ImportCompleted);
        assertThat(column(id + 1, "note").getValidDataList()).containsExactly(false);
    }

    static Stream<Arguments> acceptedDynamicValues() {
        return Stream.of(
                Arguments.of("an object", "{\"color\": \"red\"}", "{\"color\":\"red\"}"),
                Arguments.of("the JSON text of an object", "\"{\\\"color\\\": \\\"red\\\"}\"", "{\"color\":\"red\"}"),
                Arguments.of("the JSON text null, holding no key", "\"null\"", "{}"));
    }

    @ParameterizedTest(name = "$meta takes {0}")
    @MethodSource("acceptedDynamicValues")
    void theDynamicFieldTakesAnObjectOrItsJsonText(String kind, String value, String stored) throws Exception {
        long id = ids.getAndAdd(2);
        GetImportStateResponse done = importRows(GOOD_ROW.formatted(id),
                "{\"id\": " + (id + 1) + ", \"v\": [1, 2], \"doc\": {}, \"$meta\": " + value + "}");
        assertThat(done.getState()).as(info(done, "failed_reason")).isEqualTo(ImportState.ImportCompleted);
        assertThat(stored(id + 1, "$meta")).isEqualTo(stored);
    }

    static Stream<Arguments> refusedDynamicValues() {
        return Stream.of(
                Arguments.of("a number", "8", "not a number"),
                Arguments.of("an array", "[{\"color\": \"red\"}]", "not an array"),
                Arguments.of("a boolean", "false", "not a boolean"),
                Arguments.of("null", "null", "not null"),
                Arguments.of("text that is not JSON", "\"{color\"", "text that is not JSON"),
                Arguments.of("the JSON text of an array", "\"[1]\"", "JSON text of an array, not of an object"));
    }

    @ParameterizedTest(name = "$meta refuses {0}")
    @MethodSource("refusedDynamicValues")
    void theDynamicFieldRefusesOtherValuesAndTheJobStoresNothing(String kind, String value, String why)
            throws Exception {
        long id = ids.getAndAdd(2);
        GetImportStateResponse failed = importRows(GOOD_ROW.formatted(id),
                "{\"id\": " + (id + 1) + ", \"v\": [1, 2], \"doc\": {}, \"$meta\": " + value + "}");
        assertRefused(failed, id, "dynamic field $meta", why);
    }

    @Test
    void aKeyBothInTheRowAndInTheDynamicFieldFailsTheJob() throws Exception {
        long id = ids.getAndAdd(2);
        GetImportStateResponse failed = importRows(GOOD_ROW.formatted(id), "{\"id\": " + (id + 1)
                + ", \"v\": [1, 2], \"doc\": {}, \"color\": \"blue\", \"$meta\": {\"color\": \"red\"}}");
        assertRefused(failed, id, "dynamic field $meta", "key color is both in the row and in");
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

    private void assertRefused(GetImportStateResponse failed, long firstId, String field, String why) {
        assertThat(failed.getState()).isEqualTo(ImportState.ImportFailed);
        assertThat(info(failed, "failed_reason")).startsWith("file rows-" + firstId + ".json: row 2: ")
                .contains(field).contains(why);
        assertThat(failed.getRowCount()).isZero();
        assertThat(count(firstId)).as("the good row").isZero();
    }

    private long count(long id) {
        QueryResults r = stub.query(QueryRequest.newBuilder().setCollectionName("docs").setExpr("id == " + id)
                .addOutputFields("count(*)").build());
        ok(r.getStatus());
        return r.getFieldsData(0).getScalars().getLongData().getData(0);
    }

    /** Imports a file of the given rows, named after the first row's id, and waits for the job's end. */
    private GetImportStateResponse importRows(String... rows) throws Exception {
        String first = rows[0].substring(rows[0].indexOf(':') + 1, rows[0].indexOf(',')).trim();
        String file = "rows-" + first + ".json";
        Files.writeString(dataDir.resolve("import").resolve(file), "[" + String.join(",\n", rows) + "]",
                StandardCharsets.UTF_8);
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
