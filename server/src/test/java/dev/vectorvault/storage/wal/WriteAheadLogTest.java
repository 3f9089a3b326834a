package dev.vectorvault.storage.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.storage.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(60)
class WriteAheadLogTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void appendedRecordsAreRecoveredAfterReopening(Durability durability) {
        try (WriteAheadLog log = WriteAheadLog.open(dir, durability)) {
            assertThat(log.recovered()).isEmpty();
            assertThat(log.append(bytes("first"))).isEqualTo(1);
            assertThat(log.append(new byte[0])).isEqualTo(2);
            assertThat(log.append(bytes("third"))).isEqualTo(3);
        }
        try (WriteAheadLog log = WriteAheadLog.open(dir, durability)) {
            assertThat(log.recovered()).extracting(WalRecord::lsn).containsExactly(1L, 2L, 3L);
            assertThat(log.recovered()).extracting(WalRecord::payload)
                    .containsExactly(bytes("first"), new byte[0], bytes("third"));
        }
    }

    @Test
    void lsnsContinueAfterRestartEvenWhenEverythingWasTruncated() throws IOException {
        try (WriteAheadLog log = WriteAheadLog.open(dir, Durability.FSYNC)) {
            log.append(bytes("a"));
            log.append(bytes("b"));
        }
        try (WriteAheadLog log = WriteAheadLog.open(dir, Durability.FSYNC)) {
            assertThat(log.append(bytes("c"))).isEqualTo(3);
            log.truncateBefore(4);
        }
        assertThat(logFiles()).containsExactly(dir.resolve(LogFormat.fileName(4)));
        try (WriteAheadLog log = WriteAheadLog.open(dir, Durability.FSYNC)) {
            assertThat(log.recovered()).isEmpty();
            assertThat(log.append(bytes("d"))).isEqualTo(4);
        }
    }

    @Test
    void concurrentAppendersAllLandInLsnOrder() throws Exception {
        int threads = 8;
        int perThread = 150;
        ConcurrentHashMap<Long, String> acknowledged = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (WriteAheadLog log = WriteAheadLog.open(dir, Durability.FSYNC, 16 * 1024)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        String payload = "thread " + thread + " record " + i;
                        assertThat(acknowledged.put(log.append(bytes(payload)), payload)).isNull();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        try (WriteAheadLog log = WriteAheadLog.open(dir, Durability.FSYNC)) {
            List<WalRecord> records = log.recovered();
            assertThat(records).hasSize(threads * perThread);
            for (int i = 0; i < records.size(); i++) {
                WalRecord record = records.get(i);
                assertThat(record.lsn()).isEqualTo(i + 1);
                assertThat(new String(record.payload(), StandardCharsets.UTF_8))
                        .isEqualTo(acknowledged.get(record.lsn()));
            }
        }
        assertThat(logFiles()).hasSizeGreaterThan(1);
    }

    @Test
    void rollingStartsFilesNamedByTheirFirstLsn() throws IOException {
        long rollSize = LogFormat.HEADER_BYTES + 3 * (LogFormat.RECORD_HEADER_BYTES + 10);
        try (WriteAheadLog log = WriteAheadLog.open(dir, Durability.OS_BUFFERED, rollSize)) {
            for (int i = 0; i < 10; i++) {
                log.append(new byte[10]);
            }
        }
        assertThat(logFiles()).containsExactly(dir.resolve(LogFormat.fileName(1)), dir.resolve(LogFormat.fileName(4)),
                dir.resolve(LogFormat.fileName(7)), dir.resolve(LogFormat.fileName(10)));
        assertThat(Files.size(dir.resolve(LogFormat.fileName(1)))).isEqualTo(rollSize);
        try (WriteAheadLog log = WriteAheadLog.open(dir, Durability.OS_BUFFERED, rollSize)) {
            assertThat(log.recovered()).extracting(WalRecord::lsn).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L,
                    10L);
            assertThat(log.append(new byte[10])).isEqualTo(11);
        }
    }

    @Test
    void aRecordLargerThanTheRollSizeGetsAFileOfItsOwn() throws IOException {
        try (WriteAheadLog log = WriteAheadLog.open(dir, Durability.FSYNC, 100)) {
            log.append(new byte[5]);
            log.append(new byte[500]);
            log.append(new byte[5]);
        }
        assertThat(logFiles()).hasSize(3);
        try (WriteAheadLog log = WriteAheadLog.open(dir, Durability.FSYNC, 100)) {
            assertThat(log.recovered()).extracting(record -> record.payload().length).containsExactly(5, 500, 5);
        }
    }

    @Test
    void truncateBeforeDeletesOnlyFilesItFullyCovers() throws IOException {
        long rollSize = LogFormat.HEADER_BYTES + 3 * (LogFormat.RECORD_HEADER_BYTES + 10);
        try (WriteAheadLog log = WriteAheadLog.open(dir, Durability.FSYNC, rollSize)) {
            for (int i = 0; i < 10; i++) {
                log.append(new byte[10]); // files start at lsn 1, 4, 7, 10
            }
            log.truncateBefore(1);
            assertThat(logFiles()).hasSize(4);
            log.truncateBefore(6); // lsn 4-6 are in the second file; lsn 6 is not covered
            assertThat(logFiles()).containsExactly(dir.resolve(LogFormat.fileName(4)),
                    dir.resolve(LogFormat.fileName(7)), dir.resolve(LogFormat.fileName(10)));
            log.truncateBefore(7);
            assertThat(logFiles()).containsExactly(dir.resolve(LogFormat.fileName(7)),
                    dir.resolve(LogFormat.fileName(10)));
        }
        try (WriteAheadLog log = WriteAheadLog.open(dir, Durability.FSYNC, rollSize)) {
            assertThat(log.recovered()).extracting(WalRecord::lsn).containsExactly(7L, 8L, 9L, 10L);
        }
    }

    @Test
    void aBrokenLogRefusesEveryLaterAppend() throws IOException {
        Path logDir = dir.resolve("wal");
        try (WriteAheadLog log = WriteAheadLog.open(logDir, Durability.FSYNC, 100)) {
            log.append(new byte[50]);
            deleteRecursively(logDir);
            Files.write(logDir, new byte[1]); // a file where the folder was: the next roll cannot create its file
            assertThatThrownBy(() -> log.append(new byte[50])).isInstanceOf(StorageException.class)
                    .hasMessageContaining("roll");
            Files.delete(logDir);
            Files.createDirectories(logDir);
            // The directory is back, but a log that failed once never acknowledges again (fsyncgate).
            assertThatThrownBy(() -> log.append(new byte[1])).isInstanceOf(StorageException.class)
                    .hasMessageContaining("refuses writes until it has recovered from disk");
            assertThatThrownBy(() -> log.truncateBefore(1)).isInstanceOf(StorageException.class);
        }
    }

    @Test
    void anInterruptedAppenderNeitherFailsNorBreaksTheLog() {
        try (WriteAheadLog log = WriteAheadLog.open(dir, Durability.FSYNC, 100)) {
            log.append(new byte[50]);
            Thread.currentThread().interrupt();
            try {
                // Forces the file and rolls (forcing the directory) while the interrupt is pending.
                assertThat(log.append(new byte[50])).isEqualTo(2);
            } finally {
                assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
            }
            assertThat(log.append(new byte[50])).isEqualTo(3);
        }
    }

    @Test
    void aClosedLogRejectsAppends() {
        WriteAheadLog log = WriteAheadLog.open(dir, Durability.FSYNC);
        log.close();
        log.close();
        assertThatThrownBy(() -> log.append(new byte[1])).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void oversizedPayloadsAreRejectedBeforeWriting() {
        try (WriteAheadLog log = WriteAheadLog.open(dir, Durability.FSYNC)) {
            assertThatThrownBy(() -> log.append(new byte[LogFormat.MAX_PAYLOAD_BYTES + 1]))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(log.append(new byte[1])).isEqualTo(1);
        }
    }

    @Test
    void aTempFileLeftByACrashDuringRollIsDiscarded() throws IOException {
        try (WriteAheadLog log = WriteAheadLog.open(dir, Durability.FSYNC)) {
            log.append(bytes("kept"));
        }
        Path temp = dir.resolve(LogFormat.fileName(2) + ".tmp");
        Files.write(temp, new byte[] {1, 2, 3});
        try (WriteAheadLog log = WriteAheadLog.open(dir, Durability.FSYNC)) {
            assertThat(log.recovered()).extracting(WalRecord::payload).containsExactly(bytes("kept"));
            assertThat(log.append(bytes("next"))).isEqualTo(2);
        }
        assertThat(temp).doesNotExist();
    }

    private List<Path> logFiles() throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(path -> LogFormat.firstLsnOf(path.getFileName().toString()) > 0).sorted().toList();
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> entries = Files.walk(root)) {
            for (Path entry : entries.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(entry);
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
