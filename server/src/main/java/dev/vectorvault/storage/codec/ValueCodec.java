package dev.vectorvault.storage.codec;

/**
 * The value encoding (version 2; version 1 is the same without tag 11) written by {@link ValueWriter} and read by {@link ValueReader}.
 *
 * <p>Each value is a one-byte tag followed by its body. Multi-byte fixed-width numbers are little-endian;
 * {@code varint} is unsigned LEB128 and {@code zigzag} maps signed to unsigned first, so small magnitudes of either
 * sign take one byte.
 *
 * <pre>
 * tag  type            body
 *  0   null            -
 *  1   Boolean false   -
 *  2   Boolean true    -
 *  3   Integer         zigzag varint (1-5 bytes)
 *  4   Long            zigzag varint (1-10 bytes)
 *  5   Float           4 bytes, raw IEEE 754 bits (NaN payloads survive)
 *  6   Double          8 bytes, raw IEEE 754 bits
 *  7   String          varint byte count, UTF-8 bytes
 *  8   byte[]          varint byte count, bytes
 *  9   float[]         varint element count, 4 bytes per element as one little-endian block
 * 10   List            varint element count, then each element as a value (nested at most MAX_DEPTH deep)
 * 11   SparseVector    varint entry count, then per entry a 4-byte little-endian index and a 4-byte float (version 2)
 * </pre>
 *
 * <p>Tags are part of the on-disk format of every file that embeds values: never renumber one; add new types with
 * new tags.
 */
public final class ValueCodec {
    /** Deepest list nesting written or read; bounds recursion so garbage input cannot overflow the stack. */
    public static final int MAX_DEPTH = 64;

    static final byte NULL = 0;
    static final byte FALSE = 1;
    static final byte TRUE = 2;
    static final byte INT = 3;
    static final byte LONG = 4;
    static final byte FLOAT = 5;
    static final byte DOUBLE = 6;
    static final byte STRING = 7;
    static final byte BYTES = 8;
    static final byte FLOAT_VECTOR = 9;
    static final byte LIST = 10;
    static final byte SPARSE_VECTOR = 11;
    /** Version 2 added {@link #SPARSE_VECTOR}; files that may hold one carry their own format's next version. */
    public static final int VERSION = 2;

    private ValueCodec() {
    }

    /** Encodes one value; see {@link ValueWriter#writeValue} for the accepted types. */
    public static byte[] encode(Object value) {
        return new ValueWriter().writeValue(value).toByteArray();
    }

    /**
     * Decodes exactly one value that fills {@code bytes}, read from {@code file}.
     *
     * @throws dev.vectorvault.storage.StorageException {@code STORAGE_CORRUPT} naming the file and the offset, if the
     *                                                  bytes are not one well-formed value (trailing bytes included)
     */
    public static Object decode(String file, byte[] bytes) {
        ValueReader reader = new ValueReader(file, "encoded value", bytes);
        Object value = reader.readValue();
        if (reader.hasRemaining()) {
            throw reader.corrupt(bytes.length - reader.remaining(),
                    reader.remaining() + " trailing bytes after the value");
        }
        return value;
    }
}
