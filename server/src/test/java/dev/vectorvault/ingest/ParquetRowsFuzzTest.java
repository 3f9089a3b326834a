package dev.vectorvault.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.fuzz.FuzzOutcome;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target: a Parquet import file ({@link ParquetRows}). Any bytes either read to their end or are refused as
 * {@code IMPORT_FAILED} naming the file, so a damaged upload fails its import job cleanly. Seeds: small files of
 * every column layout the reader knows, written by parquet-java with SNAPPY and ZSTD pages.
 */
class ParquetRowsFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void anyFileReadsToItsEndOrFailsItsImport(byte[] bytes) throws Exception {
        Path file = Files.createTempFile("fuzz", ".parquet");
        try {
            Files.write(file, bytes);
            FuzzOutcome.resultOr(MilvusException.class, () -> {
                try (ParquetRows rows = new ParquetRows(file, "f.parquet", 1 << 20)) {
                    while (!rows.next(1 << 16).isEmpty()) {
                        assertThat(rows.rowsRead()).isPositive();
                    }
                    return rows.rowsRead();
                } catch (MilvusException e) {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.IMPORT_FAILED);
                    assertThat(e.getMessage()).contains("f.parquet");
                    throw e;
                }
            });
        } finally {
            Files.delete(file);
        }
    }
}
