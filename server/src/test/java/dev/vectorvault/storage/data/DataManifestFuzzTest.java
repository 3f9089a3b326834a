package dev.vectorvault.storage.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vectorvault.fuzz.FuzzOutcome;

/**
 * Fuzz target: the data manifest record (JSON in the metadata store: format version, the checkpoint position and the
 * segment list a start-up loads). Any bytes are a manifest with a position and a list of segments that survives being
 * written again, or are refused as {@code STORAGE_CORRUPT} naming the record (a future format version included).
 * Seeds: the frozen v1 record, a record of the current code and one of a future version.
 */
class DataManifestFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void anyManifestRecordParsesOrIsRefusedAsCorrupt(byte[] record) throws Exception {
        FuzzOutcome.resultOrCorrupt(() -> DataManifest.decode(record)).ifPresent(manifest -> {
            assertThat(manifest.checkpointLsn()).isNotNegative();
            assertThat(manifest.segments()).doesNotContainNull();
            assertThat(DataManifest.decode(manifest.encode())).as("rewritten in the current version")
                    .isEqualTo(manifest);
        });
    }
}
