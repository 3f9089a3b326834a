package dev.vectorvault.index;

import java.util.Arrays;

/**
 * Append-only storage for float vectors of one dimension, addressed by dense ordinals {@code 0..size()-1}. Vectors
 * sit unboxed in fixed-size chunks of {@code 2^chunkShift} vectors (at most 256 KiB each by default), so growth never
 * copies the whole column and ordinal lookup is a shift and a mask. To keep small columns small, the first chunk starts
 * at 16 vectors and doubles until it reaches full size. Each vector's Euclidean norm is computed once on append and
 * stored alongside, so COSINE search over a column shared with other metrics costs one division per candidate.
 *
 * <p><b>Thread-safety.</b> {@link #append} is synchronized (one writer at a time); reads never lock. The writer only
 * ever writes where no reader can look yet: a new vector's floats and norm go to a slot at or beyond {@code size},
 * and a new chunk goes to a directory entry beyond every reader's last chunk. Anything a reader may already hold is
 * replaced, never changed: when the directory is full, or the first chunk must grow, the writer copies it and
 * publishes the copy with a volatile write. Each append ends with the volatile write of {@code size}. A reader
 * ({@link #view()}) reads {@code size} first and the directory second. Reading {@code size = n} happens-after every
 * write made for ordinals below {@code n}; the directory read then returns the directory those writes used or a later
 * one, and a later one was copied after them and published by a volatile write that the read synchronizes with. So a
 * reader sees every ordinal that existed when it started, fully written, and never looks at later ones.
 *
 * <p>A sealed segment's column may be replaced by an {@linkplain #arrangedAs arranged} copy: the same ordinals
 * stored in another order (an IVF index's list order), read-only, final from its construction.
 */
public final class VectorColumn implements FieldVectors {
    /**
     * 256 KiB. Not 1 MiB: G1 allocates an array of half a region or more as a "humongous" object in whole regions of
     * its own, and a 1 MiB chunk plus its header needs two 1 MiB regions (or all of a 2 MiB one), so a column of
     * 1 MiB chunks took twice the vectors' size of heap (measured: 1,034 bytes per 128-d vector instead of 516 with a
     * 3 GiB heap). 256 KiB is below half of G1's smallest region.
     */
    private static final int TARGET_CHUNK_FLOATS = 1 << 16;
    private static final int FIRST_CHUNK_VECTORS = 16;

    /**
     * The chunk directory: parallel arrays of vector chunks and norm chunks, with spare capacity at the end that the
     * writer fills in place. Entries a reader may reach are never overwritten (see the class comment).
     */
    private static final class Chunks {
        final float[][] vectors;
        final float[][] norms;

        Chunks(float[][] vectors, float[][] norms) {
            this.vectors = vectors;
            this.norms = norms;
        }

        /** A copy with room for {@code capacity} chunks; doubling keeps the total copying linear in the chunks. */
        Chunks withCapacity(int capacity) {
            return new Chunks(Arrays.copyOf(vectors, capacity), Arrays.copyOf(norms, capacity));
        }

        /** A copy whose entry {@code chunk} is replaced, for readers may still use the old entry. */
        Chunks replacing(int chunk, float[] chunkVectors, float[] chunkNorms) {
            Chunks copy = withCapacity(vectors.length);
            copy.vectors[chunk] = chunkVectors;
            copy.norms[chunk] = chunkNorms;
            return copy;
        }
    }

    /**
     * A read view of the ordinals {@code [0, size)} that existed when it was taken; ordinal {@code o} lives in chunk
     * {@code o >>> chunkShift} at float offset {@code (o & chunkMask) * dim}. Valid for as long as it is held.
     *
     * <p>This is the random-access vector source of every index (the role of JVector's
     * {@code RandomAccessVectorValues}): graph and list indexes keep a view of the segment's column instead of a copy
     * of its vectors, so a sealed segment holds each vector once. A final class rather than an interface because the
     * search's hot loop calls it for every visited node and must stay monomorphic; a view of memory-mapped or remote
     * vectors would be a second implementation behind an interface extracted then.
     *
     * <p>Positions in the chunks are <em>slots</em>. In an appended column slot and ordinal are the same; in an
     * {@linkplain #arrangedAs arranged} column {@link #ordinalAt} and {@link #slotOf} translate (both null
     * otherwise). The accessors by ordinal ({@link #chunk}, {@link #offset}, {@link #norm}) translate for the
     * caller; scans that walk slots in order ({@link FlatIndex}, IVF lists) read {@link #ordinalAt} themselves.
     */
    static final class View {
        final int size;
        final int dim;
        final int chunkShift;
        final int chunkMask;
        final float[][] vectors;
        final float[][] norms;
        /** Slot -> ordinal, or null when they are equal. */
        final int[] ordinalAt;
        /** Ordinal -> slot, or null when they are equal. */
        final int[] slotOf;

        private View(int size, int dim, int chunkShift, Chunks chunks, int[] ordinalAt, int[] slotOf) {
            this.size = size;
            this.dim = dim;
            this.chunkShift = chunkShift;
            this.chunkMask = (1 << chunkShift) - 1;
            this.vectors = chunks.vectors;
            this.norms = chunks.norms;
            this.ordinalAt = ordinalAt;
            this.slotOf = slotOf;
        }

        /** Where {@code ordinal}'s vector is stored. */
        int slot(int ordinal) {
            return slotOf == null ? ordinal : slotOf[ordinal];
        }

        /** Which ordinal is stored at {@code slot}. */
        int ordinalAt(int slot) {
            return ordinalAt == null ? slot : ordinalAt[slot];
        }

        /** The chunk array holding {@code ordinal}; its floats start at {@link #offset}. */
        float[] chunk(int ordinal) {
            return vectors[slot(ordinal) >>> chunkShift];
        }

        /** Float offset of {@code ordinal} within its {@link #chunk}. */
        int offset(int ordinal) {
            return (slot(ordinal) & chunkMask) * dim;
        }

        /** The Euclidean norm of {@code ordinal}, as cached on append. */
        float norm(int ordinal) {
            int slot = slot(ordinal);
            return norms[slot >>> chunkShift][slot & chunkMask];
        }

        /**
         * Bytes this view reaches: vector data and norms (the column's own memory, not a copy), and the two
         * translation arrays of an arranged column.
         */
        long memoryBytes() {
            return 4L * size * dim + 4L * size + (ordinalAt == null ? 0L : 8L * size);
        }
    }

    private final int dim;
    private final int chunkShift;
    private final int chunkVectors;
    private volatile Chunks chunks = new Chunks(new float[0][], new float[0][]);
    private volatile int size;
    /** Chunks allocated so far; written and read by the writer only, under the lock. */
    private int allocatedChunks;
    /** For an arranged column (read-only), slot -> ordinal and ordinal -> slot; null for an appended one. */
    private final int[] ordinalAt;
    private final int[] slotOf;

    /** An empty column for vectors of {@code dim} floats. */
    public VectorColumn(int dim) {
        this(dim, defaultChunkShift(dim));
    }

    /** Lets tests force tiny chunks so that chunk boundaries are crossed with a handful of vectors. */
    VectorColumn(int dim, int chunkShift) {
        if (dim <= 0) {
            throw new IllegalArgumentException("dim must be positive: " + dim);
        }
        if (chunkShift < 0 || chunkShift > 30 || (long) dim << chunkShift > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("chunk of 2^" + chunkShift + " vectors of dim " + dim + " is too big");
        }
        this.dim = dim;
        this.chunkShift = chunkShift;
        this.chunkVectors = 1 << chunkShift;
        this.ordinalAt = null;
        this.slotOf = null;
    }

    /** An arranged, read-only column: {@code chunks} hold {@code ordinalAt.length} vectors in slot order. */
    private VectorColumn(int dim, int chunkShift, Chunks chunks, int[] ordinalAt, int[] slotOf) {
        this.dim = dim;
        this.chunkShift = chunkShift;
        this.chunkVectors = 1 << chunkShift;
        this.chunks = chunks;
        this.allocatedChunks = chunks.vectors.length;
        this.ordinalAt = ordinalAt;
        this.slotOf = slotOf;
        this.size = ordinalAt.length;
    }

    private static int defaultChunkShift(int dim) {
        // A non-positive dim is rejected by the constructor this feeds; just do not divide by it first.
        int vectorsPerChunk = Math.max(1, TARGET_CHUNK_FLOATS / Math.max(1, dim));
        return Integer.numberOfTrailingZeros(Integer.highestOneBit(vectorsPerChunk));
    }

    /**
     * Copies {@code vector} into the column.
     *
     * @return the new vector's ordinal, which equals the previous {@link #size()}
     * @throws IllegalArgumentException if the length is not {@link #dim()} or a component is NaN or infinite (Milvus
     *                                  rejects those too; they would make every score involving them NaN)
     * @throws IllegalStateException    if the column already holds {@code Integer.MAX_VALUE} vectors
     */
    public synchronized int append(float[] vector) {
        if (ordinalAt != null) {
            throw new IllegalStateException("an arranged column is read-only");
        }
        requireVector(vector, dim, "vector");
        int ordinal = size;
        if (ordinal == Integer.MAX_VALUE) {
            throw new IllegalStateException("column is full: " + ordinal + " vectors");
        }
        int chunk = ordinal >>> chunkShift;
        int slot = ordinal & (chunkVectors - 1);
        Chunks current = chunks;
        if (chunk == allocatedChunks) {
            if (chunk == current.vectors.length) {
                current = current.withCapacity((int) Math.min(Integer.MAX_VALUE - 8, Math.max(4L, 2L * chunk)));
                chunks = current;
            }
            int capacity = chunk == 0 ? Math.min(FIRST_CHUNK_VECTORS, chunkVectors) : chunkVectors;
            current.vectors[chunk] = new float[capacity * dim];
            current.norms[chunk] = new float[capacity];
            allocatedChunks++;
        } else if (slot == current.norms[chunk].length) {
            // Only the first chunk starts short. Readers may be scanning the old array, so swap in a grown copy.
            int capacity = Math.min(chunkVectors, 2 * slot);
            current = current.replacing(chunk, Arrays.copyOf(current.vectors[chunk], capacity * dim),
                    Arrays.copyOf(current.norms[chunk], capacity));
            chunks = current;
        }
        System.arraycopy(vector, 0, current.vectors[chunk], slot * dim, dim);
        current.norms[chunk][slot] = DistanceKernels.norm(vector, 0, dim);
        size = ordinal + 1;
        return ordinal;
    }

    /** Number of vectors appended so far; every ordinal below it is readable. */
    public int size() {
        return size;
    }

    public int dim() {
        return dim;
    }

    /** Copies the vector at {@code ordinal} into the first {@link #dim()} slots of {@code out}. */
    public void copyTo(int ordinal, float[] out) {
        if (out.length < dim) {
            throw new IllegalArgumentException("output holds " + out.length + " floats, dim is " + dim);
        }
        View view = view();
        checkOrdinal(ordinal, view.size);
        System.arraycopy(view.chunk(ordinal), view.offset(ordinal), out, 0, dim);
    }

    /** The Euclidean norm of the vector at {@code ordinal}, as cached on append. */
    public float norm(int ordinal) {
        View view = view();
        checkOrdinal(ordinal, view.size);
        return view.norm(ordinal);
    }

    /** A consistent view of the ordinals that exist now; the read order is what makes it safe (class comment). */
    View view() {
        int visible = size;
        Chunks published = chunks;
        return new View(visible, dim, chunkShift, published, ordinalAt, slotOf);
    }

    /**
     * A read-only copy of this column whose slot {@code i} holds the vector (and norm) of ordinal {@code order[i]}:
     * the same ordinals and vectors, stored in another order. An inverted-list index arranges its segment's column in
     * list order so that a probe is one sequential scan, and the segment then keeps only the arranged column
     * (vectors held once). Ordinals keep their meaning, so nothing above the index notices.
     *
     * @param order a permutation of {@code [0, size())}; not kept
     * @throws IllegalArgumentException when it is not one
     */
    public VectorColumn arrangedAs(int[] order) {
        View source = view();
        int n = source.size;
        if (order == null || order.length != n) {
            throw new IllegalArgumentException("an arrangement must list each of the " + n + " ordinals once");
        }
        int[] ordinalAt = order.clone();
        int[] slotOf = new int[n];
        Arrays.fill(slotOf, -1);
        for (int slot = 0; slot < n; slot++) {
            int ordinal = ordinalAt[slot];
            if (ordinal < 0 || ordinal >= n || slotOf[ordinal] != -1) {
                throw new IllegalArgumentException("ordinal " + ordinal + " at slot " + slot
                        + " is out of range or repeated");
            }
            slotOf[ordinal] = slot;
        }
        int chunkCount = (int) (((long) n + chunkVectors - 1) >>> chunkShift);
        float[][] vectors = new float[chunkCount][];
        float[][] norms = new float[chunkCount][];
        for (int c = 0; c < chunkCount; c++) {
            int length = Math.min(chunkVectors, n - (c << chunkShift));
            vectors[c] = new float[length * dim];
            norms[c] = new float[length];
        }
        for (int slot = 0; slot < n; slot++) {
            int ordinal = ordinalAt[slot];
            int chunk = slot >>> chunkShift;
            int at = slot & (chunkVectors - 1);
            System.arraycopy(source.chunk(ordinal), source.offset(ordinal), vectors[chunk], at * dim, dim);
            norms[chunk][at] = source.norm(ordinal);
        }
        return new VectorColumn(dim, chunkShift, new Chunks(vectors, norms), ordinalAt, slotOf);
    }

    /** Whether this column is arranged exactly as {@code order} ({@link #arrangedAs}), so a new arrangement is moot. */
    public boolean isArrangedAs(int[] order) {
        return ordinalAt != null && Arrays.equals(ordinalAt, order);
    }

    private static void checkOrdinal(int ordinal, int size) {
        if (ordinal < 0 || ordinal >= size) {
            throw new IndexOutOfBoundsException("ordinal " + ordinal + " outside [0, " + size + ")");
        }
    }

    /** Shared by appends and queries: a vector must have the column's dimension and finite components. */
    static void requireVector(float[] vector, int dim, String what) {
        if (vector == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (vector.length != dim) {
            throw new IllegalArgumentException(what + " has dim " + vector.length + ", expected " + dim);
        }
        for (int i = 0; i < dim; i++) {
            if (!Float.isFinite(vector[i])) {
                throw new IllegalArgumentException(what + "[" + i + "] is not finite: " + vector[i]);
            }
        }
    }
}
