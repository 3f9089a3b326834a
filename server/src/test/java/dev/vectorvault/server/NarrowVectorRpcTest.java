package dev.vectorvault.server;

import static dev.vectorvault.server.SmallCollection.ok;
import static dev.vectorvault.server.SmallCollection.pair;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vectorvault.index.VectorEncoding;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DescribeCollectionRequest;
import io.milvus.grpc.DescribeCollectionResponse;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.MutationResult;
import io.milvus.grpc.PlaceholderGroup;
import io.milvus.grpc.PlaceholderType;
import io.milvus.grpc.PlaceholderValue;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.QueryResults;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.SearchRequest;
import io.milvus.grpc.SearchResults;
import io.milvus.grpc.VectorField;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Float16, BFloat16 and Int8 vector fields over the wire with Milvus's byte layouts: the schema describes back, rows
 * go in and come out (query and search output) as the same bytes, queries in the field's placeholder type find the
 * nearest rows, float32 queries on half-precision fields are converted, other mixes are refused with Milvus's
 * message, and a row of the wrong width is refused.
 */
@Timeout(120)
class NarrowVectorRpcTest {
    private static final int DIM = 8;
    private static final int ROWS = 50;

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

    enum Kind {
        FLOAT16(DataType.Float16Vector, PlaceholderType.Float16Vector, VectorEncoding.FLOAT16),
        BFLOAT16(DataType.BFloat16Vector, PlaceholderType.BFloat16Vector, VectorEncoding.BFLOAT16),
        INT8(DataType.Int8Vector, PlaceholderType.Int8Vector, VectorEncoding.INT8);

        final DataType type;
        final PlaceholderType placeholder;
        final VectorEncoding encoding;

        Kind(DataType type, PlaceholderType placeholder, VectorEncoding encoding) {
            this.type = type;
            this.placeholder = placeholder;
            this.encoding = encoding;
        }

        VectorField column(byte[] bytes) {
            VectorField.Builder out = VectorField.newBuilder().setDim(DIM);
            ByteString b = ByteString.copyFrom(bytes);
            return switch (this) {
                case FLOAT16 -> out.setFloat16Vector(b).build();
                case BFLOAT16 -> out.setBfloat16Vector(b).build();
                case INT8 -> out.setInt8Vector(b).build();
            };
        }

        ByteString bytesOf(VectorField field) {
            return switch (this) {
                case FLOAT16 -> field.getFloat16Vector();
                case BFLOAT16 -> field.getBfloat16Vector();
                case INT8 -> field.getInt8Vector();
            };
        }
    }

    /** Row {@code i}: every component {@code i - 25} (exact in all three encodings). */
    private static float[] row(int i) {
        float[] v = new float[DIM];
        java.util.Arrays.fill(v, i - 25);
        return v;
    }

    private static SearchRequest search(PlaceholderType type, ByteString query) {
        PlaceholderValue value = PlaceholderValue.newBuilder().setTag("$0").setType(type).addValues(query).build();
        return SearchRequest.newBuilder().setCollectionName("n")
                .setPlaceholderGroup(PlaceholderGroup.newBuilder().addPlaceholders(value).build().toByteString())
                .setDslType(io.milvus.grpc.DslType.BoolExprV1).addOutputFields("v")
                .addSearchParams(pair("anns_field", "v")).addSearchParams(pair("topk", "3"))
                .addSearchParams(pair("metric_type", "L2")).build();
    }

    private static ByteString float32(float[] v) {
        ByteBuffer out = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            out.putFloat(x);
        }
        return ByteString.copyFrom(out.array());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void rowsGoInAndComeOutAsTheSameBytesAndAreSearchedInTheirOwnType(Kind kind) {
        CollectionSchema schema = CollectionSchema.newBuilder().setName("n")
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(kind.type)
                        .addTypeParams(pair("dim", String.valueOf(DIM))))
                .build();
        ok(stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName("n")
                .setSchema(schema.toByteString()).build()));
        DescribeCollectionResponse described = stub.describeCollection(DescribeCollectionRequest.newBuilder()
                .setCollectionName("n").build());
        ok(described.getStatus());
        assertThat(described.getSchema().getFields(1).getDataType()).isEqualTo(kind.type);
        assertThat(described.getSchema().getFields(1).getTypeParamsList()).contains(pair("dim", "8"));

        LongArray.Builder ids = LongArray.newBuilder();
        byte[] all = new byte[ROWS * DIM * kind.encoding.bytesPerComponent()];
        for (int i = 0; i < ROWS; i++) {
            ids.addData(i);
            kind.encoding.encode(row(i), all, i * DIM * kind.encoding.bytesPerComponent());
        }
        MutationResult inserted = stub.insert(InsertRequest.newBuilder().setCollectionName("n").setNumRows(ROWS)
                .addFieldsData(FieldData.newBuilder().setFieldName("id").setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(ids)))
                .addFieldsData(FieldData.newBuilder().setFieldName("v").setType(kind.type)
                        .setVectors(kind.column(all)))
                .build());
        ok(inserted.getStatus());
        MutationResult wrongWidth = stub.insert(InsertRequest.newBuilder().setCollectionName("n").setNumRows(1)
                .addFieldsData(FieldData.newBuilder().setFieldName("id").setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(LongArray.newBuilder().addData(99))))
                .addFieldsData(FieldData.newBuilder().setFieldName("v").setType(kind.type)
                        .setVectors(kind.column(new byte[DIM * kind.encoding.bytesPerComponent() + 1])))
                .build());
        assertThat(wrongWidth.getStatus().getCode()).isEqualTo(1100);
        ok(stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName("n").setFieldName("v")
                .addExtraParams(pair("index_type", "HNSW")).addExtraParams(pair("metric_type", "L2"))
                .addExtraParams(pair("M", "8")).addExtraParams(pair("efConstruction", "64")).build()));
        ok(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("n").build()));

        QueryResults queried = stub.query(QueryRequest.newBuilder().setCollectionName("n").setExpr("id in [3, 40]")
                .addOutputFields("v").build());
        ok(queried.getStatus());
        FieldData column = queried.getFieldsDataList().stream().filter(f -> f.getFieldName().equals("v"))
                .findFirst().orElseThrow();
        assertThat(column.getType()).isEqualTo(kind.type);
        assertThat(column.getVectors().getDim()).isEqualTo(DIM);
        int rowBytes = DIM * kind.encoding.bytesPerComponent();
        long first = queried.getFieldsDataList().stream().filter(f -> f.getFieldName().equals("id")).findFirst()
                .orElseThrow().getScalars().getLongData().getData(0);
        ByteString expectedFirst = ByteString.copyFrom(all, (int) first * rowBytes, rowBytes);
        assertThat(kind.bytesOf(column.getVectors()).substring(0, rowBytes)).isEqualTo(expectedFirst);

        ByteString query = ByteString.copyFrom(kind.encoding.encode(row(30)));
        SearchResults results = stub.search(search(kind.placeholder, query));
        ok(results.getStatus());
        assertThat(results.getResults().getIds().getIntId().getDataList()).startsWith(30L);
        assertThat(results.getResults().getScores(0)).isZero();
        FieldData output = results.getResults().getFieldsDataList().stream()
                .filter(f -> f.getFieldName().equals("v")).findFirst().orElseThrow();
        assertThat(kind.bytesOf(output.getVectors()).substring(0, rowBytes)).isEqualTo(query);

        SearchResults asFloat = stub.search(search(PlaceholderType.FloatVector, float32(row(30))));
        if (kind == Kind.INT8) {
            assertThat(asFloat.getStatus().getCode()).isEqualTo(1100);
            assertThat(asFloat.getStatus().getReason())
                    .contains("vector type must be the same: field type Int8Vector, search type FloatVector");
        } else {
            ok(asFloat.getStatus());
            assertThat(asFloat.getResults().getIds().getIntId().getDataList()).startsWith(30L);
        }
        Kind other = kind == Kind.FLOAT16 ? Kind.BFLOAT16 : Kind.FLOAT16;
        SearchResults mixed = stub.search(search(other.placeholder,
                ByteString.copyFrom(other.encoding.encode(row(30)))));
        assertThat(mixed.getStatus().getCode()).isEqualTo(1100);
        assertThat(mixed.getStatus().getReason()).contains("vector type must be the same: field type "
                + kind.encoding.wireName() + ", search type " + other.encoding.wireName());
    }
}
