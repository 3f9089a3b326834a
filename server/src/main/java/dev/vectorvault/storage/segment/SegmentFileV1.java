package dev.vectorvault.storage.segment;

import dev.vectorvault.storage.StorageException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * Reader of segment and tombstone files of format version 1, written before the common {@code Frame} (up to commit
 * 53506df). Kept so that a data folder of that release still opens; nothing writes this format any more.
 *
 * <pre>
 *   i32  magic 0x47535656 (the bytes "VVSG"), little-endian like every field
 *   u16  format name length, then "vectorvault-segment" in US-ASCII
 *   i32  format version (1)
 *   u16  kind length, then the kind in UTF-8 ("segment", "deletes")
 *   i64  body length
 *        body
 *   i32  footer magic, the bitwise complement of the magic
 *   u32  CRC32C of every byte before it
 * </pre>
 */
final class SegmentFileV1 {
    static final int MAGIC = 0x4753_5656;
    static final String FORMAT_NAME = "vectorvault-segment";
    static final int VERSION = 1;
    private static final byte[] FORMAT_NAME_BYTES = FORMAT_NAME.getBytes(StandardCharsets.US_ASCII);
    private static final int FOOTER_BYTES = 4 + 4;
    private static final int FIXED_HEADER_BYTES = 4 + 2 + FORMAT_NAME_BYTES.length + 4 + 2 + 8;

    private SegmentFileV1() {
    }

    static boolean isV1(byte[] bytes) {
        return bytes.length >= 4 && ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(0) == MAGIC;
    }

    /** Verifies a version-1 file and returns its body; {@code STORAGE_CORRUPT} naming the file and offset if not. */
    static byte[] read(String file, byte[] bytes, String expectedKind) {
        if (bytes.length < FIXED_HEADER_BYTES + FOOTER_BYTES) {
            throw StorageException.corrupt(file, 0, "truncated: " + bytes.length
                    + " bytes is shorter than the smallest segment file");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        in.getInt(); // magic, checked by isV1
        int nameLength = Short.toUnsignedInt(in.getShort());
        if (nameLength != FORMAT_NAME_BYTES.length) {
            throw StorageException.corrupt(file, 4, "format name length " + nameLength + " is not that of "
                    + FORMAT_NAME);
        }
        byte[] name = new byte[nameLength];
        in.get(name);
        if (!Arrays.equals(name, FORMAT_NAME_BYTES)) {
            throw StorageException.corrupt(file, 6, "format name '" + new String(name, StandardCharsets.US_ASCII)
                    + "' is not '" + FORMAT_NAME + "'");
        }
        int version = in.getInt();
        if (version != VERSION) {
            throw StorageException.corrupt(file, 6 + nameLength, "format version " + version + " is "
                    + (version > VERSION ? "too new" : "too old") + " for a version-1 segment file");
        }
        int footerStart = bytes.length - FOOTER_BYTES;
        int storedCrc = ByteBuffer.wrap(bytes, footerStart + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, footerStart + 4);
        if (storedCrc != (int) crc.getValue()) {
            throw StorageException.corrupt(file, footerStart, String.format(Locale.ROOT,
                    "checksum mismatch (stored 0x%08x, computed 0x%08x); the file is damaged or truncated",
                    storedCrc, (int) crc.getValue()));
        }
        if (in.getInt(footerStart) != ~MAGIC) {
            throw StorageException.corrupt(file, footerStart, "bad footer magic");
        }
        int kindLength = Short.toUnsignedInt(in.getShort());
        if (kindLength > footerStart - in.position() - 8) {
            throw StorageException.corrupt(file, in.position() - 2, "kind length " + kindLength
                    + " runs past the footer");
        }
        String kind = new String(bytes, in.position(), kindLength, StandardCharsets.UTF_8);
        in.position(in.position() + kindLength);
        if (!kind.equals(expectedKind)) {
            throw StorageException.corrupt(file, in.position() - kindLength, "kind '" + kind + "' where '"
                    + expectedKind + "' was expected");
        }
        long bodyLength = in.getLong();
        if (bodyLength != footerStart - in.position()) {
            throw StorageException.corrupt(file, in.position() - 8, "header declares " + bodyLength
                    + " body bytes but the file holds " + (footerStart - in.position()));
        }
        return Arrays.copyOfRange(bytes, in.position(), footerStart);
    }
}
