package dev.vectorvault.storage.data;

import dev.vectorvault.index.StoredVectors;
import dev.vectorvault.index.VectorColumn;
import dev.vectorvault.index.VectorEncoding;
import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.codec.ValueReader;
import dev.vectorvault.storage.io.Frame;
import dev.vectorvault.storage.io.ObjectStore;
import dev.vectorvault.storage.segment.SegmentFile;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One dense vector field of a sealed segment read from the segment's own file, a vector at a time, so that the
 * segment need not hold the field's vectors on the heap ({@link VectorColumn#stored}). No new file: opening reads
 * and verifies the whole segment file once (its checksums, as loading does) and keeps, per row, where the field's
 * vector components start in the file (8 bytes a row); a read is then one ranged read through the {@link ObjectStore}
 * seam (the local disk, or object storage behind its local cache). Segment files are immutable and are deleted only
 * after the segment is gone from every manifest and a grace period, so a position stays valid while it is used.
 */
final class SegmentFileVectors implements StoredVectors {
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

    private SegmentFileVectors(ObjectStore store, String name, int dim, VectorEncoding encoding, long[] positions) {
        this.store = store;
        this.name = name;
        this.file = store.describe(name);
        this.dim = dim;
        this.encoding = encoding;
        this.vectorBytes = dim * encoding.bytesPerComponent();
        this.positions = positions;
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
        return new SegmentFileVectors(store, name, dim, encoding, positions);
    }

    @Override
    public void read(int ordinal, float[] out) {
        byte[] bytes = new byte[vectorBytes];
        ByteBuffer into = ByteBuffer.wrap(bytes);
        long position = positions[ordinal];
        try {
            while (into.hasRemaining()) {
                if (store.read(name, position + into.position(), into) < 0) {
                    throw StorageException.corrupt(file, position + into.position(),
                            "the file ends inside the vector of row " + ordinal);
                }
            }
        } catch (IOException e) {
            throw StorageException.io("read", file, e);
        }
        decodeInto(bytes, 0, ordinal, out);
    }

    @Override
    public VectorColumn loadAll() {
        Frame.Body body = SegmentFile.readVersioned(store, name, SegmentCodec.SEGMENT_KIND);
        long bodyStart = bodyStart(store, name, body);
        VectorColumn column = new VectorColumn(dim, encoding);
        float[] vector = new float[dim];
        for (int ordinal = 0; ordinal < positions.length; ordinal++) {
            long at = positions[ordinal] - bodyStart;
            if (at < 0 || at + vectorBytes > body.bytes().length) {
                throw StorageException.corrupt(file, positions[ordinal], "the file no longer holds row " + ordinal);
            }
            decodeInto(body.bytes(), (int) at, ordinal, vector);
            column.append(vector);
        }
        return column;
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
