package dev.vectorvault.storage.data;

import static dev.vectorvault.storage.data.DataStoreFixture.expected;
import static dev.vectorvault.storage.data.DataStoreFixture.layout;
import static dev.vectorvault.storage.data.DataStoreFixture.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.wal.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class DataStoreTest {
    private static final long C = 7;
    private static final long D = 8;
    private static final long P0 = 70;
    private static final long P1 = 71;

    @TempDir
    Path dir;

    private DataStoreFixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    private DataStoreFixture open(int sealThreshold) {
        fx = new DataStoreFixture(dir, Durability.FSYNC, sealThreshold);
        return fx;
    }

    /** Writes rows k in [from, to) into a partition, one request, and records them in the model. */
    static void put(DataStoreFixture fx, CollectionLayout layout, long partition, long from, long to,
                    String text, Map<Object, List<Object>> model) {
        List<Object[]> rows = new ArrayList<>();
        for (long k = from; k < to; k++) {
            Object[] row = row(k, text + k);
            rows.add(row);
            model.put(k, expected(partition, row));
        }
        fx.store.put(layout, partition, rows);
    }

    private static List<Path> files(Path folder, String suffix) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void putDeleteAndLiveRowsWorkInMemory() {
        DataStoreFixture fx = open(1000);
        CollectionLayout c = fx.add(layout(C, P0, P1));
        Map<Object, List<Object>> model = new TreeMap<>();
        put(fx, c, P0, 0, 5, "a", model);
        put(fx, c, P1, 5, 8, "b", model);

        assertThat(fx.live(c)).isEqualTo(model);
        assertThat(fx.store.liveRows(c, P0)).isEqualTo(5);
        assertThat(fx.store.liveRows(c, P1)).isEqualTo(3);

        assertThat(fx.store.delete(c, List.of(1L, 6L, 99L))).as("only existing keys count").isEqualTo(2);
        model.remove(1L);
        model.remove(6L);
        assertThat(fx.live(c)).isEqualTo(model);
        assertThat(fx.store.liveRows(c, P0)).isEqualTo(4);
        assertThat(fx.store.liveRows(c, P1)).isEqualTo(2);
        assertThat(fx.store.delete(c, List.of(1L))).as("deleting again").isZero();
    }

    @Test
    void aKeyWrittenTwiceKeepsOneLiveRowTheLatest() {
        DataStoreFixture fx = open(1000);
        CollectionLayout c = fx.add(layout(C, P0, P1));
        Map<Object, List<Object>> model = new TreeMap<>();
        put(fx, c, P0, 0, 3, "first", model);
        put(fx, c, P1, 1, 2, "second", model);
        // Twice within one request: the last row wins.
        fx.store.put(c, P0, List.of(row(2, "x"), row(2, "y")));
        model.put(2L, expected(P0, row(2, "y")));

        assertThat(fx.live(c)).isEqualTo(model);
        assertThat(fx.store.liveRows(c, P0)).isEqualTo(2);
        assertThat(fx.store.liveRows(c, P1)).isEqualTo(1);
    }

    @Test
    void reopenWithoutCheckpointReplaysTheLogExactly() {
        DataStoreFixture fx = open(4);
        CollectionLayout c = fx.add(layout(C, P0, P1));
        Map<Object, List<Object>> model = new TreeMap<>();
        put(fx, c, P0, 0, 10, "a", model);
        put(fx, c, P1, 5, 12, "b", model);
        fx.store.delete(c, List.of(0L, 11L));
        model.remove(0L);
        model.remove(11L);
        put(fx, c, P0, 11, 13, "c", model);

        fx.crash();
        assertThat(fx.live(c)).isEqualTo(model);
        assertThat(fx.store.liveRows(c, P1)).isEqualTo(model.values().stream().filter(r -> r.get(0).equals(P1))
                .count());
        // A second crash replays the same log again, on top of nothing.
        fx.crash();
        assertThat(fx.live(c)).isEqualTo(model);
    }

    @Test
    void checkpointWritesSegmentFilesTruncatesTheLogAndReopenLoadsThem() throws IOException {
        DataStoreFixture fx = open(1000);
        CollectionLayout c = fx.add(layout(C, P0));
        Map<Object, List<Object>> model = new TreeMap<>();
        put(fx, c, P0, 0, 20, "a", model);
        long logBytesBefore = logBytes();
        fx.store.checkpoint();

        assertThat(files(fx.segmentDir(C), ".seg")).hasSize(1);
        assertThat(logBytes()).as("log after a checkpoint").isLessThan(logBytesBefore);
        assertThat(logRecordBytes()).as("bytes past the log header").isZero();

        fx.crash();
        assertThat(fx.live(c)).isEqualTo(model);
    }

    @Test
    void writesAfterACheckpointAreReplayedOnTopOfTheSegments() {
        DataStoreFixture fx = open(1000);
        CollectionLayout c = fx.add(layout(C, P0, P1));
        Map<Object, List<Object>> model = new TreeMap<>();
        put(fx, c, P0, 0, 10, "a", model);
        fx.store.checkpoint();
        put(fx, c, P1, 5, 15, "b", model); // replaces 5..9 from the segment file
        fx.store.delete(c, List.of(1L, 2L, 14L));
        model.remove(1L);
        model.remove(2L);
        model.remove(14L);

        fx.crash();
        assertThat(fx.live(c)).isEqualTo(model);
        fx.store.checkpoint();
        put(fx, c, P0, 100, 103, "c", model);
        fx.crash();
        assertThat(fx.live(c)).isEqualTo(model);
        fx.restart();
        assertThat(fx.live(c)).isEqualTo(model);
    }

    @Test
    void deletesAfterACheckpointSurviveReopenThroughTombstoneFiles() throws IOException {
        DataStoreFixture fx = open(1000);
        CollectionLayout c = fx.add(layout(C, P0));
        Map<Object, List<Object>> model = new TreeMap<>();
        put(fx, c, P0, 0, 20, "a", model);
        fx.store.checkpoint();
        List<Path> segments = files(fx.segmentDir(C), ".seg");
        fx.store.delete(c, List.of(3L, 4L)); // 10%: below the compaction threshold
        model.remove(3L);
        model.remove(4L);
        fx.store.checkpoint();

        assertThat(files(fx.segmentDir(C), ".seg")).as("segment kept").isEqualTo(segments);
        assertThat(files(fx.segmentDir(C), ".del")).hasSize(1);
        assertThat(logRecordBytes()).isZero();
        fx.crash();
        assertThat(fx.live(c)).isEqualTo(model);
        fx.restart();
        assertThat(fx.live(c)).isEqualTo(model);
    }

    @Test
    void aSegmentMoreThanOneFifthDeletedIsCompactedWithTheSameLiveRows() throws IOException {
        DataStoreFixture fx = open(1000);
        CollectionLayout c = fx.add(layout(C, P0));
        Map<Object, List<Object>> model = new TreeMap<>();
        put(fx, c, P0, 0, 20, "a", model);
        fx.store.checkpoint();
        List<Path> before = files(fx.segmentDir(C), ".seg");
        List<Object> keys = List.of(0L, 5L, 6L, 7L, 19L); // 25%
        fx.store.delete(c, keys);
        keys.forEach(model::remove);
        fx.store.checkpoint();

        List<Path> after = files(fx.segmentDir(C), ".seg");
        assertThat(after).hasSize(1).doesNotContainAnyElementsOf(before);
        assertThat(files(fx.segmentDir(C), ".del")).as("a compacted segment has no tombstones").isEmpty();
        assertThat(fx.live(c)).isEqualTo(model);
        assertThat(fx.store.<Integer>read(c, v -> v.segmentSize(0))).isEqualTo(15);

        // Writing and deleting after compaction still finds the rows where they now are.
        put(fx, c, P0, 1, 3, "b", model);
        fx.store.delete(c, List.of(10L));
        model.remove(10L);
        assertThat(fx.live(c)).isEqualTo(model);
        fx.crash();
        assertThat(fx.live(c)).isEqualTo(model);
    }

    @Test
    void exactlyOneFifthDeletedIsNotCompacted() throws IOException {
        DataStoreFixture fx = open(1000);
        CollectionLayout c = fx.add(layout(C, P0));
        Map<Object, List<Object>> model = new TreeMap<>();
        put(fx, c, P0, 0, 20, "a", model);
        fx.store.checkpoint();
        List<Path> before = files(fx.segmentDir(C), ".seg");
        fx.store.delete(c, List.of(0L, 1L, 2L, 3L));
        List.of(0L, 1L, 2L, 3L).forEach(model::remove);
        fx.store.checkpoint();
        assertThat(files(fx.segmentDir(C), ".seg")).isEqualTo(before);
        assertThat(fx.live(c)).isEqualTo(model);
    }

    @Test
    void aFullyDeletedSegmentBeforeOthersIsCompactedAwayWithoutLosingTheirRows() {
        DataStoreFixture fx = open(1000);
        CollectionLayout c = fx.add(layout(C, P0));
        Map<Object, List<Object>> model = new TreeMap<>();
        put(fx, c, P0, 0, 10, "a", model);
        fx.store.checkpoint();
        put(fx, c, P0, 10, 20, "b", model);
        fx.store.checkpoint();
        List<Object> firstSegment = new ArrayList<>();
        for (long k = 0; k < 10; k++) {
            firstSegment.add(k);
            model.remove(k);
        }
        fx.store.delete(c, firstSegment);
        fx.store.checkpoint();

        assertThat(fx.live(c)).as("right after the compacting checkpoint").isEqualTo(model);
        assertThat(fx.store.delete(c, List.of(15L))).isEqualTo(1);
        model.remove(15L);
        put(fx, c, P0, 30, 32, "c", model);
        assertThat(fx.live(c)).isEqualTo(model);
        fx.crash();
        assertThat(fx.live(c)).isEqualTo(model);
    }

    @Test
    void smallSealThresholdMakesSeveralSegmentsThatAllSurviveReopen() throws IOException {
        DataStoreFixture fx = open(3);
        CollectionLayout c = fx.add(layout(C, P0));
        Map<Object, List<Object>> model = new TreeMap<>();
        for (long k = 0; k < 10; k++) {
            put(fx, c, P0, k, k + 1, "a", model);
        }
        assertThat(fx.segmentCount(c)).isEqualTo(4);
        assertThat(fx.store.<List<Integer>>read(c, v -> List.of(v.segmentSize(0), v.segmentSize(1),
                v.segmentSize(2), v.segmentSize(3)))).containsExactly(3, 3, 3, 1);
        fx.store.delete(c, List.of(4L));
        model.remove(4L);
        fx.store.checkpoint();
        assertThat(files(fx.segmentDir(C), ".seg")).hasSize(4);

        fx.crash();
        assertThat(fx.live(c)).isEqualTo(model);
        assertThat(fx.segmentCount(c)).isEqualTo(4);
        put(fx, c, P0, 20, 25, "b", model);
        assertThat(fx.segmentCount(c)).as("loaded segments are sealed; new rows go to new ones").isEqualTo(6);
        fx.restart();
        assertThat(fx.live(c)).isEqualTo(model);
    }

    @Test
    void aDroppedCollectionIsIgnoredOnReopenAndItsFilesGoAtTheNextCheckpoint() throws IOException {
        DataStoreFixture fx = open(1000);
        CollectionLayout c = fx.add(layout(C, P0));
        CollectionLayout d = fx.add(layout(D, P0));
        Map<Object, List<Object>> model = new TreeMap<>();
        put(fx, c, P0, 0, 5, "c", model);
        fx.store.put(d, P0, List.of(row(1, "d"), row(2, "d")));
        fx.store.checkpoint();
        fx.store.put(d, P0, List.<Object[]>of(row(3, "d")));
        assertThat(files(fx.segmentDir(D), ".seg")).hasSize(1);

        fx.layouts.remove(D);
        fx.store.collectionDropped(D);
        fx.crash();
        assertThat(fx.live(c)).isEqualTo(model);
        assertThat(fx.live(d)).as("dropped collection after reopen").isEmpty();
        assertThat(files(fx.segmentDir(D), ".seg")).as("still there until the next checkpoint").hasSize(1);

        fx.store.checkpoint();
        assertThat(files(fx.segmentDir(D), ".seg")).isEmpty();
        fx.crash();
        assertThat(fx.live(c)).isEqualTo(model);
        assertThat(fx.live(d)).isEmpty();
    }

    @Test
    void aCheckpointBetweenTheCatalogDropAndItsNoticeSkipsTheCollection() throws IOException {
        DataStoreFixture fx = open(1000);
        CollectionLayout c = fx.add(layout(C, P0));
        CollectionLayout d = fx.add(layout(D, P0));
        Map<Object, List<Object>> model = new TreeMap<>();
        put(fx, c, P0, 0, 5, "c", model);
        fx.store.put(d, P0, List.<Object[]>of(row(1, "d")));
        fx.layouts.remove(D); // the catalog has dropped it; collectionDropped is not called yet

        fx.store.checkpoint();
        assertThat(files(fx.segmentDir(D), ".seg")).isEmpty();
        fx.store.collectionDropped(D);
        fx.crash();
        assertThat(fx.live(c)).isEqualTo(model);
        assertThat(fx.live(d)).isEmpty();
    }

    @Test
    void aDroppedPartitionsRowsDisappearAndStayGoneAfterReopen() {
        DataStoreFixture fx = open(1000);
        CollectionLayout c = fx.add(layout(C, P0, P1));
        Map<Object, List<Object>> model = new TreeMap<>();
        put(fx, c, P0, 0, 5, "a", model);
        put(fx, c, P1, 10, 15, "b", model);
        fx.store.checkpoint();
        put(fx, c, P1, 15, 18, "c", model);

        CollectionLayout withoutP1 = fx.add(layout(C, P0));
        fx.store.partitionDropped(C, P1);
        model.values().removeIf(r -> r.get(0).equals(P1));
        assertThat(fx.live(withoutP1)).isEqualTo(model);

        fx.crash();
        assertThat(fx.live(withoutP1)).isEqualTo(model);
        fx.store.checkpoint();
        fx.crash();
        assertThat(fx.live(withoutP1)).isEqualTo(model);
    }

    @Test
    void aKeyMovedIntoAPartitionThatIsThenDroppedStaysGoneAfterReopen() {
        DataStoreFixture fx = open(1000);
        CollectionLayout c = fx.add(layout(C, P0, P1));
        Map<Object, List<Object>> model = new TreeMap<>();
        put(fx, c, P0, 0, 5, "a", model);
        put(fx, c, P1, 3, 5, "moved", model); // keys 3 and 4 now live in P1 only

        CollectionLayout withoutP1 = fx.add(layout(C, P0));
        fx.store.partitionDropped(C, P1);
        model.remove(3L);
        model.remove(4L);
        assertThat(fx.live(withoutP1)).isEqualTo(model);

        fx.crash();
        assertThat(fx.live(withoutP1)).as("log replay must not bring the replaced rows back").isEqualTo(model);
        fx.restart();
        assertThat(fx.live(withoutP1)).isEqualTo(model);
    }

    @Test
    void aCorruptSegmentFileFailsOpenNamingTheFile() throws IOException {
        DataStoreFixture fx = open(1000);
        CollectionLayout c = fx.add(layout(C, P0));
        put(fx, c, P0, 0, 20, "a", new TreeMap<>());
        fx.store.close();
        fx.meta.close();
        Path segment = files(fx.segmentDir(C), ".seg").get(0);
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(segment, bytes);

        assertThatThrownBy(fx::open)
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(segment.getFileName().toString())
                .hasMessageContaining("checksum mismatch")
                .satisfies(e -> assertThat(((StorageException) e).file()).isEqualTo(segment.toString()));
        fx.meta.close();
        this.fx = null; // nothing left open to close
    }

    @Test
    void aCorruptTombstoneFileFailsOpenNamingTheFile() throws IOException {
        DataStoreFixture fx = open(1000);
        CollectionLayout c = fx.add(layout(C, P0));
        put(fx, c, P0, 0, 20, "a", new TreeMap<>());
        fx.store.checkpoint();
        fx.store.delete(c, List.of(1L));
        fx.store.close();
        fx.meta.close();
        Path deletes = files(fx.segmentDir(C), ".del").get(0);
        byte[] bytes = Files.readAllBytes(deletes);
        bytes[bytes.length - 1] ^= 0x40;
        Files.write(deletes, bytes);

        assertThatThrownBy(fx::open)
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(deletes.getFileName().toString());
        fx.meta.close();
        this.fx = null;
    }

    @Test
    void aMissingSegmentFileFailsOpenNamingTheFile() throws IOException {
        DataStoreFixture fx = open(1000);
        CollectionLayout c = fx.add(layout(C, P0));
        put(fx, c, P0, 0, 5, "a", new TreeMap<>());
        fx.store.close();
        fx.meta.close();
        Path segment = files(fx.segmentDir(C), ".seg").get(0);
        Files.delete(segment);

        assertThatThrownBy(fx::open).hasMessageContaining(segment.getFileName().toString());
        fx.meta.close();
        this.fx = null;
    }

    @Test
    void nullsJsonAndVectorsRoundTripThroughLogAndSegments() {
        DataStoreFixture fx = open(1000);
        CollectionLayout c = fx.add(layout(C, P0));
        Object[] withNulls = {1L, new float[] {0.25f, Float.MIN_VALUE}, null, null};
        Object[] nestedJson = {2L, new float[] {-1e30f, 1e-30f}, Map.of("a", List.of(Map.of("b", true), "x")), "é✓"};
        Object[] scalarJson = {3L, new float[] {0, 0}, "just a string", ""};
        fx.store.put(c, P0, List.<Object[]>of(withNulls, nestedJson, scalarJson));
        Map<Object, List<Object>> model = new TreeMap<>(Map.of(
                1L, expected(P0, withNulls), 2L, expected(P0, nestedJson), 3L, expected(P0, scalarJson)));

        fx.crash();
        assertThat(fx.live(c)).isEqualTo(model);
        fx.restart();
        assertThat(fx.live(c)).isEqualTo(model);
    }

    @Test
    void stringPrimaryKeysWork() {
        DataStoreFixture fx = open(2);
        CollectionLayout c = fx.add(CollectionLayout.builder(C, 3, DataStoreFixture.DIMS)
                .json(DataStoreFixture.JSON).partitions(java.util.Set.of(P0)).build());
        fx.store.put(c, P0, List.<Object[]>of(row(1, "a"), row(2, "b"), row(3, "c")));
        fx.store.put(c, P0, List.<Object[]>of(row(4, "a")));
        fx.store.delete(c, List.<Object>of("b"));
        Map<Object, List<Object>> model = new TreeMap<>(Map.of("a", expected(P0, row(4, "a")),
                "c", expected(P0, row(3, "c"))));
        assertThat(fx.live(c)).isEqualTo(model);
        fx.crash();
        assertThat(fx.live(c)).isEqualTo(model);
    }

    @Test
    void aLeftoverTombstoneFileOfAnInterruptedCheckpointIsNotAppliedToANewSegmentWithItsId() throws IOException {
        DataStoreFixture fx = open(1000);
        CollectionLayout c = fx.add(layout(C, P0));
        Map<Object, List<Object>> model = new TreeMap<>();
        put(fx, c, P0, 0, 5, "a", model);
        long segmentId = 1; // the first segment id a new store hands out
        // What a checkpoint that died after its tombstone file, before its manifest, leaves behind.
        java.util.BitSet stale = new java.util.BitSet();
        stale.set(0, 3);
        Files.createDirectories(fx.segmentDir(C));
        dev.vectorvault.storage.segment.SegmentFile.write(fx.segmentDir(C).resolve(segmentId + ".del"),
                SegmentCodec.DELETES_KIND, SegmentCodec.encodeDeletes(segmentWithDeletes(stale)));
        fx.store.checkpoint();
        assertThat(files(fx.segmentDir(C), ".seg")).extracting(p -> p.getFileName().toString())
                .containsExactly(segmentId + ".seg");

        fx.crash();
        assertThat(fx.live(c)).isEqualTo(model);
    }

    private static Segment segmentWithDeletes(java.util.BitSet deleted) {
        Segment segment = new Segment(99, DataStoreFixture.DIMS);
        segment.restoreDeleted(deleted);
        return segment;
    }

    @Test
    void rowsMemoryCannotTakeAreRefusedBeforeTheyReachTheLog() {
        DataStoreFixture fx = open(1000);
        CollectionLayout c = fx.add(layout(C, P0));
        Map<Object, List<Object>> model = new TreeMap<>();
        put(fx, c, P0, 0, 3, "a", model);
        Object[] nan = row(1, "nan");
        nan[1] = new float[] {Float.NaN, 0};
        Object[] shortVector = row(2, "short");
        shortVector[1] = new float[] {1};
        Object[] notAVector = row(2, "list");
        notAVector[1] = List.of(1f, 2f);
        Object[] tooFewValues = {2L, new float[] {1, 2}};
        Object[] noKey = row(2, "nokey");
        noKey[0] = null;

        for (Object[] bad : List.of(nan, shortVector, notAVector, tooFewValues, noKey)) {
            assertThatThrownBy(() -> fx.store.put(c, P0, List.of(row(9, "ok"), bad)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(fx.live(c)).as("nothing of a refused batch is applied").isEqualTo(model);
        fx.crash();
        assertThat(fx.live(c)).as("nor logged").isEqualTo(model);
    }

    private long logBytes() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("data").resolve("wal"))) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** Bytes of log records (everything after the 39-byte header of each log file, format version 2). */
    private long logRecordBytes() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("data").resolve("wal"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log"))
                    .mapToLong(f -> f.toFile().length() - 39).sum();
        }
    }
}
