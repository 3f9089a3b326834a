package dev.vectorvault.storage.data;

import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.codec.ValueReader;
import dev.vectorvault.storage.codec.ValueWriter;
import dev.vectorvault.storage.io.Frame;
import java.util.BitSet;

/**
 * Segment and tombstone files' bodies: rows with their partition (and, from segment file version 4, their insert
 * time), and the deleted ordinals.
 */
final class SegmentCodec {
    static final String SEGMENT_KIND = "segment";
    static final String DELETES_KIND = "deletes";
    /** The first segment file version whose rows carry an insert time. */
    static final int TIMED_ROWS_VERSION = 4;

    private SegmentCodec() {}

    static byte[] encodeRows(Segment segment, CollectionLayout layout) {
        ValueWriter out = new ValueWriter(1024 + segment.size() * 64);
        out.writeLong(segment.segmentId()).writeInt(segment.fieldCount()).writeInt(segment.size());
        for (int ordinal = 0; ordinal < segment.size(); ordinal++) {
            out.writeLong(segment.partition(ordinal)).writeLong(segment.insertTime(ordinal));
            LogRecordCodec.writeRow(out, layout, segment.row(ordinal));
        }
        return out.toByteArray();
    }

    /**
     * The segment a body written by {@link #encodeRows} in segment file version {@code version} holds. Bodies before
     * version 4 hold no insert times: their rows read {@link Segment#NO_INSERT_TIME} (they never expire).
     *
     * @param file for messages
     * @throws StorageException {@code STORAGE_CORRUPT} naming the file and the body offset, when the body is not one
     *                          that {@link #encodeRows} writes for this layout (a checksum can pass over bytes
     *                          written wrongly, and version 1 files are only as good as their writer)
     */
    static Segment decodeRows(String file, int version, byte[] body, CollectionLayout layout) {
        return decodeRows(file, new Frame.BodySlice(version, body, 0, body.length), layout);
    }

    /** As above, for a body that lies inside a larger array (decoded in place); offsets in messages are the body's. */
    static Segment decodeRows(String file, Frame.BodySlice body, CollectionLayout layout) {
        boolean insertTimes = body.version() >= TIMED_ROWS_VERSION;
        ValueReader in = new ValueReader(file, SEGMENT_KIND + " body", body.bytes(), body.offset(), body.length());
        long segmentId = in.readLong();
        int fields = in.readInt();
        int rows = in.readInt();
        // Fewer fields: written before fields were added to the collection; its rows read them as absent values.
        // Never fewer than the collection was created with: only added fields may be absent from a row.
        if (fields < Math.max(1, layout.createdFields()) || fields > layout.fieldCount()) {
            throw in.corrupt(8, "segment " + segmentId + " has " + fields + " fields, collection "
                    + layout.collectionId() + " has " + layout.fieldCount());
        }
        if (rows < 0) {
            throw in.corrupt(12, "row count " + rows);
        }
        Segment segment = new Segment(segmentId, layout.vectorDims(), layout.vectorEncodings());
        for (int r = 0; r < rows; r++) {
            long partition = in.readLong();
            long insertTime = insertTimes ? in.readLong() : Segment.NO_INSERT_TIME;
            segment.append(partition, insertTime, LogRecordCodec.readRow(in, layout, fields));
        }
        if (in.hasRemaining()) {
            throw in.corrupt(in.position(), in.remaining() + " bytes after the last row");
        }
        segment.seal();
        return segment;
    }

    static byte[] encodeDeletes(Segment segment) {
        BitSet deleted = segment.deletedOrdinals();
        ValueWriter out = new ValueWriter(16 + deleted.cardinality() * 4);
        out.writeInt(deleted.cardinality());
        for (int ordinal = deleted.nextSetBit(0); ordinal >= 0; ordinal = deleted.nextSetBit(ordinal + 1)) {
            out.writeInt(ordinal);
        }
        return out.toByteArray();
    }

    /**
     * The deleted ordinals a body written by {@link #encodeDeletes} holds, for a segment of {@code rows} rows.
     *
     * @param file for messages
     * @throws StorageException {@code STORAGE_CORRUPT} naming the file and the body offset, when the count does not
     *                          match the body or an ordinal is not one of the segment's rows
     */
    static BitSet decodeDeletes(String file, byte[] body, int rows) {
        ValueReader in = new ValueReader(file, DELETES_KIND + " body", body);
        int count = in.readInt();
        if (count < 0 || (long) count * Integer.BYTES != in.remaining()) {
            throw in.corrupt(0, "count " + count + " for " + in.remaining() + " bytes of ordinals");
        }
        BitSet deleted = new BitSet(rows);
        for (int i = 0; i < count; i++) {
            int at = in.position();
            int ordinal = in.readInt();
            if (ordinal < 0 || ordinal >= rows) {
                throw in.corrupt(at, "ordinal " + ordinal + " of a segment of " + rows + " rows");
            }
            deleted.set(ordinal);
        }
        return deleted;
    }
}
