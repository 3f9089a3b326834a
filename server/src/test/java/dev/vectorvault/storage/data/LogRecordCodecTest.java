package dev.vectorvault.storage.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.wal.WalRecord;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A log record payload that does not decode (a checksum can pass over bytes a buggy writer produced) is storage
 * corruption naming the log, the record and the offset: never another exception type that would reach a client as
 * "internal error".
 */
@Timeout(30)
class LogRecordCodecTest {
    private static final CollectionLayout DOCS = FrozenV1.layout(FrozenV1.DOCS, FrozenV1.DOCS_PARTITION);

    private static Optional<LogRecordCodec.Entry> decode(long lsn, byte[] payload) {
        return LogRecordCodec.decode("wal/", new WalRecord(lsn, payload), id -> Optional.of(DOCS));
    }

    private static void assertCorrupt(StorageException e, long lsn) {
        assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_CORRUPT);
        assertThat(e.file()).isEqualTo("wal/");
        assertThat(e.getMessage()).contains("wal/").contains("log record " + lsn).contains("at offset");
    }

    /** The insert time the puts of these tests carry. */
    private static final long AT = 1_700_000_000_000L;

    @Test
    void aPutRoundTrips() {
        byte[] put = LogRecordCodec.encodePut(DOCS, FrozenV1.DOCS_PARTITION, AT, List.<Object[]>of(FrozenV1.row(7)));
        LogRecordCodec.Put decoded = (LogRecordCodec.Put) decode(3, put).orElseThrow();
        assertThat(decoded.rows().get(0)[0]).isEqualTo(7L);
        assertThat(decoded.insertTime()).as("the writer's insert time, never the reader's clock").isEqualTo(AT);
    }

    @Test
    void everyTruncatedPutIsRefusedAsCorruptNamingTheRecord() {
        byte[] put = LogRecordCodec.encodePut(DOCS, FrozenV1.DOCS_PARTITION, AT, List.<Object[]>of(FrozenV1.row(7)));
        for (int length = 0; length < put.length; length++) {
            byte[] prefix = Arrays.copyOf(put, length);
            assertCorrupt(catchThrowableOfType(StorageException.class, () -> decode(12, prefix)), 12);
        }
    }

    @Test
    void anUnknownRecordTypeIsRefusedAsCorrupt() {
        byte[] put = LogRecordCodec.encodePut(DOCS, FrozenV1.DOCS_PARTITION, AT, List.<Object[]>of(FrozenV1.row(7)));
        put[0] = 9;
        StorageException e = catchThrowableOfType(StorageException.class, () -> decode(5, put));
        assertCorrupt(e, 5);
        assertThat(e.getMessage()).contains("unknown log record type 9");
    }

    @Test
    void aVectorOfTheWrongDimensionIsRefusedAsCorrupt() {
        Object[] row = FrozenV1.row(7);
        row[1] = new float[] {1, 2};
        byte[] put = LogRecordCodec.encodePut(DOCS, FrozenV1.DOCS_PARTITION, AT, List.<Object[]>of(row));
        StorageException e = catchThrowableOfType(StorageException.class, () -> decode(8, put));
        assertCorrupt(e, 8);
        assertThat(e.getMessage()).contains("vector of dimension 2").contains("dimension 4 belongs");
    }

    private static final CollectionLayout SPARSE = CollectionLayout.builder(77, 0,
            new int[] {0, CollectionLayout.SPARSE}).partitions(java.util.Set.of(5L)).build();

    @Test
    void aPutOfSparseVectorsRoundTripsAsARecordOfTheCurrentVersion() {
        dev.vectorvault.index.SparseVector row = dev.vectorvault.index.SparseVector.of(new long[] {1, 0xFFFF_FFFEL},
                new float[] {0.5f, 2f});
        byte[] put = LogRecordCodec.encodePut(SPARSE, 5, AT, List.<Object[]>of(new Object[] {9L, row},
                new Object[] {10L, dev.vectorvault.index.SparseVector.EMPTY}));
        assertThat(new dev.vectorvault.storage.codec.ValueReader("wal/", "r", put).readInt())
                .as("puts of version 4 have record type 5").isEqualTo(5);
        LogRecordCodec.Put decoded = (LogRecordCodec.Put) LogRecordCodec.decode("wal/", new WalRecord(4, put),
                id -> Optional.of(SPARSE)).orElseThrow();
        assertThat(decoded.rows().get(0)[1]).isEqualTo(row);
        assertThat(decoded.rows().get(1)[1]).isEqualTo(dev.vectorvault.index.SparseVector.EMPTY);
    }

    /** {@code id}, {@code n}: as created; {@code score} (default 7) added later. */
    private static final CollectionLayout NARROW = CollectionLayout.builder(8, 0, new int[] {0, 0})
            .partitions(java.util.Set.of(5L)).build();
    private static final CollectionLayout WIDENED = CollectionLayout.builder(8, 0, new int[] {0, 0, 0})
            .partitions(java.util.Set.of(5L)).addedFields(2, null, null, 7L).build();

    @Test
    void rowsWrittenBeforeAFieldWasAddedReadItsAbsentValue() {
        byte[] put = LogRecordCodec.encodePut(NARROW, 5, AT, List.<Object[]>of(new Object[] {1L, 2L}));
        LogRecordCodec.Put decoded = (LogRecordCodec.Put) LogRecordCodec.decode("wal/", new WalRecord(1, put),
                id -> Optional.of(WIDENED)).orElseThrow();
        assertThat(decoded.rows().get(0)).containsExactly(1L, 2L, 7L);

        byte[] wide = LogRecordCodec.encodePut(WIDENED, 5, AT, List.<Object[]>of(new Object[] {1L, 2L, null}));
        decoded = (LogRecordCodec.Put) LogRecordCodec.decode("wal/", new WalRecord(2, wide),
                id -> Optional.of(WIDENED)).orElseThrow();
        assertThat(decoded.rows().get(0)).as("a null written after the field was added stays null")
                .containsExactly(1L, 2L, null);
    }

    @Test
    void aPutOfVersion2HoldsTheFieldsTheCollectionWasCreatedWith() {
        dev.vectorvault.storage.codec.ValueWriter out = new dev.vectorvault.storage.codec.ValueWriter(64);
        out.writeInt(3).writeLong(8).writeLong(5).writeInt(2);
        LogRecordCodec.writeRow(out, NARROW, new Object[] {1L, 2L});
        LogRecordCodec.writeRow(out, NARROW, new Object[] {3L, 4L});
        LogRecordCodec.Put decoded = (LogRecordCodec.Put) LogRecordCodec.decode("wal/",
                new WalRecord(3, out.toByteArray()), id -> Optional.of(WIDENED)).orElseThrow();
        assertThat(decoded.rows()).containsExactly(new Object[] {1L, 2L, 7L}, new Object[] {3L, 4L, 7L});
    }

    @Test
    void aRowWidthBeyondTheCollectionsFieldsIsRefusedAsCorrupt() {
        byte[] put = LogRecordCodec.encodePut(WIDENED, 5, AT, List.<Object[]>of(new Object[] {1L, 2L, 3L}));
        StorageException e = catchThrowableOfType(StorageException.class, () -> LogRecordCodec.decode("wal/",
                new WalRecord(7, put), id -> Optional.of(NARROW)));
        assertCorrupt(e, 7);
        assertThat(e.getMessage()).contains("rows of 3 values where collection 8 has 2 fields");
    }

    @Test
    void aScalarWhereASparseVectorBelongsIsRefusedAsCorrupt() {
        byte[] put = LogRecordCodec.encodePut(SPARSE, 5, AT, List.<Object[]>of(new Object[] {9L, "text"}));
        StorageException e = catchThrowableOfType(StorageException.class, () -> LogRecordCodec.decode("wal/",
                new WalRecord(6, put), id -> Optional.of(SPARSE)));
        assertCorrupt(e, 6);
        assertThat(e.getMessage()).contains("where a sparse vector belongs");
    }

    @Test
    void aSparseVectorWithUnsortedIndicesIsRefusedAsCorrupt() {
        byte[] put = LogRecordCodec.encodePut(SPARSE, 5, AT, List.<Object[]>of(new Object[] {9L,
                dev.vectorvault.index.SparseVector.of(new long[] {1, 2}, new float[] {1, 1})}));
        // The second index (little-endian, after tag, count and the first pair) becomes 0: unsorted.
        int second = put.length - 8;
        put[second] = 0;
        StorageException e = catchThrowableOfType(StorageException.class, () -> LogRecordCodec.decode("wal/",
                new WalRecord(7, put), id -> Optional.of(SPARSE)));
        assertCorrupt(e, 7);
        assertThat(e.getMessage()).contains("unsorted indices");
    }

    @Test
    void narrowVectorFieldsAreLoggedAtTheirOwnWidthAndReadBackAsFloats() {
        int dim = 64;
        float[] vector = new float[dim];
        for (int d = 0; d < dim; d++) {
            vector[d] = d - 32; // exact in every encoding
        }
        byte[] float32 = null;
        for (dev.vectorvault.index.VectorEncoding encoding : dev.vectorvault.index.VectorEncoding.values()) {
            CollectionLayout layout = CollectionLayout.builder(5, 0, new int[] {0, dim})
                    .partitions(java.util.Set.of(1L))
                    .encodings(dev.vectorvault.index.VectorEncoding.FLOAT32, encoding).build();
            byte[] put = LogRecordCodec.encodePut(layout, 1, AT, List.<Object[]>of(new Object[] {7L, vector}));
            if (float32 == null) {
                float32 = put;
            }
            assertThat(float32.length - put.length).as(encoding + " saves its width")
                    .isGreaterThanOrEqualTo(dim * (4 - encoding.bytesPerComponent()) - 1); // a varint length may differ
            LogRecordCodec.Put decoded = (LogRecordCodec.Put) LogRecordCodec.decode("wal/", new WalRecord(1, put),
                    id -> Optional.of(layout)).orElseThrow();
            assertThat((float[]) decoded.rows().get(0)[1]).containsExactly(vector);
            byte[] truncatedRow = Arrays.copyOf(put, put.length);
            CollectionLayout wider = CollectionLayout.builder(5, 0, new int[] {0, dim * 2})
                    .partitions(java.util.Set.of(1L)).encodings(layout.vectorEncodings()).build();
            assertCorrupt(catchThrowableOfType(StorageException.class, () -> LogRecordCodec.decode("wal/",
                    new WalRecord(4, truncatedRow), id -> Optional.of(wider))), 4);
        }
    }

    /**
     * A write cut under a record limit: every record is at most the limit, full up to the row that did not fit, and
     * the records decode to the rows (or keys) in their order; without a limit it is the one record as before.
     */
    @Test
    void aWriteLargerThanTheRecordLimitIsCutOnRowBoundariesIntoWholeRecords() {
        List<Object[]> rows = new java.util.ArrayList<>();
        List<Object> keys = new java.util.ArrayList<>();
        for (long k = 0; k < 500; k++) {
            rows.add(FrozenV1.row(k));
            keys.add(k);
        }
        byte[] whole = LogRecordCodec.encodePut(DOCS, FrozenV1.DOCS_PARTITION, AT, rows);
        assertThat(LogRecordCodec.encodePuts(DOCS, FrozenV1.DOCS_PARTITION, AT, rows, Integer.MAX_VALUE))
                .singleElement().satisfies(p -> assertThat(p.record()).isEqualTo(whole));
        // A write that fits one record under the limit is that record byte for byte, up to the last byte.
        assertThat(LogRecordCodec.encodePuts(DOCS, FrozenV1.DOCS_PARTITION, AT, rows, whole.length))
                .singleElement().satisfies(p -> {
                    assertThat(p.record()).isEqualTo(whole);
                    assertThat(p.items()).isEqualTo(rows);
                });
        assertThat(LogRecordCodec.encodePuts(DOCS, FrozenV1.DOCS_PARTITION, AT, rows, whole.length - 1)).hasSize(2);
        byte[] allKeys = LogRecordCodec.encodeDelete(DOCS, keys);
        assertThat(LogRecordCodec.encodeDeletes(DOCS, keys, allKeys.length))
                .singleElement().satisfies(p -> assertThat(p.record()).isEqualTo(allKeys));
        assertThat(LogRecordCodec.encodeDeletes(DOCS, keys, allKeys.length - 1)).hasSize(2);
        int limit = whole.length / 7;
        List<LogRecordCodec.Piece<Object[]>> puts =
                LogRecordCodec.encodePuts(DOCS, FrozenV1.DOCS_PARTITION, AT, rows, limit);
        assertThat(puts).hasSizeGreaterThanOrEqualTo(7);
        List<Object> decodedKeys = new java.util.ArrayList<>();
        for (int i = 0; i < puts.size(); i++) {
            LogRecordCodec.Piece<Object[]> piece = puts.get(i);
            assertThat(piece.record().length).isLessThanOrEqualTo(limit);
            LogRecordCodec.Put decoded = (LogRecordCodec.Put) decode(i + 1, piece.record()).orElseThrow();
            assertThat(decoded.rows()).hasSameSizeAs(piece.items());
            assertThat(decoded.insertTime()).isEqualTo(AT);
            int start = decodedKeys.size();
            if (i < puts.size() - 1) {
                assertThat(LogRecordCodec.encodePut(DOCS, FrozenV1.DOCS_PARTITION, AT,
                        rows.subList(start, start + piece.items().size() + 1)).length)
                        .as("record %d holds as many rows as fit", i).isGreaterThan(limit);
            }
            decoded.rows().forEach(row -> decodedKeys.add(row[0]));
        }
        assertThat(decodedKeys).isEqualTo(keys);

        List<LogRecordCodec.Piece<Object>> deletes = LogRecordCodec.encodeDeletes(DOCS, keys, 64);
        List<Object> deletedKeys = new java.util.ArrayList<>();
        for (LogRecordCodec.Piece<Object> piece : deletes) {
            assertThat(piece.record().length).isLessThanOrEqualTo(64);
            deletedKeys.addAll(((LogRecordCodec.Delete) decode(1, piece.record()).orElseThrow()).primaryKeys());
        }
        assertThat(deletes).hasSizeGreaterThan(10);
        assertThat(deletedKeys).isEqualTo(keys);
    }

    @Test
    void aRowLargerThanTheRecordLimitIsRefusedNamingItsKeyAndTheLimit() {
        List<Object[]> rows = List.of(FrozenV1.row(1), FrozenV1.row(2));
        int oneRow = LogRecordCodec.encodePut(DOCS, FrozenV1.DOCS_PARTITION, AT, rows.subList(0, 1)).length;
        dev.vectorvault.common.MilvusException e = catchThrowableOfType(dev.vectorvault.common.MilvusException.class,
                () -> LogRecordCodec.encodePuts(DOCS, FrozenV1.DOCS_PARTITION, AT, rows, oneRow - 1));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.PARAMETER_INVALID);
        assertThat(e.getMessage()).contains("primary key 1", "limit of " + (oneRow - 1) + " bytes");
        assertThat(LogRecordCodec.encodePuts(DOCS, FrozenV1.DOCS_PARTITION, AT, rows, oneRow)).hasSize(2);
        // The same check for a request written as one put per partition (partition key), before the first put.
        assertThat(catchThrowableOfType(dev.vectorvault.common.MilvusException.class,
                () -> LogRecordCodec.checkRowsFit(DOCS, rows, oneRow - 1))).hasMessage(e.getMessage());
        LogRecordCodec.checkRowsFit(DOCS, rows, oneRow);
    }
}
