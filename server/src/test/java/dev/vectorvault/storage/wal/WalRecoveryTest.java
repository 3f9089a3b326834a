package dev.vectorvault.storage.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.storage.StorageException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What {@link WriteAheadLog#open} does with damaged logs: truncate torn tails, refuse everything else. */
@Timeout(60)
class WalRecoveryTest {
    private static final long SEED = Long.getLong("tests.seed", ThreadLocalRandom.current().nextLong());
    private static final int RECORDS = 5;

    @TempDir
    Path dir;

    @BeforeAll
    static void printSeed() {
        System.out.println("WalRecoveryTest seed=" + SEED + " (replay with -Dtests.seed=" + SEED + ")");
    }

    @Test
    void aTailTornAtAnyOffsetOfTheLastRecordIsTruncatedAndAppendsContinue() throws IOException {
        Random random = new Random(SEED);
        Path pristine = dir.resolve("pristine");
        writeRecords(pristine, RECORDS, Long.MAX_VALUE);
        Path file = pristine.resolve(LogFormat.fileName(1));
        long end = Files.size(file);
        long lastRecordStart = end - LogFormat.RECORD_HEADER_BYTES - payload(RECORDS).length;
        byte[] original = Files.readAllBytes(file);
        for (long cut = lastRecordStart; cut < end; cut++) {
            Path copy = copyOf(pristine, "cut-" + cut);
            byte[] garbage = new byte[random.nextInt(48)];
            random.nextBytes(garbage);
            if (garbage.length > 0 && garbage[0] == original[(int) cut]) {
                // Garbage that starts with the byte it replaces could rebuild the record whole (a cut one byte
                // short of the end, then the same byte written back), which is not a torn tail at all.
                garbage[0] ^= 0x5A;
            }
            try (RandomAccessFile torn = new RandomAccessFile(copy.resolve(LogFormat.fileName(1)).toFile(), "rw")) {
                torn.setLength(cut);
                torn.seek(cut);
                torn.write(garbage);
            }
            try (WriteAheadLog log = WriteAheadLog.open(copy, Durability.FSYNC)) {
                assertThat(log.recovered()).as("seed %d cut %d", SEED, cut).hasSize(RECORDS - 1);
                assertRecords(log.recovered(), RECORDS - 1);
                assertThat(log.append(payload(RECORDS))).as("seed %d cut %d", SEED, cut).isEqualTo(RECORDS);
            }
            try (WriteAheadLog log = WriteAheadLog.open(copy, Durability.FSYNC)) {
                assertRecords(log.recovered(), RECORDS);
            }
        }
    }

    @Test
    void everyKindOfDamagedTailIsTruncated() throws IOException {
        byte[] badChecksum = LogFormat.encodeRecord(RECORDS + 1, payload(RECORDS + 1));
        badChecksum[badChecksum.length - 1] ^= 1;
        byte[] staleRecord = LogFormat.encodeRecord(3, payload(3)); // valid checksum, but an lsn from the past
        List<byte[]> tails = List.of(
                new byte[LogFormat.RECORD_HEADER_BYTES], // zero length, zero checksum, lsn 0
                new byte[4096], // a zeroed page, as delayed allocation leaves after power loss
                new byte[5], // a partial record header
                recordHeader(Integer.MAX_VALUE, RECORDS + 1), // a 2 GiB length
                recordHeader(-1, RECORDS + 1),
                recordHeader(1000, RECORDS + 1), // a length past the end of the file
                badChecksum,
                staleRecord);
        for (int i = 0; i < tails.size(); i++) {
            Path logDir = dir.resolve("tail-" + i);
            writeRecords(logDir, RECORDS, Long.MAX_VALUE);
            Path file = logDir.resolve(LogFormat.fileName(1));
            long validBytes = Files.size(file);
            Files.write(file, tails.get(i), StandardOpenOption.APPEND);
            try (WriteAheadLog log = WriteAheadLog.open(logDir, Durability.FSYNC)) {
                assertRecords(log.recovered(), RECORDS);
                assertThat(Files.size(file)).as("tail %d", i).isEqualTo(validBytes);
                assertThat(log.append(payload(RECORDS + 1))).isEqualTo(RECORDS + 1);
            }
        }
    }

    @Test
    void damageFollowedByValidRecordsIsCorruptionNamingFileAndOffset() throws IOException {
        writeRecords(dir, 10, Long.MAX_VALUE);
        Path file = dir.resolve(LogFormat.fileName(1));
        long third = offsetOfRecord(3);
        flipByte(file, third + LogFormat.RECORD_HEADER_BYTES + 2); // inside the payload of lsn 3
        assertThatThrownBy(() -> WriteAheadLog.open(dir, Durability.FSYNC))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_CORRUPT);
                    assertThat(e.file()).isEqualTo(file.toString());
                    assertThat(e.offset()).isEqualTo(third);
                })
                .hasMessageContaining(file.toString())
                .hasMessageContaining("byte offset " + third)
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining("a valid record follows");
        assertThat(Files.size(file)).as("nothing was truncated").isEqualTo(offsetOfRecord(11));
    }

    @Test
    void damagedLengthFieldFollowedByValidRecordsIsCorruption() throws IOException {
        writeRecords(dir, 10, Long.MAX_VALUE);
        Path file = dir.resolve(LogFormat.fileName(1));
        flipByte(file, offsetOfRecord(4)); // the low byte of the length of lsn 4
        assertThatThrownBy(() -> WriteAheadLog.open(dir, Durability.FSYNC)).isInstanceOf(StorageException.class)
                .hasMessageContaining("byte offset " + offsetOfRecord(4));
    }

    @Test
    void damageAtTheEndOfAFileThatIsNotTheNewestIsCorruption() throws IOException {
        long rollSize = offsetOfRecord(4); // three records per file
        writeRecords(dir, 7, rollSize);
        Path first = dir.resolve(LogFormat.fileName(1));
        flipByte(first, Files.size(first) - 1); // the last payload byte of lsn 3
        assertThatThrownBy(() -> WriteAheadLog.open(dir, Durability.FSYNC, rollSize))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.offset()).isEqualTo(offsetOfRecord(3)))
                .hasMessageContaining(first.toString()).hasMessageContaining("not a torn write");
    }

    @Test
    void aDamagedHeaderIsCorruption() throws IOException {
        writeRecords(dir, 2, Long.MAX_VALUE);
        Path file = dir.resolve(LogFormat.fileName(1));
        flipByte(file, 10);
        assertThatThrownBy(() -> WriteAheadLog.open(dir, Durability.FSYNC)).isInstanceOf(StorageException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("byte offset 0")
                .hasMessageContaining("header checksum mismatch");
    }

    @Test
    void aNewerFormatVersionIsRefusedByName() throws IOException {
        writeRecords(dir, 1, Long.MAX_VALUE);
        Path file = dir.resolve(LogFormat.fileName(1));
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int versionAt = 4 + 2 + LogFormat.FORMAT_NAME.length(); // the common frame header
        header.putShort(versionAt, (short) (LogFormat.VERSION + 1));
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, versionAt + 2);
        header.putInt(versionAt + 2, (int) crc.getValue());
        Files.write(file, bytes);
        assertThatThrownBy(() -> WriteAheadLog.open(dir, Durability.FSYNC)).isInstanceOf(StorageException.class)
                .hasMessageContaining("format version " + (LogFormat.VERSION + 1) + " is too new");
    }

    @Test
    void aMissingMiddleFileIsCorruption() throws IOException {
        long rollSize = offsetOfRecord(3); // about two records per file
        writeRecords(dir, 6, rollSize);
        List<Path> files;
        try (Stream<Path> entries = Files.list(dir)) {
            files = entries.sorted().toList();
        }
        Files.delete(files.get(1));
        assertThatThrownBy(() -> WriteAheadLog.open(dir, Durability.FSYNC, rollSize))
                .isInstanceOf(StorageException.class).hasMessageContaining(files.get(2).toString())
                .hasMessageContaining("a log file is missing");
    }

    @Test
    void aRenamedFileIsRecognisedByItsHeader() throws IOException {
        writeRecords(dir, 2, Long.MAX_VALUE);
        Files.move(dir.resolve(LogFormat.fileName(1)), dir.resolve(LogFormat.fileName(7)));
        assertThatThrownBy(() -> WriteAheadLog.open(dir, Durability.FSYNC)).isInstanceOf(StorageException.class)
                .hasMessageContaining("header says first lsn 1 but the file name says 7");
    }

    private static void writeRecords(Path logDir, int count, long rollSize) {
        try (WriteAheadLog log = rollSize == Long.MAX_VALUE ? WriteAheadLog.open(logDir, Durability.FSYNC)
                : WriteAheadLog.open(logDir, Durability.FSYNC, rollSize)) {
            for (int lsn = 1; lsn <= count; lsn++) {
                assertThat(log.append(payload(lsn))).isEqualTo(lsn);
            }
        }
    }

    /** Distinct lengths and contents per LSN, so a record recovered in the wrong place cannot pass. */
    private static byte[] payload(long lsn) {
        byte[] payload = new byte[20 + (int) lsn * 3];
        Arrays.fill(payload, (byte) lsn);
        return payload;
    }

    /** Offset of record {@code lsn} in a single file written by {@link #writeRecords}, or of its end for lsn + 1. */
    private static long offsetOfRecord(long lsn) {
        long offset = LogFormat.HEADER_BYTES;
        for (long earlier = 1; earlier < lsn; earlier++) {
            offset += LogFormat.RECORD_HEADER_BYTES + payload(earlier).length;
        }
        return offset;
    }

    private static void assertRecords(List<WalRecord> records, int count) {
        assertThat(records).extracting(WalRecord::lsn)
                .containsExactlyElementsOf(Stream.iterate(1L, lsn -> lsn + 1).limit(count).toList());
        List<byte[]> expected = new ArrayList<>();
        for (long lsn = 1; lsn <= count; lsn++) {
            expected.add(payload(lsn));
        }
        assertThat(records).extracting(WalRecord::payload).containsExactlyElementsOf(expected);
    }

    private static byte[] recordHeader(int length, long lsn) {
        return ByteBuffer.allocate(LogFormat.RECORD_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(length)
                .putInt(0x1234_5678).putLong(lsn).array();
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.seek(offset);
            int value = out.read();
            out.seek(offset);
            out.write(value ^ 0x5A);
        }
    }

    private Path copyOf(Path source, String name) throws IOException {
        Path target = Files.createDirectories(dir.resolve(name));
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
        return target;
    }
}
