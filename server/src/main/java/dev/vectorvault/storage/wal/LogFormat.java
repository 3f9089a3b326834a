package dev.vectorvault.storage.wal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Byte layout of log files, shared by the writer and recovery so the two cannot drift apart. The specification is in
 * the {@link WriteAheadLog} javadoc.
 */
final class LogFormat {
    static final int MAGIC = 0x4C41_5756; // the bytes "VWAL" read as a little-endian int
    static final String FORMAT_NAME = "vectorvault-wal";
    static final int VERSION = 1;
    static final int HEADER_BYTES = 4 + 2 + FORMAT_NAME.length() + 4 + 8 + 4;
    static final int RECORD_HEADER_BYTES = 4 + 4 + 8;
    /** Largest payload; bounds what a corrupted length field can make recovery read. */
    static final int MAX_PAYLOAD_BYTES = 128 << 20;
    /** Largest file: a roll size above it is refused, and a lone record of the largest payload stays below it. */
    static final int MAX_FILE_BYTES = 1 << 30;

    private static final byte[] FORMAT_NAME_BYTES = FORMAT_NAME.getBytes(StandardCharsets.US_ASCII);
    private static final Pattern FILE_NAME = Pattern.compile("wal-(\\d{20})\\.log");
    private static final Pattern TEMP_FILE_NAME = Pattern.compile("wal-\\d{20}\\.log\\.tmp");

    private LogFormat() {
    }

    static String fileName(long firstLsn) {
        return String.format(Locale.ROOT, "wal-%020d.log", firstLsn);
    }

    /** The first LSN encoded in a log file name, or -1 if the name is not a log file's. */
    static long firstLsnOf(String fileName) {
        Matcher matcher = FILE_NAME.matcher(fileName);
        if (!matcher.matches()) {
            return -1;
        }
        try {
            return Long.parseLong(matcher.group(1));
        } catch (NumberFormatException e) {
            return -1; // 20 digits can exceed Long.MAX_VALUE; such a name was never written by us
        }
    }

    static boolean isTempFile(String fileName) {
        return TEMP_FILE_NAME.matcher(fileName).matches();
    }

    static byte[] header(long firstLsn) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(MAGIC).putShort((short) FORMAT_NAME_BYTES.length).put(FORMAT_NAME_BYTES).putInt(VERSION)
                .putLong(firstLsn);
        header.putInt(crc32c(header.array(), 0, HEADER_BYTES - 4));
        return header.array();
    }

    /**
     * Checks a file's header and returns its first LSN. The name must agree with the header, so a log file copied in
     * from another directory or renamed cannot splice foreign records into this log (checklist B5).
     */
    static long checkHeader(Path file, byte[] bytes, long firstLsnFromName) {
        if (bytes.length < HEADER_BYTES) {
            throw new CorruptLogException(file, 0, "file of " + bytes.length + " bytes is shorter than the "
                    + HEADER_BYTES + "-byte header");
        }
        ByteBuffer header = ByteBuffer.wrap(bytes, 0, HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int magic = header.getInt();
        if (magic != MAGIC) {
            throw new CorruptLogException(file, 0, String.format(Locale.ROOT,
                    "bad magic 0x%08x, not a write-ahead log file", magic));
        }
        int storedCrc = header.getInt(HEADER_BYTES - 4);
        int computedCrc = crc32c(bytes, 0, HEADER_BYTES - 4);
        if (storedCrc != computedCrc) {
            throw new CorruptLogException(file, 0, String.format(Locale.ROOT,
                    "header checksum mismatch (stored 0x%08x, computed 0x%08x)", storedCrc, computedCrc));
        }
        int nameLength = Short.toUnsignedInt(header.getShort());
        if (nameLength != FORMAT_NAME_BYTES.length) {
            throw new CorruptLogException(file, 0, "format name length " + nameLength + " is not that of "
                    + FORMAT_NAME);
        }
        byte[] name = new byte[nameLength];
        header.get(name);
        if (!Arrays.equals(name, FORMAT_NAME_BYTES)) {
            throw new CorruptLogException(file, 0, "format name '" + new String(name, StandardCharsets.US_ASCII)
                    + "' is not '" + FORMAT_NAME + "'");
        }
        int version = header.getInt();
        if (version != VERSION) {
            throw new CorruptLogException(file, 0, "format version " + version
                    + (version > VERSION ? " is newer than" : " is not") + " the supported version " + VERSION);
        }
        long firstLsn = header.getLong();
        if (firstLsn != firstLsnFromName) {
            throw new CorruptLogException(file, 0, "header says first lsn " + firstLsn
                    + " but the file name says " + firstLsnFromName);
        }
        return firstLsn;
    }

    /** {@code [i32 payload length][u32 crc32c(lsn, payload)][i64 lsn][payload]}. */
    static byte[] encodeRecord(long lsn, byte[] payload) {
        ByteBuffer record = ByteBuffer.allocate(RECORD_HEADER_BYTES + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt(payload.length).putInt(0).putLong(lsn).put(payload);
        // The lsn and payload are adjacent, so one checksum pass covers both.
        record.putInt(4, crc32c(record.array(), 8, 8 + payload.length));
        return record.array();
    }

    /**
     * Why the bytes at {@code offset} are not a valid record with LSN {@code expectedLsn}, or {@code null} if they
     * are. Every bound is checked before anything is read, so a 2 GiB length field costs nothing (etcd #7150).
     */
    static String recordProblem(ByteBuffer file, int offset, long expectedLsn) {
        int available = file.limit() - offset;
        if (available < RECORD_HEADER_BYTES) {
            return "incomplete record header (" + available + " of " + RECORD_HEADER_BYTES + " bytes)";
        }
        int length = file.getInt(offset);
        if (length < 0 || length > MAX_PAYLOAD_BYTES) {
            return "payload length " + length + " outside [0, " + MAX_PAYLOAD_BYTES + "]";
        }
        if (length > available - RECORD_HEADER_BYTES) {
            return "record of " + (RECORD_HEADER_BYTES + length) + " bytes extends past the end of the file ("
                    + available + " bytes left)";
        }
        int storedCrc = file.getInt(offset + 4);
        int computedCrc = crc32c(file.array(), offset + 8, 8 + length);
        if (storedCrc != computedCrc) {
            return String.format(Locale.ROOT, "record checksum mismatch (stored 0x%08x, computed 0x%08x)", storedCrc,
                    computedCrc);
        }
        long lsn = file.getLong(offset + 8);
        if (lsn != expectedLsn) {
            return "record has lsn " + lsn + " where " + expectedLsn + " was expected";
        }
        return null;
    }

    static int recordBytes(ByteBuffer file, int offset) {
        return RECORD_HEADER_BYTES + file.getInt(offset);
    }

    static byte[] payload(ByteBuffer file, int offset) {
        return Arrays.copyOfRange(file.array(), offset + RECORD_HEADER_BYTES, offset + recordBytes(file, offset));
    }

    private static int crc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
