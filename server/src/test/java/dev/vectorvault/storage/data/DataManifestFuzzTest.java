package dev.vectorvault.storage.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.fuzz.FuzzOutcome;

/**
 * Fuzz target: the data manifest record (JSON in the metadata store: the checkpoint position and the segment list a
 * start-up loads). Any bytes are a manifest with a position and a list of segments, or are refused as
 * {@code STORAGE_CORRUPT} naming the record. Seeds: the frozen v1 record and records of the current code.
 */
class DataManifestFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @FuzzTest(maxDuration = "60s")
    void anyManifestRecordParsesOrIsRefusedAsCorrupt(byte[] record) throws Exception {
        FuzzOutcome.resultOrCorrupt(() -> SegmentDirectory.parseManifest(JSON, record)).ifPresent(manifest -> {
            assertThat(manifest.checkpointLsn()).isNotNegative();
            assertThat(manifest.segments()).doesNotContainNull();
        });
    }
}
