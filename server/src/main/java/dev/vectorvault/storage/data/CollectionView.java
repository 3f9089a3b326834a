package dev.vectorvault.storage.data;

import dev.vectorvault.index.SparseColumn;
import dev.vectorvault.index.VectorColumn;
import java.util.function.Supplier;

/**
 * A consistent read-only view of one collection's rows, valid only inside {@link DataStore#read}: the collection
 * cannot change while it is held. Rows are addressed as (segment index, ordinal).
 */
public interface CollectionView {
    int segmentCount();

    int segmentSize(int segment);

    /** How many rows of the segment are deleted (tombstoned); 0 lets readers skip the per-row check. */
    int deletedCount(int segment);

    /** False for deleted (tombstoned) rows. */
    boolean isLive(int segment, int ordinal);

    long partition(int segment, int ordinal);

    /** A value: Boolean, Long, Double, String, JSON (Map/List/scalars), List (arrays), float[], SparseVector,
     * byte[] (a binary vector's packed bits) or null. */
    Object value(int segment, int field, int ordinal);

    VectorColumn vectors(int segment, int field);

    /** The sparse vectors of a sparse vector field (null for any other field). */
    SparseColumn sparseVectors(int segment, int field);

    /** The packed binary vectors of a binary vector field (null for any other field). */
    dev.vectorvault.index.BinaryColumn binaryVectors(int segment, int field);

    /**
     * The finished approximate index of a sealed segment's vector field, or null when the segment is to be searched
     * exactly: it is growing, too small to index, its field has no approximate index, or the index is not built yet.
     */
    AnnIndex annIndex(int segment, int field);

    /**
     * The finished scalar index of a sealed segment's scalar field, or null when filters scan the field there: the
     * segment is growing or too small, the field has no scalar index, or it is not built or loaded yet.
     */
    default dev.vectorvault.index.ScalarIndex scalarIndex(int segment, int field) {
        return null;
    }

    /**
     * The finished match index of a sealed segment's text field ({@code enable_match}), or null when match filters
     * analyse the segment's rows: the segment is growing, or its index is not built or loaded yet.
     */
    default dev.vectorvault.text.TextMatchIndex textMatchIndex(int segment, int field) {
        return null;
    }

    /**
     * What readers derived from this collection's rows and keep for later reads of it, under {@code key} ({@code
     * create} makes it on first use): shared by every view of the collection and dropped with its data. Whoever keeps
     * it checks that it still describes the view at hand. Views without a store behind them keep nothing.
     */
    default <T> T readerState(Object key, Class<T> type, Supplier<T> create) {
        return create.get();
    }

    /** Where a live primary key is, as {@code segment << 32 | ordinal}, or -1. */
    long locate(Object primaryKey);
}
