package dev.vectorvault.storage.wal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vectorvault.fuzz.FilesInMemory;
import dev.vectorvault.fuzz.FuzzOutcome;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Fuzz target: log recovery ({@link LogRecovery#recover}, what {@link WriteAheadLog#open} runs first) over a mutated
 * log file of either version. Any file recovers to records with consecutive LSNs and a valid prefix no longer than
 * the file, or is refused as {@code STORAGE_CORRUPT} naming the file. The file is named after the first LSN its
 * header claims, so mutations reach past the name check into the records. Seeds: the frozen v1 log and logs written
 * by the current code.
 */
class WriteAheadLogFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void anyLogFileRecoversOrIsRefusedAsCorrupt(byte[] bytes) throws Exception {
        String name = "wal/" + LogFormat.fileName(claimedFirstLsn(bytes));
        FilesInMemory store = FilesInMemory.of(name, bytes);
        Optional<LogRecovery.Result> result = FuzzOutcome.resultOrCorrupt(() -> LogRecovery.recover(store, "wal/"));
        result.ifPresent(recovered -> {
            assertThat(recovered.newestValidBytes()).isBetween(0L, (long) bytes.length);
            long lsn = recovered.files().firstKey();
            for (WalRecord record : recovered.records()) {
                assertThat(record.lsn()).isEqualTo(lsn++);
            }
            assertThat(recovered.nextLsn()).isEqualTo(lsn);
        });
    }

    /** The first LSN in the header of either version, or 1 where the bytes hold none usable in a file name. */
    private static long claimedFirstLsn(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        boolean v1 = bytes.length >= 4 && in.getInt(0) == LogFormat.MAGIC_V1;
        int at = v1 ? LogFormat.HEADER_BYTES_V1 - 12 : LogFormat.HEADER_BYTES - 12;
        long lsn = bytes.length >= at + 8 ? in.getLong(at) : 1;
        return lsn >= 1 ? lsn : 1;
    }
}
