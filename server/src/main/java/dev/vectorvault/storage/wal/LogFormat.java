package dev.vectorvault.storage.wal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.io.Frame;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Byte layout of log files, shared by the writer and recovery so the two cannot drift apart. The specification is in
 * the {@link WriteAheadLog} javadoc. Version 2 files start with the common {@link Frame} header; version 1 files
 * (commit 53506df and before) with their own header, still read by {@link #checkHeader}. Records are the same in both.
 */
final class LogFormat {
    /** Magic of version 1 headers: the bytes "VWAL" read as a little-endian int. */
    static final int MAGIC_V1 = 0x4C41_5756;
    static final String FORMAT_NAME = "vectorvault-wal";
    static final int VERSION = 2;
    static final int HEADER_BYTES_V1 = 4 + 2 + FORMAT_NAME.length() + 4 + 8 + 4;
    /** Header of the files written now: the frame header, then i64 first lsn and u32 CRC32C of that lsn. */
    static final int HEADER_BYTES = Frame.headerBytes(FORMAT_NAME) + 8 + 4;
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
        header.put(Frame.header(FORMAT_NAME, VERSION)).putLong(firstLsn);
        header.putInt(crc32c(header.array(), HEADER_BYTES - 12, 8));
        return header.array();
    }

    /** Where a checked header says the records start, and the file's first LSN. */
    record Header(int length, long firstLsn) {}

    /**
     * Checks a file's header (either version) and returns where its records start and its first LSN. The name must
     * agree with the header, so a log file copied in from another directory or renamed cannot splice foreign records
     * into this log (checklist B5).
     */
    static Header checkHeader(String file, byte[] bytes, long firstLsnFromName) {
        if (bytes.length >= 4 && ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(0) == MAGIC_V1) {
            return checkHeaderV1(file, bytes, firstLsnFromName);
        }
        if (bytes.length < HEADER_BYTES) {
            throw corrupt(file, 0, "file of " + bytes.length + " bytes is shorter than the " + HEADER_BYTES
                    + "-byte header");
        }
        Frame.Header frame = Frame.readHeader(file, bytes, FORMAT_NAME, VERSION, VERSION);
        ByteBuffer lsn = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long firstLsn = lsn.getLong(frame.length());
        if (lsn.getInt(frame.length() + 8) != crc32c(bytes, frame.length(), 8)) {
            throw corrupt(file, frame.length(), "checksum mismatch of the first lsn");
        }
        if (firstLsn != firstLsnFromName) {
            throw corrupt(file, frame.length(), "header says first lsn " + firstLsn + " but the file name says "
                    + firstLsnFromName);
        }
        return new Header(frame.length() + 12, firstLsn);
    }

    /** Damage a crash cannot explain: {@code STORAGE_CORRUPT} naming the file and byte offset. */
    static StorageException corrupt(String file, long offset, String reason) {
        return StorageException.corrupt(file, offset, "write-ahead log: " + reason);
    }

    private static Header checkHeaderV1(String file, byte[] bytes, long firstLsnFromName) {
        if (bytes.length < HEADER_BYTES_V1) {
            throw corrupt(file, 0, "file of " + bytes.length + " bytes is shorter than the "
                    + HEADER_BYTES_V1 + "-byte header");
        }
        ByteBuffer header = ByteBuffer.wrap(bytes, 0, HEADER_BYTES_V1).order(ByteOrder.LITTLE_ENDIAN);
        int magic = header.getInt();
        if (magic != MAGIC_V1) {
            throw corrupt(file, 0, String.format(Locale.ROOT,
                    "bad magic 0x%08x, not a write-ahead log file", magic));
        }
        int storedCrc = header.getInt(HEADER_BYTES_V1 - 4);
        int computedCrc = crc32c(bytes, 0, HEADER_BYTES_V1 - 4);
        if (storedCrc != computedCrc) {
            throw corrupt(file, 0, String.format(Locale.ROOT,
                    "header checksum mismatch (stored 0x%08x, computed 0x%08x)", storedCrc, computedCrc));
        }
        int nameLength = Short.toUnsignedInt(header.getShort());
        if (nameLength != FORMAT_NAME_BYTES.length) {
            throw corrupt(file, 0, "format name length " + nameLength + " is not that of "
                    + FORMAT_NAME);
        }
        byte[] name = new byte[nameLength];
        header.get(name);
        if (!Arrays.equals(name, FORMAT_NAME_BYTES)) {
            throw corrupt(file, 0, "format name '" + new String(name, StandardCharsets.US_ASCII)
                    + "' is not '" + FORMAT_NAME + "'");
        }
        int version = header.getInt();
        if (version != 1) {
            throw corrupt(file, 0, "format version " + version + " in a version-1 header");
        }
        long firstLsn = header.getLong();
        if (firstLsn != firstLsnFromName) {
            throw corrupt(file, 0, "header says first lsn " + firstLsn
                    + " but the file name says " + firstLsnFromName);
        }
        return new Header(HEADER_BYTES_V1, firstLsn);
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
