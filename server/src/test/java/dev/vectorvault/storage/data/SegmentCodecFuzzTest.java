package dev.vectorvault.storage.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vectorvault.fuzz.FilesInMemory;
import dev.vectorvault.fuzz.FuzzOutcome;
import dev.vectorvault.storage.segment.SegmentFile;
import java.util.BitSet;

/**
 * Fuzz targets: segment and tombstone files. The body targets hand mutated bodies straight to {@link SegmentCodec}
 * (no checksum in the way, so the fuzzer reaches the row and value decoders); the file target takes the whole path
 * a start-up takes, {@link SegmentFile#read} (either format version) then the decoder. Every input is a segment
 * whose rows fit the layout, or tombstones of its rows, or is refused as {@code STORAGE_CORRUPT} naming the file.
 * Seeds: the frozen v1 files and their bodies, and files written by the current code.
 */
class SegmentCodecFuzzTest {
    /** The frozen collections' layout: pk INT64, vec FLOAT_VECTOR(4), meta JSON, title VARCHAR. */
    private static final CollectionLayout LAYOUT = FrozenV1.layout(FrozenV1.DOCS, FrozenV1.DOCS_PARTITION);
    private static final int ROWS = 40;

    @FuzzTest(maxDuration = "60s")
    void segmentBodyDecodesOrIsRefusedAsCorrupt(byte[] body) throws Exception {
        FuzzOutcome.resultOrCorrupt(() -> SegmentCodec.decodeRows("1.seg", SegmentFile.VERSION, body, LAYOUT))
                .ifPresent(SegmentCodecFuzzTest::checkRows);
    }

    @FuzzTest(maxDuration = "60s")
    void tombstoneBodyDecodesOrIsRefusedAsCorrupt(byte[] body) throws Exception {
        FuzzOutcome.resultOrCorrupt(() -> SegmentCodec.decodeDeletes("1.del", body, ROWS))
                .ifPresent(deleted -> assertThat(deleted.length()).isLessThanOrEqualTo(ROWS));
    }

    @FuzzTest(maxDuration = "60s")
    void segmentOrTombstoneFileReadsOrIsRefusedAsCorrupt(byte[] bytes) throws Exception {
        FilesInMemory store = FilesInMemory.of("1.seg", bytes);
        FuzzOutcome.resultOrCorrupt(() -> {
            dev.vectorvault.storage.io.Frame.Body body = SegmentFile.readVersioned(store, "1.seg",
                    SegmentCodec.SEGMENT_KIND);
            return SegmentCodec.decodeRows(store.describe("1.seg"), body.version(), body.bytes(), LAYOUT);
        })
                .ifPresent(SegmentCodecFuzzTest::checkRows);
        FuzzOutcome.resultOrCorrupt(() -> SegmentCodec.decodeDeletes(store.describe("1.seg"),
                SegmentFile.read(store, "1.seg", SegmentCodec.DELETES_KIND), ROWS))
                .ifPresent(deleted -> assertThat(deleted.length()).isLessThanOrEqualTo(ROWS));
    }

    /** Every row reads back with a vector of the field's dimension: what search and query rely on. */
    private static void checkRows(Segment segment) {
        assertThat(segment.sealed()).isTrue();
        for (int ordinal = 0; ordinal < segment.size(); ordinal++) {
            Object[] row = segment.row(ordinal);
            assertThat(row).hasSize(LAYOUT.fieldCount());
            assertThat((float[]) row[1]).hasSize(4);
        }
        BitSet none = segment.deletedOrdinals();
        assertThat(none.isEmpty()).isTrue();
    }
}
