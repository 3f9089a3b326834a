package dev.vectorvault.storage.codec;

import dev.vectorvault.index.SparseVector;
import dev.vectorvault.storage.StorageException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Reads back what a {@link ValueWriter} wrote, in the same order.
 *
 * <p>Input is untrusted: every length is checked against the bytes actually remaining before anything is allocated,
 * so a bogus length of 2^31 fails with a {@link StorageException} instead of an {@link OutOfMemoryError}, and list
 * nesting is capped at {@link ValueCodec#MAX_DEPTH} so garbage cannot overflow the stack. Every read consumes at least
 * one byte, so no input loops forever.
 *
 * <p>Encoded values are only ever read back from storage (log records, segment and tombstone bodies), never from a
 * request, so bytes that do not decode are damage: a {@link StorageException} {@code STORAGE_CORRUPT} naming the file,
 * the part of it being read and the offset. Inputs normally come from checksummed files, so seeing one means
 * corruption the checksum missed or a writer bug; callers treat it as data loss, never retry.
 *
 * <p>Not thread-safe. The reader does not copy its input; the caller must not modify the array while reading.
 * Returned {@code byte[]}, {@code float[]} and lists are fresh, and lists are unmodifiable.
 */
public final class ValueReader {
    private final String file;
    private final String part;
    private final byte[] buffer;
    private final int start;
    private final int end;
    // newDecoder() reports invalid UTF-8 instead of substituting U+FFFD, so corruption is never silently "repaired".
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
    private int position;

    /**
     * Reads all of {@code buffer}.
     *
     * @param file the stored file or record the bytes come from, for {@link StorageException#file()}
     * @param part which part of it they are (such as "segment body" or "log record 12"), for messages
     */
    public ValueReader(String file, String part, byte[] buffer) {
        this(file, part, buffer, 0, buffer.length);
    }

    /** Reads {@code length} bytes of {@code buffer} from {@code offset}; offsets in messages count from there. */
    public ValueReader(String file, String part, byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        this.file = Objects.requireNonNull(file, "file");
        this.part = Objects.requireNonNull(part, "part");
        this.buffer = buffer;
        this.start = offset;
        this.end = offset + length;
        this.position = offset;
    }

    /** Reads one tagged value; see {@link ValueCodec} for the types it can return. */
    public Object readValue() {
        return readValue(0);
    }

    /** Reads a raw 4-byte little-endian int written by {@link ValueWriter#writeInt}. */
    public int readInt() {
        require(Integer.BYTES, "int");
        int value = 0;
        for (int i = 0; i < Integer.BYTES; i++) {
            value |= (buffer[position++] & 0xFF) << (8 * i);
        }
        return value;
    }

    /** Reads a raw 8-byte little-endian long written by {@link ValueWriter#writeLong}. */
    public long readLong() {
        require(Long.BYTES, "long");
        long value = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            value |= (buffer[position++] & 0xFFL) << (8 * i);
        }
        return value;
    }

    /** Reads a raw string written by {@link ValueWriter#writeString}. */
    public String readString() {
        int offset = offset();
        int length = readLength(1, "string");
        try {
            String value = utf8.decode(ByteBuffer.wrap(buffer, position, length)).toString();
            position += length;
            return value;
        } catch (CharacterCodingException e) {
            throw corrupt(offset, "string of " + length + " bytes is not valid UTF-8");
        }
    }

    /** Whether unread bytes remain. */
    public boolean hasRemaining() {
        return position < end;
    }

    /** Offset of the next unread byte, relative to the start of this reader's input (for error messages). */
    public int position() {
        return offset();
    }

    /** Number of unread bytes. */
    public int remaining() {
        return end - position;
    }

    private Object readValue(int depth) {
        int offset = offset();
        require(1, "value tag");
        byte tag = buffer[position++];
        switch (tag) {
            case ValueCodec.NULL:
                return null;
            case ValueCodec.FALSE:
                return Boolean.FALSE;
            case ValueCodec.TRUE:
                return Boolean.TRUE;
            case ValueCodec.INT:
                return readInteger(offset);
            case ValueCodec.LONG:
                return unzigzag(readVarLong());
            case ValueCodec.FLOAT:
                return Float.intBitsToFloat(readInt());
            case ValueCodec.DOUBLE:
                return Double.longBitsToDouble(readLong());
            case ValueCodec.STRING:
                return readString();
            case ValueCodec.BYTES:
                return readBytes();
            case ValueCodec.FLOAT_VECTOR:
                return readFloatVector();
            case ValueCodec.LIST:
                return readList(offset, depth);
            case ValueCodec.SPARSE_VECTOR:
                return readSparseVector(offset);
            default:
                throw corrupt(offset, "unknown value tag " + (tag & 0xFF));
        }
    }

    private Integer readInteger(int offset) {
        long value = unzigzag(readVarLong());
        if (value != (int) value) {
            throw corrupt(offset, "Integer value " + value + " is out of int range");
        }
        return (int) value;
    }

    private byte[] readBytes() {
        int length = readLength(1, "byte array");
        byte[] value = new byte[length];
        System.arraycopy(buffer, position, value, 0, length);
        position += length;
        return value;
    }

    private float[] readFloatVector() {
        int count = readLength(Float.BYTES, "float vector");
        float[] vector = new float[count];
        ByteBuffer.wrap(buffer, position, count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                .get(vector);
        position += count * Float.BYTES;
        return vector;
    }

    private SparseVector readSparseVector(int offset) {
        int count = readLength(8, "sparse vector");
        int[] indices = new int[count];
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            indices[i] = readInt();
            values[i] = Float.intBitsToFloat(readInt());
        }
        SparseVector vector = SparseVector.fromStorage(indices, values);
        if (vector == null) {
            // Written only after the row was checked: unsorted indices or bad values are damage.
            throw corrupt(offset, "sparse vector with unsorted indices or a negative or non-finite value");
        }
        return vector;
    }

    private List<Object> readList(int offset, int depth) {
        if (depth >= ValueCodec.MAX_DEPTH) {
            throw corrupt(offset, "lists nested deeper than " + ValueCodec.MAX_DEPTH);
        }
        // Every element takes at least one byte, so the count is bounded by the remaining input.
        int count = readLength(1, "list");
        List<Object> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(readValue(depth + 1));
        }
        return Collections.unmodifiableList(list);
    }

    /**
     * Reads an element count and checks that {@code count * bytesPerElement} bytes remain: the check that keeps a
     * corrupted length from allocating gigabytes (etcd #7150).
     */
    private int readLength(int bytesPerElement, String what) {
        int offset = offset();
        long count = readVarLong();
        if (count < 0 || count > Integer.MAX_VALUE) {
            throw corrupt(offset, what + " length " + Long.toUnsignedString(count)
                    + " is out of range");
        }
        if (count * bytesPerElement > remaining()) {
            throw corrupt(offset, what + " of " + count + " elements needs "
                    + count * bytesPerElement + " bytes but only " + remaining() + " remain");
        }
        return (int) count;
    }

    private long readVarLong() {
        int offset = offset();
        long value = 0;
        for (int shift = 0; shift < Long.SIZE; shift += 7) {
            require(1, "varint");
            byte next = buffer[position++];
            // The tenth byte may only carry the single remaining bit of a 64-bit value.
            if (shift == 63 && (next & 0xFE) != 0) {
                break;
            }
            value |= (long) (next & 0x7F) << shift;
            if (next >= 0) {
                return value;
            }
        }
        throw corrupt(offset, "varint longer than 64 bits");
    }

    private static long unzigzag(long value) {
        return (value >>> 1) ^ -(value & 1);
    }

    private void require(int bytes, String what) {
        if (remaining() < bytes) {
            throw corrupt(offset(), "truncated input: " + what + " needs " + bytes
                    + " bytes but only " + remaining() + " remain");
        }
    }

    private int offset() {
        return position - start;
    }

    /**
     * The failure for damage found at {@code offset} of this reader's input (by this reader or by a caller checking
     * what it read): {@code STORAGE_CORRUPT} naming the file, the part and the offset.
     */
    public StorageException corrupt(int offset, String problem) {
        return StorageException.corrupt(file, StorageException.NO_OFFSET, part + ", at offset " + offset + ": "
                + problem);
    }
}
