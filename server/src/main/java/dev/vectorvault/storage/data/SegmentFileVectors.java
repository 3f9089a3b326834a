package dev.vectorvault.storage.data;

import dev.vectorvault.index.StoredVectors;
import dev.vectorvault.index.VectorColumn;
import dev.vectorvault.index.VectorEncoding;
import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.codec.ValueReader;
import dev.vectorvault.storage.io.Frame;
import dev.vectorvault.storage.io.ObjectStore;
import dev.vectorvault.storage.segment.SegmentFile;
import dev.vectorvault.storage.io.ReadHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dense vector field of a sealed segment read from the segment's own file, a vector at a time, so that the
 * segment need not hold the field's vectors on the heap ({@link VectorColumn#stored}). No new file: opening reads
 * and verifies the whole segment file once (its checksums, as loading does) and keeps, per row, where the field's
 * vector components start in the file (8 bytes a row).
 *
 * <p><b>One open handle.</b> Opening also opens the file once for reading ({@link ObjectStore#openReader}: a local
 * file stays open; object storage reads through the local cache's copy, pinned, or by ranged requests); every read is
 * a positional read on it, from any thread. The handle is counted: the segment holds one use until it
 * {@linkplain #close closes} this (the segment is retired or its vectors are resident again), each read holds one
 * while it runs, and the handle closes when the last use ends. A read after that (a reader that still held the old
 * column) opens the file for itself, as every read did before. Segment files are immutable and are deleted only after
 * the segment is gone from every manifest and a grace period; an open local file also outlives its deletion, so a
 * segment that stays open keeps its reads working.
 */
final class SegmentFileVectors implements StoredVectors {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentFileVectors.class);
    /** The most bytes one read of {@link #loadAll} or {@link #scan} takes from the file (one window). */
    static final int WINDOW_BYTES = 4 << 20;
    /** The footer after a body: the common frame's, or version 1's (magic and CRC32C). */
    private static final int V1_FOOTER_BYTES = 8;

    private final ObjectStore store;
    private final String name;
    private final String file;
    private final int dim;
    private final VectorEncoding encoding;
    private final int vectorBytes;
    /** Per ordinal, the file position of its vector's first component byte. */
    private final long[] positions;
    private final ReadHandle handle;
    /** Uses of {@link #handle}: the segment's (until {@link #close}) and each read's in progress; 0 once closed. */
    private final AtomicInteger uses = new AtomicInteger(1);
    private final AtomicBoolean closed = new AtomicBoolean();

    private SegmentFileVectors(ObjectStore store, String name, int dim, VectorEncoding encoding, long[] positions,
            ReadHandle handle) {
        this.store = store;
        this.name = name;
        this.file = store.describe(name);
        this.dim = dim;
        this.encoding = encoding;
        this.vectorBytes = dim * encoding.bytesPerComponent();
        this.positions = positions;
        this.handle = handle;
    }

    /**
     * Opens field {@code field} of segment file {@code name}: reads and verifies it, and finds each row's vector.
     *
     * @param rows the rows the segment has in memory; a file holding another count is not this segment's
     * @throws StorageException {@code STORAGE_CORRUPT} when the file fails verification or does not hold {@code rows}
     *                          vectors of the field's dimension; {@code STORAGE_NOT_FOUND} / {@code STORAGE_IO_FAILED}
     *                          when it cannot be read
     */
    static SegmentFileVectors open(ObjectStore store, String name, CollectionLayout layout, int field, int rows) {
        int dim = layout.vectorDims()[field];
        if (dim <= 0) {
            throw new IllegalArgumentException("field " + field + " is not a dense vector field");
        }
        VectorEncoding encoding = layout.encoding(field);
        String file = store.describe(name);
        Frame.Body body = SegmentFile.readVersioned(store, name, SegmentCodec.SEGMENT_KIND);
        long bodyStart = bodyStart(store, name, body);
        ValueReader in = new ValueReader(file, SegmentCodec.SEGMENT_KIND + " body", body.bytes());
        in.readLong();
        int fields = in.readInt();
        int count = in.readInt();
        if (count != rows || field >= fields) {
            throw in.corrupt(8, count + " rows of " + fields + " fields where the segment has " + rows
                    + " rows and field " + field);
        }
        int vectorBytes = dim * encoding.bytesPerComponent();
        boolean insertTimes = body.version() >= SegmentCodec.TIMED_ROWS_VERSION;
        long[] positions = new long[rows];
        for (int r = 0; r < rows; r++) {
            in.readLong();
            if (insertTimes) {
                in.readLong();
            }
            for (int f = 0; f < fields; f++) {
                int at = in.position();
                Object value = in.readValue();
                if (f == field) {
                    boolean fits = encoding == VectorEncoding.FLOAT32
                            ? value instanceof float[] vector && vector.length == dim
                            : value instanceof byte[] bytes && bytes.length == vectorBytes;
                    if (!fits) {
                        throw in.corrupt(at, "row " + r + " holds no vector of dimension " + dim + " in field " + f);
                    }
                    // Both encodings end with the components, little-endian, at the field's width.
                    positions[r] = bodyStart + in.position() - vectorBytes;
                }
            }
        }
        try {
            return new SegmentFileVectors(store, name, dim, encoding, positions, store.openReader(name));
        } catch (IOException e) {
            throw StorageException.io("open", file, e);
        }
    }

    @Override
    public void read(int ordinal, float[] out) {
        byte[] bytes = new byte[vectorBytes];
        readFully(positions[ordinal], bytes, "the vector of row " + ordinal);
        decodeInto(bytes, 0, ordinal, out);
    }

    /**
     * Every vector, read through the handle in windows of consecutive rows ({@link #windows}), so a scan costs one
     * sequential pass over the file's byte range of the field without holding the whole file.
     */
    @Override
    public VectorColumn loadAll() {
        VectorColumn column = new VectorColumn(dim, encoding);
        windows(0, positions.length, () -> column, (first, rows) -> { });
        return column;
    }

    /** Each window becomes a column of its own, dropped after the callback: one window's vectors held at a time. */
    @Override
    public void scan(int from, int to, Window window) {
        if (from < 0 || to > positions.length || from > to) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of " + positions.length);
        }
        windows(from, to, () -> new VectorColumn(dim, encoding), window);
    }

    /**
     * Rows {@code [from, to)} in windows of consecutive rows whose bytes are consecutive in the file, at most
     * {@link #WINDOW_BYTES} each (or one row): one positional read a window, its rows appended to the column
     * {@code into} gives for it, then {@code done} is told. Checksums were verified on opening and the file is
     * immutable; each component is still checked finite.
     */
    private void windows(int from, int to, Supplier<VectorColumn> into, Window done) {
        float[] vector = new float[dim];
        int first = from;
        while (first < to) {
            long start = positions[first];
            int last = first;
            while (last + 1 < to && positions[last + 1] > positions[last]
                    && positions[last + 1] + vectorBytes - start <= WINDOW_BYTES) {
                last++;
            }
            byte[] window = new byte[(int) (positions[last] + vectorBytes - start)];
            readFully(start, window, "rows " + first + " to " + last);
            VectorColumn column = into.get();
            for (int ordinal = first; ordinal <= last; ordinal++) {
                decodeInto(window, (int) (positions[ordinal] - start), ordinal, vector);
                column.append(vector);
            }
            done.accept(first, column);
            first = last + 1;
        }
    }

    /** Reads {@code into.length} bytes at {@code position}: through the shared handle while open, else on its own. */
    private void readFully(long position, byte[] into, String what) {
        try {
            if (acquire()) {
                try {
                    fill(handle, position, into, what);
                } finally {
                    release();
                }
            } else {
                try (ReadHandle once = store.openReader(name)) {
                    fill(once, position, into, what);
                }
            }
        } catch (IOException e) {
            throw StorageException.io("read", file, e);
        }
    }

    private void fill(ReadHandle from, long position, byte[] bytes, String what) throws IOException {
        ByteBuffer into = ByteBuffer.wrap(bytes);
        while (into.hasRemaining()) {
            if (from.read(position + into.position(), into) < 0) {
                throw StorageException.corrupt(file, position + into.position(), "the file ends inside " + what);
            }
        }
    }

    private boolean acquire() {
        while (true) {
            int now = uses.get();
            if (now == 0) {
                return false;
            }
            if (uses.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    private void release() {
        if (uses.decrementAndGet() == 0) {
            try {
                handle.close();
            } catch (IOException e) {
                LOG.warn("event=segment_file_close_failed file={} error={}", file, e.toString());
            }
        }
    }

    /** The segment lets go of the file; the handle closes once reads in progress end. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release();
        }
    }

    /** Whether the shared handle is still open (tests). */
    boolean open() {
        return uses.get() > 0;
    }

    /** Where {@code body} starts in the file: the footer follows it, whatever the header's length. */
    private static long bodyStart(ObjectStore store, String name, Frame.Body body) {
        try {
            long footer = body.version() == 1 ? V1_FOOTER_BYTES : Frame.FOOTER_BYTES;
            return store.size(name) - footer - body.bytes().length;
        } catch (IOException e) {
            throw StorageException.io("read", store.describe(name), e);
        }
    }

    /** A component that is not finite was never written (inserts are checked): the bytes changed since opening. */
    private void decodeInto(byte[] bytes, int offset, int ordinal, float[] out) {
        float[] vector = encoding.decode(bytes, offset, dim);
        for (float component : vector) {
            if (!Float.isFinite(component)) {
                throw StorageException.corrupt(file, positions[ordinal], "row " + ordinal
                        + " holds a non-finite vector component");
            }
        }
        System.arraycopy(vector, 0, out, 0, dim);
    }

    @Override
    public long memoryBytes() {
        return 8L * positions.length;
    }

    int dim() {
        return dim;
    }

    int size() {
        return positions.length;
    }

    VectorEncoding encoding() {
        return encoding;
    }
}
