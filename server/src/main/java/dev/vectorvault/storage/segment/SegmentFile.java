package dev.vectorvault.storage.segment;

import dev.vectorvault.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Immutable, self-verifying files: a body (whose layout belongs to the caller) framed by a header and a checksum
 * footer, after Lucene's {@code CodecUtil}.
 *
 * <h2>Format, version 1</h2>
 * All integers are little-endian.
 *
 * <pre>
 *   i32  magic 0x47535656 (the bytes "VVSG")
 *   u16  format name length, then "vectorvault-segment" in US-ASCII
 *   i32  format version
 *   u16  kind length, then the kind in UTF-8 (what the body is, for example "insert-log")
 *   i64  body length
 *        body
 *   i32  footer magic, the bitwise complement of the magic
 *   u32  CRC32C of every byte before it
 * </pre>
 *
 * Future versions must keep the magic, format name and version at the front, so any reader can say "too new"
 * rather than "corrupt".
 *
 * <h2>Guarantees</h2>
 * {@link #write} is atomic and durable: after a crash the final name holds either the previous file or the complete
 * new one, never a partial file. {@link #read} verifies everything before returning a byte. Both are thread-safe for
 * different files; concurrent writes of the same file are a caller error.
 */
public final class SegmentFile {
    static final int MAGIC = 0x4753_5656; // the bytes "VVSG" read as a little-endian int
    static final String FORMAT_NAME = "vectorvault-segment";
    static final int VERSION = 1;
    /** Oldest version this code reads; raise it only together with dropping the old reader. */
    static final int MIN_VERSION = 1;
    static final int MAX_KIND_BYTES = 1024;

    private static final byte[] FORMAT_NAME_BYTES = FORMAT_NAME.getBytes(StandardCharsets.US_ASCII);
    private static final int FOOTER_BYTES = 4 + 4;
    private static final int FIXED_HEADER_BYTES = 4 + 2 + FORMAT_NAME_BYTES.length + 4 + 2 + 8;
    // A whole file is read into one array.
    private static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

    private SegmentFile() {
    }

    /**
     * Writes {@code body} to {@code file}, replacing any existing file atomically: temp file, force, rename, force
     * the directory. On failure the temp file is removed and the final name is left as it was.
     *
     * @param kind what the body is, checked by {@link #read}; 1 to 1024 UTF-8 bytes
     * @throws StorageException on an I/O failure
     */
    public static void write(Path file, String kind, byte[] body) {
        byte[] kindBytes = kind.getBytes(StandardCharsets.UTF_8);
        if (kindBytes.length == 0 || kindBytes.length > MAX_KIND_BYTES) {
            throw new IllegalArgumentException("kind must be 1 to " + MAX_KIND_BYTES + " UTF-8 bytes, got "
                    + kindBytes.length);
        }
        if ((long) FIXED_HEADER_BYTES + kindBytes.length + body.length + FOOTER_BYTES > MAX_FILE_BYTES) {
            throw new IllegalArgumentException("body of " + body.length + " bytes is too large for one segment file");
        }
        ByteBuffer header = ByteBuffer.allocate(FIXED_HEADER_BYTES + kindBytes.length).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(MAGIC).putShort((short) FORMAT_NAME_BYTES.length).put(FORMAT_NAME_BYTES).putInt(VERSION)
                .putShort((short) kindBytes.length).put(kindBytes).putLong(body.length).flip();
        ByteBuffer footer = ByteBuffer.allocate(FOOTER_BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(~MAGIC);
        CRC32C crc = new CRC32C();
        crc.update(header.array());
        crc.update(body);
        crc.update(footer.array(), 0, 4);
        footer.putInt((int) crc.getValue()).flip();

        Path target = file.toAbsolutePath();
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer[] parts = {header, ByteBuffer.wrap(body), footer};
                while (footer.hasRemaining()) {
                    channel.write(parts);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            // Without this the rename itself may not survive power loss (etcd #6368).
            try (FileChannel directory = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                directory.force(true);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new StorageException("cannot write segment file " + file + ": " + e, e);
        }
    }

    /**
     * Reads and verifies {@code file} and returns its body.
     *
     * @throws CorruptSegmentException if the header, version, kind, length or checksum does not match
     * @throws StorageException        if the file cannot be read (for example it does not exist)
     */
    public static byte[] read(Path file, String expectedKind) {
        Objects.requireNonNull(expectedKind, "expectedKind");
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new CorruptSegmentException(file, "file of " + size + " bytes is larger than any segment file");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new StorageException("cannot read segment file " + file + ": " + e, e);
        }
        return verify(file, bytes, expectedKind);
    }

    private static byte[] verify(Path file, byte[] bytes, String expectedKind) {
        if (bytes.length < FIXED_HEADER_BYTES + FOOTER_BYTES) {
            throw new CorruptSegmentException(file, "truncated: " + bytes.length
                    + " bytes is shorter than the smallest segment file");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int magic = in.getInt();
        if (magic != MAGIC) {
            throw new CorruptSegmentException(file, String.format(Locale.ROOT,
                    "bad magic 0x%08x, not a segment file", magic));
        }
        int nameLength = Short.toUnsignedInt(in.getShort());
        if (nameLength != FORMAT_NAME_BYTES.length) {
            throw new CorruptSegmentException(file, "format name length " + nameLength + " is not that of "
                    + FORMAT_NAME);
        }
        byte[] name = new byte[nameLength];
        in.get(name);
        if (!Arrays.equals(name, FORMAT_NAME_BYTES)) {
            throw new CorruptSegmentException(file, "format name '" + new String(name, StandardCharsets.US_ASCII)
                    + "' is not '" + FORMAT_NAME + "'");
        }
        int version = in.getInt();
        if (version > VERSION) {
            throw new CorruptSegmentException(file, "format version " + version + " is too new; this server reads "
                    + MIN_VERSION + " to " + VERSION);
        }
        if (version < MIN_VERSION) {
            throw new CorruptSegmentException(file, "format version " + version + " is too old; this server reads "
                    + MIN_VERSION + " to " + VERSION);
        }
        // Checked before the fields below so that a flipped bit anywhere is reported as what it is.
        int footerStart = bytes.length - FOOTER_BYTES;
        int storedCrc = ByteBuffer.wrap(bytes, footerStart + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, footerStart + 4);
        if (storedCrc != (int) crc.getValue()) {
            throw new CorruptSegmentException(file, String.format(Locale.ROOT,
                    "checksum mismatch (stored 0x%08x, computed 0x%08x); the file is damaged or truncated",
                    storedCrc, (int) crc.getValue()));
        }
        int footerMagic = in.getInt(footerStart);
        if (footerMagic != ~MAGIC) {
            throw new CorruptSegmentException(file, String.format(Locale.ROOT, "bad footer magic 0x%08x",
                    footerMagic));
        }
        int kindLength = Short.toUnsignedInt(in.getShort());
        if (kindLength > footerStart - in.position() - 8) {
            throw new CorruptSegmentException(file, "kind length " + kindLength + " runs past the footer");
        }
        String kind = new String(bytes, in.position(), kindLength, StandardCharsets.UTF_8);
        in.position(in.position() + kindLength);
        if (!kind.equals(expectedKind)) {
            throw new CorruptSegmentException(file, "kind '" + kind + "' where '" + expectedKind + "' was expected");
        }
        long bodyLength = in.getLong();
        if (bodyLength != footerStart - in.position()) {
            throw new CorruptSegmentException(file, "header declares " + bodyLength + " body bytes but the file holds "
                    + (footerStart - in.position()));
        }
        return Arrays.copyOfRange(bytes, in.position(), footerStart);
    }
}
