package dev.vectorvault.index;

/**
 * The vectors of one field of one segment, addressed by ordinal: a {@link VectorColumn} (dense, one dimension) or a
 * {@link SparseColumn}. What an {@link IndexKind} builds over; each kind takes the one its field type stores.
 */
public interface FieldVectors {
    /** Number of vectors (ordinals {@code 0..size()-1}). */
    int size();
}
