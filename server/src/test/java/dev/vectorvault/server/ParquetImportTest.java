package dev.vectorvault.server;

import static dev.vectorvault.server.BulkImportRpcTest.info;
import static dev.vectorvault.server.SmallCollection.ok;
import static dev.vectorvault.server.SmallCollection.pair;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vectorvault.ingest.ParquetFiles;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet bulk import over gRPC: a file laid out as pyarrow and the SDKs' BulkWriters lay it out imports exactly the
 * rows the same data imports from JSON (itself checked against Insert in {@link BulkImportRpcTest}), every field
 * type included; a file that does not fit the schema, or is not Parquet at all, fails its job with nothing written.
 */
@Timeout(120)
class ParquetImportTest {
    private static final String EVERY_TYPE = """
            message row {
              required int64 id;
              required boolean b;
              required int32 i8 (INTEGER(8,true));
              required int32 i16 (INTEGER(8,true));
              optional int32 i32;
              required float f;
              required float d;
              required binary s (STRING);
              required binary j (STRING);
              optional group arr (LIST) { repeated group list { required int64 element; } }
              required group tags (LIST) { repeated group list { required binary element (STRING); } }
              required group v (LIST) { repeated group list { required double element; } }
              required group bv (LIST) { repeated group list { required int32 element (INTEGER(8,false)); } }
              required group sp {
                required group indices (LIST) { repeated group list { required int32 element (INTEGER(32,false)); } }
                required group values (LIST) { repeated group list { required float element; } }
              }
              required group iv (LIST) { repeated group list { required int32 element (INTEGER(8,true)); } }
              optional binary $meta (STRING);
            }""";
    private static final String HALF_FLOATS = """
            message row {
              required int64 id;
              required group h (LIST) { repeated group list { required int32 element (INTEGER(8,false)); } }
              required binary bf;
              required binary sp (STRING);
            }""";
    private static final int ROWS = 5;

    @TempDir
    Path dataDir;
    private LoopbackServer server;
    private MilvusServiceBlockingStub stub;

    /** One server per test, its import root ready for the files each test writes. */
    @BeforeEach
    void serverWithAnImportRoot() throws Exception {
        Files.createDirectories(dataDir.resolve("import"));
        server = LoopbackServer.start(dataDir, Map.of());
        stub = MilvusServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeServer() {
        server.close();
    }

    @Test
    void everyFieldTypeImportsAsTheSameRowsFromJson() throws Exception {
        createEveryType("fromParquet");
        createEveryType("fromJson");
        ParquetFiles.write(file("every.parquet"), EVERY_TYPE, CompressionCodecName.SNAPPY, ROWS, 1 << 20,
                ParquetImportTest::everyTypeRow);
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < ROWS; i++) {
            json.append(i == 0 ? "" : ",\n").append(String.format("{\"id\": %d, \"b\": %b, \"i8\": %d, \"i16\": %d,"
                    + " \"i32\": %s, \"f\": %s, \"d\": %s, \"s\": \"s%d\", \"j\": {\"k\": [%d]}, \"arr\": %s,"
                    + " \"tags\": [\"t%d\", \"u\"], \"v\": [%d, 0.5, 1, 2], \"bv\": [%d, 255],"
                    + " \"sp\": {\"indices\": [1, %d], \"values\": [0.5, 1.5]}, \"iv\": [%d, %d, 3, -128]%s}",
                    i, i % 2 == 0, i - 2, i * 30, i == 1 ? "null" : Integer.toString(i), i + 0.5f, i * 1.25f, i, i,
                    i == 3 ? "null" : "[" + i + ", " + (i + 1) + "]", i, i, i, 5 + i, i, -i,
                    i == 2 ? "" : ", \"$meta\": {\"extra\": " + i + "}"));
        }
        Files.writeString(file("every.json"), json.append("]"), StandardCharsets.UTF_8);

        GetImportStateResponse parquet = awaitFinished(importFiles("fromParquet", "every.parquet"));
        assertThat(parquet.getState()).as(info(parquet, "failed_reason")).isEqualTo(ImportState.ImportCompleted);
        assertThat(parquet.getRowCount()).isEqualTo(ROWS);
        GetImportStateResponse fromJson = awaitFinished(importFiles("fromJson", "every.json"));
        assertThat(fromJson.getState()).as(info(fromJson, "failed_reason")).isEqualTo(ImportState.ImportCompleted);
        List<String> fields = List.of("id", "b", "i8", "i16", "i32", "f", "d", "s", "j", "arr", "tags", "v", "bv",
                "sp", "iv", "extra");
        Map<String, FieldData> imported = rows("fromParquet", fields);
        assertThat(imported).containsKeys("i32", "arr", "sp", "iv", "$meta");
        assertThat(imported).isEqualTo(rows("fromJson", fields));
    }

    @Test
    void halfFloatVectorsImportFromBytesAndSparseFromJsonText() throws Exception {
        createHalfFloats("fromParquet");
        createHalfFloats("fromJson");
        ParquetFiles.write(file("half.parquet"), HALF_FLOATS, CompressionCodecName.ZSTD, ROWS, 1 << 20, (row, i) -> {
            row.add("id", (long) i);
            Group h = row.addGroup("h");
            for (byte b : halfBytes(i)) {
                h.addGroup("list").append("element", b & 0xFF);
            }
            row.add("bf", Binary.fromConstantByteArray(halfBytes(i + 1)));
            row.add("sp", "{\"" + (i + 2) + "\": 0.25}");
        });
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < ROWS; i++) {
            json.append(i == 0 ? "" : ",").append(String.format("{\"id\": %d, \"h\": \"%s\", \"bf\": \"%s\","
                    + " \"sp\": {\"%d\": 0.25}}", i, Base64.getEncoder().encodeToString(halfBytes(i)),
                    Base64.getEncoder().encodeToString(halfBytes(i + 1)), i + 2));
        }
        Files.writeString(file("half.json"), json.append("]"), StandardCharsets.UTF_8);
        GetImportStateResponse parquet = awaitFinished(importFiles("fromParquet", "half.parquet"));
        assertThat(parquet.getState()).as(info(parquet, "failed_reason")).isEqualTo(ImportState.ImportCompleted);
        assertThat(awaitFinished(importFiles("fromJson", "half.json")).getState())
                .isEqualTo(ImportState.ImportCompleted);
        List<String> fields = List.of("id", "h", "bf", "sp");
        assertThat(rows("fromParquet", fields)).isEqualTo(rows("fromJson", fields));
    }

    @Test
    void filesThatDoNotFitTheSchemaFailTheirJobsWithNothingWritten() throws Exception {
        createEveryType("c");
        String wrongType = EVERY_TYPE.replace("required binary s (STRING);", "required int64 s;");
        String missing = EVERY_TYPE.replace("required boolean b;", "");
        String extra = EVERY_TYPE.replace("required boolean b;", "required boolean b; optional int64 other;");
        String shortVector = EVERY_TYPE;
        ParquetFiles.write(file("wrong.parquet"), wrongType, CompressionCodecName.SNAPPY, 3, 1 << 20, (row, i) -> {
            everyTypeRow(row, i, "s");
            row.add("s", 7L);
        });
        ParquetFiles.write(file("missing.parquet"), missing, CompressionCodecName.SNAPPY, 3, 1 << 20,
                (row, i) -> everyTypeRow(row, i, "b"));
        ParquetFiles.write(file("extra.parquet"), extra, CompressionCodecName.SNAPPY, 3, 1 << 20, (row, i) -> {
            everyTypeRow(row, i);
            row.add("other", 1L);
        });
        // the third row's vector is one component short: rows one and two are good, yet none is written
        ParquetFiles.write(file("short.parquet"), shortVector, CompressionCodecName.SNAPPY, 3, 1 << 20, (row, i) -> {
            everyTypeRow(row, i, "v");
            ParquetFiles.list(row, "v", i == 2 ? List.of(1.0, 2.0, 3.0) : List.of(1.0, 2.0, 3.0, 4.0));
        });
        ParquetFiles.write(file("valid.parquet"), EVERY_TYPE, CompressionCodecName.SNAPPY, 50, 1 << 20,
                ParquetImportTest::everyTypeRow);
        byte[] valid = Files.readAllBytes(file("valid.parquet"));
        Files.write(file("truncated.parquet"), Arrays.copyOf(valid, valid.length - 20));
        Files.write(file("text.parquet"), "id,v\n1,[1,2,3,4]\n".getBytes(StandardCharsets.UTF_8));

        assertThat(failure("c", "wrong.parquet")).contains("column s is int64, which does not fit field s");
        assertThat(failure("c", "missing.parquet")).contains("no column for field b");
        assertThat(failure("c", "extra.parquet")).contains("column other is not a field");
        assertThat(failure("c", "short.parquet")).contains("short.parquet").contains("v");
        assertThat(failure("c", "truncated.parquet")).contains("not a readable Parquet file");
        assertThat(failure("c", "text.parquet")).contains("not a readable Parquet file");
        assertThat(count("c")).isZero();
    }

    @Test
    void anAutoGeneratedKeyColumnAndADynamicColumnWithDynamicFieldsOffAreRefused() throws Exception {
        CollectionSchema schema = CollectionSchema.newBuilder().setName("auto")
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true)
                        .setAutoID(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(pair("dim", "4")))
                .build();
        create(schema, Map.of("v", List.of("FLAT", "L2")));
        String vector = "required group v (LIST) { repeated group list { required float element; } }";
        ParquetFiles.write(file("withKey.parquet"), "message row { required int64 id; " + vector + " }",
                CompressionCodecName.SNAPPY, 2, 1 << 20, (row, i) -> {
                    row.add("id", 1L);
                    ParquetFiles.list(row, "v", List.of(1f, 2f, 3f, 4f));
                });
        ParquetFiles.write(file("withMeta.parquet"), "message row { optional binary $meta (STRING); " + vector + " }",
                CompressionCodecName.SNAPPY, 2, 1 << 20, (row, i) -> {
                    row.add("$meta", "{\"a\": 1}");
                    ParquetFiles.list(row, "v", List.of(1f, 2f, 3f, 4f));
                });
        ParquetFiles.write(file("good.parquet"), "message row { " + vector + " }", CompressionCodecName.GZIP, 2,
                1 << 20, (row, i) -> ParquetFiles.list(row, "v", List.of(1f, 2f, 3f, (float) i)));
        assertThat(failure("auto", "withKey.parquet")).contains("auto-generated");
        assertThat(failure("auto", "withMeta.parquet")).contains("dynamic fields are off");
        assertThat(awaitFinished(importFiles("auto", "good.parquet")).getState())
                .isEqualTo(ImportState.ImportCompleted);
        assertThat(count("auto")).isEqualTo(2);
    }

    // ---- rows

    private static void everyTypeRow(Group row, int i) {
        everyTypeRow(row, i, "");
    }

    /** Row {@code i} of {@link #EVERY_TYPE}, less the field {@code skip}; the values of the JSON twin above. */
    private static void everyTypeRow(Group row, int i, String skip) {
        Map<String, Runnable> values = new java.util.LinkedHashMap<>();
        values.put("id", () -> row.add("id", (long) i));
        values.put("b", () -> row.add("b", i % 2 == 0));
        values.put("i8", () -> row.add("i8", i - 2));
        values.put("i16", () -> row.add("i16", i * 30));
        values.put("i32", () -> {
            if (i != 1) {
                row.add("i32", i);
            }
        });
        values.put("f", () -> row.add("f", i + 0.5f));
        values.put("d", () -> row.add("d", i * 1.25f));
        values.put("s", () -> row.add("s", "s" + i));
        values.put("j", () -> row.add("j", "{\"k\": [" + i + "]}"));
        values.put("arr", () -> {
            if (i != 3) {
                ParquetFiles.list(row, "arr", List.of((long) i, (long) i + 1));
            }
        });
        values.put("tags", () -> ParquetFiles.list(row, "tags", List.of("t" + i, "u")));
        values.put("v", () -> ParquetFiles.list(row, "v", List.of((double) i, 0.5, 1.0, 2.0)));
        values.put("bv", () -> ParquetFiles.list(row, "bv", List.of(i, 255)));
        values.put("sp", () -> {
            Group sp = row.addGroup("sp");
            ParquetFiles.list(sp, "indices", List.of(1, 5 + i));
            ParquetFiles.list(sp, "values", List.of(0.5f, 1.5f));
        });
        values.put("iv", () -> ParquetFiles.list(row, "iv", List.of(i, -i, 3, -128)));
        values.put("$meta", () -> {
            if (i != 2) {
                row.add("$meta", "{\"extra\": " + i + "}");
            }
        });
        values.forEach((name, add) -> {
            if (!name.equals(skip)) {
                add.run();
            }
        });
    }

    /** Four half-precision components whose bit patterns are finite numbers. */
    private static byte[] halfBytes(int i) {
        return new byte[] {(byte) i, 0x3C, 0, 0x3E, (byte) (2 * i), 0x40, 1, 0x3F};
    }

    // ---- collections

    private void createEveryType(String name) {
        CollectionSchema schema = CollectionSchema.newBuilder().setName(name).setEnableDynamicField(true)
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("b").setDataType(DataType.Bool))
                .addFields(FieldSchema.newBuilder().setName("i8").setDataType(DataType.Int8))
                .addFields(FieldSchema.newBuilder().setName("i16").setDataType(DataType.Int16))
                .addFields(FieldSchema.newBuilder().setName("i32").setDataType(DataType.Int32).setNullable(true))
                .addFields(FieldSchema.newBuilder().setName("f").setDataType(DataType.Float))
                .addFields(FieldSchema.newBuilder().setName("d").setDataType(DataType.Double))
                .addFields(FieldSchema.newBuilder().setName("s").setDataType(DataType.VarChar)
                        .addTypeParams(pair("max_length", "16")))
                .addFields(FieldSchema.newBuilder().setName("j").setDataType(DataType.JSON))
                .addFields(FieldSchema.newBuilder().setName("arr").setDataType(DataType.Array)
                        .setElementType(DataType.Int64).setNullable(true).addTypeParams(pair("max_capacity", "4")))
                .addFields(FieldSchema.newBuilder().setName("tags").setDataType(DataType.Array)
                        .setElementType(DataType.VarChar).addTypeParams(pair("max_capacity", "4"))
                        .addTypeParams(pair("max_length", "8")))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(pair("dim", "4")))
                .addFields(FieldSchema.newBuilder().setName("bv").setDataType(DataType.BinaryVector)
                        .addTypeParams(pair("dim", "16")))
                .addFields(FieldSchema.newBuilder().setName("sp").setDataType(DataType.SparseFloatVector))
                .addFields(FieldSchema.newBuilder().setName("iv").setDataType(DataType.Int8Vector)
                        .addTypeParams(pair("dim", "4")))
                .build();
        create(schema, Map.of("v", List.of("FLAT", "L2"), "bv", List.of("BIN_FLAT", "HAMMING"),
                "sp", List.of("SPARSE_INVERTED_INDEX", "IP"), "iv", List.of("HNSW", "L2")));
    }

    private void createHalfFloats(String name) {
        CollectionSchema schema = CollectionSchema.newBuilder().setName(name)
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("h").setDataType(DataType.Float16Vector)
                        .addTypeParams(pair("dim", "4")))
                .addFields(FieldSchema.newBuilder().setName("bf").setDataType(DataType.BFloat16Vector)
                        .addTypeParams(pair("dim", "4")))
                .addFields(FieldSchema.newBuilder().setName("sp").setDataType(DataType.SparseFloatVector))
                .build();
        create(schema, Map.of("h", List.of("FLAT", "L2"), "bf", List.of("FLAT", "IP"),
                "sp", List.of("SPARSE_INVERTED_INDEX", "IP")));
    }

    private void create(CollectionSchema schema, Map<String, List<String>> indexes) {
        ok(stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName(schema.getName())
                .setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
        indexes.forEach((field, index) -> ok(stub.createIndex(CreateIndexRequest.newBuilder()
                .setCollectionName(schema.getName()).setFieldName(field)
                .addExtraParams(pair("index_type", index.get(0))).addExtraParams(pair("metric_type", index.get(1)))
                .build())));
        ok(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName(schema.getName()).build()));
    }

    // ---- jobs and reads

    private Path file(String name) {
        return dataDir.resolve("import").resolve(name);
    }

    private Map<String, FieldData> rows(String collection, List<String> fields) {
        QueryResults r = stub.query(QueryRequest.newBuilder().setCollectionName(collection).setExpr("id >= 0")
                .addAllOutputFields(fields).build());
        ok(r.getStatus());
        return r.getFieldsDataList().stream().collect(Collectors.toMap(FieldData::getFieldName,
                f -> f.toBuilder().clearFieldId().build()));
    }

    private long count(String collection) {
        QueryResults r = stub.query(QueryRequest.newBuilder().setCollectionName(collection).setExpr("")
                .addOutputFields("count(*)").build());
        ok(r.getStatus());
        return r.getFieldsData(0).getScalars().getLongData().getData(0);
    }

    private String failure(String collection, String file) throws InterruptedException {
        GetImportStateResponse state = awaitFinished(importFiles(collection, file));
        assertThat(state.getState()).as(file).isEqualTo(ImportState.ImportFailed);
        assertThat(state.getRowCount()).isZero();
        return info(state, "failed_reason");
    }

    private long importFiles(String collection, String... files) {
        ImportResponse r = stub.import_(ImportRequest.newBuilder().setCollectionName(collection)
                .addAllFiles(new ArrayList<>(List.of(files))).build());
        ok(r.getStatus());
        return r.getTasks(0);
    }

    private GetImportStateResponse awaitFinished(long job) throws InterruptedException {
        while (true) {
            GetImportStateResponse state = stub.getImportState(GetImportStateRequest.newBuilder().setTask(job).build());
            ok(state.getStatus());
            if (state.getState() == ImportState.ImportCompleted || state.getState() == ImportState.ImportFailed) {
                return state;
            }
            Thread.sleep(20);
        }
    }
}
