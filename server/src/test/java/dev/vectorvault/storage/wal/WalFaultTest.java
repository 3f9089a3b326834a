package dev.vectorvault.storage.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.io.FaultyDisk;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The log under injected faults: failed forces, a full disk, torn writes, and power loss that drops unforced bytes. */
@Timeout(120)
class WalFaultTest {
    private static final long SEED = Long.getLong("tests.seed", ThreadLocalRandom.current().nextLong());
    private static final String PREFIX = "wal/";

    private final FaultyDisk disk = new FaultyDisk();

    private static byte[] payload(int n) {
        return ("record " + n).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static List<String> texts(WriteAheadLog log) {
        return log.recovered().stream().map(r -> new String(r.payload(), java.nio.charset.StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void aFailedForceIsNotAcknowledgedAndTheLogRefusesWritesUntilItRecoversFromDisk() {
        WriteAheadLog log = WriteAheadLog.open(disk, PREFIX, Durability.FSYNC);
        log.append(payload(1));
        log.append(payload(2));
        disk.failForce(1);
        assertThatThrownBy(() -> log.append(payload(3))).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_FSYNC_FAILED))
                .hasMessageContaining("fsync");
        // The disk works again, but the log must not go on as if record 3 (still in the page cache) were durable.
        assertThatThrownBy(() -> log.append(payload(4))).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_FSYNC_FAILED))
                .hasMessageContaining("refuses writes until it has recovered from disk");
        assertThat(log.failed()).isTrue();

        WriteAheadLog recovered = log.reopenAfterFailure();
        assertThat(texts(recovered)).as("record 3 was never acknowledged; its bytes are cut, not replayed")
                .containsExactly("record 1", "record 2");
        assertThat(recovered.append(payload(4))).isEqualTo(3);
        disk.crash();
        try (WriteAheadLog afterCrash = WriteAheadLog.open(disk, PREFIX, Durability.FSYNC)) {
            assertThat(texts(afterCrash)).containsExactly("record 1", "record 2", "record 4");
        }
    }

    @Test
    void withoutCuttingTheFailedBytesAPowerLossWouldLeaveAHoleInTheLog() {
        // Why reopenAfterFailure cuts: the record whose force failed stays visible but never reaches the disk, so a
        // record appended after it and forced would sit behind a hole after a crash.
        WriteAheadLog log = WriteAheadLog.open(disk, PREFIX, Durability.FSYNC);
        log.append(payload(1));
        disk.failForce(1);
        assertThatThrownBy(() -> log.append(payload(2))).isInstanceOf(StorageException.class);
        WriteAheadLog naive = WriteAheadLog.open(disk, PREFIX, Durability.FSYNC); // reopen without the cut
        assertThat(texts(naive)).as("the page cache still shows record 2").containsExactly("record 1", "record 2");
        naive.append(payload(3));
        disk.crash();
        assertThatThrownBy(() -> WriteAheadLog.open(disk, PREFIX, Durability.FSYNC))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_CORRUPT));
    }

    @Test
    void aFullDiskIsReportedAsSuchAndNothingOfTheRecordIsKept() {
        WriteAheadLog log = WriteAheadLog.open(disk, PREFIX, Durability.FSYNC);
        log.append(payload(1));
        disk.diskFullAfter(5);
        assertThatThrownBy(() -> log.append(new byte[100])).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_DISK_FULL))
                .hasMessageContaining("disk limit exceeded");
        assertThatThrownBy(() -> log.append(payload(2))).isInstanceOf(StorageException.class);
        disk.clearFaults();
        WriteAheadLog recovered = log.reopenAfterFailure();
        assertThat(texts(recovered)).containsExactly("record 1");
        recovered.append(payload(2));
        recovered.close();
        try (WriteAheadLog reopened = WriteAheadLog.open(disk, PREFIX, Durability.FSYNC)) {
            assertThat(texts(reopened)).containsExactly("record 1", "record 2");
        }
    }

    @Test
    void aTornWriteFollowedByACrashIsCutAtReplay() {
        WriteAheadLog log = WriteAheadLog.open(disk, PREFIX, Durability.OS_BUFFERED);
        log.append(payload(1));
        log.close();
        WriteAheadLog again = WriteAheadLog.open(disk, PREFIX, Durability.OS_BUFFERED);
        disk.tearAppend(1, 11);
        assertThatThrownBy(() -> again.append(payload(2))).isInstanceOf(StorageException.class)
                .hasMessageContaining("torn write");
        disk.crash(new Random(SEED)); // the torn bytes may or may not have reached the disk
        try (WriteAheadLog reopened = WriteAheadLog.open(disk, PREFIX, Durability.FSYNC)) {
            assertThat(texts(reopened)).containsExactly("record 1");
            assertThat(reopened.append(payload(3))).isEqualTo(2);
        }
    }

    @Test
    void aCrashDropsUnforcedRecordsButNeverAnAcknowledgedOne() {
        WriteAheadLog buffered = WriteAheadLog.open(disk, PREFIX, Durability.OS_BUFFERED);
        buffered.append(payload(1));
        buffered.append(payload(2));
        disk.crash();
        try (WriteAheadLog reopened = WriteAheadLog.open(disk, PREFIX, Durability.FSYNC)) {
            assertThat(texts(reopened)).as("never forced, so gone").isEmpty();
            reopened.append(payload(1));
        }
        try (WriteAheadLog reopened = WriteAheadLog.open(disk, PREFIX, Durability.FSYNC)) {
            assertThat(texts(reopened)).containsExactly("record 1");
        }
    }

    /**
     * Random appends, rolls and truncations with a failed force or a full disk at random points and a power loss
     * that writes back a random part of the unforced bytes: every acknowledged record survives, in order, and
     * nothing appears that was neither acknowledged nor in flight.
     */
    @Test
    void randomFaultsAndCrashesNeverLoseAnAcknowledgedRecord() {
        Random random = new Random(SEED);
        for (int trial = 0; trial < 200; trial++) {
            FaultyDisk trialDisk = new FaultyDisk();
            List<String> acknowledged = new ArrayList<>();
            List<String> inFlight = new ArrayList<>();
            long roll = 60 + random.nextInt(200);
            WriteAheadLog log = WriteAheadLog.open(trialDisk, PREFIX, Durability.FSYNC, roll);
            int operations = 1 + random.nextInt(40);
            int n = 0;
            for (int op = 0; op < operations; op++) {
                int fault = random.nextInt(20);
                if (fault == 0) {
                    trialDisk.failForce(1 + random.nextInt(3));
                } else if (fault == 1) {
                    trialDisk.diskFullAfter(random.nextInt(60));
                } else if (fault == 2) {
                    trialDisk.tearAppend(1, random.nextInt(20));
                }
                String text = "record " + (++n);
                try {
                    log.append(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    acknowledged.add(text);
                } catch (StorageException e) {
                    inFlight.add(text);
                    if (random.nextBoolean()) {
                        trialDisk.clearFaults();
                        try {
                            log = log.reopenAfterFailure();
                        } catch (StorageException stillFailing) {
                            break;
                        }
                    }
                }
            }
            trialDisk.crash(random);
            String where = "seed " + SEED + " trial " + trial;
            try (WriteAheadLog reopened = WriteAheadLog.open(trialDisk, PREFIX, Durability.FSYNC, roll)) {
                List<String> survived = texts(reopened);
                assertThat(survived).as(where).containsAll(acknowledged);
                assertThat(acknowledged).as(where + ": acknowledged records keep their order")
                        .isEqualTo(survived.stream().filter(acknowledged::contains).toList());
                List<String> allowed = new ArrayList<>(acknowledged);
                allowed.addAll(inFlight);
                assertThat(allowed).as(where).containsAll(survived);
            }
        }
    }
}
