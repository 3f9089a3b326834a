package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Milvus's sparse row wire format, its validation (Milvus's messages, code 1100) and the inner product. */
@Timeout(30)
class SparseVectorTest {
    private static byte[] wire(long[] indices, float[] values) {
        ByteBuffer out = ByteBuffer.allocate(indices.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < indices.length; i++) {
            out.putInt((int) indices[i]).putFloat(values[i]);
        }
        return out.array();
    }

    private static void refused(byte[] row, String message) {
        assertThatThrownBy(() -> SparseVector.fromMilvusBytes(row)).isInstanceOf(MilvusException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((MilvusException) e).errorCode()).isEqualTo(ErrorCode.PARAMETER_INVALID));
    }

    @Test
    void aRowReadsBackAsTheSameBytes() {
        byte[] row = wire(new long[] {3, 9, 0xFFFF_FFFEL}, new float[] {0.5f, 0.25f, 7f});
        SparseVector vector = SparseVector.fromMilvusBytes(row);
        assertThat(vector.toMilvusBytes()).isEqualTo(row);
        assertThat(vector.size()).isEqualTo(3);
        assertThat(vector.dimension()).as("last index + 1, unsigned").isEqualTo(0xFFFF_FFFFL);
        assertThat(SparseVector.fromMilvusBytes(new byte[0])).isEqualTo(SparseVector.EMPTY);
        assertThat(SparseVector.EMPTY.dimension()).isZero();
    }

    @Test
    void invalidRowsAreRefusedWithMilvussMessages() {
        refused(new byte[7], "invalid data length in sparse float vector: 7");
        refused(wire(new long[] {0xFFFF_FFFFL}, new float[] {1}), "invalid index in sparse float vector: must be"
                + " less than 2^32-1");
        refused(wire(new long[] {5, 3}, new float[] {1, 1}), "unsorted or same indices in sparse float vector");
        refused(wire(new long[] {3, 3}, new float[] {1, 1}), "unsorted or same indices in sparse float vector");
        refused(wire(new long[] {1}, new float[] {Float.NaN}), "NaN or Inf");
        refused(wire(new long[] {1}, new float[] {Float.POSITIVE_INFINITY}), "NaN or Inf");
        refused(wire(new long[] {1}, new float[] {-0.5f}), "negative value in sparse float vector");
        assertThatThrownBy(() -> SparseVector.of(new long[] {-1}, new float[] {1}))
                .hasMessageContaining("must be less than 2^32-1");
    }

    @Test
    void indicesAboveTwoToThe31AreOrderedUnsigned() {
        SparseVector row = SparseVector.of(new long[] {5, 0x8000_0000L, 0xF000_0000L}, new float[] {1, 2, 3});
        SparseVector query = SparseVector.of(new long[] {0x8000_0000L, 0xF000_0000L}, new float[] {10, 100});
        assertThat(row.dot(query)).isEqualTo(320f);
        assertThat(query.dot(row)).isEqualTo(320f);
        assertThatThrownBy(() -> SparseVector.of(new long[] {0x8000_0000L, 5}, new float[] {1, 1}))
                .hasMessageContaining("unsorted");
    }

    @Test
    void theInnerProductSumsSharedIndicesOnly() {
        SparseVector a = SparseVector.of(new long[] {1, 4, 9}, new float[] {1, 2, 3});
        SparseVector b = SparseVector.of(new long[] {0, 4, 9, 12}, new float[] {5, 0.5f, 2, 8});
        assertThat(a.dot(b)).isEqualTo(1f + 6f);
        assertThat(a.dot(SparseVector.EMPTY)).isZero();
    }

    @Test
    void dropRatioSearchDropsTheSmallestEntries() {
        SparseVector q = SparseVector.of(new long[] {1, 2, 3, 4, 5}, new float[] {0.1f, 0.9f, 0.3f, 0.7f, 0.5f});
        assertThat(q.dropSmallest(0)).isSameAs(q);
        assertThat(q.dropSmallest(0.4).toString()).isEqualTo("{2:0.9, 4:0.7, 5:0.5}");
        assertThat(q.dropSmallest(0.1)).as("a ratio that drops nothing").isEqualTo(q);
    }
}
