package dev.vectorvault.storage.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.io.FaultyDisk;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The log tells its force listener (the fsync latency metric) about every successful force, and only those. */
@Timeout(60)
class WalForceListenerTest {
    private static final String PREFIX = "wal/";

    private final FaultyDisk disk = new FaultyDisk();
    private final List<Long> forces = new CopyOnWriteArrayList<>();

    private static byte[] payload(int n) {
        return ("record " + n).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyDurableAppendReportsTheForceThatCoveredIt() {
        try (WriteAheadLog log = WriteAheadLog.open(disk, PREFIX, Durability.FSYNC)) {
            log.onForce(forces::add);
            long before = disk.forces();
            for (int i = 1; i <= 5; i++) {
                log.append(payload(i));
            }
            // One appender at a time: each append forced once, and each force was reported with its duration.
            assertThat(forces).hasSize(5).allSatisfy(nanos -> assertThat(nanos).isNotNegative());
            assertThat(disk.forces() - before).isEqualTo(5);
        }
    }

    @Test
    void bufferedAppendsForceNothingAndReportNothing() {
        try (WriteAheadLog log = WriteAheadLog.open(disk, PREFIX, Durability.OS_BUFFERED)) {
            log.onForce(forces::add);
            log.append(payload(1));
            log.append(payload(2));
        }
        assertThat(forces).isEmpty();
    }

    @Test
    void rollingReportsTheForceOfTheOldFile() {
        long rollSize = LogFormat.HEADER_BYTES + LogFormat.RECORD_HEADER_BYTES + 16;
        try (WriteAheadLog log = WriteAheadLog.open(disk, PREFIX, Durability.OS_BUFFERED, rollSize)) {
            log.onForce(forces::add);
            log.append(payload(1));
            log.append(payload(2)); // does not fit: the first file is forced, then a new one starts
        }
        assertThat(forces).isNotEmpty();
    }

    @Test
    void aFailedForceIsNotReportedAndTheListenerSurvivesRecovery() {
        WriteAheadLog log = WriteAheadLog.open(disk, PREFIX, Durability.FSYNC);
        log.onForce(forces::add);
        log.append(payload(1));
        assertThat(forces).hasSize(1);
        disk.failForce(1);
        assertThatThrownBy(() -> log.append(payload(2))).isInstanceOf(StorageException.class);
        assertThat(forces).hasSize(1);

        try (WriteAheadLog recovered = log.reopenAfterFailure()) {
            recovered.append(payload(3));
            assertThat(forces).hasSize(2);
        }
    }
}
