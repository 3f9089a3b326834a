package dev.vectorvault.index;

import java.util.Arrays;
import java.util.List;

/**
 * Append-only storage for the packed binary vectors of one {@code BinaryVector} field of one segment, addressed by
 * ordinal: {@code dim / 8} bytes a row, rows back to back in one byte array, exactly as Milvus lays them out on the
 * wire (never widened: a vector of 1,024 bits takes 128 bytes here as in the segment file).
 *
 * <p><b>Thread-safety.</b> As {@link SparseColumn}: {@link #append} is synchronized (one writer), reads never lock. A
 * row is written where no reader looks yet ({@code >= size}) and published by the volatile write of {@code size}; a
 * full array is copied and the copy published before {@code size} moves, so a reader that reads {@code size} first
 * and the array second sees every row below that size.
 */
public final class BinaryColumn implements FieldVectors {
    private final int dim;
    private final int rowBytes;
    private volatile byte[] data;
    private volatile int size;

    /**
     * @param dim bits per vector, a positive multiple of 8
     * @throws IllegalArgumentException otherwise
     */
    public BinaryColumn(int dim) {
        if (dim <= 0 || dim % 8 != 0) {
            throw new IllegalArgumentException("a binary vector's dimension is a positive multiple of 8: " + dim);
        }
        this.dim = dim;
        this.rowBytes = dim / 8;
        this.data = new byte[rowBytes * 16];
    }

    /** Bits per vector. */
    public int dim() {
        return dim;
    }

    /** Bytes per vector ({@code dim / 8}). */
    public int rowBytes() {
        return rowBytes;
    }

    @Override
    public int size() {
        return size;
    }

    /**
     * Appends a row of exactly {@link #rowBytes()} bytes (copied); returns its ordinal.
     *
     * @throws IllegalArgumentException for a row of another length
     */
    public synchronized int append(byte[] row) {
        if (row == null || row.length != rowBytes) {
            throw new IllegalArgumentException("a binary vector of dimension " + dim + " has " + rowBytes
                    + " bytes, got " + (row == null ? "none" : row.length));
        }
        byte[] current = data;
        long end = (long) (size + 1) * rowBytes;
        if (end > current.length) {
            long grown = Math.max(end, (long) current.length * 2);
            if (grown > Integer.MAX_VALUE - 8) {
                grown = end;
            }
            if (grown > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("a binary column holds at most " + (Integer.MAX_VALUE - 8) / rowBytes
                        + " vectors of dimension " + dim);
            }
            current = Arrays.copyOf(current, (int) grown);
            data = current;
        }
        System.arraycopy(row, 0, current, size * rowBytes, rowBytes);
        return size++;
    }

    /** A copy of the row at {@code ordinal} ({@code 0 <= ordinal < size()}). */
    public byte[] get(int ordinal) {
        int n = size;
        if (ordinal < 0 || ordinal >= n) {
            throw new IndexOutOfBoundsException("ordinal " + ordinal + " of " + n);
        }
        int from = ordinal * rowBytes;
        return Arrays.copyOfRange(data, from, from + rowBytes);
    }

    /** Heap bytes the rows take ({@code size * dim / 8}; the array's spare room aside). */
    public long memoryBytes() {
        return (long) size * rowBytes;
    }

    /** A consistent snapshot for reading: the rows below the size seen at this call. */
    View view() {
        int n = size;
        return new View(data, n, rowBytes);
    }

    /** The rows below {@code size}, read without locks; a distance of a row to a query is one kernel call. */
    record View(byte[] data, int size, int rowBytes) {
        float distance(MetricType metric, byte[] query, int ordinal) {
            return metric.distance(query, 0, data, ordinal * rowBytes, rowBytes);
        }
    }

    /**
     * Exact search (Milvus's BIN_FLAT) of the first {@code limit} rows by {@code metric} (HAMMING or JACCARD, both
     * distances: smaller is better). {@code radius}/{@code rangeFilter} (NaN: absent) make it a range search keeping
     * {@code range_filter <= d < radius}, as Milvus does for every distance metric.
     *
     * @return at most {@code k} hits, best first, ties by smaller ordinal
     * @throws IllegalArgumentException on a query of another length, a non-binary metric or {@code k < 1}
     */
    public List<SearchHit> search(byte[] query, MetricType metric, int k, int limit, OrdinalFilter filter,
                                  float radius, float rangeFilter) {
        checkQuery(query, metric);
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1: " + k);
        }
        ScoreRange range = Float.isNaN(radius) && Float.isNaN(rangeFilter) ? ScoreRange.UNBOUNDED
                : ScoreRange.of(metric, radius, rangeFilter);
        View rows = view();
        int n = Math.min(limit, rows.size());
        TopK best = TopK.smallest(k);
        boolean all = filter == OrdinalFilter.ACCEPT_ALL;
        for (int ordinal = 0; ordinal < n; ordinal++) {
            if (!all && !filter.accept(ordinal)) {
                continue;
            }
            float distance = rows.distance(metric, query, ordinal);
            if (range.accepts(distance)) {
                best.offer(ordinal, distance);
            }
        }
        return best.drainBestFirst();
    }

    void checkQuery(byte[] query, MetricType metric) {
        if (!metric.binary()) {
            throw new IllegalArgumentException(metric + " does not compare binary vectors");
        }
        if (query == null || query.length != rowBytes) {
            throw new IllegalArgumentException("a binary query of dimension " + dim + " has " + rowBytes
                    + " bytes, got " + (query == null ? "none" : query.length));
        }
    }
}
