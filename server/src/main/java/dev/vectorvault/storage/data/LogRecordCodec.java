package dev.vectorvault.storage.data;

import dev.vectorvault.common.JsonValues;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.index.VectorEncoding;
import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.codec.ValueReader;
import dev.vectorvault.storage.codec.ValueWriter;
import dev.vectorvault.storage.wal.WalRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.ObjIntConsumer;

/**
 * The payload of a log record: a batch of rows put into a partition, or a batch of primary keys deleted. Also the
 * row encoding that segment files reuse.
 *
 * <p>An int record type, then the collection id, then the body. The version is not written separately: the log's
 * frame already carries one, and a later payload format takes new record-type numbers, so a record's version is
 * recognised by its type forever.
 * <ul>
 * <li>Version 4 (written now): puts are type 5, type 4 with the insert time (epoch milliseconds, the writer's clock
 *     when it accepted the put) after the partition: a collection TTL expires rows by it, and every replica and
 *     every replay must see the same time, so it is never taken from the reader's clock.</li>
 * <li>Version 3: puts are type 4, type 3 with the number of values per row after the row count:
 *     rows written before a field was added (AddCollectionField) hold fewer values than the collection has fields
 *     now, and read the missing ones as the layout's absent values.</li>
 * <li>Version 2: puts are type 3, whose rows may hold sparse vectors (value encoding version 2);
 *     deletes are unchanged (type 2). Still read: such rows hold one value per field the collection was
 *     created with (no field could be added then).</li>
 * <li>Float16, BFloat16 and Int8 vector fields did not change the format: their rows are the stored bytes as a byte
 *     string (value tag 8, in every version), decoded by the layout that says which fields hold them.</li>
 * <li>Version 1: puts type 1 (rows in value encoding version 1), deletes type 2. Still read.</li>
 * </ul>
 */
final class LogRecordCodec {
    static final int FORMAT_VERSION = 4;
    private static final int PUT_V1 = 1;
    private static final int DELETE = 2;
    private static final int PUT_V2 = 3;
    private static final int PUT_V3 = 4;
    private static final int PUT = 5;

    /** One decoded record; the rows or keys are already shaped by the collection's layout. */
    sealed interface Entry permits Put, Delete {
        CollectionLayout layout();
    }

    /** {@code insertTime}: {@link Segment#NO_INSERT_TIME} for puts of types 1, 3 and 4, which recorded none. */
    record Put(CollectionLayout layout, long partitionId, long insertTime, List<Object[]> rows) implements Entry {}

    record Delete(CollectionLayout layout, List<Object> primaryKeys) implements Entry {}

    private LogRecordCodec() {}

    static byte[] encodePut(CollectionLayout layout, long partitionId, long insertTime, List<Object[]> rows) {
        ValueWriter out = new ValueWriter(256 + rows.size() * estimatedRowBytes(layout));
        out.writeInt(PUT).writeLong(layout.collectionId()).writeLong(partitionId).writeLong(insertTime)
                .writeInt(rows.size()).writeInt(layout.fieldCount());
        for (Object[] row : rows) {
            writeRow(out, layout, row);
        }
        return out.toByteArray();
    }

    static byte[] encodeDelete(CollectionLayout layout, List<Object> primaryKeys) {
        ValueWriter out = new ValueWriter(64 + primaryKeys.size() * 16);
        out.writeInt(DELETE).writeLong(layout.collectionId()).writeInt(primaryKeys.size());
        primaryKeys.forEach(out::writeValue);
        return out.toByteArray();
    }

    /** Bytes before the rows of a put record: type, collection, partition, insert time, row count, row width. */
    private static final int PUT_HEADER_BYTES = 4 + 8 + 8 + 8 + 4 + 4;
    /** Bytes before the keys of a delete record: type, collection, key count. */
    private static final int DELETE_HEADER_BYTES = 4 + 8 + 4;

    /**
     * One record of a write and the rows or keys it carries: a write too large for one record of the log is cut into
     * several, each a complete record of the usual format, so a reader applies them one after the other exactly as
     * it would apply the whole.
     */
    record Piece<T>(byte[] record, List<T> items) {}

    /**
     * The put records of {@code rows}, cut on row boundaries into records of at most {@code maxBytes} bytes, the rows
     * in their order ({@link Integer#MAX_VALUE}: one record, as {@link #encodePut} writes it).
     *
     * @throws MilvusException {@code PARAMETER_INVALID} when one row alone exceeds the limit
     */
    static List<Piece<Object[]>> encodePuts(CollectionLayout layout, long partitionId, long insertTime,
                                            List<Object[]> rows, int maxBytes) {
        if (maxBytes == Integer.MAX_VALUE) {
            return List.of(new Piece<>(encodePut(layout, partitionId, insertTime, rows), rows));
        }
        ObjIntConsumer<ValueWriter> header = (out, count) -> out.writeInt(PUT).writeLong(layout.collectionId())
                .writeLong(partitionId).writeLong(insertTime).writeInt(count).writeInt(layout.fieldCount());
        ValueWriter body = new ValueWriter(Math.min(1 << 26, 64 + rows.size() * estimatedRowBytes(layout)));
        header.accept(body, rows.size());
        int[] ends = new int[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            writeRow(body, layout, rows.get(r));
            ends[r] = body.size();
        }
        return cut(rows, ends, body, PUT_HEADER_BYTES, maxBytes, r -> rowName(layout, rows.get(r)), header);
    }

    /** The delete records of {@code primaryKeys}, cut as {@link #encodePuts} cuts rows. */
    static List<Piece<Object>> encodeDeletes(CollectionLayout layout, List<Object> primaryKeys, int maxBytes) {
        if (maxBytes == Integer.MAX_VALUE) {
            return List.of(new Piece<>(encodeDelete(layout, primaryKeys), primaryKeys));
        }
        ObjIntConsumer<ValueWriter> header = (out, count) -> out.writeInt(DELETE).writeLong(layout.collectionId())
                .writeInt(count);
        ValueWriter body = new ValueWriter(Math.min(1 << 26, 64 + primaryKeys.size() * 16));
        header.accept(body, primaryKeys.size());
        int[] ends = new int[primaryKeys.size()];
        for (int k = 0; k < primaryKeys.size(); k++) {
            body.writeValue(primaryKeys.get(k));
            ends[k] = body.size();
        }
        return cut(primaryKeys, ends, body, DELETE_HEADER_BYTES, maxBytes,
                k -> "the primary key " + shortened(primaryKeys.get(k)), header);
    }

    /**
     * Cuts encoded items into records of at most {@code maxBytes}, each the header written for its item count
     * followed by its items' bytes. {@code encoded} holds the header for all the items ({@code headerBytes} long),
     * then the items, item {@code i} ending at {@code ends[i]}: when they all fit one record, it is that record as
     * it stands, so the usual write (one record per shard) copies its bytes once, not three times.
     */
    private static <T> List<Piece<T>> cut(List<T> items, int[] ends, ValueWriter encoded, int headerBytes,
                                          int maxBytes, IntFunction<String> name,
                                          ObjIntConsumer<ValueWriter> header) {
        if (encoded.size() <= maxBytes) {
            return List.of(new Piece<>(encoded.toByteArray(), items));
        }
        byte[] body = encoded.toByteArray();
        List<Piece<T>> pieces = new ArrayList<>();
        int first = 0;
        int firstStart = headerBytes;
        for (int i = 0; i <= items.size(); i++) {
            int start = i == 0 ? headerBytes : ends[i - 1];
            if (i < items.size() && headerBytes + (long) ends[i] - start > maxBytes) {
                throw tooLarge(name.apply(i), headerBytes + ends[i] - start, maxBytes);
            }
            boolean full = i < items.size() && headerBytes + (long) ends[i] - firstStart > maxBytes;
            if (i == items.size() && (i > first || pieces.isEmpty()) || full) {
                ValueWriter out = new ValueWriter(headerBytes + start - firstStart);
                header.accept(out, i - first);
                out.writeRaw(body, firstStart, start - firstStart);
                pieces.add(new Piece<>(out.toByteArray(), items.subList(first, i)));
                first = i;
                firstStart = start;
            }
        }
        return pieces;
    }

    /**
     * Refuses rows of which one alone would not fit a put record of {@code maxBytes}, as {@link #encodePuts} would,
     * for a request written as several puts (one per partition): checked before the first is written.
     */
    static void checkRowsFit(CollectionLayout layout, List<Object[]> rows, int maxBytes) {
        if (maxBytes == Integer.MAX_VALUE) {
            return;
        }
        for (Object[] row : rows) {
            ValueWriter out = new ValueWriter(estimatedRowBytes(layout));
            writeRow(out, layout, row);
            if (PUT_HEADER_BYTES + (long) out.size() > maxBytes) {
                throw tooLarge(rowName(layout, row),
                        PUT_HEADER_BYTES + out.size(), maxBytes);
            }
        }
    }

    private static MilvusException tooLarge(String what, int bytes, int maxBytes) {
        return MilvusException.invalidParameter(what + " takes " + bytes
                + " bytes in a log record, over the limit of " + maxBytes
                + " bytes per record (kafka.maxMessageSize); nothing of this write was written");
    }

    private static String rowName(CollectionLayout layout, Object[] row) {
        return "the row with primary key " + shortened(row[layout.primaryKeyField()]);
    }

    private static String shortened(Object key) {
        String text = String.valueOf(key);
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }

    /**
     * Decodes a record; empty when its collection no longer exists (a row's shape is only known from the layout, so
     * the records of a dropped collection cannot be, and need not be, read further).
     *
     * @param log the log the record was read from, for messages
     * @throws StorageException {@code STORAGE_CORRUPT} naming the log, the record's number and the offset in its
     *                          payload, when the payload is not one that this class writes for the layout
     */
    static Optional<Entry> decode(String log, WalRecord record, DataStore.LayoutSource layouts) {
        return decode(log, "log record " + record.lsn(), record.payload(), layouts);
    }

    /** As above for a record named {@code where} in messages (a shard log's record, by its position). */
    static Optional<Entry> decode(String log, String where, byte[] payload, DataStore.LayoutSource layouts) {
        ValueReader in = new ValueReader(log, where, payload);
        int type = in.readInt();
        boolean put = type == PUT || type == PUT_V3 || type == PUT_V2 || type == PUT_V1;
        if (!put && type != DELETE) {
            throw in.corrupt(0, "unknown log record type " + type);
        }
        Optional<CollectionLayout> found = layouts.layout(in.readLong());
        if (found.isEmpty()) {
            return Optional.empty();
        }
        CollectionLayout layout = found.get();
        if (put) {
            long partitionId = in.readLong();
            long insertTime = type == PUT ? in.readLong() : Segment.NO_INSERT_TIME;
            int count = in.readInt();
            int widthAt = in.position();
            int width = type == PUT || type == PUT_V3 ? in.readInt() : layout.createdFields();
            // Never fewer than the collection was created with: only added fields may be absent from a row.
            if (width < Math.max(1, layout.createdFields()) || width > layout.fieldCount()) {
                throw in.corrupt(widthAt, "rows of " + width + " values where collection " + layout.collectionId()
                        + " has " + layout.fieldCount() + " fields");
            }
            List<Object[]> rows = new ArrayList<>(Math.min(count, 1 << 16));
            for (int r = 0; r < count; r++) {
                rows.add(readRow(in, layout, width));
            }
            return Optional.of(new Put(layout, partitionId, insertTime, rows));
        }
        int count = in.readInt();
        List<Object> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            keys.add(in.readValue());
        }
        return Optional.of(new Delete(layout, keys));
    }

    /**
     * JSON fields travel as their JSON text: the value codec knows no maps. A dense vector field stored narrower than
     * float32 (Float16, BFloat16, Int8) travels as its stored bytes (a byte string), so the log and segment files hold
     * it at its own width.
     */
    static void writeRow(ValueWriter out, CollectionLayout layout, Object[] row) {
        for (int f = 0; f < row.length; f++) {
            Object value = row[f];
            if (layout.jsonFields()[f] && value != null) {
                value = JsonValues.toBytes(value);
            } else if (value instanceof float[] vector && layout.encoding(f) != VectorEncoding.FLOAT32) {
                value = layout.encoding(f).encode(vector);
            }
            out.writeValue(value);
        }
    }

    /**
     * Reads a row written by {@link #writeRow}. A vector that is not one of the field's dimension, or a JSON field
     * that is not JSON text, is refused as {@code STORAGE_CORRUPT} ({@link ValueReader#corrupt}): the bytes are
     * damaged, and such a row would fail far from here, in a search or a query.
     */
    static Object[] readRow(ValueReader in, CollectionLayout layout, int width) {
        Object[] row = new Object[layout.fieldCount()];
        for (int f = width; f < row.length; f++) {
            row[f] = layout.absentValue(f); // a field added after the row was written
        }
        for (int f = 0; f < width; f++) {
            int at = in.position();
            Object value = in.readValue();
            int dim = layout.vectorDims()[f];
            VectorEncoding encoding = layout.encoding(f);
            if (dim > 0 && encoding != VectorEncoding.FLOAT32) {
                if (!(value instanceof byte[] stored && stored.length == dim * encoding.bytesPerComponent())) {
                    throw in.corrupt(at, "field " + f + " holds " + describe(value) + " where the "
                            + dim * encoding.bytesPerComponent() + " bytes of a " + encoding.wireName()
                            + " of dimension " + dim + " belong");
                }
                value = encoding.decode(stored, 0, dim);
            }
            if (dim > 0 && !(value instanceof float[] vector && vector.length == dim)) {
                throw in.corrupt(at, "field " + f + " holds " + describe(value)
                        + " where a vector of dimension " + dim + " belongs");
            }
            if (dim > 0) {
                for (float component : (float[]) value) {
                    if (!Float.isFinite(component)) {
                        // Accepted writes are finite (checked before logging); anything else is damage.
                        throw in.corrupt(at, "field " + f + " holds a non-finite vector component");
                    }
                }
            }
            if (CollectionLayout.isBinaryEntry(dim) && !(value instanceof byte[] bits && bits.length * 8 == -dim)) {
                throw in.corrupt(at, "field " + f + " holds " + describe(value) + " where the " + -dim / 8
                        + " bytes of a binary vector of dimension " + -dim + " belong");
            }
            if (dim == CollectionLayout.SPARSE && !(value instanceof dev.vectorvault.index.SparseVector)) {
                throw in.corrupt(at, "field " + f + " holds " + describe(value)
                        + " where a sparse vector belongs");
            }
            if (layout.jsonFields()[f] && value != null) {
                if (!(value instanceof byte[] text)) {
                    throw in.corrupt(at, "field " + f + " holds " + describe(value)
                            + " where JSON text belongs");
                }
                try {
                    value = JsonValues.parse(text);
                } catch (MilvusException e) {
                    throw in.corrupt(at, "field " + f + ": " + e.getMessage());
                }
            }
            row[f] = value;
        }
        return row;
    }

    private static String describe(Object value) {
        return value == null ? "null" : value instanceof float[] vector ? "a vector of dimension " + vector.length
                : "a " + value.getClass().getSimpleName();
    }

    /** A first guess at a row's encoded size, so batch buffers rarely have to grow: vectors dominate. */
    private static int estimatedRowBytes(CollectionLayout layout) {
        int bytes = 16 * layout.fieldCount();
        for (int f = 0; f < layout.fieldCount(); f++) {
            bytes += layout.encoding(f).bytesPerComponent() * Math.max(0, layout.vectorDims()[f]);
            bytes += layout.binary(f) ? -layout.vectorDims()[f] / 8 : 0;
        }
        return bytes;
    }
}
