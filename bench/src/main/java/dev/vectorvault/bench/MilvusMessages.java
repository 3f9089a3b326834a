package dev.vectorvault.bench;

import com.google.protobuf.ByteString;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DslType;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.PlaceholderGroup;
import io.milvus.grpc.PlaceholderType;
import io.milvus.grpc.PlaceholderValue;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.SearchRequest;
import io.milvus.grpc.VectorField;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The protobuf messages the benchmark sends, shaped the way the Milvus SDKs shape them: a serialized
 * {@code CollectionSchema} inside {@code CreateCollectionRequest}, column-wise {@code FieldData} for inserts, and a
 * serialized {@code PlaceholderGroup} of little-endian float32 bytes for searches.
 */
final class MilvusMessages {
    static final String PRIMARY_KEY = "id";
    static final String VECTOR = "vec";

    private MilvusMessages() {}

    /** Int64 primary key {@code id} (ids supplied by the client) and FloatVector {@code vec} of {@code dim}. */
    static ByteString schema(String collection, int dim) {
        return CollectionSchema.newBuilder()
                .setName(collection)
                .addFields(FieldSchema.newBuilder().setName(PRIMARY_KEY).setDataType(DataType.Int64)
                        .setIsPrimaryKey(true).setAutoID(false))
                .addFields(FieldSchema.newBuilder().setName(VECTOR).setDataType(DataType.FloatVector)
                        .addTypeParams(pair("dim", Integer.toString(dim))))
                .build().toByteString();
    }

    /**
     * One insert of rows {@code [from, to)} of {@code vectors}, each row's id being its index, without a collection
     * name (the caller adds it). Built once, before any timing, with primitive adds: boxing 100 k x 128 floats would
     * cost seconds and heaps of garbage.
     */
    static InsertRequest insert(float[][] vectors, int from, int to) {
        int dim = vectors[0].length;
        LongArray.Builder ids = LongArray.newBuilder();
        FloatArray.Builder floats = FloatArray.newBuilder();
        for (int row = from; row < to; row++) {
            ids.addData(row);
            for (int d = 0; d < dim; d++) {
                floats.addData(vectors[row][d]);
            }
        }
        return InsertRequest.newBuilder()
                .addFieldsData(FieldData.newBuilder().setFieldName(PRIMARY_KEY).setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(ids)))
                .addFieldsData(FieldData.newBuilder().setFieldName(VECTOR).setType(DataType.FloatVector)
                        .setVectors(VectorField.newBuilder().setDim(dim).setFloatVector(floats)))
                .setNumRows(to - from)
                .build();
    }

    /** Top-k L2 search for one query vector, no filter, no output fields (ids and scores come back anyway). */
    static SearchRequest search(String collection, float[] query, int topK) {
        ByteBuffer bytes = ByteBuffer.allocate(query.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(query);
        ByteString placeholders = PlaceholderGroup.newBuilder()
                .addPlaceholders(PlaceholderValue.newBuilder().setTag("$0").setType(PlaceholderType.FloatVector)
                        .addValues(ByteString.copyFrom(bytes.array())))
                .build().toByteString();
        return SearchRequest.newBuilder()
                .setCollectionName(collection)
                .setDsl("")
                .setDslType(DslType.BoolExprV1)
                .setPlaceholderGroup(placeholders)
                .setNq(1)
                .addSearchParams(pair("topk", Integer.toString(topK)))
                .addSearchParams(pair("anns_field", VECTOR))
                .addSearchParams(pair("metric_type", "L2"))
                .addSearchParams(pair("params", "{}"))
                .build();
    }

    static KeyValuePair pair(String key, String value) {
        return KeyValuePair.newBuilder().setKey(key).setValue(value).build();
    }
}
