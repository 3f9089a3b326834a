package dev.vectorvault.storage.data;

import dev.vectorvault.index.BinaryColumn;
import dev.vectorvault.index.FieldVectors;
import dev.vectorvault.index.SparseColumn;
import dev.vectorvault.index.SparseVector;
import dev.vectorvault.index.VectorColumn;
import dev.vectorvault.index.VectorEncoding;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A run of rows of one collection, stored by column: vectors in contiguous {@link VectorColumn}s (never boxed, at
 * their field's width),
 * scalar values in lists, the partition of every row in a growable long array, deletions as a bit set of
 * ordinals (tombstones). Rows are only appended; a sealed segment takes no more rows. Not thread-safe: the owning
 * {@link CollectionData} guards it with its lock.
 */
final class Segment {
    /**
     * The insert time of rows written by a version that recorded none (log puts of types 1, 3 and 4, segment files
     * before version 4): such rows never expire. Larger than any cutoff, so no special case is needed.
     */
    static final long NO_INSERT_TIME = Long.MAX_VALUE;

    private final long segmentId;
    private final List<Object>[] scalars;
    /**
     * Per field, its vectors (null for a scalar field). Atomic because an index build may swap in an arranged copy
     * ({@link #replaceColumn}: arranged, stored or resident again) while searches read the segment: either column answers every ordinal alike.
     */
    private final AtomicReferenceArray<VectorColumn> vectors;
    /** Per field, its sparse vectors (null for any other field). */
    private final SparseColumn[] sparse;
    /** Per field, its packed binary vectors (null for any other field). */
    private final AtomicReferenceArray<BinaryColumn> binary;
    private long[] partitions = new long[64];
    /**
     * Per row, when the put that wrote it was accepted (epoch milliseconds, the writer's clock, carried in the log
     * record so every replica and every replay holds the same), or {@link #NO_INSERT_TIME}. A collection TTL hides
     * rows by it at read time.
     */
    private long[] insertTimes = new long[64];
    /** The smallest of {@link #insertTimes}: a read whose expiry cutoff is not above it needs no per-row check. */
    private long oldestInsertTime = NO_INSERT_TIME;
    private final BitSet deleted = new BitSet();
    private int size;
    private boolean sealed;
    /** Deletions since this segment's delete file was last written. */
    private boolean deletesDirty;
    /**
     * Whether this segment's rows are in a segment file (then only its tombstones may change). Volatile: a checkpoint
     * sets it and then looks whether the index is ready, while the build thread makes the index ready and then looks
     * at this; each must see the other's write, or neither would let a quantized index's vectors go.
     */
    private volatile boolean persisted;
    /** Per field, the approximate index of this sealed segment (null: none, searched exactly). */
    private final AtomicReferenceArray<SegmentIndex> annIndexes;
    /** Per field, the scalar index of this sealed segment (null: none, filters scan the field). */
    private final AtomicReferenceArray<SegmentScalarIndex> scalarIndexes;
    /** Per field, the match index of this sealed segment's text field (null: none, match filters analyse rows). */
    private final AtomicReferenceArray<SegmentTextIndex> textIndexes;

    /** A segment whose dense vector fields are all float32. */
    Segment(long segmentId, int[] vectorDims) {
        this(segmentId, vectorDims, null);
    }

    /** A segment made to be sealed (loaded, compacted): its BM25 outputs keep nothing current at append. */
    Segment(long segmentId, int[] vectorDims, VectorEncoding[] vectorEncodings) {
        this(segmentId, vectorDims, vectorEncodings, null);
    }

    /**
     * A segment of fields as {@link CollectionLayout} describes them; each dense vector field's column holds its
     * vectors at the width of {@code vectorEncodings[f]} (null: all float32). The sparse fields that
     * {@code bm25Outputs} marks (null: none; a growing segment's) keep their full-text postings and BM25 statistics
     * current as rows are appended ({@link SparseColumn#bm25Output}).
     */
    @SuppressWarnings("unchecked")
    Segment(long segmentId, int[] vectorDims, VectorEncoding[] vectorEncodings, boolean[] bm25Outputs) {
        this.segmentId = segmentId;
        this.scalars = new List[vectorDims.length];
        this.vectors = new AtomicReferenceArray<>(vectorDims.length);
        this.sparse = new SparseColumn[vectorDims.length];
        this.binary = new AtomicReferenceArray<>(vectorDims.length);
        this.annIndexes = new AtomicReferenceArray<>(vectorDims.length);
        this.scalarIndexes = new AtomicReferenceArray<>(vectorDims.length);
        this.textIndexes = new AtomicReferenceArray<>(vectorDims.length);
        for (int f = 0; f < vectorDims.length; f++) {
            if (vectorDims[f] > 0) {
                vectors.set(f, new VectorColumn(vectorDims[f],
                        vectorEncodings == null ? VectorEncoding.FLOAT32 : vectorEncodings[f]));
            } else if (vectorDims[f] == CollectionLayout.SPARSE) {
                boolean bm25 = bm25Outputs != null && f < bm25Outputs.length && bm25Outputs[f];
                sparse[f] = bm25 ? SparseColumn.bm25Output() : new SparseColumn();
            } else if (CollectionLayout.isBinaryEntry(vectorDims[f])) {
                binary.set(f, new BinaryColumn(-vectorDims[f]));
            } else {
                scalars[f] = new ArrayList<>();
            }
        }
    }

    long segmentId() {
        return segmentId;
    }

    int size() {
        return size;
    }

    int fieldCount() {
        return scalars.length;
    }

    /**
     * Appends a row whose values are aligned with the schema's fields; returns its ordinal. A segment holds as many
     * fields as the collection had when the segment was made: rows of a collection that gained fields since go to
     * a new segment (a narrower segment reads added fields as absent, see {@link CollectionData}).
     */
    int append(long partitionId, long insertTime, Object[] row) {
        if (sealed) {
            throw new IllegalStateException("segment " + segmentId + " is sealed");
        }
        if (row.length != scalars.length) {
            throw new IllegalStateException("a row of " + row.length + " values for segment " + segmentId + " of "
                    + scalars.length + " fields");
        }
        for (int f = 0; f < row.length; f++) {
            VectorColumn column = vectors.get(f);
            if (column != null) {
                column.append((float[]) row[f]);
            } else if (sparse[f] != null) {
                sparse[f].append((SparseVector) row[f]);
            } else if (binary.get(f) != null) {
                binary.get(f).append((byte[]) row[f]);
            } else {
                scalars[f].add(row[f]);
            }
        }
        if (size == partitions.length) {
            partitions = java.util.Arrays.copyOf(partitions, size * 2);
            insertTimes = java.util.Arrays.copyOf(insertTimes, size * 2);
        }
        partitions[size] = partitionId;
        insertTimes[size] = insertTime;
        oldestInsertTime = Math.min(oldestInsertTime, insertTime);
        return size++;
    }

    Object value(int field, int ordinal) {
        VectorColumn column = vectors.get(field);
        if (column != null) {
            float[] out = new float[column.dim()];
            column.copyTo(ordinal, out);
            return out;
        }
        if (sparse[field] != null) {
            return sparse[field].get(ordinal);
        }
        BinaryColumn bits = binary.get(field);
        if (bits != null) {
            return bits.get(ordinal);
        }
        return scalars[field].get(ordinal);
    }

    Object[] row(int ordinal) {
        Object[] row = new Object[scalars.length];
        for (int f = 0; f < row.length; f++) {
            row[f] = value(f, ordinal);
        }
        return row;
    }

    VectorColumn vectors(int field) {
        return field < scalars.length ? vectors.get(field) : null;
    }

    SparseColumn sparseVectors(int field) {
        return field < scalars.length ? sparse[field] : null;
    }

    BinaryColumn binaryVectors(int field) {
        return binary.get(field);
    }

    /** The vectors an index of field {@code field} is built over (dense, sparse or binary); null for a scalar field. */
    FieldVectors indexable(int field) {
        VectorColumn dense = vectors.get(field);
        return dense != null ? dense : sparse[field] != null ? sparse[field] : binary.get(field);
    }

    /**
     * Replaces a sealed segment's column by {@code next}, the same vectors held another way (in an index's scan
     * order, {@linkplain VectorColumn#stored stored} in the segment file, or back on the heap), if the column is still
     * {@code expected} (a later replacement is never overwritten by an earlier one); the old column is then garbage
     * once the searches holding it end, so the segment holds its vectors once.
     */
    boolean replaceColumn(int field, VectorColumn expected, VectorColumn next) {
        // Only sealed segments are indexed, so no append can race with the swap.
        if (next.size() != expected.size() || next.dim() != expected.dim()) {
            return false;
        }
        return vectors.compareAndSet(field, expected, next);
    }

    /** As above for a binary vector field's column (BIN_IVF_FLAT arranges it in list order). */
    boolean replaceColumn(int field, BinaryColumn expected, BinaryColumn arranged) {
        if (arranged.size() != expected.size() || arranged.dim() != expected.dim()) {
            return false;
        }
        return binary.compareAndSet(field, expected, arranged);
    }

    long partition(int ordinal) {
        return partitions[ordinal];
    }

    long insertTime(int ordinal) {
        return insertTimes[ordinal];
    }

    /** Whether the row was written before {@code cutoff} (now less the TTL): expired, unless the TTL is off. */
    boolean isExpired(int ordinal, long cutoff) {
        return insertTimes[ordinal] < cutoff;
    }

    /** Whether any row of this segment was written before {@code cutoff}. */
    boolean mayHoldExpired(long cutoff) {
        return oldestInsertTime < cutoff;
    }

    /** How many rows are not deleted but expired at {@code cutoff}. */
    int expiredLiveCount(long cutoff) {
        if (!mayHoldExpired(cutoff)) {
            return 0;
        }
        int count = 0;
        for (int ordinal = 0; ordinal < size; ordinal++) {
            if (insertTimes[ordinal] < cutoff && !deleted.get(ordinal)) {
                count++;
            }
        }
        return count;
    }

    boolean isDeleted(int ordinal) {
        return deleted.get(ordinal);
    }

    void delete(int ordinal) {
        deleted.set(ordinal);
        deletesDirty = true;
    }

    int deletedCount() {
        return deleted.cardinality();
    }

    BitSet deletedOrdinals() {
        return (BitSet) deleted.clone();
    }

    /** Restores tombstones read from this segment's delete file at start-up. */
    void restoreDeleted(BitSet ordinals) {
        deleted.or(ordinals);
    }

    boolean deletesDirty() {
        return deletesDirty;
    }

    void deletesWritten() {
        deletesDirty = false;
    }

    boolean sealed() {
        return sealed;
    }

    void seal() {
        sealed = true;
    }

    /** Null also for a field added to the collection after this segment was made (it has no index here). */
    SegmentIndex annIndex(int field) {
        return field < scalars.length ? annIndexes.get(field) : null;
    }

    /** Swaps the field's index if it is still {@code expected}; safe against concurrent reconciliations. */
    boolean replaceAnnIndex(int field, SegmentIndex expected, SegmentIndex next) {
        return annIndexes.compareAndSet(field, expected, next);
    }

    /**
     * The segment is going away (compacted, emptied, dropped, reloaded): stop its builds, let its indexes go, and let
     * its stored vectors close the segment file (reads in progress finish first). Under the segment's monitor for the
     * columns, as {@link IndexMaintenance} swaps them: a stored column swapped in meanwhile is seen and closed here.
     */
    void retire() {
        for (int f = 0; f < annIndexes.length(); f++) {
            SegmentIndex index = annIndexes.getAndSet(f, null);
            if (index != null) {
                index.cancel();
            }
            SegmentScalarIndex scalar = scalarIndexes.getAndSet(f, null);
            if (scalar != null) {
                scalar.cancel();
            }
            SegmentTextIndex text = textIndexes.getAndSet(f, null);
            if (text != null) {
                text.cancel();
            }
        }
        synchronized (this) {
            for (int f = 0; f < vectors.length(); f++) {
                VectorColumn column = vectors.get(f);
                if (column != null) {
                    column.releaseStorage();
                }
            }
        }
    }

    /** The values of scalar field {@code field} (null for a vector field); read-only once the segment is sealed. */
    List<Object> scalarValues(int field) {
        return scalars[field];
    }

    SegmentScalarIndex scalarIndex(int field) {
        return field < scalars.length ? scalarIndexes.get(field) : null;
    }

    /** Swaps the field's scalar index if it is still {@code expected}; safe against concurrent reconciliations. */
    boolean replaceScalarIndex(int field, SegmentScalarIndex expected, SegmentScalarIndex next) {
        return scalarIndexes.compareAndSet(field, expected, next);
    }

    SegmentTextIndex textIndex(int field) {
        return field < scalars.length ? textIndexes.get(field) : null;
    }

    /** Swaps the field's match index if it is still {@code expected}; safe against concurrent reconciliations. */
    boolean replaceTextIndex(int field, SegmentTextIndex expected, SegmentTextIndex next) {
        return textIndexes.compareAndSet(field, expected, next);
    }

    boolean persisted() {
        return persisted;
    }

    void markPersisted() {
        persisted = true;
    }
}
