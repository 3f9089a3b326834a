package dev.vectorvault.storage.codec;

import dev.vectorvault.index.SparseVector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.List;

/**
 * Appends values in the {@link ValueCodec} format, plus raw fixed-width numbers and strings for the caller's own
 * framing, to a growable buffer.
 *
 * <p>Not thread-safe: build one payload per writer. Methods return {@code this} so calls chain. Unsupported types,
 * strings with unpaired surrogates (they cannot be UTF-8 encoded without loss) and lists nested deeper than
 * {@link ValueCodec#MAX_DEPTH} (which includes a list that contains itself) throw {@link IllegalArgumentException};
 * growing past the largest Java array throws {@link IllegalStateException}. After an exception the buffer may hold a
 * partial value; discard the writer.
 */
public final class ValueWriter {
    // Some JVMs reserve a few header words in arrays; this is the largest size that is always allocatable.
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

    // newEncoder() reports malformed input instead of silently writing '?', so every string round-trips exactly.
    private final CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder();
    private byte[] buffer;
    private int size;

    public ValueWriter() {
        this(64);
    }

    public ValueWriter(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("initialCapacity must be >= 0, got " + initialCapacity);
        }
        buffer = new byte[initialCapacity];
    }

    /**
     * Appends a tagged value: {@code null}, {@link Boolean}, {@link Integer}, {@link Long}, {@link Float},
     * {@link Double}, {@link String}, {@code byte[]}, {@code float[]} or a {@link List} of these (recursively).
     */
    public ValueWriter writeValue(Object value) {
        writeValue(value, 0);
        return this;
    }

    /** Appends a raw 4-byte little-endian int, without a tag. */
    public ValueWriter writeInt(int value) {
        ensureCapacity(Integer.BYTES);
        putInt(value);
        return this;
    }

    /** Appends a raw 8-byte little-endian long, without a tag. */
    public ValueWriter writeLong(long value) {
        ensureCapacity(Long.BYTES);
        putLong(value);
        return this;
    }

    /** Appends a raw string (varint byte count, UTF-8 bytes), without a tag. */
    public ValueWriter writeString(String value) {
        byte[] ascii = asciiBytes(value);
        if (ascii != null) {
            writeVarLong(ascii.length);
            ensureCapacity(ascii.length);
            System.arraycopy(ascii, 0, buffer, size, ascii.length);
            size += ascii.length;
            return this;
        }
        ByteBuffer encoded = encodeUtf8(value);
        int length = encoded.remaining();
        writeVarLong(length);
        ensureCapacity(length);
        encoded.get(buffer, size, length);
        size += length;
        return this;
    }

    /** Appends {@code length} bytes of {@code bytes} from {@code offset} as they are (already encoded values). */
    public ValueWriter writeRaw(byte[] bytes, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        ensureCapacity(length);
        System.arraycopy(bytes, offset, buffer, size, length);
        size += length;
        return this;
    }

    /** Number of bytes written so far. */
    public int size() {
        return size;
    }

    /** A copy of the bytes written so far. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    private void writeValue(Object value, int depth) {
        if (value == null) {
            writeTag(ValueCodec.NULL);
        } else if (value instanceof Boolean bool) {
            writeTag(bool ? ValueCodec.TRUE : ValueCodec.FALSE);
        } else if (value instanceof Integer number) {
            writeTag(ValueCodec.INT);
            writeVarLong(zigzag(number));
        } else if (value instanceof Long number) {
            writeTag(ValueCodec.LONG);
            writeVarLong(zigzag(number));
        } else if (value instanceof Float number) {
            writeTag(ValueCodec.FLOAT);
            writeInt(Float.floatToRawIntBits(number));
        } else if (value instanceof Double number) {
            writeTag(ValueCodec.DOUBLE);
            writeLong(Double.doubleToRawLongBits(number));
        } else if (value instanceof String text) {
            writeTag(ValueCodec.STRING);
            writeString(text);
        } else if (value instanceof byte[] bytes) {
            writeTag(ValueCodec.BYTES);
            writeVarLong(bytes.length);
            ensureCapacity(bytes.length);
            System.arraycopy(bytes, 0, buffer, size, bytes.length);
            size += bytes.length;
        } else if (value instanceof float[] vector) {
            writeTag(ValueCodec.FLOAT_VECTOR);
            writeFloatVector(vector);
        } else if (value instanceof List<?> list) {
            writeList(list, depth);
        } else if (value instanceof SparseVector sparse) {
            writeTag(ValueCodec.SPARSE_VECTOR);
            writeVarLong(sparse.size());
            ensureCapacity(Math.multiplyExact(sparse.size(), 8));
            for (int i = 0; i < sparse.size(); i++) {
                putInt(sparse.index(i));
                putInt(Float.floatToRawIntBits(sparse.value(i)));
            }
        } else {
            throw new IllegalArgumentException("cannot encode a " + value.getClass().getName()
                    + "; supported: null, Boolean, Integer, Long, Float, Double, String, byte[], float[], List,"
                    + " SparseVector");
        }
    }

    private void writeFloatVector(float[] vector) {
        writeVarLong(vector.length);
        int bytes = Math.multiplyExact(vector.length, Float.BYTES);
        ensureCapacity(bytes);
        // One bulk copy instead of a loop of putFloat calls: vectors are the bulk of insert payloads.
        ByteBuffer.wrap(buffer, size, bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(vector);
        size += bytes;
    }

    private void writeList(List<?> list, int depth) {
        if (depth >= ValueCodec.MAX_DEPTH) {
            throw new IllegalArgumentException("lists nested deeper than " + ValueCodec.MAX_DEPTH
                    + " (or a list that contains itself)");
        }
        writeTag(ValueCodec.LIST);
        int count = list.size();
        writeVarLong(count);
        int written = 0;
        for (Object element : list) {
            writeValue(element, depth + 1);
            written++;
        }
        // The count is written before the elements; a list that changed size meanwhile would desynchronize readers.
        if (written != count) {
            throw new ConcurrentModificationException("list changed size while being encoded: " + count + " -> "
                    + written);
        }
    }

    /**
     * The UTF-8 of an all-ASCII string (its bytes are its chars), null for any other, which then goes through the
     * strict encoder. Most text is ASCII, and {@link String#getBytes} (an intrinsic) encodes it several times faster
     * than a {@link CharsetEncoder}; but it turns an unpaired surrogate into {@code '?'} where this writer must refuse
     * it (so that every string round-trips exactly), so a result is only taken when every char became one byte and
     * each {@code '?'} was one in the string.
     */
    private static byte[] asciiBytes(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length != value.length()) {
            return null; // some char took several bytes: not ASCII
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '?' && value.charAt(i) != '?') {
                return null;
            }
        }
        return bytes;
    }

    private ByteBuffer encodeUtf8(String value) {
        try {
            return utf8.encode(CharBuffer.wrap(value));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("string is not valid UTF-16 (unpaired surrogate), cannot encode it", e);
        }
    }

    private static long zigzag(long value) {
        return (value << 1) ^ (value >> 63);
    }

    private void writeTag(byte tag) {
        ensureCapacity(1);
        buffer[size++] = tag;
    }

    private void writeVarLong(long value) {
        ensureCapacity(10);
        long rest = value;
        while ((rest & ~0x7FL) != 0) {
            buffer[size++] = (byte) ((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        buffer[size++] = (byte) rest;
    }

    private void putInt(int value) {
        for (int i = 0; i < Integer.BYTES; i++) {
            buffer[size++] = (byte) (value >>> (8 * i));
        }
    }

    private void putLong(long value) {
        for (int i = 0; i < Long.BYTES; i++) {
            buffer[size++] = (byte) (value >>> (8 * i));
        }
    }

    private void ensureCapacity(int extra) {
        long needed = (long) size + extra;
        if (needed <= buffer.length) {
            return;
        }
        if (needed > MAX_CAPACITY) {
            throw new IllegalStateException("encoded values would exceed " + MAX_CAPACITY + " bytes");
        }
        long doubled = Math.max(16L, 2L * buffer.length);
        buffer = Arrays.copyOf(buffer, (int) Math.min(MAX_CAPACITY, Math.max(needed, doubled)));
    }
}
