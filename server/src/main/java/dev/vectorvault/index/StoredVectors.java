package dev.vectorvault.index;

/**
 * Full-precision vectors of a sealed segment's field kept off the heap (in the segment's file), read when exact
 * values are needed: a refine step, a vector output field, a compaction, an index rebuild. A column backed by one
 * ({@link VectorColumn#stored}) replaces the resident column once a quantized index answers the field's searches,
 * which is what makes such an index cut memory. The storage layer implements it; this package only reads through it.
 */
public interface StoredVectors {
    /**
     * Writes ordinal {@code ordinal}'s vector, widened to float, into {@code out[0..dim)}.
     *
     * @throws dev.vectorvault.storage.StorageException when the file cannot be read, or holds no valid vector there
     */
    void read(int ordinal, float[] out);

    /** Every vector, read at once into a new resident column (same ordinals, same encoding). */
    VectorColumn loadAll();

    /** Heap bytes this source holds (its per-row file positions), not the vectors. */
    long memoryBytes();

    /**
     * Lets go of what this source holds open (the segment is gone, or its vectors are resident again). Reads in
     * progress finish first; a read that comes later still works, opening the file for itself. Idempotent.
     */
    void close();
}
