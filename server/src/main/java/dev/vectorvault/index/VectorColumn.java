package dev.vectorvault.index;

import java.lang.ref.WeakReference;
import java.util.Arrays;

/**
 * Append-only storage for dense vectors of one dimension, addressed by dense ordinals {@code 0..size()-1}, held at
 * the width of their field's {@link VectorEncoding}: float32 components in {@code float[]} chunks, float16 and
 * bfloat16 bits in {@code short[]} chunks (2 bytes a component), int8 in {@code byte[]} chunks (1 byte). Vectors come
 * in and go out as float arrays (every stored value is exactly a float), and searches widen the stored components on
 * the fly ({@link NarrowKernels}), so a narrow field computes in float without a float copy of its vectors. Vectors
 * sit unboxed in fixed-size chunks of {@code 2^chunkShift} vectors (at most 256 KiB each by default), so growth never
 * copies the whole column and ordinal lookup is a shift and a mask. To keep small columns small, the first chunk starts
 * at 16 vectors and doubles until it reaches full size. Each vector's Euclidean norm is computed once on append and
 * stored alongside, so COSINE search over a column shared with other metrics costs one division per candidate.
 *
 * <p><b>Thread-safety.</b> {@link #append} is synchronized (one writer at a time); reads never lock. The writer only
 * ever writes where no reader can look yet: a new vector's components and norm go to a slot at or beyond {@code size},
 * and a new chunk goes to a directory entry beyond every reader's last chunk. Anything a reader may already hold is
 * replaced, never changed: when the directory is full, or the first chunk must grow, the writer copies it and
 * publishes the copy with a volatile write. Each append ends with the volatile write of {@code size}. A reader
 * ({@link #view()}) reads {@code size} first and the directory second. Reading {@code size = n} happens-after every
 * write made for ordinals below {@code n}; the directory read then returns the directory those writes used or a later
 * one, and a later one was copied after them and published by a volatile write that the read synchronizes with. So a
 * reader sees every ordinal that existed when it started, fully written, and never looks at later ones.
 *
 * <p>A sealed segment's column may be replaced by an {@linkplain #arrangedAs arranged} copy: the same ordinals
 * stored in another order (an IVF index's list order), read-only, final from its construction. It may also be
 * replaced by a {@linkplain #stored stored} column, which holds no vectors: reads by ordinal go to its
 * {@link StoredVectors} (the segment's file). An exact search scans it a window of rows at a time
 * ({@link #scanStored}), so its memory stays one window whatever the segment's size; a {@link #view()} of it loads
 * them all first (slow, for the rare reader that needs every vector at once: an index build).
 */
public final class VectorColumn implements FieldVectors {
    /**
     * 256 KiB. Not 1 MiB: G1 allocates an array of half a region or more as a "humongous" object in whole regions of
     * its own, and a 1 MiB chunk plus its header needs two 1 MiB regions (or all of a 2 MiB one), so a column of
     * 1 MiB chunks took twice the vectors' size of heap (measured: 1,034 bytes per 128-d vector instead of 516 with a
     * 3 GiB heap). 256 KiB is below half of G1's smallest region.
     */
    private static final int TARGET_CHUNK_BYTES = 1 << 18;
    private static final int FIRST_CHUNK_VECTORS = 16;

    /**
     * The chunk directory: parallel arrays of vector chunks and norm chunks, with spare capacity at the end that the
     * writer fills in place. Entries a reader may reach are never overwritten (see the class comment).
     * {@code vectors} is a {@code float[][]}, {@code short[][]} or {@code byte[][]} by the column's encoding; copies
     * keep that type, and a {@link View} reads it through the typed field that matches.
     */
    private static final class Chunks {
        final Object[] vectors;
        final float[][] norms;

        Chunks(Object[] vectors, float[][] norms) {
            this.vectors = vectors;
            this.norms = norms;
        }

        /** A copy with room for {@code capacity} chunks; doubling keeps the total copying linear in the chunks. */
        Chunks withCapacity(int capacity) {
            return new Chunks(Arrays.copyOf(vectors, capacity), Arrays.copyOf(norms, capacity));
        }

        /** A copy whose entry {@code chunk} is replaced, for readers may still use the old entry. */
        Chunks replacing(int chunk, Object chunkVectors, float[] chunkNorms) {
            Chunks copy = withCapacity(vectors.length);
            copy.vectors[chunk] = chunkVectors;
            copy.norms[chunk] = chunkNorms;
            return copy;
        }
    }

    /**
     * A read view of the ordinals {@code [0, size)} that existed when it was taken; ordinal {@code o} lives in chunk
     * {@code o >>> chunkShift} at component offset {@code (o & chunkMask) * dim}. Valid for as long as it is held.
     *
     * <p>This is the random-access vector source of every index (the role of JVector's
     * {@code RandomAccessVectorValues}): graph and list indexes keep a view of the segment's column instead of a copy
     * of its vectors, so a sealed segment holds each vector once. A final class rather than an interface because the
     * search's hot loop calls it for every visited node and must stay monomorphic; a view of memory-mapped or remote
     * vectors would be a second implementation behind an interface extracted then.
     *
     * <p>Positions in the chunks are <em>slots</em>. In an appended column slot and ordinal are the same; in an
     * {@linkplain #arrangedAs arranged} column {@link #ordinalAt} and {@link #slotOf} translate (both null
     * otherwise). The accessors by ordinal ({@link #decode}, {@link #dot}, {@link #squaredL2}, {@link #norm})
     * translate for the caller; scans that walk slots in order ({@link FlatIndex}, IVF lists) use the accessors by
     * slot ({@link #dotAt}, {@link #squaredL2At}, {@link #normAt}, or a float32 column's arrays) and read
     * {@link #ordinalAt} themselves.
     *
     * <p>Distances take a float32 query; a narrow column's components are widened by the kernels as they are read
     * ({@link NarrowKernels}). The encoding is a field, so each call branches on it once; the branch always goes the
     * same way for a column and costs nothing next to the kernel.
     */
    static final class View {
        /** Floats in a 64-byte cache line ({@link #touch}). */
        private static final int FLOATS_PER_LINE = 16;
        final int size;
        final int dim;
        final int chunkShift;
        final int chunkMask;
        final VectorEncoding encoding;
        /** The chunks of a FLOAT32 column (null otherwise). */
        final float[][] vectors;
        /** The chunks of a FLOAT16 or BFLOAT16 column: the 16 bits of each component (null otherwise). */
        final short[][] halves;
        /** The chunks of an INT8 column (null otherwise). */
        final byte[][] bytes;
        /** Whichever of the three above is set, untyped, for copies ({@link #arrangedAs}). */
        final Object[] data;
        final float[][] norms;
        /** Slot -> ordinal, or null when they are equal. */
        final int[] ordinalAt;
        /** Ordinal -> slot, or null when they are equal. */
        final int[] slotOf;

        private View(int size, int dim, int chunkShift, VectorEncoding encoding, Chunks chunks, int[] ordinalAt,
                int[] slotOf) {
            this.size = size;
            this.dim = dim;
            this.chunkShift = chunkShift;
            this.chunkMask = (1 << chunkShift) - 1;
            this.encoding = encoding;
            this.vectors = chunks.vectors instanceof float[][] floats ? floats : null;
            this.halves = chunks.vectors instanceof short[][] shorts ? shorts : null;
            this.bytes = chunks.vectors instanceof byte[][] narrow ? narrow : null;
            this.data = chunks.vectors;
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

        /** The Euclidean norm of {@code ordinal}, as cached on append. */
        float norm(int ordinal) {
            return normAt(slot(ordinal));
        }

        /** The Euclidean norm of the vector at {@code slot}. */
        float normAt(int slot) {
            return norms[slot >>> chunkShift][slot & chunkMask];
        }

        /** Writes {@code ordinal}'s vector, widened to float, to {@code out[outOffset..outOffset + dim)}. */
        void decode(int ordinal, float[] out, int outOffset) {
            int slot = slot(ordinal);
            int chunk = slot >>> chunkShift;
            int at = (slot & chunkMask) * dim;
            switch (encoding) {
                case FLOAT32 -> System.arraycopy(vectors[chunk], at, out, outOffset, dim);
                case FLOAT16 -> {
                    for (int i = 0; i < dim; i++) {
                        out[outOffset + i] = VectorEncoding.halfToFloat(halves[chunk][at + i]);
                    }
                }
                case BFLOAT16 -> {
                    for (int i = 0; i < dim; i++) {
                        out[outOffset + i] = VectorEncoding.bfloat16ToFloat(halves[chunk][at + i]);
                    }
                }
                case INT8 -> {
                    for (int i = 0; i < dim; i++) {
                        out[outOffset + i] = bytes[chunk][at + i];
                    }
                }
            }
        }

        /** The inner product of {@code query} ({@code dim} floats from 0) and the vector at {@code slot}. */
        float dotAt(KernelPath kernels, float[] query, int slot) {
            int chunk = slot >>> chunkShift;
            int at = (slot & chunkMask) * dim;
            return switch (encoding) {
                case FLOAT32 -> kernels.dot(query, 0, vectors[chunk], at, dim);
                case FLOAT16 -> kernels.dotFloat16(query, 0, halves[chunk], at, dim);
                case BFLOAT16 -> kernels.dotBfloat16(query, 0, halves[chunk], at, dim);
                case INT8 -> kernels.dotInt8(query, 0, bytes[chunk], at, dim);
            };
        }

        /** The squared Euclidean distance between {@code query} and the vector at {@code slot}. */
        float squaredL2At(KernelPath kernels, float[] query, int slot) {
            int chunk = slot >>> chunkShift;
            int at = (slot & chunkMask) * dim;
            return switch (encoding) {
                case FLOAT32 -> kernels.squaredL2(query, 0, vectors[chunk], at, dim);
                case FLOAT16 -> kernels.squaredL2Float16(query, 0, halves[chunk], at, dim);
                case BFLOAT16 -> kernels.squaredL2Bfloat16(query, 0, halves[chunk], at, dim);
                case INT8 -> kernels.squaredL2Int8(query, 0, bytes[chunk], at, dim);
            };
        }

        /** {@link #dotAt} by ordinal, on the default kernels. */
        float dot(float[] query, int ordinal) {
            return dotAt(KernelPath.AUTO, query, slot(ordinal));
        }

        /** {@link #squaredL2At} by ordinal, on the default kernels. */
        float squaredL2(float[] query, int ordinal) {
            return squaredL2At(KernelPath.AUTO, query, slot(ordinal));
        }

        /** The inner product of two stored vectors (graph construction). */
        float dotBetween(int a, int b) {
            if (vectors == null) {
                return dot(decoded(a), b);
            }
            int slotA = slot(a);
            int slotB = slot(b);
            return DistanceKernels.dot(vectors[slotA >>> chunkShift], (slotA & chunkMask) * dim,
                    vectors[slotB >>> chunkShift], (slotB & chunkMask) * dim, dim);
        }

        /**
         * Reads one component in every 64-byte cache line of each of the first {@code count} listed vectors and
         * returns their sum, which means nothing: Java has no prefetch instruction, and these loads, independent of
         * each other, let the core wait for all the lines' cache misses at once instead of one vector after another
         * inside the distance kernel. The caller keeps the sum somewhere so the loads are not dropped as dead code.
         * Only FLOAT32 columns are touched (0 otherwise).
         */
        float touch(int[] ordinals, int count) {
            if (vectors == null) {
                return 0f;
            }
            float sum = 0f;
            for (int i = 0; i < count; i++) {
                int slot = slot(ordinals[i]);
                float[] chunk = vectors[slot >>> chunkShift];
                int at = (slot & chunkMask) * dim;
                for (int d = 0; d < dim; d += FLOATS_PER_LINE) {
                    sum += chunk[at + d];
                }
                sum += chunk[at + dim - 1];
            }
            return sum;
        }

        /** The squared Euclidean distance between two stored vectors (graph construction). */
        float squaredL2Between(int a, int b) {
            if (vectors == null) {
                return squaredL2(decoded(a), b);
            }
            int slotA = slot(a);
            int slotB = slot(b);
            return DistanceKernels.squaredL2(vectors[slotA >>> chunkShift], (slotA & chunkMask) * dim,
                    vectors[slotB >>> chunkShift], (slotB & chunkMask) * dim, dim);
        }

        /**
         * A narrow vector widened into this thread's scratch, valid until the thread's next call. A graph build
         * compares one node with many in a row, so the last decoded vector is kept and usually reused.
         */
        private float[] decoded(int ordinal) {
            Decoded last = DECODED.get();
            if (last.ordinal != ordinal || last.view.get() != this) {
                if (last.values.length != dim) {
                    last.values = new float[dim];
                }
                if (last.view.get() != this) {
                    last.view = new WeakReference<>(this);
                }
                last.ordinal = ordinal;
                decode(ordinal, last.values, 0);
            }
            return last.values;
        }
    }

    /**
     * The narrow vector a thread last widened for a comparison of two stored vectors. The view is weakly held so a
     * thread's scratch never keeps a dropped segment's column alive.
     */
    private static final class Decoded {
        WeakReference<View> view = new WeakReference<>(null);
        int ordinal = -1;
        float[] values = new float[0];
    }

    private static final ThreadLocal<Decoded> DECODED = ThreadLocal.withInitial(Decoded::new);

    private final int dim;
    private final VectorEncoding encoding;
    private final int chunkShift;
    private final int chunkVectors;
    private volatile Chunks chunks;
    private volatile int size;
    /** Chunks allocated so far; written and read by the writer only, under the lock. */
    private int allocatedChunks;
    /** For an arranged column (read-only), slot -> ordinal and ordinal -> slot; null for an appended one. */
    private final int[] ordinalAt;
    private final int[] slotOf;
    /** For a stored column, where its vectors are read from; null for a resident one. */
    private final StoredVectors stored;

    /** An empty column for float32 vectors of {@code dim} components. */
    public VectorColumn(int dim) {
        this(dim, VectorEncoding.FLOAT32);
    }

    /** An empty column for vectors of {@code dim} components, held at {@code encoding}'s width. */
    public VectorColumn(int dim, VectorEncoding encoding) {
        this(dim, encoding, defaultChunkShift(dim, encoding));
    }

    /** Lets tests force tiny chunks so that chunk boundaries are crossed with a handful of vectors. */
    VectorColumn(int dim, int chunkShift) {
        this(dim, VectorEncoding.FLOAT32, chunkShift);
    }

    /** As {@link #VectorColumn(int, int)}, at {@code encoding}'s width. */
    VectorColumn(int dim, VectorEncoding encoding, int chunkShift) {
        if (dim <= 0) {
            throw new IllegalArgumentException("dim must be positive: " + dim);
        }
        if (encoding == null) {
            throw new IllegalArgumentException("encoding is required");
        }
        if (chunkShift < 0 || chunkShift > 30 || (long) dim << chunkShift > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("chunk of 2^" + chunkShift + " vectors of dim " + dim + " is too big");
        }
        this.dim = dim;
        this.encoding = encoding;
        this.chunkShift = chunkShift;
        this.chunkVectors = 1 << chunkShift;
        this.chunks = new Chunks(newDirectory(encoding, 0), new float[0][]);
        this.ordinalAt = null;
        this.slotOf = null;
        this.stored = null;
    }

    /** An arranged, read-only column: {@code chunks} hold {@code ordinalAt.length} vectors in slot order. */
    private VectorColumn(int dim, VectorEncoding encoding, int chunkShift, Chunks chunks, int[] ordinalAt,
            int[] slotOf) {
        this.dim = dim;
        this.encoding = encoding;
        this.chunkShift = chunkShift;
        this.chunkVectors = 1 << chunkShift;
        this.chunks = chunks;
        this.allocatedChunks = chunks.vectors.length;
        this.ordinalAt = ordinalAt;
        this.slotOf = slotOf;
        this.size = ordinalAt.length;
        this.stored = null;
    }

    private VectorColumn(int dim, VectorEncoding encoding, int size, StoredVectors stored) {
        this.dim = dim;
        this.encoding = encoding;
        this.chunkShift = defaultChunkShift(dim, encoding);
        this.chunkVectors = 1 << chunkShift;
        this.chunks = new Chunks(newDirectory(encoding, 0), new float[0][]);
        this.ordinalAt = null;
        this.slotOf = null;
        this.size = size;
        this.stored = stored;
    }

    /**
     * A read-only column of {@code size} vectors that holds none itself: each is read from {@code stored} when asked
     * for. A sealed segment whose field a quantized index serves keeps this instead of its resident column.
     */
    public static VectorColumn stored(int dim, VectorEncoding encoding, int size, StoredVectors stored) {
        if (dim <= 0 || size < 0 || encoding == null || stored == null) {
            throw new IllegalArgumentException("a stored column needs a dim, a size, an encoding and its source");
        }
        return new VectorColumn(dim, encoding, size, stored);
    }

    /** Whether the vectors are on the heap (false for a {@linkplain #stored stored} column). */
    public boolean resident() {
        return stored == null;
    }

    /**
     * A stored column lets its source close what it holds open ({@link StoredVectors#close}): the segment is gone or
     * holds its vectors resident again. Nothing for a resident column.
     */
    public void releaseStorage() {
        if (stored != null) {
            stored.close();
        }
    }

    /**
     * A stored column's ordinals {@code [0, end)}, a window of consecutive rows at a time ({@link StoredVectors#scan}):
     * what an exact search reads instead of a {@link #view()}, which would hold every vector at once.
     *
     * @throws IllegalStateException on a resident column (its {@link #view()} holds nothing new)
     */
    void scanStored(int end, StoredVectors.Window window) {
        if (stored == null) {
            throw new IllegalStateException("the column is resident: scan its view");
        }
        stored.scan(0, Math.min(end, size), window);
    }

    /** This column if resident, else its vectors read into a new resident column. */
    public VectorColumn residentCopy() {
        return stored == null ? this : stored.loadAll();
    }

    private static int defaultChunkShift(int dim, VectorEncoding encoding) {
        // A non-positive dim is rejected by the constructor this feeds; just do not divide by it first.
        int width = encoding == null ? 4 : encoding.bytesPerComponent();
        int vectorsPerChunk = Math.max(1, TARGET_CHUNK_BYTES / width / Math.max(1, dim));
        return Integer.numberOfTrailingZeros(Integer.highestOneBit(vectorsPerChunk));
    }

    /** An empty chunk directory of {@code encoding}'s array type with room for {@code capacity} chunks. */
    private static Object[] newDirectory(VectorEncoding encoding, int capacity) {
        return switch (encoding) {
            case FLOAT32 -> new float[capacity][];
            case FLOAT16, BFLOAT16 -> new short[capacity][];
            case INT8 -> new byte[capacity][];
        };
    }

    /** A zeroed chunk of {@code components} of this column's width. */
    private Object newChunk(int components) {
        return switch (encoding) {
            case FLOAT32 -> new float[components];
            case FLOAT16, BFLOAT16 -> new short[components];
            case INT8 -> new byte[components];
        };
    }

    /**
     * Copies {@code vector} into the column, at its encoding's width. A component that is not a value of the
     * encoding is rounded as the field's log and segment files round it ({@link VectorEncoding#encode}), so the
     * column holds what a restart would load; rows of narrow fields arrive decoded, so nothing is rounded in
     * practice.
     *
     * @return the new vector's ordinal, which equals the previous {@link #size()}
     * @throws IllegalArgumentException if the length is not {@link #dim()} or a component is NaN or infinite, or
     *                                  would be once stored (beyond the float16 range; Milvus rejects those too; they
     *                                  would make every score involving them NaN)
     * @throws IllegalStateException    if the column already holds {@code Integer.MAX_VALUE} vectors
     */
    public synchronized int append(float[] vector) {
        if (ordinalAt != null || stored != null) {
            throw new IllegalStateException("an arranged column is read-only");
        }
        requireVector(vector, dim, "vector");
        float[] stored = encoding.rounded(vector);
        if (stored != vector) {
            requireVector(stored, dim, encoding.wireName() + " vector");
        }
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
            current.vectors[chunk] = newChunk(capacity * dim);
            current.norms[chunk] = new float[capacity];
            allocatedChunks++;
        } else if (slot == current.norms[chunk].length) {
            // Only the first chunk starts short. Readers may be scanning the old array, so swap in a grown copy.
            int capacity = Math.min(chunkVectors, 2 * slot);
            Object grown = newChunk(capacity * dim);
            System.arraycopy(current.vectors[chunk], 0, grown, 0, slot * dim);
            current = current.replacing(chunk, grown, Arrays.copyOf(current.norms[chunk], capacity));
            chunks = current;
        }
        store(stored, current.vectors[chunk], slot * dim);
        current.norms[chunk][slot] = DistanceKernels.norm(stored, 0, dim);
        size = ordinal + 1;
        return ordinal;
    }

    /** Writes {@code vector}, whose components are values of the encoding, at {@code target[offset..]}. */
    private void store(float[] vector, Object target, int offset) {
        switch (encoding) {
            case FLOAT32 -> System.arraycopy(vector, 0, target, offset, dim);
            case FLOAT16 -> {
                short[] halves = (short[]) target;
                for (int i = 0; i < dim; i++) {
                    halves[offset + i] = VectorEncoding.floatToHalf(vector[i]);
                }
            }
            case BFLOAT16 -> {
                short[] halves = (short[]) target;
                for (int i = 0; i < dim; i++) {
                    halves[offset + i] = VectorEncoding.floatToBfloat16(vector[i]);
                }
            }
            case INT8 -> {
                byte[] bytes = (byte[]) target;
                for (int i = 0; i < dim; i++) {
                    bytes[offset + i] = VectorEncoding.floatToInt8(vector[i]);
                }
            }
        }
    }

    /** Number of vectors appended so far; every ordinal below it is readable. */
    public int size() {
        return size;
    }

    public int dim() {
        return dim;
    }

    /** How the components are held (the field's encoding). */
    public VectorEncoding encoding() {
        return encoding;
    }

    /** Copies the vector at {@code ordinal}, widened to float, into the first {@link #dim()} slots of {@code out}. */
    public void copyTo(int ordinal, float[] out) {
        if (out.length < dim) {
            throw new IllegalArgumentException("output holds " + out.length + " floats, dim is " + dim);
        }
        if (stored != null) {
            checkOrdinal(ordinal, size);
            stored.read(ordinal, out);
            return;
        }
        View view = view();
        checkOrdinal(ordinal, view.size);
        view.decode(ordinal, out, 0);
    }

    /** The Euclidean norm of the vector at {@code ordinal}, as cached on append. */
    public float norm(int ordinal) {
        if (stored != null) {
            float[] vector = new float[dim];
            copyTo(ordinal, vector);
            return DistanceKernels.norm(vector, 0, dim);
        }
        View view = view();
        checkOrdinal(ordinal, view.size);
        return view.norm(ordinal);
    }

    /**
     * Heap bytes of the vectors this column holds now: its chunks at their element width (spare capacity included)
     * and the cached norms (4 bytes a vector), counted from the arrays themselves, so it is what the encoding really
     * costs. An arranged column's translation arrays are the arranging index's ({@link IvfFlatIndex#memoryBytes}).
     */
    public long memoryBytes() {
        if (stored != null) {
            return stored.memoryBytes();
        }
        Chunks current = chunks;
        long bytes = 0L;
        for (int c = 0; c < current.vectors.length; c++) {
            if (current.vectors[c] != null) {
                bytes += (long) java.lang.reflect.Array.getLength(current.vectors[c]) * encoding.bytesPerComponent()
                        + 4L * current.norms[c].length;
            }
        }
        return bytes;
    }

    /** A consistent view of the ordinals that exist now; the read order is what makes it safe (class comment). */
    View view() {
        if (stored != null) {
            return stored.loadAll().view();
        }
        int visible = size;
        Chunks published = chunks;
        return new View(visible, dim, chunkShift, encoding, published, ordinalAt, slotOf);
    }

    /**
     * A view of this column's size and dimension with no vectors: what an index that reads only its own codes keeps
     * once the segment's vectors are {@linkplain #stored stored}, so that it holds none of them. Reading a vector
     * through it fails (an index out of bounds), never answers wrongly.
     */
    View shape() {
        return new View(size, dim, chunkShift, encoding, new Chunks(newDirectory(encoding, 0), new float[0][]),
                null, null);
    }

    /**
     * A read-only copy of this column whose slot {@code i} holds the vector (and norm) of ordinal {@code order[i]}:
     * the same ordinals and vectors, stored in another order and at the same width. An inverted-list index arranges
     * its segment's column in list order so that a probe is one sequential scan, and the segment then keeps only the
     * arranged column (vectors held once). Ordinals keep their meaning, so nothing above the index notices.
     *
     * @param order a permutation of {@code [0, size())}; not kept
     * @throws IllegalArgumentException when it is not one
     */
    public VectorColumn arrangedAs(int[] order) {
        View source = view();
        int n = source.size;
        int[] ordinalAt = order == null ? null : order.clone();
        int[] slotOf = Arrangement.slotsOf(ordinalAt, n);
        int chunkCount = (int) (((long) n + chunkVectors - 1) >>> chunkShift);
        Object[] vectors = newDirectory(encoding, chunkCount);
        float[][] norms = new float[chunkCount][];
        for (int c = 0; c < chunkCount; c++) {
            int length = Math.min(chunkVectors, n - (c << chunkShift));
            vectors[c] = newChunk(length * dim);
            norms[c] = new float[length];
        }
        for (int slot = 0; slot < n; slot++) {
            int from = source.slot(ordinalAt[slot]);
            int chunk = slot >>> chunkShift;
            int at = slot & (chunkVectors - 1);
            System.arraycopy(source.data[from >>> chunkShift], (from & (chunkVectors - 1)) * dim,
                    vectors[chunk], at * dim, dim);
            norms[chunk][at] = source.normAt(from);
        }
        return new VectorColumn(dim, encoding, chunkShift, new Chunks(vectors, norms), ordinalAt, slotOf);
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
