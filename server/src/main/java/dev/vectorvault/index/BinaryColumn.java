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
 *
 * <p>A sealed segment's column may be replaced by an {@linkplain #arrangedAs arranged} copy (BIN_IVF_FLAT stores
 * its rows in list order, so a probe reads one contiguous run of bytes): the same ordinals and rows, read-only, each
 * row found through the ordinal's slot. Ordinals keep their meaning, so nothing above the index notices.
 */
public final class BinaryColumn implements FieldVectors {
    private final int dim;
    private final int rowBytes;
    private volatile byte[] data;
    private volatile int size;
    /** For an arranged column (read-only), slot -> ordinal and ordinal -> slot; null for an appended one. */
    private final int[] ordinalAt;
    private final int[] slotOf;

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
        this.ordinalAt = null;
        this.slotOf = null;
    }

    private BinaryColumn(int dim, byte[] data, int[] ordinalAt, int[] slotOf) {
        this.dim = dim;
        this.rowBytes = dim / 8;
        this.data = data;
        this.ordinalAt = ordinalAt;
        this.slotOf = slotOf;
        this.size = ordinalAt.length;
    }

    /**
     * A read-only copy whose slot {@code i} holds the row of ordinal {@code order[i]}: the same rows, in another
     * order. The segment then keeps only the copy, so every row is held once.
     *
     * @param order a permutation of {@code [0, size())}; not kept
     * @throws IllegalArgumentException when it is not one
     */
    public BinaryColumn arrangedAs(int[] order) {
        View source = view();
        int[] arrangedOrder = order == null ? null : order.clone();
        int[] slots = Arrangement.slotsOf(arrangedOrder, source.size());
        byte[] arranged = new byte[source.size() * rowBytes];
        for (int slot = 0; slot < arrangedOrder.length; slot++) {
            System.arraycopy(source.data(), source.offset(arrangedOrder[slot]), arranged, slot * rowBytes, rowBytes);
        }
        return new BinaryColumn(dim, arranged, arrangedOrder, slots);
    }

    /** Whether this column is arranged exactly as {@code order} ({@link #arrangedAs}), so a new arrangement is moot. */
    public boolean isArrangedAs(int[] order) {
        return ordinalAt != null && Arrays.equals(ordinalAt, order);
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
        if (ordinalAt != null) {
            throw new IllegalStateException("an arranged column is read-only");
        }
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
        int from = (slotOf == null ? ordinal : slotOf[ordinal]) * rowBytes;
        return Arrays.copyOfRange(data, from, from + rowBytes);
    }

    /** Heap bytes the rows take ({@code size * dim / 8}; the array's spare room aside). */
    public long memoryBytes() {
        return (long) size * rowBytes;
    }

    /** A consistent snapshot for reading: the rows below the size seen at this call. */
    View view() {
        int n = size;
        return new View(data, n, rowBytes, ordinalAt, slotOf);
    }

    /**
     * The rows below {@code size}, read without locks; a distance of a row to a query is one kernel call. In an
     * arranged column ({@code slotOf} set) a row's bytes are at its slot, not at its ordinal.
     */
    record View(byte[] data, int size, int rowBytes, int[] ordinalAt, int[] slotOf) {
        /** Where the row of {@code ordinal} starts in {@link #data}. */
        int offset(int ordinal) {
            return (slotOf == null ? ordinal : slotOf[ordinal]) * rowBytes;
        }

        /** The ordinal whose row is at {@code slot}. */
        int ordinalAt(int slot) {
            return ordinalAt == null ? slot : ordinalAt[slot];
        }

        float distance(MetricType metric, byte[] query, int ordinal) {
            return metric.distance(query, 0, data, offset(ordinal), rowBytes);
        }

        float distanceAtSlot(MetricType metric, byte[] query, int slot) {
            return metric.distance(query, 0, data, slot * rowBytes, rowBytes);
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
        for (int ordinal = filter.next(0); ordinal >= 0 && ordinal < n; ordinal = filter.next(ordinal + 1)) {
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
