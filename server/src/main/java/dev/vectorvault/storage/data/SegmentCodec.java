package dev.vectorvault.storage.data;

import dev.vectorvault.storage.codec.ValueReader;
import dev.vectorvault.storage.codec.ValueWriter;
import java.util.BitSet;

/** Segment and tombstone files' bodies: rows with their partition, and the deleted ordinals. */
final class SegmentCodec {
    static final String SEGMENT_KIND = "segment";
    static final String DELETES_KIND = "deletes";

    private SegmentCodec() {}

    static byte[] encodeRows(Segment segment, CollectionLayout layout) {
        ValueWriter out = new ValueWriter(1024 + segment.size() * 64);
        out.writeLong(segment.segmentId()).writeInt(segment.fieldCount()).writeInt(segment.size());
        for (int ordinal = 0; ordinal < segment.size(); ordinal++) {
            out.writeLong(segment.partition(ordinal));
            LogRecordCodec.writeRow(out, layout, segment.row(ordinal));
        }
        return out.toByteArray();
    }

    static Segment decodeRows(byte[] body, CollectionLayout layout) {
        ValueReader in = new ValueReader(body);
        long segmentId = in.readLong();
        int fields = in.readInt();
        int rows = in.readInt();
        if (fields != layout.fieldCount()) {
            throw new IllegalStateException("segment " + segmentId + " has " + fields + " fields, collection "
                    + layout.collectionId() + " has " + layout.fieldCount());
        }
        Segment segment = new Segment(segmentId, layout.vectorDims());
        for (int r = 0; r < rows; r++) {
            long partition = in.readLong();
            segment.append(partition, LogRecordCodec.readRow(in, layout));
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

    static BitSet decodeDeletes(byte[] body) {
        ValueReader in = new ValueReader(body);
        int count = in.readInt();
        BitSet deleted = new BitSet();
        for (int i = 0; i < count; i++) {
            deleted.set(in.readInt());
        }
        return deleted;
    }
}
