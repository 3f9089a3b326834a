package dev.vectorvault.storage.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The data manifest record carries its format version; older records read as version 1, newer ones are refused. */
@Timeout(30)
class DataManifestTest {
    private static final DataManifest MANIFEST = new DataManifest(12, List.of(
            new DataManifest.SegmentRef(1000, 3), new DataManifest.SegmentRef(1002, 7)));

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static StorageException refusal(String record) {
        return catchThrowableOfType(StorageException.class, () -> DataManifest.decode(utf8(record)));
    }

    @Test
    void everyWrittenManifestNamesItsFormatVersion() {
        String written = new String(MANIFEST.encode(), StandardCharsets.UTF_8);
        assertThat(written).startsWith("{\"formatVersion\":" + DataManifest.LOCAL_LOG_FORMAT_VERSION + ",");
        assertThat(DataManifest.decode(MANIFEST.encode())).isEqualTo(MANIFEST);
    }

    @Test
    void theLocalLogsManifestIsWrittenAsVersion2ByteForByteAsBeforeShardPositionsExisted() {
        assertThat(new String(MANIFEST.encode(), StandardCharsets.UTF_8)).isEqualTo("{\"formatVersion\":2,"
                + "\"checkpointLsn\":12,\"segments\":[{\"collectionId\":1000,\"segmentId\":3},"
                + "{\"collectionId\":1002,\"segmentId\":7}]}");
    }

    @Test
    void aShardedLogsManifestIsVersion3WithEachShardsPosition() {
        DataManifest sharded = new DataManifest(0, MANIFEST.segments(), List.of(
                new DataManifest.ShardPosition(1000, 0, 41), new DataManifest.ShardPosition(1000, 1, 7)));
        String written = new String(sharded.encode(), StandardCharsets.UTF_8);
        assertThat(written).startsWith("{\"formatVersion\":3,").contains("\"shardPositions\":[{\"collectionId\":"
                + "1000,\"shard\":0,\"position\":41}");
        assertThat(DataManifest.decode(sharded.encode())).isEqualTo(sharded);
    }

    @Test
    void aShardPositionThatIsNoPositionIsRefusedAsCorrupt() {
        StorageException e = refusal("{\"formatVersion\":3,\"checkpointLsn\":0,\"segments\":[],"
                + "\"shardPositions\":[{\"collectionId\":1,\"shard\":0,\"position\":-4}]}");
        assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_CORRUPT);
        assertThat(e.getMessage()).contains(DataManifest.KEY).contains("shard position");
    }

    @Test
    void aManifestWithoutVersionIsReadAsVersion1() {
        DataManifest manifest = DataManifest.decode(utf8(
                "{\"checkpointLsn\":12,\"segments\":[{\"collectionId\":1000,\"segmentId\":3},"
                        + "{\"collectionId\":1002,\"segmentId\":7}]}"));
        assertThat(manifest).isEqualTo(MANIFEST);
        assertThat(DataManifest.decode(utf8("{\"formatVersion\":1,\"checkpointLsn\":12,\"segments\":["
                + "{\"collectionId\":1000,\"segmentId\":3},{\"collectionId\":1002,\"segmentId\":7}]}")))
                .isEqualTo(MANIFEST);
    }

    @Test
    void aManifestOfAFutureVersionIsRefusedAsCorruptNamingTheRecord() {
        StorageException e = refusal("{\"formatVersion\":4,\"checkpointLsn\":12,\"segments\":[]}");
        assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_CORRUPT);
        assertThat(e.file()).isEqualTo(DataManifest.KEY);
        assertThat(e.getMessage()).contains(DataManifest.KEY).contains("format version 4")
                .contains("up to " + DataManifest.FORMAT_VERSION);
    }

    @Test
    void aFutureManifestIsRefusedEvenWhenItsFieldsChangedShape() {
        StorageException e = refusal("{\"formatVersion\":9,\"checkpointLsn\":{\"log\":5},\"segments\":\"elsewhere\"}");
        assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_CORRUPT);
        assertThat(e.getMessage()).contains(DataManifest.KEY).contains("format version 9");
    }

    @Test
    void aVersionThatIsNoVersionNumberIsRefusedAsCorrupt() {
        for (String version : List.of("0", "-1", "\"2\"", "2.5", "true", "[]")) {
            StorageException e = refusal("{\"formatVersion\":" + version + ",\"checkpointLsn\":1,\"segments\":[]}");
            assertThat(e.errorCode()).as(version).isEqualTo(ErrorCode.STORAGE_CORRUPT);
            assertThat(e.getMessage()).as(version).contains(DataManifest.KEY);
        }
    }

    @Test
    void aRecordThatIsNoObjectIsRefusedAsCorrupt() {
        for (String record : List.of("", "null", "3", "[]", "{\"checkpointLsn\":")) {
            StorageException e = refusal(record);
            assertThat(e.errorCode()).as(record).isEqualTo(ErrorCode.STORAGE_CORRUPT);
            assertThat(e.file()).as(record).isEqualTo(DataManifest.KEY);
        }
    }
}
