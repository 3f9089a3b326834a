package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.index.SparseVector;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.SparseFloatArray;
import io.milvus.grpc.VectorField;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A SparseFloatVector column in Milvus's wire form decodes to rows and encodes back to the same bytes. */
@Timeout(30)
class SparseFieldDataTest {
    private static final FieldSchema SPARSE = new FieldSchema(101, "sp", "", DataType.SPARSE_FLOAT_VECTOR, false,
            false, 0, 0, null, 0, false, null, false, false);

    private static ByteString row(long[] indices, float[] values) {
        ByteBuffer out = ByteBuffer.allocate(indices.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < indices.length; i++) {
            out.putInt((int) indices[i]).putFloat(values[i]);
        }
        return ByteString.copyFrom(out.array());
    }

    private static FieldData column(ByteString... rows) {
        return FieldData.newBuilder().setFieldName("sp").setType(io.milvus.grpc.DataType.SparseFloatVector)
                .setVectors(VectorField.newBuilder().setDim(1000).setSparseFloatVector(SparseFloatArray.newBuilder()
                        .setDim(1000).addAllContents(List.of(rows)))).build();
    }

    @Test
    void rowsRoundTripAsTheSameBytesWithMilvussDims() {
        ByteString a = row(new long[] {1, 999}, new float[] {0.5f, 2f});
        ByteString b = row(new long[] {}, new float[] {});
        ByteString c = row(new long[] {0xFFFF_FFFEL}, new float[] {1f});
        List<Object> decoded = FieldDataCodec.decode(column(a, b, c), SPARSE, 3);
        assertThat(decoded).hasSize(3).allMatch(v -> v instanceof SparseVector);
        FieldData encoded = FieldDataCodec.encode(SPARSE, new ArrayList<>(decoded), null);
        assertThat(encoded.getType()).isEqualTo(io.milvus.grpc.DataType.SparseFloatVector);
        assertThat(encoded.getVectors().getSparseFloatVector().getContentsList()).containsExactly(a, b, c);
        assertThat(encoded.getVectors().getDim()).as("max index + 1").isEqualTo(0xFFFF_FFFFL);
        assertThat(encoded.getVectors().getSparseFloatVector().getDim()).isEqualTo(0xFFFF_FFFFL);
    }

    @Test
    void anInvalidRowOrAColumnOfAnotherShapeIsRefused() {
        assertThatThrownBy(() -> FieldDataCodec.decode(column(row(new long[] {3, 3}, new float[] {1, 1})), SPARSE,
                1)).isInstanceOf(MilvusException.class).hasMessageContaining("unsorted or same indices");
        FieldData floats = FieldData.newBuilder().setVectors(VectorField.newBuilder().setDim(2)
                .setFloatVector(io.milvus.grpc.FloatArray.newBuilder().addData(1).addData(2))).build();
        assertThatThrownBy(() -> FieldDataCodec.decode(floats, SPARSE, 1)).isInstanceOf(MilvusException.class)
                .hasMessageContaining("expects sparse float vector data");
    }

    @Test
    void theSchemaTypeMapsBothWays() {
        assertThat(SchemaMapper.dataType(io.milvus.grpc.DataType.SparseFloatVector, "sp"))
                .isEqualTo(DataType.SPARSE_FLOAT_VECTOR);
        assertThat(SchemaMapper.protoType(DataType.SPARSE_FLOAT_VECTOR))
                .isEqualTo(io.milvus.grpc.DataType.SparseFloatVector);
    }
}
