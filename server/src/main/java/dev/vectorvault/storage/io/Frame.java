package dev.vectorvault.storage.io;

import dev.vectorvault.storage.StorageException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * The one framing of every file the engine writes, after Lucene's {@code CodecUtil}: a header that says what the
 * file is and which version of that format, the body, and (for immutable objects) a footer with the body's length
 * and checksum. The log uses the header only; its records carry their own checksums.
 *
 * <h2>Layout</h2>
 * All integers of the frame and of every body written from format version 2 on are little-endian.
 * <pre>
 * header
 *   i32  magic 0x4D465656 (the bytes "VVFM")
 *   u16  format name length n (1..64), then n bytes of format name in US-ASCII ("vectorvault-segment")
 *   u16  format version
 *   u32  CRC32C of the header bytes before it
 * body
 * footer (immutable objects)
 *   i64  body length
 *   i32  footer magic, the bitwise complement of the magic
 *   u32  CRC32C of the body and the footer bytes before it
 * </pre>
 * Magic, name and version come first in every future version too, so a reader can always say "too new" or "not
 * this format" rather than "corrupt". Files of format version 1 predate this framing; their readers are kept next to
 * the format that replaced them ({@code ...V1} classes).
 */
public final class Frame {
    public static final int MAGIC = 0x4D46_5656; // the bytes "VVFM" read as a little-endian int
    public static final int FOOTER_BYTES = 8 + 4 + 4;
    static final int MAX_NAME_BYTES = 64;

    /** What a header says. */
    public record Header(String format, int version, int length) {}

    /** A verified object: its format version and body. */
    public record Body(int version, byte[] bytes) {}

    /**
     * A verified object's body where it lies in the object's bytes ({@code length} bytes of {@code bytes} from
     * {@code offset}), for a reader that decodes it in place rather than holding a second copy of a large body.
     */
    public record BodySlice(int version, byte[] bytes, int offset, int length) {}

    private Frame() {
    }

    public static int headerBytes(String format) {
        return 4 + 2 + ascii(format).length + 2 + 4;
    }

    public static byte[] header(String format, int version) {
        byte[] name = ascii(format);
        if (version < 0 || version > 0xFFFF) {
            throw new IllegalArgumentException("format version " + version + " out of range");
        }
        ByteBuffer header = ByteBuffer.allocate(headerBytes(format)).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(MAGIC).putShort((short) name.length).put(name).putShort((short) version);
        header.putInt(crc(header.array(), 0, header.position()));
        return header.array();
    }

    /** Whether {@code bytes} start with this framing's magic (else the file predates it or is foreign). */
    public static boolean isFramed(byte[] bytes) {
        return bytes.length >= 4 && ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(0) == MAGIC;
    }

    /**
     * Reads and checks the header at the start of {@code bytes}: magic, checksum, format name and version range.
     *
     * @param file for messages
     * @throws StorageException {@code STORAGE_CORRUPT} naming the file and offset 0
     */
    public static Header readHeader(String file, byte[] bytes, String format, int minVersion, int maxVersion) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 4 + 2) {
            throw StorageException.corrupt(file, 0, "truncated: " + bytes.length + " bytes cannot hold a header");
        }
        int magic = in.getInt();
        if (magic != MAGIC) {
            throw StorageException.corrupt(file, 0, String.format(Locale.ROOT, "bad magic 0x%08x, not a %s file",
                    magic, format));
        }
        int nameLength = Short.toUnsignedInt(in.getShort());
        if (nameLength < 1 || nameLength > MAX_NAME_BYTES || bytes.length < 4 + 2 + nameLength + 2 + 4) {
            throw StorageException.corrupt(file, 0, "header truncated or format name length " + nameLength
                    + " out of range");
        }
        int length = 4 + 2 + nameLength + 2 + 4;
        int stored = in.getInt(length - 4);
        int computed = crc(bytes, 0, length - 4);
        if (stored != computed) {
            throw StorageException.corrupt(file, 0, String.format(Locale.ROOT,
                    "header checksum mismatch (stored 0x%08x, computed 0x%08x)", stored, computed));
        }
        String name = new String(bytes, 6, nameLength, StandardCharsets.US_ASCII);
        int version = Short.toUnsignedInt(in.getShort(6 + nameLength));
        if (!name.equals(format)) {
            throw StorageException.corrupt(file, 0, "format '" + name + "' where '" + format + "' was expected");
        }
        if (version < minVersion || version > maxVersion) {
            throw StorageException.corrupt(file, 0, "format version " + version + " is "
                    + (version > maxVersion ? "too new" : "too old") + "; this server reads " + format
                    + " versions " + minVersion + " to " + maxVersion);
        }
        return new Header(name, version, length);
    }

    /** A whole framed object around {@code body}. */
    public static byte[] frame(String format, int version, byte[] body) {
        byte[] header = header(format, version);
        ByteBuffer out = ByteBuffer.allocate(header.length + body.length + FOOTER_BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(header).put(body).putLong(body.length).putInt(~MAGIC);
        CRC32C crc = new CRC32C();
        crc.update(body);
        crc.update(out.array(), header.length + body.length, 12);
        out.putInt((int) crc.getValue());
        return out.array();
    }

    /** Streams a framed object: the header, whatever {@code body} writes, the footer. */
    public static ObjectStore.Contents framed(String format, int version, ObjectStore.Contents body) {
        byte[] header = header(format, version);
        return out -> {
            out.write(header);
            CheckedCountingStream counted = new CheckedCountingStream(out);
            body.writeTo(counted);
            ByteBuffer footer = ByteBuffer.allocate(FOOTER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            footer.putLong(counted.count).putInt(~MAGIC);
            counted.crc.update(footer.array(), 0, 12);
            footer.putInt((int) counted.crc.getValue());
            out.write(footer.array());
        };
    }

    /**
     * Verifies a whole framed object held in memory and returns its version and body.
     *
     * @throws StorageException {@code STORAGE_CORRUPT} naming the file and the offset of the damage
     */
    public static Body unframe(String file, byte[] bytes, String format, int minVersion, int maxVersion) {
        BodySlice body = unframeInPlace(file, bytes, format, minVersion, maxVersion);
        return new Body(body.version(), Arrays.copyOfRange(bytes, body.offset(),
                body.offset() + body.length()));
    }

    /** As {@link #unframe}, verifying the same, but the body stays where it is in {@code bytes} (not copied). */
    public static BodySlice unframeInPlace(String file, byte[] bytes, String format, int minVersion,
                                           int maxVersion) {
        Header header = readHeader(file, bytes, format, minVersion, maxVersion);
        int footer = bytes.length - FOOTER_BYTES;
        if (footer < header.length()) {
            throw StorageException.corrupt(file, header.length(), "truncated: no room for the footer");
        }
        checkFooter(file, bytes, header.length(), footer);
        return new BodySlice(header.version(), bytes, header.length(), footer - header.length());
    }

    private static void checkFooter(String file, byte[] bytes, int bodyStart, int footer) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        crc.update(bytes, bodyStart, footer - bodyStart + 12);
        int stored = in.getInt(footer + 12);
        if (stored != (int) crc.getValue()) {
            throw StorageException.corrupt(file, footer, String.format(Locale.ROOT,
                    "checksum mismatch (stored 0x%08x, computed 0x%08x); the file is damaged or truncated", stored,
                    (int) crc.getValue()));
        }
        if (in.getInt(footer + 8) != ~MAGIC) {
            throw StorageException.corrupt(file, footer + 8, "bad footer magic");
        }
        long length = in.getLong(footer);
        if (length != footer - bodyStart) {
            throw StorageException.corrupt(file, footer, "footer declares " + length + " body bytes but the file"
                    + " holds " + (footer - bodyStart));
        }
    }

    /**
     * Verifies a framed object of any size by streaming it once, then returns its header; read the body with
     * {@link #bodyStream}. For objects too large to hold in memory (index files).
     */
    public static Header verify(ObjectStore store, String name, String format, int minVersion, int maxVersion)
            throws IOException {
        String file = store.describe(name);
        long size = store.size(name);
        ByteBuffer start = ByteBuffer.allocate((int) Math.min(size, 4 + 2 + MAX_NAME_BYTES + 2 + 4));
        readFully(store, name, 0, start);
        Header header = readHeader(file, start.array(), format, minVersion, maxVersion);
        long footer = size - FOOTER_BYTES;
        if (footer < header.length()) {
            throw StorageException.corrupt(file, header.length(), "truncated: no room for the footer");
        }
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        long position = header.length();
        while (position < footer + 12) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), footer + 12 - position));
            readFully(store, name, position, buffer);
            buffer.flip();
            crc.update(buffer);
            position += buffer.limit();
        }
        ByteBuffer tail = ByteBuffer.allocate(FOOTER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(store, name, footer, tail);
        if (tail.getInt(12) != (int) crc.getValue()) {
            throw StorageException.corrupt(file, footer, String.format(Locale.ROOT,
                    "checksum mismatch (stored 0x%08x, computed 0x%08x); the file is damaged or truncated",
                    tail.getInt(12), (int) crc.getValue()));
        }
        if (tail.getInt(8) != ~MAGIC || tail.getLong(0) != footer - header.length()) {
            throw StorageException.corrupt(file, footer, "footer does not match the body");
        }
        return header;
    }

    /** The body of an object {@link #verify verified} to have {@code header}, read in ranges. */
    public static InputStream bodyStream(ObjectStore store, String name, Header header) throws IOException {
        return new RangeInputStream(store, name, header.length(), store.size(name) - FOOTER_BYTES);
    }

    /** Bytes {@code [from, to)} of an object as a stream, fetched in 64 KiB ranges. */
    public static InputStream rangeStream(ObjectStore store, String name, long from, long to) {
        return new RangeInputStream(store, name, from, to);
    }

    public static void readFully(ObjectStore store, String name, long position, ByteBuffer into) throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int n = store.read(name, at, into);
            if (n < 0) {
                throw new java.io.EOFException(store.describe(name) + " ends at " + at);
            }
            at += n;
        }
    }

    private static byte[] ascii(String format) {
        byte[] name = format.getBytes(StandardCharsets.US_ASCII);
        if (name.length < 1 || name.length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("format name must be 1 to " + MAX_NAME_BYTES + " bytes: " + format);
        }
        return name;
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    private static final class CheckedCountingStream extends FilterOutputStream {
        final CRC32C crc = new CRC32C();
        long count;

        CheckedCountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            crc.update(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            crc.update(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            flush(); // the footer still follows
        }
    }

    /** Bytes {@code [from, to)} of an object, fetched 64 KiB at a time. */
    private static final class RangeInputStream extends InputStream {
        private final ObjectStore store;
        private final String name;
        private final long to;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        private long next;

        RangeInputStream(ObjectStore store, String name, long from, long to) {
            this.store = store;
            this.name = name;
            this.next = from;
            this.to = to;
            buffer.limit(0);
        }

        @Override
        public int read() throws IOException {
            return fill() ? buffer.get() & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, buffer.remaining());
            buffer.get(b, off, n);
            return n;
        }

        private boolean fill() throws IOException {
            if (buffer.hasRemaining()) {
                return true;
            }
            if (next >= to) {
                return false;
            }
            buffer.clear().limit((int) Math.min(buffer.capacity(), to - next));
            readFully(store, name, next, buffer);
            buffer.flip();
            next += buffer.limit();
            return true;
        }
    }
}
