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

    /**
     * Every vector, read at once into a new resident column (same ordinals, same encoding). For rebuilding an index
     * or putting the vectors back on the heap; a search scans with {@link #scan} instead, whose memory does not grow
     * with the segment.
     */
    VectorColumn loadAll();

    /**
     * Ordinals {@code [from, to)} in order, a window of consecutive rows at a time: each window is read into a new
     * resident column (its slot {@code i} is ordinal {@code first + i}, same encoding) handed to {@code window} and
     * dropped when it returns, so a scan holds one window of vectors (a fixed number of bytes, or one row) whatever
     * the segment's size.
     *
     * @throws dev.vectorvault.storage.StorageException as {@link #read}
     */
    void scan(int from, int to, Window window);

    /** Receives the windows of a {@link #scan}. */
    @FunctionalInterface
    interface Window {
        /** Rows {@code [first, first + rows.size())}; {@code rows} is valid only during the call. */
        void accept(int first, VectorColumn rows);
    }

    /** Heap bytes this source holds (its per-row file positions), not the vectors. */
    long memoryBytes();

    /**
     * Lets go of what this source holds open (the segment is gone, or its vectors are resident again). Reads in
     * progress finish first; a read that comes later still works, opening the file for itself. Idempotent.
     */
    void close();
}
