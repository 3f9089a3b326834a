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

    @Test
    void aPutRoundTrips() {
        byte[] put = LogRecordCodec.encodePut(DOCS, FrozenV1.DOCS_PARTITION, List.<Object[]>of(FrozenV1.row(7)));
        LogRecordCodec.Put decoded = (LogRecordCodec.Put) decode(3, put).orElseThrow();
        assertThat(decoded.rows().get(0)[0]).isEqualTo(7L);
    }

    @Test
    void everyTruncatedPutIsRefusedAsCorruptNamingTheRecord() {
        byte[] put = LogRecordCodec.encodePut(DOCS, FrozenV1.DOCS_PARTITION, List.<Object[]>of(FrozenV1.row(7)));
        for (int length = 0; length < put.length; length++) {
            byte[] prefix = Arrays.copyOf(put, length);
            assertCorrupt(catchThrowableOfType(StorageException.class, () -> decode(12, prefix)), 12);
        }
    }

    @Test
    void anUnknownRecordTypeIsRefusedAsCorrupt() {
        byte[] put = LogRecordCodec.encodePut(DOCS, FrozenV1.DOCS_PARTITION, List.<Object[]>of(FrozenV1.row(7)));
        put[0] = 9;
        StorageException e = catchThrowableOfType(StorageException.class, () -> decode(5, put));
        assertCorrupt(e, 5);
        assertThat(e.getMessage()).contains("unknown log record type 9");
    }

    @Test
    void aVectorOfTheWrongDimensionIsRefusedAsCorrupt() {
        Object[] row = FrozenV1.row(7);
        row[1] = new float[] {1, 2};
        byte[] put = LogRecordCodec.encodePut(DOCS, FrozenV1.DOCS_PARTITION, List.<Object[]>of(row));
        StorageException e = catchThrowableOfType(StorageException.class, () -> decode(8, put));
        assertCorrupt(e, 8);
        assertThat(e.getMessage()).contains("vector of dimension 2").contains("dimension 4 belongs");
    }

    private static final CollectionLayout SPARSE = new CollectionLayout(77, 0,
            new int[] {0, CollectionLayout.SPARSE}, new boolean[] {false, false}, java.util.Set.of(5L));

    @Test
    void aPutOfSparseVectorsRoundTripsAsARecordOfVersion2() {
        dev.vectorvault.index.SparseVector row = dev.vectorvault.index.SparseVector.of(new long[] {1, 0xFFFF_FFFEL},
                new float[] {0.5f, 2f});
        byte[] put = LogRecordCodec.encodePut(SPARSE, 5, List.<Object[]>of(new Object[] {9L, row},
                new Object[] {10L, dev.vectorvault.index.SparseVector.EMPTY}));
        assertThat(new dev.vectorvault.storage.codec.ValueReader("wal/", "r", put).readInt())
                .as("puts of version 2 have record type 3").isEqualTo(3);
        LogRecordCodec.Put decoded = (LogRecordCodec.Put) LogRecordCodec.decode("wal/", new WalRecord(4, put),
                id -> Optional.of(SPARSE)).orElseThrow();
        assertThat(decoded.rows().get(0)[1]).isEqualTo(row);
        assertThat(decoded.rows().get(1)[1]).isEqualTo(dev.vectorvault.index.SparseVector.EMPTY);
    }

    @Test
    void aScalarWhereASparseVectorBelongsIsRefusedAsCorrupt() {
        byte[] put = LogRecordCodec.encodePut(SPARSE, 5, List.<Object[]>of(new Object[] {9L, "text"}));
        StorageException e = catchThrowableOfType(StorageException.class, () -> LogRecordCodec.decode("wal/",
                new WalRecord(6, put), id -> Optional.of(SPARSE)));
        assertCorrupt(e, 6);
        assertThat(e.getMessage()).contains("where a sparse vector belongs");
    }

    @Test
    void aSparseVectorWithUnsortedIndicesIsRefusedAsCorrupt() {
        byte[] put = LogRecordCodec.encodePut(SPARSE, 5, List.<Object[]>of(new Object[] {9L,
                dev.vectorvault.index.SparseVector.of(new long[] {1, 2}, new float[] {1, 1})}));
        // The second index (little-endian, after tag, count and the first pair) becomes 0: unsorted.
        int second = put.length - 8;
        put[second] = 0;
        StorageException e = catchThrowableOfType(StorageException.class, () -> LogRecordCodec.decode("wal/",
                new WalRecord(7, put), id -> Optional.of(SPARSE)));
        assertCorrupt(e, 7);
        assertThat(e.getMessage()).contains("unsorted indices");
    }
}
