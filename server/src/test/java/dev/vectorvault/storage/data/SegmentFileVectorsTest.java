package dev.vectorvault.storage.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.index.FlatIndex;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.OrdinalFilter;
import dev.vectorvault.index.SearchHit;
import dev.vectorvault.index.StoredVectors;
import dev.vectorvault.index.VectorColumn;
import dev.vectorvault.index.VectorEncoding;
import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.io.FaultyDisk;
import dev.vectorvault.storage.io.LocalDisk;
import dev.vectorvault.storage.io.ObjectStore;
import dev.vectorvault.storage.io.ReadHandle;
import dev.vectorvault.storage.segment.SegmentFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
        return CollectionLayout.builder(7, 0, new int[] {0, 0, DIM}).partitions(Set.of(70L))
                .encodings(null, null, encoding).build();
    }

    private List<float[]> writeSegment(dev.vectorvault.storage.io.ObjectStore disk, CollectionLayout layout) {
        return writeSegment(disk, layout, ROWS, new Random(11));
    }

    private List<float[]> writeSegment(ObjectStore disk, CollectionLayout layout, int rows, Random random) {
        int dim = layout.vectorDims()[2];
        Segment segment = new Segment(3, layout.vectorDims(), layout.vectorEncodings());
        List<float[]> vectors = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            float[] v = new float[dim];
            for (int d = 0; d < dim; d++) {
                v[d] = layout.encoding(2) == VectorEncoding.INT8 ? random.nextInt(255) - 127
                        : (float) random.nextGaussian();
            }
            segment.append(70L, 1000L + r, new Object[] {(long) r, "x".repeat(r % 37), v});
            float[] held = new float[dim];
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

    /**
     * One handle serves every read (so a read opens nothing), and it keeps reading the file it opened after the name
     * is deleted (a compaction's old segment past its grace period) until the segment closes it; after that a read
     * opens the file for itself, and finds it gone.
     */
    @Test
    void oneOpenHandleServesEveryReadOutlivesTheFilesDeletionAndClosesWithTheSegment() throws Exception {
        FaultyDisk disk = new FaultyDisk();
        CollectionLayout layout = layout(VectorEncoding.FLOAT32);
        List<float[]> vectors = writeSegment(disk, layout);
        SegmentFileVectors file = SegmentFileVectors.open(disk, NAME, layout, 2, ROWS);
        assertThat(disk.openReaders()).isEqualTo(1);

        disk.delete(NAME);
        float[] out = new float[DIM];
        for (int r = 0; r < ROWS; r++) {
            file.read(r, out);
            assertThat(out).as("row %d", r).containsExactly(vectors.get(r));
        }
        VectorColumn all = file.loadAll();
        for (int r = 0; r < ROWS; r++) {
            all.copyTo(r, out);
            assertThat(out).containsExactly(vectors.get(r));
        }
        assertThat(disk.openReaders()).as("no handle opened per read").isEqualTo(1);

        file.close();
        file.close();
        assertThat(disk.openReaders()).isZero();
        assertThat(file.open()).isFalse();
        assertThatThrownBy(() -> file.read(0, out)).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_NOT_FOUND));
    }

    /**
     * An exact search of a stored column (a range search, or an exhaustive group-by, on a field a quantized index
     * serves) answers what the scan of the same vectors on the heap answers, and reads the file a window at a time:
     * every read asks for at most {@link SegmentFileVectors#WINDOW_BYTES}, every window handed to the search holds at
     * most that many bytes of vectors, one pass a search, and the whole column is never loaded. So what one search
     * holds is bounded by the window, not by the segment (here about 10 MiB of vectors, three windows).
     */
    @Test
    void anExactSearchOfAStoredColumnReadsAWindowAtATimeAndAnswersAsTheHeapDoes() throws Exception {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("anExactSearchOfAStoredColumnReadsAWindowAtATime tests.seed=" + seed);
        Random random = new Random(seed);
        int dim = 256;
        int rows = 10_000;
        CollectionLayout layout = CollectionLayout.builder(7, 0, new int[] {0, 0, dim}).partitions(Set.of(70L))
                .encodings(null, null, VectorEncoding.FLOAT32).build();
        RecordedReads disk = new RecordedReads(LocalDisk.open(dir));
        List<float[]> vectors = writeSegment(disk, layout, rows, random);
        VectorColumn resident = new VectorColumn(dim);
        vectors.forEach(resident::append);
        SegmentFileVectors file = SegmentFileVectors.open(disk, NAME, layout, 2, rows);
        List<Integer> windowRows = java.util.Collections.synchronizedList(new ArrayList<>());
        StoredVectors watched = new StoredVectors() {
            @Override
            public void read(int ordinal, float[] out) {
                file.read(ordinal, out);
            }

            @Override
            public VectorColumn loadAll() {
                throw new AssertionError("a search loaded the whole column");
            }

            @Override
            public void scan(int from, int to, Window window) {
                file.scan(from, to, (first, held) -> {
                    windowRows.add(held.size());
                    window.accept(first, held);
                });
            }

            @Override
            public long memoryBytes() {
                return file.memoryBytes();
            }

            @Override
            public void close() {
                file.close();
            }
        };
        VectorColumn stored = VectorColumn.stored(dim, VectorEncoding.FLOAT32, rows, watched);
        long fileBytes = disk.size(NAME);

        for (MetricType metric : List.of(MetricType.L2, MetricType.IP, MetricType.COSINE)) {
            float[] query = vectors.get(random.nextInt(rows)).clone();
            query[0] += 0.5f;
            FlatIndex heap = new FlatIndex(resident, metric);
            FlatIndex fromFile = new FlatIndex(stored, metric);
            List<SearchHit> ranked = heap.search(query, 1_000, Integer.MAX_VALUE, OrdinalFilter.ACCEPT_ALL);
            float rangeFilter = ranked.get(5).score();
            float radius = ranked.get(900).score();
            disk.requested.clear();
            windowRows.clear();

            assertThat(fromFile.rangeSearch(query, rows, Integer.MAX_VALUE, OrdinalFilter.ACCEPT_ALL, radius,
                    rangeFilter)).as("%s seed %d", metric, seed).isNotEmpty().isEqualTo(heap.rangeSearch(query, rows,
                    Integer.MAX_VALUE, OrdinalFilter.ACCEPT_ALL, radius, rangeFilter));

            assertThat(disk.requested).as("bytes asked per read").hasSizeGreaterThanOrEqualTo(3)
                    .allSatisfy(bytes -> assertThat(bytes).isBetween(1, SegmentFileVectors.WINDOW_BYTES));
            assertThat(disk.requested.stream().mapToLong(Integer::longValue).sum()).as("one pass")
                    .isLessThanOrEqualTo(fileBytes);
            assertThat(windowRows).as("vectors held at once").hasSizeGreaterThanOrEqualTo(3)
                    .allSatisfy(held -> assertThat((long) held * dim * Float.BYTES)
                            .isLessThanOrEqualTo(SegmentFileVectors.WINDOW_BYTES));
            assertThat(windowRows.stream().mapToInt(Integer::intValue).sum()).isEqualTo(rows);

            OrdinalFilter odd = ordinal -> ordinal % 2 == 1;
            assertThat(fromFile.search(query, 50, rows - 7, odd)).as("%s seed %d", metric, seed)
                    .isEqualTo(heap.search(query, 50, rows - 7, odd));
        }
        file.close();
    }

    /** A read after the segment closed its handle, the file still there, opens it for that read and closes it again. */
    @Test
    void aReadAfterCloseOpensTheFileForItself() throws Exception {
        FaultyDisk disk = new FaultyDisk();
        CollectionLayout layout = layout(VectorEncoding.FLOAT16);
        List<float[]> vectors = writeSegment(disk, layout);
        SegmentFileVectors file = SegmentFileVectors.open(disk, NAME, layout, 2, ROWS);
        file.close();
        float[] out = new float[DIM];
        file.read(ROWS / 2, out);
        assertThat(out).containsExactly(vectors.get(ROWS / 2));
        assertThat(disk.openReaders()).isZero();
    }

    /** A failing read through the storage seam fails that read with the I/O code; the handle still serves the next. */
    @Test
    void anInjectedReadFailureFailsOneReadWithTheIoCodeAndTheHandleStaysUsable() throws Exception {
        FaultyDisk disk = new FaultyDisk();
        CollectionLayout layout = layout(VectorEncoding.BFLOAT16);
        List<float[]> vectors = writeSegment(disk, layout);
        SegmentFileVectors file = SegmentFileVectors.open(disk, NAME, layout, 2, ROWS);
        float[] out = new float[DIM];

        disk.failReads(1);
        assertThatThrownBy(() -> file.read(3, out)).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_IO_FAILED));
        disk.failReads(1);
        assertThatThrownBy(file::loadAll).as("a whole-column read")
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_IO_FAILED));

        file.read(3, out);
        assertThat(out).containsExactly(vectors.get(3));
        assertThat(disk.openReaders()).isEqualTo(1);
        file.close();
        assertThat(disk.openReaders()).isZero();
    }

    /** Closing while a read is in progress leaves the handle to that read: it finishes, then the handle closes. */
    @Test
    void closingWhileAReadRunsClosesTheHandleWhenTheReadEnds() throws Exception {
        LocalDisk disk = LocalDisk.open(dir);
        CollectionLayout layout = layout(VectorEncoding.FLOAT32);
        List<float[]> vectors = writeSegment(disk, layout);
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        AtomicInteger closes = new AtomicInteger();
        ObjectStore gated = new GatedReads(disk, reading, proceed, closes);
        SegmentFileVectors file = SegmentFileVectors.open(gated, NAME, layout, 2, ROWS);
        float[] out = new float[DIM];
        CompletableFuture<Void> read = CompletableFuture.runAsync(() -> file.read(9, out));
        assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();

        file.close();
        assertThat(closes.get()).as("the read in progress holds the handle").isZero();
        Files.delete(dir.resolve(NAME));
        proceed.countDown();
        read.get(10, TimeUnit.SECONDS);
        assertThat(out).containsExactly(vectors.get(9));
        assertThat(closes.get()).isEqualTo(1);
    }

    /** The local disk's handle reads a deleted file, and a pending interrupt neither fails a read nor is lost. */
    @Test
    void aLocalHandleReadsADeletedFileAndSurvivesAPendingInterrupt() throws Exception {
        LocalDisk disk = LocalDisk.open(dir);
        CollectionLayout layout = layout(VectorEncoding.INT8);
        List<float[]> vectors = writeSegment(disk, layout);
        SegmentFileVectors file = SegmentFileVectors.open(disk, NAME, layout, 2, ROWS);
        Files.delete(dir.resolve(NAME));
        float[] out = new float[DIM];
        Thread.currentThread().interrupt();
        try {
            file.read(5, out);
        } finally {
            assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
        }
        assertThat(out).containsExactly(vectors.get(5));
        file.read(6, out);
        assertThat(out).as("the channel is still open").containsExactly(vectors.get(6));
        file.close();
    }

    /**
     * In the local cache of object storage, the copy a segment holds open is pinned: writes that push the cache over
     * its bound evict other copies, not it, until the segment closes it.
     */
    @Test
    void aCachedCopyHeldOpenIsNotEvictedUntilClosed() throws Exception {
        CollectionLayout layout = layout(VectorEncoding.FLOAT32);
        LocalDisk bucket = LocalDisk.open(dir.resolve("bucket"));
        SealedStorage cached = SealedStorage.remote(bucket, dir.resolve("cache"), 40_000);
        SealedObjectCache cache = (SealedObjectCache) cached.objects();
        List<float[]> vectors = writeSegment(cache, layout);
        SegmentFileVectors file = SegmentFileVectors.open(cache, NAME, layout, 2, ROWS);
        assertThat(cache.pinned()).isEqualTo(1);
        Path copy = dir.resolve("cache").resolve(NAME);

        cache.write("segments/7/9.seg", new byte[39_000]);
        assertThat(copy).as("pinned: not evicted").exists();
        float[] out = new float[DIM];
        file.read(ROWS - 1, out);
        assertThat(out).containsExactly(vectors.get(ROWS - 1));

        file.close();
        assertThat(cache.pinned()).isZero();
        assertThat(copy).as("evicted once closed").doesNotExist();
    }

    /** A store that holds every handle read until told to go on, and counts handle closes. */
    private static final class GatedReads extends ForwardingStore {
        private final CountDownLatch reading;
        private final CountDownLatch proceed;
        private final AtomicInteger closes;

        GatedReads(ObjectStore disk, CountDownLatch reading, CountDownLatch proceed, AtomicInteger closes) {
            super(disk);
            this.reading = reading;
            this.proceed = proceed;
            this.closes = closes;
        }

        @Override
        void beforeRead(ByteBuffer into) throws IOException {
            reading.countDown();
            try {
                proceed.await();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
        }

        @Override
        void closing() {
            closes.incrementAndGet();
        }
    }

    /** A store that records how many bytes each read through a handle asks for. */
    private static final class RecordedReads extends ForwardingStore {
        final List<Integer> requested = java.util.Collections.synchronizedList(new ArrayList<>());

        RecordedReads(ObjectStore disk) {
            super(disk);
        }

        @Override
        void beforeRead(ByteBuffer into) {
            requested.add(into.remaining());
        }
    }

    /** Everything passed to {@code disk}; a handle's reads and close first call the hooks. */
    private abstract static class ForwardingStore implements ObjectStore {
        final ObjectStore disk;

        ForwardingStore(ObjectStore disk) {
            this.disk = disk;
        }

        void beforeRead(ByteBuffer into) throws IOException {}

        void closing() {}

        @Override
        public ReadHandle openReader(String name) throws IOException {
            ReadHandle handle = disk.openReader(name);
            return new ReadHandle() {
                @Override
                public int read(long position, ByteBuffer into) throws IOException {
                    beforeRead(into);
                    return handle.read(position, into);
                }

                @Override
                public void close() throws IOException {
                    closing();
                    handle.close();
                }
            };
        }

        @Override
        public void write(String name, Contents contents) throws IOException {
            disk.write(name, contents);
        }

        @Override
        public long size(String name) throws IOException {
            return disk.size(name);
        }

        @Override
        public int read(String name, long position, ByteBuffer into) throws IOException {
            return disk.read(name, position, into);
        }

        @Override
        public boolean exists(String name) throws IOException {
            return disk.exists(name);
        }

        @Override
        public List<String> list(String prefix) throws IOException {
            return disk.list(prefix);
        }

        @Override
        public void delete(String name) throws IOException {
            disk.delete(name);
        }

        @Override
        public String describe(String name) {
            return disk.describe(name);
        }
    }
}
