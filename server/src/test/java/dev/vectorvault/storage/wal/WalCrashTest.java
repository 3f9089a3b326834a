package dev.vectorvault.storage.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checklist A2 for the log alone: a child JVM appends with {@link Durability#FSYNC} from several threads and is
 * killed with SIGKILL at a random moment; every record it acknowledged must be in the log afterwards, exactly once
 * and intact. All trials share one log directory, so later children also recover what earlier kills left behind, and
 * the small roll size puts some kills in the middle of a roll.
 *
 * <p>Replay with {@code -Dtests.seed=<seed>}; run longer with {@code -Dtests.walCrashTrials=<n>}.
 */
@Timeout(300)
class WalCrashTest {
    private static final long SEED = Long.getLong("tests.seed", ThreadLocalRandom.current().nextLong());
    private static final int TRIALS = Integer.getInteger("tests.walCrashTrials", 20);
    private static final long ROLL_SIZE_BYTES = 64 * 1024;
    // Ids of different trials never collide, so a duplicate in the log is a real duplicate.
    private static final long IDS_PER_TRIAL = 100_000_000L;

    @TempDir
    Path dir;

    @Test
    void noAcknowledgedRecordIsLostWhenTheWriterIsKilled() throws Exception {
        System.out.println("WalCrashTest seed=" + SEED + " trials=" + TRIALS + " (replay with -Dtests.seed=" + SEED
                + ")");
        Random random = new Random(SEED);
        Path logDir = dir.resolve("wal");
        Set<Long> acknowledged = new HashSet<>();
        for (int trial = 1; trial <= TRIALS; trial++) {
            int threads = 2 + random.nextInt(3);
            long killAfterMillis = 200 + random.nextInt(1301);
            Set<Long> acks = runUntilKilled(logDir, trial, threads, killAfterMillis);
            acknowledged.addAll(acks);
            int inLog = verifyLog(logDir, acknowledged);
            System.out.printf("WalCrashTest trial %d: threads=%d killAfterMs=%d acked=%d ackedTotal=%d"
                    + " recordsInLog=%d lost=0%n", trial, threads, killAfterMillis, acks.size(), acknowledged.size(),
                    inLog);
        }
        assertThat(acknowledged).as("the children acknowledged nothing, so nothing was tested").isNotEmpty();
    }

    private Set<Long> runUntilKilled(Path logDir, int trial, int threads, long killAfterMillis) throws Exception {
        Path stderr = dir.resolve("child-" + trial + ".err");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "-cp", System.getProperty("java.class.path"), WalCrashChild.class.getName(),
                logDir.toString(), Long.toString(ROLL_SIZE_BYTES), Long.toString(trial * IDS_PER_TRIAL),
                Integer.toString(threads))
                .redirectError(stderr.toFile())
                .start();
        Set<Long> acks = ConcurrentHashMap.newKeySet();
        CountDownLatch ready = new CountDownLatch(1);
        AtomicReference<IOException> readFailure = new AtomicReference<>();
        Thread reader = new Thread(() -> readReports(child.getInputStream(), acks, ready, readFailure),
                "child-stdout");
        reader.start();
        try {
            assertThat(ready.await(30, TimeUnit.SECONDS)).as("child started; stderr: %s", read(stderr)).isTrue();
            Thread.sleep(killAfterMillis);
        } finally {
            // SIGKILL: no shutdown hooks, no close(), no final force. Through the handle, because
            // Process.destroyForcibly() also closes our end of the pipe and would drop acks still in it.
            child.toHandle().destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited after SIGKILL").isTrue();
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
        // Acks still in the pipe when the child died count: the child wrote them after append returned.
        assertThat(reader.isAlive()).as("child stdout reached its end").isFalse();
        assertThat(readFailure.get()).as("reading the child's stdout").isNull();
        assertThat(read(stderr)).as("child stderr").doesNotContain("Exception").doesNotContain("Error");
        return acks;
    }

    /** Collects complete lines only: a line cut short by the kill was never fully reported. */
    private static void readReports(InputStream stdout, Set<Long> acks, CountDownLatch ready,
            AtomicReference<IOException> failure) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (InputStream in = new BufferedInputStream(stdout)) {
            for (int next = in.read(); next != -1; next = in.read()) {
                if (next != '\n') {
                    line.write(next);
                    continue;
                }
                String text = line.toString(StandardCharsets.US_ASCII);
                line.reset();
                if (text.equals("ready")) {
                    ready.countDown();
                } else if (text.startsWith("ack ")) {
                    acks.add(Long.parseLong(text.substring(4)));
                }
            }
        } catch (IOException e) {
            failure.set(e);
        }
    }

    /** Opens (and so recovers) the log and checks it against everything acknowledged so far. */
    private static int verifyLog(Path logDir, Set<Long> acknowledged) {
        try (WriteAheadLog log = WriteAheadLog.open(logDir, Durability.FSYNC, ROLL_SIZE_BYTES)) {
            List<WalRecord> records = log.recovered();
            Set<Long> present = new HashSet<>();
            long expectedLsn = 1;
            for (WalRecord record : records) {
                assertThat(record.lsn()).as("lsns are contiguous from 1").isEqualTo(expectedLsn++);
                assertThat(record.payload().length).as("payload of lsn %d", record.lsn())
                        .isGreaterThanOrEqualTo(Long.BYTES);
                long id = ByteBuffer.wrap(record.payload()).getLong();
                assertThat(record.payload()).as("payload of lsn %d (id %d) is intact", record.lsn(), id)
                        .isEqualTo(WalCrashChild.payload(id));
                assertThat(present.add(id)).as("id %d appears once (seed %d)", id, SEED).isTrue();
            }
            Set<Long> lost = new HashSet<>(acknowledged);
            lost.removeAll(present);
            assertThat(lost).as("acknowledged ids missing from the log (seed %d)", SEED).isEmpty();
            return records.size();
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
