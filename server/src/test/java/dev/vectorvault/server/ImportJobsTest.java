package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.ConsistencyLevel;
import dev.vectorvault.catalog.Database;
import dev.vectorvault.catalog.TestSchemas;
import dev.vectorvault.common.HybridClock;
import dev.vectorvault.config.ServerConfig.ImportSettings;
import dev.vectorvault.ingest.EndOvertakenByProgress;
import dev.vectorvault.ingest.ImportFiles;
import dev.vectorvault.ingest.ImportJob;
import dev.vectorvault.ingest.ImportLedger;
import dev.vectorvault.ingest.ImportRoot;
import dev.vectorvault.ingest.LocalImportLedger;
import dev.vectorvault.ingest.SharedImportLedger;
import dev.vectorvault.query.EntityWriter;
import dev.vectorvault.query.Layouts;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.data.DataExecutors;
import dev.vectorvault.storage.data.DataStore;
import dev.vectorvault.storage.data.IndexBuildSettings;
import dev.vectorvault.storage.io.FaultyDisk;
import dev.vectorvault.storage.wal.Durability;
import io.milvus.grpc.GetImportStateRequest;
import io.milvus.grpc.GetImportStateResponse;
import io.milvus.grpc.ImportState;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Import jobs run on the catalog, data store and writer a server wires, recorded in a cluster's shared ledger (over
 * an in-memory store, with a second node reading the records as another server would).
 */
@Timeout(120)
class ImportJobsTest {
    private static final long NODE = 1;
    private static final long OTHER_NODE = 2;

    @TempDir
    Path dir;
    private final MvMetaStore meta = MvMetaStore.inMemory();
    private final MvMetaStore records = MvMetaStore.inMemory();
    private final DataExecutors executors = new DataExecutors();
    private Catalog catalog;
    private DataStore data;
    private EntityWriter writer;
    private Path staging;
    private ImportJobs jobs;

    @BeforeEach
    void open() throws IOException {
        HybridClock clock = new HybridClock();
        DataCleanup cleanup = new DataCleanup(); // wired as the server wires it
        catalog = new Catalog(meta, clock, cleanup);
        data = DataStore.open(dir.resolve("data"), Durability.FSYNC, meta, new Layouts(catalog), 10_000,
                DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES, IndexBuildSettings.defaults(), executors);
        cleanup.attach(data);
        writer = new EntityWriter(catalog, data, clock);
        catalog.createCollection(Database.DEFAULT, "c", TestSchemas.schema(TestSchemas.int64Key("id"),
                TestSchemas.vector("v", 4)), 1, ConsistencyLevel.STRONG, Map.of());
        staging = dir.resolve("import-staging");
        Files.createDirectories(dir.resolve("import"));
        Files.writeString(dir.resolve("import/rows.json"), "[" + IntStream.range(0, 50)
                .mapToObj(i -> "{\"id\": " + i + ", \"v\": [" + i + ", 1, 2, 3]}").collect(Collectors.joining(","))
                + "]");
    }

    @AfterEach
    void close() {
        if (jobs != null) {
            jobs.close();
        }
        data.close();
        executors.close();
        meta.close();
        records.close();
    }

    /** Node 1's ledger; both nodes' sessions stay alive throughout, as during a clean stop. */
    private SharedImportLedger ledger(long node) {
        return new SharedImportLedger(records, node, () -> node * 100, n -> OptionalLong.of(n * 100),
                System::currentTimeMillis, System::nanoTime);
    }

    private ImportJobs jobs(ImportLedger ledger) {
        return jobs(ledger, new FaultyDisk(), 0);
    }

    /**
     * One job at a time, a batch of about two rows, so a job crosses many batch boundaries; the staging folder's
     * free space as {@code disk} reports it.
     */
    private ImportJobs jobs(ImportLedger ledger, FaultyDisk disk, long headroomBytes) {
        return jobs(ledger, disk, headroomBytes, new ImportRoot(dir.resolve("import")));
    }

    private ImportJobs jobs(ImportLedger ledger, FaultyDisk disk, long headroomBytes, ImportFiles files) {
        return jobs(ledger, disk, headroomBytes, files, 5_000);
    }

    private ImportJobs jobs(ImportLedger ledger, FaultyDisk disk, long headroomBytes, ImportFiles files,
                            long stopWaitMs) {
        ImportSettings settings = new ImportSettings(dir.resolve("import"), 10, 10, 1, 1L << 30, 64, 60_000,
                headroomBytes, 1L << 20, stopWaitMs);
        return new ImportJobs(catalog, writer, settings, files, ledger, new ImportJobs.Staging(staging, disk), null,
                System::currentTimeMillis);
    }

    private static ImportJob awaitEnd(ImportJobs jobs, ImportJob job) throws InterruptedException {
        while (!jobs.find(job.id()).orElseThrow().state().finished()) {
            Thread.sleep(10);
        }
        return jobs.find(job.id()).orElseThrow();
    }

    @Test
    void aJobWhoseCopiesWouldEatIntoTheDiskHeadroomFailsBeforeCopyingAnything() throws Exception {
        long fileBytes = Files.size(dir.resolve("import/rows.json"));
        jobs = jobs(ledger(NODE), new FaultyDisk().diskFullAfter(fileBytes + 999), 1000);
        ImportJob refused = awaitEnd(jobs, submit());
        assertThat(refused.state()).isEqualTo(ImportJob.State.FAILED);
        assertThat(refused.reason()).startsWith("not enough free disk to stage the import files: they take "
                + fileBytes + " bytes").contains((fileBytes + 999) + " bytes free")
                .contains("must keep 1000 free").contains("dataNode.import.diskHeadroomInMB");
        assertThat(refused.importedRows()).isZero();
        assertThat(staging.resolve(Long.toString(refused.id()))).doesNotExist();
        jobs.close();

        jobs = jobs(ledger(NODE), new FaultyDisk().diskFullAfter(fileBytes + 1000), 1000);
        ImportJob fits = awaitEnd(jobs, submit());
        assertThat(fits.state()).as(fits.reason()).isEqualTo(ImportJob.State.COMPLETED);
        assertThat(fits.importedRows()).isEqualTo(50);
    }

    @Test
    void aJobLeavesPendingAsSoonAsItStartsCopyingAndItsProgressFollowsTheBytesCopied() throws Exception {
        long fileBytes = Files.size(dir.resolve("import/rows.json"));
        long half = fileBytes / 2;
        // Embedded (jobs in memory), then in a cluster, where another node reads the job's record.
        for (ImportLedger ledger : List.of(new LocalImportLedger(new HybridClock()::next), ledger(NODE))) {
            StalledAfter source = new StalledAfter(new ImportRoot(dir.resolve("import")), half);
            jobs = jobs(ledger, new FaultyDisk(), 0, source);
            ImportJob job = submit();
            assertThat(source.stalled.await(60, TimeUnit.SECONDS)).isTrue();

            ImportJob seen = ledger instanceof SharedImportLedger ? ledger(OTHER_NODE).find(job.id()).orElseThrow()
                    : jobs.find(job.id()).orElseThrow();
            assertThat(seen.state()).as(ledger.getClass().getSimpleName()).isEqualTo(ImportJob.State.PRE_IMPORTING);
            assertThat(seen.state().reportedName()).isEqualTo("Importing");
            assertThat(seen.progress()).isBetween(ImportJob.PRE_IMPORTING_FROM, ImportJob.IMPORTING_FROM - 1);
            if (!(ledger instanceof SharedImportLedger)) { // a shared ledger records progress at most once a second
                assertThat(seen.progress()).isEqualTo(ImportJob.PRE_IMPORTING_FROM + (int) (15 * half / fileBytes));
            }
            source.resume.countDown();
            ImportJob done = awaitEnd(jobs, job);
            assertThat(done.state()).as(done.reason()).isEqualTo(ImportJob.State.COMPLETED);
            assertThat(done.progress()).isEqualTo(100);
            jobs.close();
            jobs = null;
        }
    }

    @Test
    void aStopWaitsTheConfiguredTimeForARunningJobAndNoneWhenItIsZero() throws Exception {
        long half = Files.size(dir.resolve("import/rows.json")) / 2;
        StalledAfter stalled = new StalledAfter(new ImportRoot(dir.resolve("import")), half);
        jobs = jobs(ledger(NODE), new FaultyDisk(), 0, stalled, 0);
        ImportJob interrupted = submit();
        assertThat(stalled.stalled.await(60, TimeUnit.SECONDS)).isTrue();
        jobs.close(); // no wait: the copy stays stalled, the stop interrupts it
        jobs = null;
        ImportJob seen = ledger(OTHER_NODE).find(interrupted.id()).orElseThrow();
        assertThat(seen.state()).isEqualTo(ImportJob.State.FAILED);
        assertThat(seen.reason()).isEqualTo("the server stopped during the import; none of its rows had been written");

        StalledAfter slow = new StalledAfter(new ImportRoot(dir.resolve("import")), half);
        ImportJobs waiting = jobs(ledger(NODE), new FaultyDisk(), 0, slow, 3_600_000);
        jobs = waiting;
        ImportJob reachesItsBoundary = submit();
        assertThat(slow.stalled.await(60, TimeUnit.SECONDS)).isTrue();
        Thread stop = new Thread(waiting::close);
        stop.start();
        while (stop.getState() != Thread.State.TIMED_WAITING) { // the stop waits for the job
            Thread.onSpinWait();
        }
        assertThat(waiting.find(reachesItsBoundary.id()).orElseThrow().state())
                .isEqualTo(ImportJob.State.PRE_IMPORTING);
        slow.resume.countDown(); // the copy goes on to its next chunk, where the job sees the stop
        stop.join();
        jobs = null;
        ImportJob ended = ledger(OTHER_NODE).find(reachesItsBoundary.id()).orElseThrow();
        assertThat(ended.state()).isEqualTo(ImportJob.State.FAILED);
        assertThat(ended.reason()).isEqualTo("the server stopped during the import; none of its rows had been written");
    }

    @Test
    void aStopsFailedSaveThatRacesTheJobsProgressSaveStaysAndGetImportStateReportsItsReason() throws Exception {
        // The job's Importing save waits in the store until the stop saves Failed, which then compares after it.
        EndOvertakenByProgress racing = new EndOvertakenByProgress(records, ImportJob.State.IMPORTING);
        jobs = jobs(new SharedImportLedger(racing, NODE, () -> NODE * 100, n -> OptionalLong.of(n * 100),
                System::currentTimeMillis, System::nanoTime), new FaultyDisk(), 0,
                new ImportRoot(dir.resolve("import")), 0);
        ImportJob job = submit();
        assertThat(racing.progressHeld.await(60, TimeUnit.SECONDS)).isTrue();
        jobs.close(); // no wait: the stop fails the job and records that
        jobs = jobs(ledger(OTHER_NODE)); // another node answers

        GetImportStateResponse state = new ImportRpc(jobs).state(GetImportStateRequest.newBuilder()
                .setTask(job.id()).build());
        assertThat(state.getState()).isEqualTo(ImportState.ImportFailed);
        assertThat(BulkImportRpcTest.info(state, "failed_reason"))
                .isEqualTo("the server stopped during the import; the rows it wrote before (0) stay in the collection");
        assertThat(state.getRowCount()).isZero();
    }

    /**
     * Import files whose bytes come in one read of {@code first} bytes, then nothing until {@code resume}: a copy
     * stalled half way, as a slow bucket would leave it.
     */
    private static final class StalledAfter implements ImportFiles {
        final CountDownLatch stalled = new CountDownLatch(1);
        final CountDownLatch resume = new CountDownLatch(1);
        private final ImportFiles files;
        private final long first;

        StalledAfter(ImportFiles files, long first) {
            this.files = files;
            this.first = first;
        }

        @Override
        public long check(String key) {
            return files.check(key);
        }

        @Override
        public long size(String key) throws IOException {
            return files.size(key);
        }

        @Override
        public InputStream open(String key) throws IOException {
            return new FilterInputStream(files.open(key)) {
                private long served;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (served >= first) {
                        stalled.countDown();
                        try {
                            resume.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new InterruptedIOException();
                        }
                        return super.read(b, off, len);
                    }
                    int n = super.read(b, off, (int) Math.min(len, first - served));
                    served += Math.max(0, n);
                    return n;
                }
            };
        }
    }

    private ImportJob submit() {
        return jobs.submit(Database.DEFAULT, "c", "", List.of(List.of("rows.json")), Map.of());
    }

    @Test
    void aCleanStopFailsRunningAndQueuedJobsWithTheStopAsReasonBeforeTheNodeLeaves() throws Exception {
        CountDownLatch stopBegun = new CountDownLatch(1);
        // The stop begins once the running job has written some rows: it must end at the next batch boundary.
        jobs = jobs(new BeginStopWhen(ledger(NODE), j -> j.state() == ImportJob.State.IMPORTING
                && j.importedRows() > 0, () -> {
                    jobs.beginStop();
                    stopBegun.countDown();
                }));
        ImportJob running = submit();
        ImportJob queued = submit();
        assertThat(stopBegun.await(60, TimeUnit.SECONDS)).isTrue();
        jobs.close();
        jobs = null;

        SharedImportLedger other = ledger(OTHER_NODE);
        ImportJob seenRunning = other.find(running.id()).orElseThrow();
        assertThat(seenRunning.state()).isEqualTo(ImportJob.State.FAILED);
        assertThat(seenRunning.importedRows()).isPositive().isLessThan(50);
        assertThat(seenRunning.reason()).isEqualTo("the server stopped during the import; the rows it wrote before ("
                + seenRunning.importedRows() + ") stay in the collection");
        ImportJob seenQueued = other.find(queued.id()).orElseThrow();
        assertThat(seenQueued.state()).isEqualTo(ImportJob.State.FAILED);
        assertThat(seenQueued.reason())
                .isEqualTo("the server stopped during the import; none of its rows had been written");
        try (var left = Files.list(staging)) {
            assertThat(left).as("staged copies").isEmpty();
        }
    }

    /** A ledger that runs an action (once) when a job is saved in a given state, on the job's own thread. */
    private static final class BeginStopWhen implements ImportLedger {
        private final ImportLedger ledger;
        private final Predicate<ImportJob> when;
        private final Runnable action;
        private boolean done;

        BeginStopWhen(ImportLedger ledger, Predicate<ImportJob> when, Runnable action) {
            this.ledger = ledger;
            this.when = when;
            this.action = action;
        }

        @Override
        public long nextId() {
            return ledger.nextId();
        }

        @Override
        public boolean add(ImportJob job, int maxUnfinished) {
            return ledger.add(job, maxUnfinished);
        }

        @Override
        public boolean save(ImportJob job) {
            boolean saved = ledger.save(job);
            if (!done && when.test(job)) {
                done = true;
                action.run();
            }
            return saved;
        }

        @Override
        public Optional<ImportJob> find(long id) {
            return ledger.find(id);
        }

        @Override
        public List<ImportJob> all(long nowMillis, long retentionMs) {
            return ledger.all(nowMillis, retentionMs);
        }
    }
}
