package dev.vectorvault.storage.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.index.HnswIndex;
import dev.vectorvault.index.IvfFlatIndex;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.OrdinalFilter;
import dev.vectorvault.storage.codec.ValueReader;
import dev.vectorvault.storage.io.Frame;
import dev.vectorvault.storage.io.LocalDisk;
import dev.vectorvault.storage.segment.SegmentFile;
import dev.vectorvault.storage.wal.Durability;
import dev.vectorvault.storage.wal.WalRecord;
import dev.vectorvault.storage.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file kind of format version 1, as commit 53506df wrote it, still opens with this code and holds what was
 * written (Lucene's and JVector's rule: a released format is read forever). Never regenerate these files.
 */
@Timeout(60)
class FrozenFormatsTest {
    @TempDir
    Path dir;

    private LocalDisk data() throws IOException {
        return LocalDisk.open(FrozenV1.copyTo(dir).resolve("data"));
    }

    private static void assertRows(Segment segment, long firstKey, int count) {
        assertThat(segment.size()).isEqualTo(count);
        for (int ordinal = 0; ordinal < count; ordinal++) {
            Object[] expected = FrozenV1.row(firstKey + ordinal);
            Object[] actual = segment.row(ordinal);
            assertThat(actual[0]).isEqualTo(expected[0]);
            assertThat((float[]) actual[1]).containsExactly((float[]) expected[1]);
            assertThat(actual[2]).isEqualTo(expected[2]);
            assertThat(actual[3]).isEqualTo(expected[3]);
        }
    }

    private static Segment rows(LocalDisk disk, String name, CollectionLayout layout) {
        Frame.Body body = SegmentFile.readVersioned(disk, name, "segment");
        return SegmentCodec.decodeRows(name, body.version(), body.bytes(), layout);
    }

    /** Tombstones of one of the 40-row segments. */
    private static BitSet deletes(LocalDisk disk, String name) {
        return SegmentCodec.decodeDeletes(name, SegmentFile.read(disk, name, "deletes"), 40);
    }

    @Test
    void segmentFilesOfVersion1AreReadWithAllTheirRows() throws IOException {
        LocalDisk disk = data();
        CollectionLayout docs = FrozenV1.layout(FrozenV1.DOCS, FrozenV1.DOCS_PARTITION);
        CollectionLayout items = FrozenV1.layout(FrozenV1.ITEMS, FrozenV1.ITEMS_PARTITION);
        assertThat(Frame.isFramed(disk.readAll("segments/1000/1.seg"))).as("older than the common frame").isFalse();
        assertRows(rows(disk, "segments/1000/1.seg", docs), 0, 40);
        assertRows(rows(disk, "segments/1000/2.seg", docs), 40, 40);
        assertRows(rows(disk, "segments/1000/3.seg", docs), 80, 20);
        assertRows(rows(disk, "segments/1002/4.seg", items), 0, 40);
        assertRows(rows(disk, "segments/1002/5.seg", items), 40, 20);
    }

    /**
     * Segment and tombstone files of version 2 (the common frame; bodies without sparse vectors), written at commit
     * 3f00729 before version 3 (bodies that may hold sparse vectors): {@code formats/v2/segments/7.seg} holds rows
     * 0..11 of {@link FrozenV1#row} in the {@code docs} layout, {@code 7.del} ordinals 3 and 10.
     */
    @Test
    void segmentAndTombstoneFilesOfVersion2AreRead() throws IOException {
        LocalDisk disk = LocalDisk.open(java.nio.file.Path.of(java.util.Objects.requireNonNull(
                FrozenFormatsTest.class.getResource("/formats/v2/segments")).getPath()));
        assertThat(Frame.isFramed(disk.readAll("7.seg"))).isTrue();
        assertThat(java.nio.ByteBuffer.wrap(disk.readAll("7.seg")).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getShort(4 + 2 + "vectorvault-segment".length())).as("format version in the header").isEqualTo((short) 2);
        Segment segment = rows(disk, "7.seg", FrozenV1.layout(FrozenV1.DOCS, FrozenV1.DOCS_PARTITION));
        assertThat(segment.segmentId()).isEqualTo(7);
        assertRows(segment, 0, 12);
        BitSet deleted = SegmentCodec.decodeDeletes("7.del", SegmentFile.read(disk, "7.del", "deletes"), 12);
        assertThat(deleted.stream().boxed().toList()).containsExactly(3, 10);
    }

    /**
     * Segment and tombstone files of version 3 (bodies without insert times), written by commit 69f3239 before
     * version 4: {@code formats/v3/segments/9.seg} holds rows 0..11 of {@link FrozenV1#row} in the {@code docs}
     * layout, {@code 9.del} ordinals 2 and 7. Their rows have no insert time and never expire.
     */
    @Test
    void segmentAndTombstoneFilesOfVersion3AreReadAsNeverExpiring() throws IOException {
        LocalDisk disk = LocalDisk.open(Path.of(java.util.Objects.requireNonNull(
                FrozenFormatsTest.class.getResource("/formats/v3/segments")).getPath()));
        assertThat(SegmentFile.readVersioned(disk, "9.seg", "segment").version()).isEqualTo(3);
        Segment segment = rows(disk, "9.seg", FrozenV1.layout(FrozenV1.DOCS, FrozenV1.DOCS_PARTITION));
        assertThat(segment.segmentId()).isEqualTo(9);
        assertRows(segment, 0, 12);
        for (int ordinal = 0; ordinal < 12; ordinal++) {
            assertThat(segment.insertTime(ordinal)).isEqualTo(Segment.NO_INSERT_TIME);
        }
        assertThat(segment.expiredLiveCount(Long.MAX_VALUE - 1)).as("never expire, whatever the TTL").isZero();
        BitSet deleted = SegmentCodec.decodeDeletes("9.del", SegmentFile.read(disk, "9.del", "deletes"), 12);
        assertThat(deleted.stream().boxed().toList()).containsExactly(2, 7);
    }

    /**
     * Log record payloads of format 3 (puts of type 4: a row width, no insert time), written by commit 69f3239:
     * {@code formats/v3/log/put-type4.bin} puts rows 2000..2004 into the {@code docs} partition,
     * {@code delete-type2.bin} deletes keys 2001 and 7. The put's rows have no insert time and never expire.
     */
    @Test
    void logRecordsOfPayloadFormat3DecodeWithoutInsertTimes() throws IOException {
        Path log = Path.of(java.util.Objects.requireNonNull(
                FrozenFormatsTest.class.getResource("/formats/v3/log")).getPath());
        CollectionLayout docs = FrozenV1.layout(FrozenV1.DOCS, FrozenV1.DOCS_PARTITION);
        DataStore.LayoutSource layouts = id -> java.util.Optional.of(docs).filter(l -> id == FrozenV1.DOCS);
        byte[] putBytes = Files.readAllBytes(log.resolve("put-type4.bin"));
        assertThat(new ValueReader("log", "put", putBytes).readInt()).as("record type").isEqualTo(4);
        LogRecordCodec.Put put = (LogRecordCodec.Put) LogRecordCodec.decode("log", "put", putBytes, layouts)
                .orElseThrow();
        assertThat(put.partitionId()).isEqualTo(FrozenV1.DOCS_PARTITION);
        assertThat(put.insertTime()).isEqualTo(Segment.NO_INSERT_TIME);
        assertThat(put.rows()).hasSize(5);
        for (int i = 0; i < 5; i++) {
            Object[] expected = FrozenV1.row(2000 + i);
            assertThat(put.rows().get(i)[0]).isEqualTo(expected[0]);
            assertThat((float[]) put.rows().get(i)[1]).containsExactly((float[]) expected[1]);
            assertThat(put.rows().get(i)[2]).isEqualTo(expected[2]);
            assertThat(put.rows().get(i)[3]).isEqualTo(expected[3]);
        }
        LogRecordCodec.Delete delete = (LogRecordCodec.Delete) LogRecordCodec.decode("log", "delete",
                Files.readAllBytes(log.resolve("delete-type2.bin")), layouts).orElseThrow();
        assertThat(delete.primaryKeys()).containsExactly(2001L, 7L);
    }

    @Test
    void tombstoneFilesOfVersion1HoldTheDeletedOrdinals() throws IOException {
        LocalDisk disk = data();
        BitSet first = deletes(disk, "segments/1000/1.del");
        BitSet second = deletes(disk, "segments/1000/2.del");
        assertThat(first.stream().boxed().toList()).containsExactly(3);
        assertThat(second.stream().boxed().toList()).as("keys 50 and 77 in the segment of 40..79")
                .containsExactly(10, 37);
    }

    @Test
    void indexFilesOfVersion1LoadOverTheirSegmentsVectors() throws IOException {
        LocalDisk disk = data();
        Segment docs = rows(disk, "segments/1000/1.seg", FrozenV1.layout(FrozenV1.DOCS, FrozenV1.DOCS_PARTITION));
        HnswIndex hnsw = HnswIndex.read(disk, "segments/1000/1.1.1004.hnsw-v1.idx", docs.vectors(1), MetricType.L2);
        float[] query = (float[]) FrozenV1.row(17)[1];
        assertThat(hnsw.search(query, 1, 16, OrdinalFilter.ACCEPT_ALL).get(0).ordinal()).isEqualTo(17);

        Segment items = rows(disk, "segments/1002/4.seg", FrozenV1.layout(FrozenV1.ITEMS, FrozenV1.ITEMS_PARTITION));
        IvfFlatIndex ivf = IvfFlatIndex.read(disk, "segments/1002/4.1.1005.ivf_flat-v1.idx", items.vectors(1),
                MetricType.IP);
        assertThat(ivf.search(query, 5, 4, OrdinalFilter.ACCEPT_ALL)).hasSize(5);
    }

    @Test
    void theLogOfVersion1ReplaysItsRecords() throws IOException {
        Path wal = FrozenV1.copyTo(dir).resolve("data").resolve("wal");
        try (WriteAheadLog log = WriteAheadLog.open(wal, Durability.FSYNC)) {
            List<WalRecord> records = log.recovered();
            assertThat(records).extracting(WalRecord::lsn).containsExactly(4L, 5L);
            assertThat(new ValueReader("wal/", "log record 4", records.get(0).payload()).readInt())
                    .as("a put").isEqualTo(1);
            assertThat(new ValueReader("wal/", "log record 5", records.get(1).payload()).readInt())
                    .as("a delete").isEqualTo(2);
            assertThat(log.append(new byte[] {1})).as("appends continue the v1 file's numbering").isEqualTo(6);
        }
    }

    @Test
    void logRecordsOfVersion1DecodeToThePutAndDeleteThatWereWritten() throws IOException {
        Path wal = FrozenV1.copyTo(dir).resolve("data").resolve("wal");
        CollectionLayout docs = FrozenV1.layout(FrozenV1.DOCS, FrozenV1.DOCS_PARTITION);
        try (WriteAheadLog log = WriteAheadLog.open(wal, Durability.FSYNC)) {
            List<WalRecord> records = log.recovered();
            LogRecordCodec.Put put = (LogRecordCodec.Put) LogRecordCodec.decode("wal/", records.get(0),
                    id -> java.util.Optional.of(docs).filter(l -> id == FrozenV1.DOCS)).orElseThrow();
            assertThat(put.partitionId()).isEqualTo(FrozenV1.DOCS_PARTITION);
            assertThat(put.rows()).hasSize(5);
            for (int i = 0; i < 5; i++) {
                Object[] expected = FrozenV1.row(1000 + i);
                assertThat(put.rows().get(i)[0]).isEqualTo(expected[0]);
                assertThat((float[]) put.rows().get(i)[1]).containsExactly((float[]) expected[1]);
                assertThat(put.rows().get(i)[2]).isEqualTo(expected[2]);
                assertThat(put.rows().get(i)[3]).isEqualTo(expected[3]);
            }
            LogRecordCodec.Delete delete = (LogRecordCodec.Delete) LogRecordCodec.decode("wal/", records.get(1),
                    id -> java.util.Optional.of(docs).filter(l -> id == FrozenV1.DOCS)).orElseThrow();
            assertThat(delete.primaryKeys()).containsExactly(10L);
            assertThat(LogRecordCodec.decode("wal/", records.get(0), id -> java.util.Optional.empty()))
                    .as("a dropped collection's record is skipped").isEmpty();
        }
    }

    @Test
    void theManifestRecordOfVersion1IsRead() throws IOException {
        byte[] record = Files.readAllBytes(FrozenV1.records().resolve("manifest.json"));
        assertThat(new String(record, java.nio.charset.StandardCharsets.UTF_8)).as("older than the version field")
                .doesNotContain("formatVersion");
        DataManifest manifest = DataManifest.decode(record);
        assertThat(manifest.checkpointLsn()).isEqualTo(3);
        assertThat(manifest.segments()).extracting(DataManifest.SegmentRef::segmentId)
                .containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(manifest.segments()).extracting(DataManifest.SegmentRef::collectionId)
                .containsExactly(1000L, 1000L, 1000L, 1002L, 1002L);
    }
}
