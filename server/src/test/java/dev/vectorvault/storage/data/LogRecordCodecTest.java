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
}
