package dev.vectorvault.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A job's counts as a stop, from another thread, fails it while its own thread writes batches. */
@Timeout(60)
class ImportJobTest {
    private static String reason(ImportJob job) {
        return "stopped; rows written: " + job.importedRows();
    }

    @Test
    void aStopFailingTheJobWaitsForTheBatchBeingWrittenAndCountsItsRows() throws Exception {
        ImportJob job = new ImportJob(1, "default", "c", 7, "", List.of(List.of("a.json")), 5);
        assertThat(job.writeBatch(() -> { }, 3, rows -> 40)).isTrue();
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch written = new CountDownLatch(1);
        Thread writer = new Thread(() -> job.writeBatch(() -> {
            writing.countDown();
            try {
                written.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 4, rows -> 50));
        writer.start();
        writing.await();
        AtomicBoolean failed = new AtomicBoolean();
        Thread stop = new Thread(() -> failed.set(job.failUnlessEnded(ImportJobTest::reason, 9)));
        stop.start();
        while (stop.getState() != Thread.State.BLOCKED) { // the stop waits for the batch
            Thread.onSpinWait();
        }
        written.countDown();
        stop.join();
        writer.join();

        assertThat(failed).isTrue();
        assertThat(job.state()).isEqualTo(ImportJob.State.FAILED);
        assertThat(job.importedRows()).isEqualTo(7);
        assertThat(job.reason()).isEqualTo("stopped; rows written: 7");
    }

    @Test
    void anEndedJobWritesNoFurtherBatchAndKeepsItsEnd() {
        ImportJob job = new ImportJob(1, "default", "c", 7, "", List.of(List.of("a.json")), 5);
        job.writeBatch(() -> { }, 3, rows -> 40);
        assertThat(job.failUnlessEnded(ImportJobTest::reason, 9)).isTrue();
        AtomicBoolean wrote = new AtomicBoolean();

        assertThat(job.writeBatch(() -> wrote.set(true), 4, rows -> 50)).isFalse();
        job.checking(20);
        job.importing(10, 60);
        job.completed(10);
        assertThat(job.failUnlessEnded(j -> "again", 11)).isFalse();

        assertThat(wrote).isFalse();
        assertThat(job.state()).isEqualTo(ImportJob.State.FAILED);
        assertThat(job.importedRows()).isEqualTo(3);
        assertThat(job.reason()).isEqualTo("stopped; rows written: 3");
        assertThat(job.finishedMillis()).isEqualTo(9);
    }

    /** The embedded ledger keeps the job object itself as its record: its end must be final there. */
    @Test
    void aCompletedJobIsNotFailedAfterwards() {
        ImportJob job = new ImportJob(1, "default", "c", 7, "", List.of(List.of("a.json")), 5);
        job.writeBatch(() -> { }, 3, rows -> 40);
        job.completed(9);
        job.failed("a late failure", 11);
        assertThat(job.state()).isEqualTo(ImportJob.State.COMPLETED);
        assertThat(job.reason()).isEmpty();
        assertThat(job.finishedMillis()).isEqualTo(9);
    }
}
