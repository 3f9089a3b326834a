package dev.vectorvault.storage.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.index.VectorColumn;
import dev.vectorvault.index.VectorEncoding;
import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.io.LocalDisk;
import dev.vectorvault.storage.segment.SegmentFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A segment's vectors read from its file one at a time ({@link SegmentFileVectors}) are the vectors the segment holds,
 * at every encoding, beside a variable-width scalar field; a damaged file is refused when opened, and bytes changed
 * after opening are never returned as a vector.
 */
class SegmentFileVectorsTest {
    private static final int DIM = 12;
    private static final int ROWS = 300;
    private static final String NAME = SegmentDirectory.segmentFile(7, 3);

    @TempDir
    Path dir;

    /** Rows {@code [pk INT64, text VARCHAR of varying length, vector]}. */
    private static CollectionLayout layout(VectorEncoding encoding) {
        return new CollectionLayout(7, 0, new int[] {0, 0, DIM}, new boolean[3], Set.of(70L), new VectorIndexSpec[3], 1,
                new VectorEncoding[] {null, null, encoding});
    }

    private List<float[]> writeSegment(dev.vectorvault.storage.io.ObjectStore disk, CollectionLayout layout) {
        Random random = new Random(11);
        Segment segment = new Segment(3, layout.vectorDims(), layout.vectorEncodings());
        List<float[]> vectors = new ArrayList<>();
        for (int r = 0; r < ROWS; r++) {
            float[] v = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                v[d] = layout.encoding(2) == VectorEncoding.INT8 ? random.nextInt(255) - 127
                        : (float) random.nextGaussian();
            }
            segment.append(70L, 1000L + r, new Object[] {(long) r, "x".repeat(r % 37), v});
            float[] held = new float[DIM];
            segment.vectors(2).copyTo(r, held);
            vectors.add(held);
        }
        segment.seal();
        SegmentFile.write(disk, NAME, SegmentCodec.SEGMENT_KIND, SegmentCodec.encodeRows(segment, layout));
        return vectors;
    }

    @ParameterizedTest
    @EnumSource(VectorEncoding.class)
    void everyVectorReadsBackAsTheSegmentHeldIt(VectorEncoding encoding) throws Exception {
        LocalDisk disk = LocalDisk.open(dir);
        CollectionLayout layout = layout(encoding);
        List<float[]> vectors = writeSegment(disk, layout);

        SegmentFileVectors file = SegmentFileVectors.open(disk, NAME, layout, 2, ROWS);
        VectorColumn stored = VectorColumn.stored(DIM, encoding, ROWS, file);

        float[] out = new float[DIM];
        for (int r = ROWS - 1; r >= 0; r--) {
            stored.copyTo(r, out);
            assertThat(out).as("%s row %d", encoding, r).containsExactly(vectors.get(r));
        }
        assertThat(stored.resident()).isFalse();
        assertThat(stored.memoryBytes()).isEqualTo(8L * ROWS);
        VectorColumn loaded = stored.residentCopy();
        assertThat(loaded.resident()).isTrue();
        assertThat(loaded.encoding()).isEqualTo(encoding);
        for (int r = 0; r < ROWS; r++) {
            loaded.copyTo(r, out);
            assertThat(out).containsExactly(vectors.get(r));
        }
        assertThatThrownBy(() -> stored.append(vectors.get(0))).isInstanceOf(IllegalStateException.class);
    }

    /** Object storage (cluster mode) under Milvus's keys, read through the bounded local copy, and straight from it. */
    @Test
    void vectorsOfASegmentOnObjectStorageAreReadThroughItsLocalCache() throws Exception {
        CollectionLayout layout = layout(VectorEncoding.FLOAT32);
        LocalDisk bucket = LocalDisk.open(dir.resolve("bucket"));
        SealedStorage cached = SealedStorage.remote(bucket, dir.resolve("cache"), 1 << 20);
        List<float[]> vectors = writeSegment(cached.objects(), layout);
        for (SealedStorage sealed : List.of(cached, SealedStorage.remote(bucket))) {
            SegmentFileVectors file = SegmentFileVectors.open(sealed.objects(), NAME, layout, 2, ROWS);
            float[] out = new float[DIM];
            for (int r = 0; r < ROWS; r += 7) {
                file.read(r, out);
                assertThat(out).as("%s row %d", sealed, r).containsExactly(vectors.get(r));
            }
        }
        try (Stream<Path> keys = Files.walk(dir.resolve("bucket"))) {
            assertThat(keys.map(Path::toString)).as("under Milvus's key layout").anyMatch(k -> k.contains("insert_log"));
        }
    }

    @Test
    void aDamagedFileIsRefusedWhenOpenedWithTheCorruptCode() throws Exception {
        LocalDisk disk = LocalDisk.open(dir);
        CollectionLayout layout = layout(VectorEncoding.FLOAT32);
        writeSegment(disk, layout);
        Path path = dir.resolve(NAME);
        byte[] bytes = Files.readAllBytes(path);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(path, bytes);

        assertThatThrownBy(() -> SegmentFileVectors.open(disk, NAME, layout, 2, ROWS))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_CORRUPT));
    }

    @Test
    void aFileOfAnotherRowCountIsNotThisSegmentsAndAMissingOneIsNotFound() throws Exception {
        LocalDisk disk = LocalDisk.open(dir);
        CollectionLayout layout = layout(VectorEncoding.FLOAT32);
        writeSegment(disk, layout);

        assertThatThrownBy(() -> SegmentFileVectors.open(disk, NAME, layout, 2, ROWS + 1))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_CORRUPT));
        assertThatThrownBy(() -> SegmentFileVectors.open(disk, "segments/7/4.seg", layout, 2, ROWS))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_NOT_FOUND));
    }

    @Test
    void bytesChangedAfterOpeningAreNeverReturnedAsAVector() throws Exception {
        LocalDisk disk = LocalDisk.open(dir);
        CollectionLayout layout = layout(VectorEncoding.FLOAT32);
        writeSegment(disk, layout);
        SegmentFileVectors file = SegmentFileVectors.open(disk, NAME, layout, 2, ROWS);
        Path path = dir.resolve(NAME);
        byte[] bytes = Files.readAllBytes(path);
        // All ones in every byte of the file's last vector: NaN components, which no insert can write.
        int end = bytes.length - dev.vectorvault.storage.io.Frame.FOOTER_BYTES;
        java.util.Arrays.fill(bytes, end - 4 * DIM, end, (byte) 0xFF);
        Files.write(path, bytes);

        assertThatThrownBy(() -> file.read(ROWS - 1, new float[DIM]))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_CORRUPT));
        assertThatThrownBy(file::loadAll).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_CORRUPT));
    }
}
