package dev.vectorvault.index;

import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.io.Frame;
import dev.vectorvault.storage.io.LocalDisk;
import dev.vectorvault.storage.io.ObjectStore;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * Self-verifying index files on an {@link ObjectStore} (write whole, read ranges: object storage will do). Bodies can
 * be hundreds of MiB, so both directions stream.
 *
 * <h2>Versions</h2>
 * The version of an index file is the version its kind declares ({@link HnswIndex#FILE_VERSION},
 * {@link IvfFlatIndex#FILE_VERSION}) and reaches the kind's body reader, which keeps one reader per version.
 * <ul>
 * <li>2 and later: the common {@link Frame} under the format name {@code "vectorvault-" + kind}; the body is
 * little-endian like the frame.</li>
 * <li>1 (commit 53506df and before): big-endian, {@code i32 magic 0x56564958 ("VVIX"), utf "vectorvault-index",
 * utf kind, i32 version, body, i32 ~magic, i32 CRC32C of every byte before it}. Read by {@link #readV1}.</li>
 * </ul>
 * The checksum is verified over the whole file before the body is parsed, so a damaged or truncated file is reported
 * as such and never half-used. Writes are atomic and durable (the store's contract).
 */
final class IndexFile {
    static final int MAGIC_V1 = 0x5656_4958;
    static final String FORMAT_NAME_V1 = "vectorvault-index";
    private static final int FOOTER_BYTES_V1 = 8;
    private static final int BULK_BYTES = 1 << 16;

    /** Writes a body; {@code out} has the byte order of the file being written. */
    @FunctionalInterface
    interface BodyWriter {
        void write(DataOutput out) throws IOException;
    }

    /** Reads a body of the given version; throws {@link CorruptIndexException} on values out of range. */
    @FunctionalInterface
    interface BodyReader<T> {
        T read(DataInput in, int version) throws IOException;
    }

    private IndexFile() {}

    static String formatName(String kind) {
        return "vectorvault-" + kind;
    }

    /** Writes the index in the current framing (version {@code version >= 2}), atomically. */
    static void write(ObjectStore store, String name, String kind, int version, BodyWriter body) {
        try {
            store.write(name, Frame.framed(formatName(kind), version, out -> {
                LittleEndianOutput le = new LittleEndianOutput(new BufferedOutputStream(out, BULK_BYTES));
                body.write(le);
                le.flush();
            }));
        } catch (IOException e) {
            throw StorageException.io("write index file", store.describe(name), e);
        }
    }

    static void write(Path file, String kind, int version, BodyWriter body) {
        write(disk(file), file.getFileName().toString(), kind, version, body);
    }

    /**
     * Verifies and reads an index file of any supported version.
     *
     * @throws CorruptIndexException when the checksum, header, kind or version does not match, or the body is bad
     * @throws StorageException      when the file cannot be read (for example it does not exist: STORAGE_NOT_FOUND)
     */
    static <T> T read(ObjectStore store, String name, String kind, int minVersion, int maxVersion,
                      BodyReader<T> body) {
        String file = store.describe(name);
        try {
            ByteBuffer magic = ByteBuffer.allocate(4);
            if (store.size(name) >= 4) {
                Frame.readFully(store, name, 0, magic);
            }
            if (magic.getInt(0) == MAGIC_V1) {
                return readV1(store, name, kind, minVersion, body);
            }
            Frame.Header header;
            try {
                header = Frame.verify(store, name, formatName(kind), Math.max(2, minVersion), maxVersion);
            } catch (StorageException e) {
                throw new CorruptIndexException(file, e.getMessage());
            }
            try (InputStream raw = Frame.bodyStream(store, name, header)) {
                LittleEndianInput in = new LittleEndianInput(new BufferedInputStream(raw, BULK_BYTES));
                T result = body.read(in, header.version());
                if (in.in.read() != -1) {
                    throw new CorruptIndexException(file, "body does not end where the footer starts");
                }
                return result;
            }
        } catch (EOFException e) {
            throw new CorruptIndexException(file, "truncated: body runs past the end of the file");
        } catch (java.io.UTFDataFormatException | ArithmeticException | NegativeArraySizeException e) {
            // Only reachable with a matching checksum, i.e. a file written by something else: still not ours.
            throw new CorruptIndexException(file, "malformed: " + e);
        } catch (IOException e) {
            throw StorageException.io("read index file", file, e);
        }
    }

    static <T> T read(Path file, String kind, int minVersion, int maxVersion, BodyReader<T> body) {
        return read(disk(file), file.getFileName().toString(), kind, minVersion, maxVersion, body);
    }

    /** The reader of version 1 files (big-endian framing and body), kept so that files of that release load. */
    private static <T> T readV1(ObjectStore store, String name, String kind, int minVersion, BodyReader<T> body)
            throws IOException {
        String file = store.describe(name);
        long length = store.size(name);
        verifyChecksumV1(store, name, length);
        try (InputStream raw = Frame.rangeStream(store, name, 0, length)) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(raw, BULK_BYTES));
            in.readInt(); // the magic, checked by the caller
            String format = in.readUTF();
            if (!format.equals(FORMAT_NAME_V1)) {
                throw new CorruptIndexException(file, "format '" + format + "' is not " + FORMAT_NAME_V1);
            }
            String actualKind = in.readUTF();
            if (!actualKind.equals(kind)) {
                throw new CorruptIndexException(file, "kind '" + actualKind + "' where '" + kind + "' was expected");
            }
            int version = in.readInt();
            if (version != 1 || version < minVersion) {
                throw new CorruptIndexException(file, "format version " + version + " is not readable; this"
                        + " server reads " + kind + " version 1 in this framing");
            }
            T result = body.read(in, version);
            if (in.readInt() != ~MAGIC_V1) {
                throw new CorruptIndexException(file, "body does not end where the footer starts");
            }
            return result;
        }
    }

    private static void verifyChecksumV1(ObjectStore store, String name, long length) throws IOException {
        String file = store.describe(name);
        if (length < FOOTER_BYTES_V1 + 4) {
            throw new CorruptIndexException(file, "truncated: " + length + " bytes");
        }
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocate(BULK_BYTES);
        long covered = length - 4;
        long position = 0;
        while (position < covered) {
            buffer.clear().limit((int) Math.min(BULK_BYTES, covered - position));
            Frame.readFully(store, name, position, buffer);
            buffer.flip();
            crc.update(buffer);
            position += buffer.limit();
        }
        ByteBuffer stored = ByteBuffer.allocate(4);
        Frame.readFully(store, name, covered, stored);
        int expected = stored.getInt(0);
        if (expected != (int) crc.getValue()) {
            throw new CorruptIndexException(file, String.format(Locale.ROOT,
                    "checksum mismatch (stored 0x%08x, computed 0x%08x); damaged or truncated", expected,
                    (int) crc.getValue()));
        }
    }

    private static LocalDisk disk(Path file) {
        Path folder = file.toAbsolutePath().getParent();
        try {
            return LocalDisk.open(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open folder " + folder + ": " + e, e);
        }
    }

    private static ByteOrder order(Object stream) {
        return stream instanceof LittleEndianOutput || stream instanceof LittleEndianInput ? ByteOrder.LITTLE_ENDIAN
                : ByteOrder.BIG_ENDIAN;
    }

    /**
     * The scratch of a bulk copy: at most {@link #BULK_BYTES}, and no larger than the values. An inverted index
     * writes and reads hundreds of thousands of lists of a few values each, and a full-size scratch per list (zeroed
     * on allocation) cost more than everything else its build did.
     */
    private static int scratchBytes(int values) {
        return (int) Math.min(BULK_BYTES, 4L * Math.max(values, 0));
    }

    static void writeInts(DataOutput out, int[] values, int from, int to) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(scratchBytes(to - from)).order(order(out));
        int i = from;
        while (i < to) {
            buffer.clear();
            int n = Math.min(to - i, BULK_BYTES / 4);
            buffer.asIntBuffer().put(values, i, n);
            out.write(buffer.array(), 0, n * 4);
            i += n;
        }
    }

    static void readInts(DataInput in, int[] values, int from, int to) throws IOException {
        byte[] bytes = new byte[scratchBytes(to - from)];
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(order(in));
        int i = from;
        while (i < to) {
            int n = Math.min(to - i, BULK_BYTES / 4);
            in.readFully(bytes, 0, n * 4);
            buffer.clear();
            buffer.asIntBuffer().get(values, i, n);
            i += n;
        }
    }

    static void writeFloats(DataOutput out, float[] values) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(scratchBytes(values.length)).order(order(out));
        int i = 0;
        while (i < values.length) {
            buffer.clear();
            int n = Math.min(values.length - i, BULK_BYTES / 4);
            buffer.asFloatBuffer().put(values, i, n);
            out.write(buffer.array(), 0, n * 4);
            i += n;
        }
    }

    static void readFloats(DataInput in, float[] values) throws IOException {
        byte[] bytes = new byte[scratchBytes(values.length)];
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(order(in));
        int i = 0;
        while (i < values.length) {
            int n = Math.min(values.length - i, BULK_BYTES / 4);
            in.readFully(bytes, 0, n * 4);
            buffer.clear();
            buffer.asFloatBuffer().get(values, i, n);
            i += n;
        }
    }

    /** {@link DataOutput} in little-endian byte order; strings as u16 length and UTF-8 bytes. */
    static final class LittleEndianOutput implements DataOutput {
        private final DataOutputStream out;

        LittleEndianOutput(OutputStream out) {
            this.out = new DataOutputStream(out);
        }

        void flush() throws IOException {
            out.flush();
        }

        @Override public void write(int b) throws IOException { out.write(b); }
        @Override public void write(byte[] b) throws IOException { out.write(b); }
        @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }
        @Override public void writeBoolean(boolean v) throws IOException { out.writeBoolean(v); }
        @Override public void writeByte(int v) throws IOException { out.writeByte(v); }
        @Override public void writeShort(int v) throws IOException { out.writeShort(Short.reverseBytes((short) v)); }
        @Override public void writeChar(int v) throws IOException { writeShort(v); }
        @Override public void writeInt(int v) throws IOException { out.writeInt(Integer.reverseBytes(v)); }
        @Override public void writeLong(long v) throws IOException { out.writeLong(Long.reverseBytes(v)); }
        @Override public void writeFloat(float v) throws IOException { writeInt(Float.floatToIntBits(v)); }
        @Override public void writeDouble(double v) throws IOException { writeLong(Double.doubleToLongBits(v)); }

        @Override
        public void writeBytes(String s) throws IOException {
            throw new UnsupportedOperationException("use writeUTF");
        }

        @Override
        public void writeChars(String s) throws IOException {
            throw new UnsupportedOperationException("use writeUTF");
        }

        @Override
        public void writeUTF(String s) throws IOException {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 0xFFFF) {
                throw new java.io.UTFDataFormatException("string of " + bytes.length + " bytes");
            }
            writeShort(bytes.length);
            out.write(bytes);
        }
    }

    /** Reads what {@link LittleEndianOutput} writes. */
    static final class LittleEndianInput implements DataInput {
        private final DataInputStream in;

        LittleEndianInput(InputStream in) {
            this.in = new DataInputStream(in);
        }

        @Override public void readFully(byte[] b) throws IOException { in.readFully(b); }
        @Override public void readFully(byte[] b, int off, int len) throws IOException { in.readFully(b, off, len); }
        @Override public int skipBytes(int n) throws IOException { return in.skipBytes(n); }
        @Override public boolean readBoolean() throws IOException { return in.readBoolean(); }
        @Override public byte readByte() throws IOException { return in.readByte(); }
        @Override public int readUnsignedByte() throws IOException { return in.readUnsignedByte(); }
        @Override public short readShort() throws IOException { return Short.reverseBytes(in.readShort()); }
        @Override public int readUnsignedShort() throws IOException { return Short.toUnsignedInt(readShort()); }
        @Override public char readChar() throws IOException { return (char) readShort(); }
        @Override public int readInt() throws IOException { return Integer.reverseBytes(in.readInt()); }
        @Override public long readLong() throws IOException { return Long.reverseBytes(in.readLong()); }
        @Override public float readFloat() throws IOException { return Float.intBitsToFloat(readInt()); }
        @Override public double readDouble() throws IOException { return Double.longBitsToDouble(readLong()); }

        @Override
        public String readLine() {
            throw new UnsupportedOperationException("no lines in an index file");
        }

        @Override
        public String readUTF() throws IOException {
            byte[] bytes = new byte[readUnsignedShort()];
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
