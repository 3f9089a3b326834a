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
 */
public final class VectorColumn {
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
     */
    static final class View {
        final int size;
        final int dim;
        final int chunkShift;
        final int chunkMask;
        final float[][] vectors;
        final float[][] norms;

        private View(int size, int dim, int chunkShift, Chunks chunks) {
            this.size = size;
            this.dim = dim;
            this.chunkShift = chunkShift;
            this.chunkMask = (1 << chunkShift) - 1;
            this.vectors = chunks.vectors;
            this.norms = chunks.norms;
        }

        /** The chunk array holding {@code ordinal}; its floats start at {@link #offset}. */
        float[] chunk(int ordinal) {
            return vectors[ordinal >>> chunkShift];
        }

        /** Float offset of {@code ordinal} within its {@link #chunk}. */
        int offset(int ordinal) {
            return (ordinal & chunkMask) * dim;
        }

        /** The Euclidean norm of {@code ordinal}, as cached on append. */
        float norm(int ordinal) {
            return norms[ordinal >>> chunkShift][ordinal & chunkMask];
        }

        /** Bytes of vector data and norms this view reaches (the column's own memory, not a copy). */
        long memoryBytes() {
            return 4L * size * dim + 4L * size;
        }
    }

    private final int dim;
    private final int chunkShift;
    private final int chunkVectors;
    private volatile Chunks chunks = new Chunks(new float[0][], new float[0][]);
    private volatile int size;
    /** Chunks allocated so far; written and read by the writer only, under the lock. */
    private int allocatedChunks;

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
        System.arraycopy(view.vectors[ordinal >>> chunkShift], (ordinal & view.chunkMask) * dim, out, 0, dim);
    }

    /** The Euclidean norm of the vector at {@code ordinal}, as cached on append. */
    public float norm(int ordinal) {
        View view = view();
        checkOrdinal(ordinal, view.size);
        return view.norms[ordinal >>> chunkShift][ordinal & view.chunkMask];
    }

    /** A consistent view of the ordinals that exist now; the read order is what makes it safe (class comment). */
    View view() {
        int visible = size;
        Chunks published = chunks;
        return new View(visible, dim, chunkShift, published);
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
