package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.PlaceholderGroup;
import io.milvus.grpc.PlaceholderType;
import io.milvus.grpc.PlaceholderValue;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.SearchRequest;
import io.milvus.grpc.Status;
import io.milvus.grpc.VectorField;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Collection {@code c}: Int64 primary key {@code id}, 4-dim float vector {@code v} (FLAT, L2), loaded, over raw gRPC. */
final class SmallCollection {
    static final int DIM = 4;

    private SmallCollection() {}

    /** Creates, fills with {@code rows} rows (id = i, v = [i, i, i, i]), indexes and loads collection {@code c}. */
    static void create(MilvusServiceBlockingStub stub, int rows) {
        CollectionSchema schema = CollectionSchema.newBuilder().setName("c")
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(pair("dim", String.valueOf(DIM))))
                .build();
        ok(stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName("c")
                .setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
        insert(stub, 0, rows);
        ok(stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName("c").setFieldName("v")
                .addExtraParams(pair("index_type", "FLAT")).addExtraParams(pair("metric_type", "L2")).build()));
        ok(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("c").build()));
    }

    /** Inserts rows id = i, v = [i, i, i, i] for i in [from, to) into {@code c}. */
    static void insert(MilvusServiceBlockingStub stub, int from, int to) {
        LongArray.Builder ids = LongArray.newBuilder();
        FloatArray.Builder vectors = FloatArray.newBuilder();
        for (int i = from; i < to; i++) {
            ids.addData(i);
            for (int d = 0; d < DIM; d++) {
                vectors.addData(i);
            }
        }
        ok(stub.insert(InsertRequest.newBuilder().setCollectionName("c").setNumRows(to - from)
                .addFieldsData(FieldData.newBuilder().setFieldName("id").setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(ids)))
                .addFieldsData(FieldData.newBuilder().setFieldName("v").setType(DataType.FloatVector)
                        .setVectors(VectorField.newBuilder().setDim(DIM).setFloatVector(vectors)))
                .build()).getStatus());
    }

    /** A search request on {@code c} with {@code nq} query vectors (all zero) and the given search params. */
    static SearchRequest.Builder search(int nq, String... keyValues) {
        PlaceholderValue.Builder value = PlaceholderValue.newBuilder().setTag("$0")
                .setType(PlaceholderType.FloatVector);
        ByteString zero = ByteString.copyFrom(ByteBuffer.allocate(4 * DIM).order(ByteOrder.LITTLE_ENDIAN).array());
        for (int i = 0; i < nq; i++) {
            value.addValues(zero);
        }
        SearchRequest.Builder request = SearchRequest.newBuilder().setCollectionName("c")
                .setPlaceholderGroup(PlaceholderGroup.newBuilder().addPlaceholders(value).build().toByteString())
                .setDslType(io.milvus.grpc.DslType.BoolExprV1)
                .addSearchParams(pair("anns_field", "v")).addSearchParams(pair("metric_type", "L2"));
        for (int i = 0; i < keyValues.length; i += 2) {
            request.addSearchParams(pair(keyValues[i], keyValues[i + 1]));
        }
        return request;
    }

    static KeyValuePair pair(String key, String value) {
        return KeyValuePair.newBuilder().setKey(key).setValue(value).build();
    }

    static void ok(Status status) {
        assertThat(status.getCode()).as(status.getReason()).isZero();
    }
}
