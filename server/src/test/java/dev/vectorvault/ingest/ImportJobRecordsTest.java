package dev.vectorvault.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.MilvusException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImportJobRecordsTest {
    @Test
    void theFrozenVersionOneRecordIsRead() throws Exception {
        byte[] frozen;
        try (InputStream in = getClass().getResourceAsStream("/formats/v1/records/import-job.json")) {
            frozen = in.readAllBytes();
        }
        ImportJobRecords.Entry entry = ImportJobRecords.decode("job/463812394881024001", frozen);
        ImportJob job = entry.job();
        assertThat(job.id()).isEqualTo(463812394881024001L);
        assertThat(job.database()).isEqualTo("default");
        assertThat(job.collection()).isEqualTo("books");
        assertThat(job.collectionId()).isEqualTo(463812394881020000L);
        assertThat(job.partition()).isEmpty();
        assertThat(job.files()).containsExactly(List.of("rows.json"), List.of("np/id.npy", "np/v.npy"));
        assertThat(job.createdMillis()).isEqualTo(1765100000000L);
        assertThat(job.state()).isEqualTo(ImportJob.State.IMPORTING);
        assertThat(job.totalRows()).isEqualTo(3000);
        assertThat(job.importedRows()).isEqualTo(1200);
        assertThat(job.progress()).isEqualTo(46);
        assertThat(job.finishedMillis()).isZero();
        assertThat(entry.node()).isEqualTo(3);
        assertThat(entry.lease()).isEqualTo(7587883417356621314L);
    }

    @Test
    void aFailedJobSurvivesTheRoundTripWithItsReason() {
        ImportJob job = new ImportJob(42, "db1", "c", 7, "p", List.of(List.of("a.csv")), 1000);
        job.checking(5);
        job.failed("import file not found: a.csv", 2000);
        ImportJobRecords.Entry back = ImportJobRecords.decode("job/42", ImportJobRecords.encode(job, 5, 99));
        assertThat(back.job().state()).isEqualTo(ImportJob.State.FAILED);
        assertThat(back.job().reason()).isEqualTo("import file not found: a.csv");
        assertThat(back.job().finishedMillis()).isEqualTo(2000);
        assertThat(back.job().partition()).isEqualTo("p");
        assertThat(back.node()).isEqualTo(5);
        assertThat(back.lease()).isEqualTo(99);
    }

    @Test
    void aNewerVersionOrAnUnknownStateIsReportedNotGuessed() {
        byte[] newer = "{\"formatVersion\":2,\"database\":\"d\",\"collection\":\"c\",\"files\":[],\"state\":\"Pending\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ImportJobRecords.decode("job/1", newer)).isInstanceOf(MilvusException.class)
                .hasMessageContaining("format version 2");
        byte[] unknown = "{\"formatVersion\":1,\"database\":\"d\",\"collection\":\"c\",\"files\":[],\"state\":\"Done\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ImportJobRecords.decode("job/1", unknown)).isInstanceOf(MilvusException.class)
                .hasMessageContaining("Done");
    }
}
