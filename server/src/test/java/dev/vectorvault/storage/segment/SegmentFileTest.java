package dev.vectorvault.storage.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SegmentFileTest {
    private static final long SEED = Long.getLong("tests.seed", ThreadLocalRandom.current().nextLong());
    // magic, then the length-prefixed format name

    @TempDir
    Path dir;

    @BeforeAll
    static void printSeed() {
        System.out.println("SegmentFileTest seed=" + SEED + " (replay with -Dtests.seed=" + SEED + ")");
    }

    @Test
    void bodiesRoundTrip() {
        Random random = new Random(SEED);
        for (int size : new int[] {0, 1, 100, 1 << 20}) {
            byte[] body = new byte[size];
            random.nextBytes(body);
            Path file = dir.resolve("segment-" + size);
            SegmentFile.write(file, "insert-log", body);
            assertThat(SegmentFile.read(file, "insert-log")).isEqualTo(body);
        }
    }

    @Test
    void everySingleBitFlipIsDetected() throws IOException {
        Path file = dir.resolve("segment");
        SegmentFile.write(file, "insert-log", "thirty-two bytes of a small body".getBytes(StandardCharsets.UTF_8));
        byte[] pristine = Files.readAllBytes(file);
        Path damaged = dir.resolve("damaged");
        for (int offset = 0; offset < pristine.length; offset++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bytes = pristine.clone();
                bytes[offset] ^= (byte) (1 << bit);
                Files.write(damaged, bytes);
                assertThatThrownBy(() -> SegmentFile.read(damaged, "insert-log"))
                        .as("bit %d of byte %d", bit, offset).isInstanceOf(StorageException.class)
                        .hasMessageContaining(damaged.toString());
            }
        }
    }

    @Test
    void randomByteDamageIsDetected() throws IOException {
        Random random = new Random(SEED);
        Path file = dir.resolve("segment");
        byte[] body = new byte[4096];
        random.nextBytes(body);
        SegmentFile.write(file, "vectors", body);
        byte[] pristine = Files.readAllBytes(file);
        for (int trial = 0; trial < 1_000; trial++) {
            byte[] bytes = pristine.clone();
            int offset = random.nextInt(bytes.length);
            bytes[offset] ^= (byte) (1 + random.nextInt(255));
            Files.write(file, bytes);
            assertThatThrownBy(() -> SegmentFile.read(file, "vectors")).as("seed %d offset %d", SEED, offset)
                    .isInstanceOf(StorageException.class);
        }
    }

    @Test
    void everyTruncationAndAnyAppendedByteIsDetected() throws IOException {
        Path file = dir.resolve("segment");
        SegmentFile.write(file, "insert-log", new byte[64]);
        byte[] pristine = Files.readAllBytes(file);
        for (int length = 0; length < pristine.length; length++) {
            Files.write(file, Arrays.copyOf(pristine, length));
            assertThatThrownBy(() -> SegmentFile.read(file, "insert-log")).as("truncated to %d bytes", length)
                    .isInstanceOf(StorageException.class);
        }
        Files.write(file, Arrays.copyOf(pristine, pristine.length + 1));
        assertThatThrownBy(() -> SegmentFile.read(file, "insert-log")).isInstanceOf(StorageException.class);
    }

    @Test
    void aFileOfAnotherKindIsRejected() {
        Path file = dir.resolve("segment");
        SegmentFile.write(file, "delete-log", new byte[] {1});
        assertThatThrownBy(() -> SegmentFile.read(file, "insert-log"))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.file()).isEqualTo(file.toString()))
                .hasMessageContaining("format 'vectorvault-delete-log' where 'vectorvault-insert-log' was expected");
    }

    @Test
    void versionsOutsideTheSupportedRangeAreRefusedByName() throws IOException {
        Path file = dir.resolve("segment");
        SegmentFile.write(file, "insert-log", new byte[] {1, 2, 3});
        rewriteVersion(file, SegmentFile.VERSION + 1);
        assertThatThrownBy(() -> SegmentFile.read(file, "insert-log")).isInstanceOf(StorageException.class)
                .hasMessageContaining("format version " + (SegmentFile.VERSION + 1) + " is too new");
        rewriteVersion(file, SegmentFile.MIN_VERSION - 1);
        assertThatThrownBy(() -> SegmentFile.read(file, "insert-log")).isInstanceOf(StorageException.class)
                .hasMessageContaining("too old");
    }

    @Test
    void aFileOfAnotherFormatIsNotMistakenForASegment() throws IOException {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "this is not a segment file, just some text long enough");
        assertThatThrownBy(() -> SegmentFile.read(file, "insert-log")).isInstanceOf(StorageException.class)
                .hasMessageContaining("bad magic");
    }

    @Test
    void aMissingFileIsAnIoErrorNotCorruption() {
        assertThatThrownBy(() -> SegmentFile.read(dir.resolve("absent"), "insert-log"))
                .isExactlyInstanceOf(StorageException.class);
    }

    @Test
    void writingLeavesOnlyTheFinalFileAndReplacesAnOlderOne() throws IOException {
        Path file = dir.resolve("segment");
        Files.write(dir.resolve("segment.tmp"), new byte[] {9, 9, 9}); // left behind by a crash mid-write
        SegmentFile.write(file, "manifest", new byte[] {1});
        SegmentFile.write(file, "manifest", new byte[] {2, 2});
        assertThat(SegmentFile.read(file, "manifest")).containsExactly(2, 2);
        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries).containsExactly(file);
        }
    }

    @Test
    void aFailedWriteLeavesTheFinalNameUntouchedAndNoTempFile() throws IOException {
        Path occupied = dir.resolve("segment");
        Files.createDirectories(occupied.resolve("child")); // a non-empty directory cannot be renamed over
        assertThatThrownBy(() -> SegmentFile.write(occupied, "insert-log", new byte[10]))
                .isInstanceOf(StorageException.class).hasMessageContaining(occupied.toString());
        assertThat(occupied.resolve("child")).isDirectory();
        assertThat(dir.resolve("segment.tmp")).doesNotExist();
    }

    @Test
    void concurrentReadersSeeTheOldOrTheNewFileNeverAHalfWrittenOne() throws Exception {
        Path file = dir.resolve("segment");
        SegmentFile.write(file, "insert-log", body(0));
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        AtomicReference<Throwable> readerFailure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                while (!done.get()) {
                    byte[] body = SegmentFile.read(file, "insert-log");
                    assertThat(body).isEqualTo(body(body[0]));
                    reads.incrementAndGet();
                }
            } catch (Throwable e) {
                readerFailure.set(e);
            }
        });
        reader.start();
        for (int version = 1; version <= 20; version++) {
            SegmentFile.write(file, "insert-log", body(version));
        }
        done.set(true);
        reader.join();
        assertThat(readerFailure.get()).isNull();
        assertThat(reads.get()).isPositive();
    }

    private static byte[] body(int version) {
        byte[] body = new byte[2 << 20];
        Arrays.fill(body, (byte) version);
        return body;
    }

    /** Sets the version field and recomputes the checksum, as a writer of that version would have. */
    /** Rewrites the version in the common frame header (u16 after the format name) and the header checksum. */
    private static void rewriteVersion(Path file, int version) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int versionOffset = 4 + 2 + buffer.getShort(4);
        buffer.putShort(versionOffset, (short) version);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, versionOffset + 2);
        buffer.putInt(versionOffset + 2, (int) crc.getValue());
        Files.write(file, bytes);
    }
}
