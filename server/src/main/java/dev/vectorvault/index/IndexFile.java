package dev.vectorvault.index;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Self-verifying index files, framed like the segment files (after Lucene's {@code CodecUtil}): a header, the body
 * of one index kind, and a CRC32C footer. Bodies can be hundreds of MiB, so both directions stream.
 *
 * <h2>Format</h2>
 * Integers are big-endian ({@link DataOutputStream}).
 * <pre>
 *   i32  magic 0x56564958 ("VVIX")
 *   utf  format name "vectorvault-index"
 *   utf  kind ("hnsw", "ivf_flat")
 *   i32  version of that kind's body
 *        body
 *   i32  footer magic, the bitwise complement of the magic
 *   i32  CRC32C of every byte before it
 * </pre>
 * The checksum is verified over the whole file before the body is parsed, so a damaged or truncated file is reported
 * as such and never half-used. {@link #write} replaces the file atomically (temp file, force, rename, force folder).
 */
final class IndexFile {
    static final int MAGIC = 0x5656_4958;
    static final String FORMAT_NAME = "vectorvault-index";
    private static final int FOOTER_BYTES = 8;
    private static final int BULK_BYTES = 1 << 16;

    /** Writes a body to a stream. */
    @FunctionalInterface
    interface BodyWriter {
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads a body of the given version; throws {@link CorruptIndexException} on values out of range. */
    @FunctionalInterface
    interface BodyReader<T> {
        T read(DataInputStream in, int version) throws IOException;
    }

    private IndexFile() {}

    static void write(Path file, String kind, int version, BodyWriter body) {
        Path target = file.toAbsolutePath();
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                CRC32C crc = new CRC32C();
                // Not closed through the streams: the channel must be forced before it is closed.
                OutputStream raw = Channels.newOutputStream(channel);
                DataOutputStream out = new DataOutputStream(
                        new CheckedOutputStream(new BufferedOutputStream(raw, BULK_BYTES), crc));
                out.writeInt(MAGIC);
                out.writeUTF(FORMAT_NAME);
                out.writeUTF(kind);
                out.writeInt(version);
                body.write(out);
                out.writeInt(~MAGIC);
                out.flush();
                DataOutputStream footer = new DataOutputStream(raw);
                footer.writeInt((int) crc.getValue());
                footer.flush();
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel directory = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                directory.force(true);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("cannot write index file " + file + ": " + e, e);
        }
    }

    /**
     * Verifies and reads {@code file}.
     *
     * @throws CorruptIndexException when the checksum, header, kind or version does not match, or the body is bad
     * @throws UncheckedIOException  when the file cannot be read (for example it does not exist)
     */
    static <T> T read(Path file, String kind, int minVersion, int maxVersion, BodyReader<T> body) {
        try {
            long length = Files.size(file);
            verifyChecksum(file, length);
            try (InputStream raw = Files.newInputStream(file)) {
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, BULK_BYTES));
                int magic = in.readInt();
                if (magic != MAGIC) {
                    throw new CorruptIndexException(file, String.format(Locale.ROOT, "bad magic 0x%08x", magic));
                }
                String format = in.readUTF();
                if (!format.equals(FORMAT_NAME)) {
                    throw new CorruptIndexException(file, "format '" + format + "' is not " + FORMAT_NAME);
                }
                String actualKind = in.readUTF();
                if (!actualKind.equals(kind)) {
                    throw new CorruptIndexException(file, "kind '" + actualKind + "' where '" + kind
                            + "' was expected");
                }
                int version = in.readInt();
                if (version < minVersion || version > maxVersion) {
                    throw new CorruptIndexException(file, "format version " + version + " is not readable; this"
                            + " server reads " + kind + " versions " + minVersion + " to " + maxVersion);
                }
                T result = body.read(in, version);
                if (in.readInt() != ~MAGIC) {
                    throw new CorruptIndexException(file, "body does not end where the footer starts");
                }
                return result;
            }
        } catch (EOFException e) {
            throw new CorruptIndexException(file, "truncated: body runs past the end of the file");
        } catch (java.io.UTFDataFormatException | ArithmeticException e) {
            // Only reachable with a matching checksum, i.e. a file written by something else: still not ours.
            throw new CorruptIndexException(file, "malformed: " + e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read index file " + file + ": " + e, e);
        }
    }

    private static void verifyChecksum(Path file, long length) throws IOException {
        if (length < FOOTER_BYTES + 4) {
            throw new CorruptIndexException(file, "truncated: " + length + " bytes");
        }
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocate(BULK_BYTES);
        long covered = length - 4;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long position = 0;
            while (position < covered) {
                buffer.clear().limit((int) Math.min(BULK_BYTES, covered - position));
                int read = channel.read(buffer, position);
                if (read < 0) {
                    throw new CorruptIndexException(file, "truncated while reading");
                }
                buffer.flip();
                crc.update(buffer);
                position += read;
            }
            ByteBuffer stored = ByteBuffer.allocate(4);
            while (stored.hasRemaining() && channel.read(stored, covered + stored.position()) >= 0) {
                // keep reading the four footer bytes
            }
            int expected = stored.getInt(0);
            if (expected != (int) crc.getValue()) {
                throw new CorruptIndexException(file, String.format(Locale.ROOT,
                        "checksum mismatch (stored 0x%08x, computed 0x%08x); damaged or truncated", expected,
                        (int) crc.getValue()));
            }
        }
    }

    static void writeInts(DataOutputStream out, int[] values, int from, int to) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(BULK_BYTES);
        int i = from;
        while (i < to) {
            buffer.clear();
            int n = Math.min(to - i, BULK_BYTES / 4);
            buffer.asIntBuffer().put(values, i, n);
            out.write(buffer.array(), 0, n * 4);
            i += n;
        }
    }

    static void readInts(DataInputStream in, int[] values, int from, int to) throws IOException {
        byte[] bytes = new byte[BULK_BYTES];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int i = from;
        while (i < to) {
            int n = Math.min(to - i, BULK_BYTES / 4);
            in.readFully(bytes, 0, n * 4);
            buffer.clear();
            buffer.asIntBuffer().get(values, i, n);
            i += n;
        }
    }

    static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(BULK_BYTES);
        int i = 0;
        while (i < values.length) {
            buffer.clear();
            int n = Math.min(values.length - i, BULK_BYTES / 4);
            buffer.asFloatBuffer().put(values, i, n);
            out.write(buffer.array(), 0, n * 4);
            i += n;
        }
    }

    static void readFloats(DataInputStream in, float[] values) throws IOException {
        byte[] bytes = new byte[BULK_BYTES];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int i = 0;
        while (i < values.length) {
            int n = Math.min(values.length - i, BULK_BYTES / 4);
            in.readFully(bytes, 0, n * 4);
            buffer.clear();
            buffer.asFloatBuffer().get(values, i, n);
            i += n;
        }
    }
}
