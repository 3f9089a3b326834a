package dev.vectorvault.index;

import dev.vectorvault.common.MilvusException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One row of a Milvus {@code SparseFloatVector}: non-zero entries as (index, value) pairs with indices strictly
 * ascending. Indices are Milvus's uint32 (0 to 2^32-2), held as the {@code int} of the same 32 bits and compared
 * unsigned. Immutable (the arrays are never exposed).
 *
 * <p>Its wire form, {@link #fromMilvusBytes}/{@link #toMilvusBytes}, is Milvus's: per pair a little-endian uint32
 * index then a little-endian float32 value, so a row reads back as exactly the bytes that were inserted.
 */
public final class SparseVector {
    /** Milvus refuses index 2^32-1 (it is its "no index" marker). */
    public static final long MAX_INDEX = 0xFFFF_FFFEL;
    public static final SparseVector EMPTY = new SparseVector(new int[0], new float[0]);

    private final int[] indices;
    private final float[] values;

    private SparseVector(int[] indices, float[] values) {
        this.indices = indices;
        this.values = values;
    }

    /**
     * A row from parallel arrays (copied), checked as {@link #fromMilvusBytes} checks one.
     *
     * @throws MilvusException 1100 with Milvus's message when the row is not a valid sparse row
     */
    public static SparseVector of(long[] indices, float[] values) {
        if (indices.length != values.length) {
            throw MilvusException.invalidParameter("sparse vector has " + indices.length + " indices and "
                    + values.length + " values");
        }
        int[] packed = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] > MAX_INDEX) {
                throw MilvusException.invalidParameter("invalid index in sparse float vector: must be less than"
                        + " 2^32-1");
            }
            packed[i] = (int) indices[i];
        }
        return checked(packed, values.clone());
    }

    /**
     * Decodes one row of Milvus's wire format. Refused as Milvus refuses them: a length that is not a multiple of 8,
     * index 2^32-1, indices not strictly ascending, NaN or infinite values, negative values.
     *
     * @throws MilvusException 1100 (invalid parameter) with Milvus's message
     */
    public static SparseVector fromMilvusBytes(byte[] row) {
        if (row.length % 8 != 0) {
            throw MilvusException.invalidParameter("invalid data length in sparse float vector: " + row.length);
        }
        int n = row.length / 8;
        ByteBuffer in = ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN);
        int[] indices = new int[n];
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            indices[i] = in.getInt();
            values[i] = in.getFloat();
        }
        return checked(indices, values);
    }

    private static SparseVector checked(int[] indices, float[] values) {
        for (int i = 0; i < indices.length; i++) {
            if (Integer.toUnsignedLong(indices[i]) > MAX_INDEX) {
                throw MilvusException.invalidParameter("invalid index in sparse float vector: must be less than"
                        + " 2^32-1");
            }
            if (i > 0 && Integer.compareUnsigned(indices[i - 1], indices[i]) >= 0) {
                throw MilvusException.invalidParameter("unsorted or same indices in sparse float vector");
            }
            if (!Float.isFinite(values[i])) {
                throw MilvusException.invalidParameter("float vector contains NaN or Inf in sparse float vector");
            }
            if (values[i] < 0) {
                throw MilvusException.invalidParameter("negative value in sparse float vector");
            }
        }
        return new SparseVector(indices, values);
    }

    /**
     * A row read back from storage, where it was written by {@link #index}/{@link #value} after being checked: only
     * the invariants that keep searches correct are checked again.
     *
     * @return null when the arrays do not form a valid row (the caller reports damage)
     */
    public static SparseVector fromStorage(int[] indices, float[] values) {
        try {
            return checked(indices, values);
        } catch (MilvusException e) {
            return null;
        }
    }

    /** Milvus's wire form: {@code size() × 8} bytes of little-endian (uint32 index, float32 value) pairs. */
    public byte[] toMilvusBytes() {
        ByteBuffer out = ByteBuffer.allocate(indices.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < indices.length; i++) {
            out.putInt(indices[i]).putFloat(values[i]);
        }
        return out.array();
    }

    /** Number of non-zero entries. */
    public int size() {
        return indices.length;
    }

    /** The {@code i}-th entry's index as the int of its uint32 bits ({@link Integer#toUnsignedLong} for the value). */
    public int index(int i) {
        return indices[i];
    }

    public float value(int i) {
        return values[i];
    }

    /** Milvus's {@code dim} of a row: its last index + 1 (0 for an empty row). */
    public long dimension() {
        return indices.length == 0 ? 0 : Integer.toUnsignedLong(indices[indices.length - 1]) + 1;
    }

    /** Inner product: the sum of value products over the indices both rows hold (a merge of two sorted lists). */
    /** The sum of the values (a BM25 row's length: its token count). */
    public float sum() {
        float total = 0;
        for (float v : values) {
            total += v;
        }
        return total;
    }

    /**
     * Σ over shared indices of {@code this[i] × scorer(row[i], rowLength)}, summed in ascending index order (the
     * order the inverted index's term-at-a-time search adds them in, so both give the same float).
     */
    public float weightedDot(SparseVector row, TermScorer scorer, float rowLength) {
        float score = 0;
        int i = 0;
        int j = 0;
        int[] rowIndices = row.indices;
        while (i < indices.length && j < rowIndices.length) {
            int c = Integer.compareUnsigned(indices[i], rowIndices[j]);
            if (c == 0) {
                score += values[i] * scorer.value(row.values[j], rowLength);
                i++;
                j++;
            } else if (c < 0) {
                i++;
            } else {
                j++;
            }
        }
        return score;
    }

    public float dot(SparseVector other) {
        int[] a = indices;
        int[] b = other.indices;
        int i = 0;
        int j = 0;
        float sum = 0;
        while (i < a.length && j < b.length) {
            int order = Integer.compareUnsigned(a[i], b[j]);
            if (order == 0) {
                sum += values[i++] * other.values[j++];
            } else if (order < 0) {
                i++;
            } else {
                j++;
            }
        }
        return sum;
    }

    /**
     * Milvus's {@code drop_ratio_search}: the entries whose |value| is below the {@code ratio} quantile of the row's
     * |values| are dropped (0 keeps every entry).
     */
    public SparseVector dropSmallest(double ratio) {
        if (ratio <= 0 || indices.length == 0) {
            return this;
        }
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        int cut = (int) (ratio * sorted.length);
        if (cut == 0) {
            return this;
        }
        float threshold = sorted[Math.min(cut, sorted.length - 1)];
        int kept = 0;
        for (float v : values) {
            if (v >= threshold) {
                kept++;
            }
        }
        int[] keptIndices = new int[kept];
        float[] keptValues = new float[kept];
        int k = 0;
        for (int i = 0; i < indices.length; i++) {
            if (values[i] >= threshold) {
                keptIndices[k] = indices[i];
                keptValues[k++] = values[i];
            }
        }
        return new SparseVector(keptIndices, keptValues);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparseVector other && Arrays.equals(indices, other.indices)
                && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(indices) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("{");
        for (int i = 0; i < indices.length; i++) {
            text.append(i == 0 ? "" : ", ").append(Integer.toUnsignedLong(indices[i])).append(':').append(values[i]);
        }
        return text.append('}').toString();
    }
}
