package dev.vectorvault.server;

import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.PartitionKey;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.HybridClock;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.config.ServerConfig.ImportSettings;
import dev.vectorvault.ingest.ImportFiles;
import dev.vectorvault.ingest.ImportJob;
import dev.vectorvault.ingest.ImportLedger;
import dev.vectorvault.ingest.ImportRoot;
import dev.vectorvault.ingest.LocalImportLedger;
import dev.vectorvault.query.ColumnBatch;
import dev.vectorvault.query.EntityWriter;
import dev.vectorvault.storage.io.FileStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Bulk import jobs, run in the background on a bounded pool. A job first copies every file into its own staging
 * folder and checks every row of the copies with Insert's checks (PreImporting), writing nothing; only then does it
 * insert the copies' rows batch by batch through the Insert path (Importing). A bad row therefore fails the job with
 * no row of it written.
 *
 * <p>Embedded, files come from the import folder and jobs live in memory (after a restart the list is empty, as if
 * every job had expired). In a cluster with object storage, files are keys of the bucket and jobs are records in
 * etcd that every node reads ({@link dev.vectorvault.ingest.SharedImportLedger}); a job runs on the node that
 * accepted it, which the forwarding makes the collection's owner, the one node that writes its rows.
 *
 * <p>A clean stop ends this node's unfinished jobs Failed in the ledger, with a reason saying the server stopped,
 * before the server gives up its session: a queued job at once, a running one at its next batch (or staging chunk)
 * boundary, waiting at most {@code dataNode.import.gracefulStopTimeout}; a job still running then is interrupted and
 * failed by the stop, once the batch it may be writing is written or refused, so that its reason counts exactly the
 * rows written.
 */
final class ImportJobs implements AutoCloseable {
    /** Progress once every file is copied: copying takes PreImporting's first half, checking the rows the second. */
    private static final int STAGED = 25;

    private final Catalog catalog;
    private final EntityWriter writer;
    private final ImportSettings settings;
    private final ImportFiles files;
    private final ImportLedger ledger;
    private final Path staging;
    private final FileStore stagingDisk;
    /** Bytes jobs of this node are copying now and that the disk's free space does not show yet. */
    private long stagingReserved;
    private final String refusal;
    private final LongSupplier millis;
    private final ThreadPoolExecutor pool;
    /** This node's jobs not yet ended here, so a stop can fail those that never reach a boundary. */
    private final Map<Long, ImportJob> unfinished = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    /**
     * Where jobs copy their files: a folder, and the disk it lies on as the I/O seam sees it (asked for its free
     * space before a job copies anything).
     */
    record Staging(Path folder, FileStore disk) {}

    /** Embedded: files from {@code importPath}, jobs in memory with ids from the hybrid clock. */
    ImportJobs(Catalog catalog, EntityWriter writer, HybridClock clock, ImportSettings settings, Staging staging,
               String refusal, LongSupplier millis) {
        this(catalog, writer, settings, new ImportRoot(settings.root()), new LocalImportLedger(clock::next), staging,
                refusal, millis);
    }

    /**
     * @param files   where the files a request names are read from
     * @param ledger  where jobs are recorded
     * @param refusal why imports are refused on this node (null: they run), e.g. a cluster whose nodes share no
     *                object storage to read the files from
     */
    ImportJobs(Catalog catalog, EntityWriter writer, ImportSettings settings, ImportFiles files, ImportLedger ledger,
               Staging staging, String refusal, LongSupplier millis) {
        this.catalog = catalog;
        this.writer = writer;
        this.settings = settings;
        this.files = files;
        this.ledger = ledger;
        this.staging = staging.folder();
        this.stagingDisk = staging.disk();
        this.refusal = refusal;
        this.millis = millis;
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(settings.concurrentJobs(), settings.concurrentJobs(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "bulk-import-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        deleteStaging(this.staging); // copies of jobs a crash or restart ended; their jobs are gone with the process
    }

    /**
     * Checks the request and queues a job: the collection and partition, each file group's type and size, the
     * number of files and of unfinished jobs, the options. Nothing is read beyond the files' sizes yet.
     */
    ImportJob submit(String database, String collectionName, String partitionName, List<List<String>> groups,
                     Map<String, String> options) {
        if (refusal != null) {
            throw new MilvusException(ErrorCode.IMPORT_FAILED, refusal);
        }
        Collection collection = catalog.collection(database, collectionName);
        boolean named = partitionName != null && !partitionName.isEmpty();
        if (named && PartitionKey.of(collection).isPresent()) {
            throw new MilvusException(ErrorCode.IMPORT_FAILED,
                    "not allow to set partition name for collection with partition key");
        }
        if (named && collection.partition(partitionName).isEmpty()) {
            throw new MilvusException(ErrorCode.PARTITION_NOT_FOUND, "partition not found[partition="
                    + partitionName + "]");
        }
        ImportOptions.Parsed parsed = ImportOptions.parse(options);
        List<List<String>> nonEmpty = groups.stream().filter(g -> !g.isEmpty()).toList();
        if (nonEmpty.isEmpty()) {
            throw MilvusException.invalidParameterAsIs("import request is empty");
        }
        long fileCount = nonEmpty.stream().mapToLong(List::size).sum();
        if (fileCount > settings.maxFilesPerRequest()) {
            throw new MilvusException(ErrorCode.IMPORT_FAILED, "the max number of import files per request is "
                    + settings.maxFilesPerRequest() + " (dataCoord.import.maxImportFileNumPerReq), got " + fileCount);
        }
        for (List<String> group : nonEmpty) {
            ImportOptions.checkGroup(group);
            for (String key : group) {
                long size = files.check(key);
                if (size > settings.maxFileBytes()) {
                    throw new MilvusException(ErrorCode.IMPORT_FAILED, "import file " + key + " is " + size
                            + " bytes, above the limit of " + settings.maxFileBytes()
                            + " bytes (dataNode.import.maxImportFileSizeInGB)");
                }
            }
        }
        ledger.all(millis.getAsLong(), settings.retentionMs()); // expired jobs count no more
        ImportJob job = new ImportJob(ledger.nextId(), database, collection.name(), collection.collectionId(),
                named ? partitionName : "", nonEmpty, millis.getAsLong());
        if (!ledger.add(job, settings.maxUnfinishedJobs())) {
            throw new MilvusException(ErrorCode.IMPORT_FAILED, "the number of jobs not yet finished reached"
                    + " the limit of " + settings.maxUnfinishedJobs() + " (dataCoord.import.maxImportJobNum),"
                    + " try again later");
        }
        unfinished.put(job.id(), job);
        try {
            pool.execute(new Queued(job, parsed));
        } catch (RejectedExecutionException stopped) {
            endStopped(job); // accepted as the server began to stop
        }
        return job;
    }

    Optional<ImportJob> find(long id) {
        return ledger.find(id);
    }

    /** The jobs of a database, of one collection when a name is given, oldest first; at most {@code limit} (0: all). */
    List<ImportJob> list(String database, String collectionName, int limit) {
        Stream<ImportJob> listed = ledger.all(millis.getAsLong(), settings.retentionMs()).stream()
                .filter(j -> j.database().equals(database));
        if (collectionName != null && !collectionName.isEmpty()) {
            long id = catalog.collection(database, collectionName).collectionId();
            listed = listed.filter(j -> j.collectionId() == id);
        }
        listed = listed.sorted(Comparator.comparingLong(ImportJob::id));
        return (limit > 0 ? listed.limit(limit) : listed).toList();
    }

    /** A job waiting for a thread of the pool; a stop takes it off the queue and fails it. */
    private final class Queued implements Runnable {
        final ImportJob job;
        final ImportOptions.Parsed options;

        Queued(ImportJob job, ImportOptions.Parsed options) {
            this.job = job;
            this.options = options;
        }

        @Override
        public void run() {
            ImportJobs.this.run(job, options);
        }
    }

    private void run(ImportJob job, ImportOptions.Parsed options) {
        Path folder = staging.resolve(Long.toString(job.id()));
        try {
            stopPoint();
            // Copying is the job's first work, as reading the files is a Milvus job's (its preimport tasks): the job
            // leaves Pending before the first byte is copied, and every node reads it so.
            job.checking(ImportJob.PRE_IMPORTING_FROM);
            saved(job);
            long deadline = options.timeoutMs() > 0 ? job.createdMillis() + options.timeoutMs() : Long.MAX_VALUE;
            List<List<Path>> copies = stage(job, folder);
            long rows = 0;
            for (int g = 0; g < copies.size(); g++) {
                rows += readGroup(job, copies.get(g), g, options.csv(),
                        batch -> writer.checkInsert(job.database(), job.collection(), job.partition(), batch), deadline);
                job.checking(STAGED + (ImportJob.IMPORTING_FROM - STAGED) * (g + 1) / copies.size());
                saved(job);
            }
            job.checked(rows);
            // From here on rows are written: the job finishes whatever the timeout says, so it is never cut in half.
            // Recorded as Importing before the first row, so a job whose node dies is known to have written some.
            job.importing(0, ImportJob.IMPORTING_FROM);
            saved(job);
            long total = rows;
            for (int g = 0; g < copies.size(); g++) {
                readGroup(job, copies.get(g), g, options.csv(), batch -> {
                    // A stop that fails the job meanwhile (after its wait) ends it here, with this batch unwritten.
                    if (!job.writeBatch(() -> writer.insert(job.database(), job.collection(), job.partition(), batch),
                            batch.rowCount(), soFar -> ImportJob.IMPORTING_FROM
                                    + (int) ((99 - ImportJob.IMPORTING_FROM) * soFar / Math.max(1, total)))) {
                        throw new EndedElsewhere();
                    }
                    saved(job);
                }, Long.MAX_VALUE);
            }
            job.importing(job.importedRows(), 99);
            job.completed(millis.getAsLong());
        } catch (EndedElsewhere e) {
            unfinished.remove(job.id());
            return;
        } catch (RuntimeException e) {
            // A stop that had to interrupt the job may surface as any I/O failure: the stop is the reason.
            if (!job.failUnlessEnded(j -> stopping ? stoppedReason(j)
                    : e.getMessage() == null ? e.toString() : e.getMessage(), millis.getAsLong())) {
                unfinished.remove(job.id()); // the stop failed it and recorded that
                return;
            }
        } finally {
            deleteStaging(folder);
        }
        recordEnd(job);
        unfinished.remove(job.id());
    }

    /** Where a running job gives way to a stop: between batches, staging chunks and files. */
    private void stopPoint() {
        if (stopping) {
            throw new MilvusException(ErrorCode.IMPORT_FAILED, "the server stopped");
        }
    }

    private static String stoppedReason(ImportJob job) {
        return "the server stopped during the import" + (job.state() == ImportJob.State.IMPORTING
                ? "; the rows it wrote before (" + job.importedRows() + ") stay in the collection"
                : "; none of its rows had been written");
    }

    /**
     * Records the job's end, trying again while the ledger cannot be reached (a job must not read Importing after it
     * ended here). It stops when this node stops, or when the ledger says another node ended the job first.
     */
    private void recordEnd(ImportJob job) {
        for (long delayMs = 200; ; delayMs = Math.min(5_000, delayMs * 2)) {
            try {
                ledger.save(job);
                return;
            } catch (RuntimeException e) {
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException stopping) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Another node marked the job Failed (this node had lost its session): it must stop writing. */
    private static final class EndedElsewhere extends RuntimeException {
        EndedElsewhere() {
            super(null, null, false, false);
        }
    }

    /** Records progress; an unreachable ledger only delays it (the next save carries it), an ended job stops. */
    private void saved(ImportJob job) {
        boolean going;
        try {
            going = ledger.save(job);
        } catch (RuntimeException unreachable) {
            return;
        }
        if (!going) {
            throw new EndedElsewhere();
        }
    }

    /**
     * Copies each file into the job's folder: the rows checked are then the rows written, whatever the source does,
     * and a bucket's objects are read once.
     */
    private List<List<Path>> stage(ImportJob job, Path folder) {
        List<List<Path>> copies = new ArrayList<>();
        List<List<String>> groups = job.files();
        long reserved = 0;
        try {
            reserved = reserveStagingSpace(groups);
            long total = reserved;
            long[] copied = {0};
            // Progress follows the bytes copied (a shared ledger records it at most once a second).
            LongConsumer progress = n -> {
                copied[0] += n;
                job.checking(ImportJob.PRE_IMPORTING_FROM + (int) ((STAGED - ImportJob.PRE_IMPORTING_FROM)
                        * Math.min(copied[0], total) / Math.max(1, total)));
                saved(job);
            };
            Files.createDirectories(folder);
            for (int g = 0; g < groups.size(); g++) {
                List<Path> copy = new ArrayList<>();
                for (int f = 0; f < groups.get(g).size(); f++) {
                    Path target = folder.resolve(g + "-" + f);
                    copyBounded(groups.get(g).get(f), target, progress);
                    copy.add(target);
                }
                copies.add(copy);
            }
        } catch (NoSuchFileException e) {
            throw new MilvusException(ErrorCode.IMPORT_FAILED, "import file not found: " + missing(e));
        } catch (IOException e) {
            throw new MilvusException(ErrorCode.IMPORT_FAILED, "staging the import files failed: " + e.getMessage());
        } finally {
            releaseStagingSpace(reserved);
        }
        return copies;
    }

    /**
     * Refuses to stage files that would leave the disk with less than {@code dataNode.import.diskHeadroomInMB} free
     * (the write-ahead log writes there too), counting what other jobs of this node are still copying; otherwise
     * holds their size until the copies are made. Returns the bytes held.
     */
    private long reserveStagingSpace(List<List<String>> groups) throws IOException {
        long total = 0;
        for (List<String> group : groups) {
            for (String key : group) {
                try {
                    total += files.size(key);
                } catch (NoSuchFileException e) {
                    throw new NoSuchFileException(key);
                }
            }
        }
        long free = stagingDisk.usableSpace();
        synchronized (this) {
            if (free - stagingReserved - total < settings.diskHeadroomBytes()) {
                throw new MilvusException(ErrorCode.STORAGE_DISK_FULL, "not enough free disk to stage the import"
                        + " files: they take " + total + " bytes, " + staging + " has " + free + " bytes free"
                        + (stagingReserved > 0 ? " (" + stagingReserved + " of them being staged by other jobs)" : "")
                        + " and must keep " + settings.diskHeadroomBytes() + " free for the write-ahead log"
                        + " (dataNode.import.diskHeadroomInMB)");
            }
            stagingReserved += total;
        }
        return total;
    }

    private synchronized void releaseStagingSpace(long bytes) {
        stagingReserved -= bytes;
    }

    private static String missing(NoSuchFileException e) {
        return e.getFile() == null ? String.valueOf(e.getMessage()) : e.getFile();
    }

    private void copyBounded(String key, Path target, LongConsumer progress) throws IOException {
        InputStream source;
        try {
            source = files.open(key);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(key);
        }
        try (InputStream in = source; OutputStream out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[1 << 16];
            long copied = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                stopPoint();
                copied += n;
                if (copied > settings.maxFileBytes()) {
                    throw new MilvusException(ErrorCode.IMPORT_FAILED, "import file " + key + " grew above the limit"
                            + " of " + settings.maxFileBytes() + " bytes (dataNode.import.maxImportFileSizeInGB)");
                }
                out.write(buffer, 0, n);
                progress.accept(n);
            }
        }
    }

    private interface BatchSink {
        void accept(ColumnBatch batch);
    }

    private long readGroup(ImportJob job, List<Path> copies, int group, ImportOptions.Csv csv, BatchSink sink,
                           long deadline) {
        long rows = 0;
        Collection collection = catalog.collection(job.database(), job.collection());
        if (collection.collectionId() != job.collectionId()) {
            throw new MilvusException(ErrorCode.IMPORT_FAILED, "collection " + job.collection() + " was dropped"
                    + " while the import job waited or ran");
        }
        try (ImportBatches batches = ImportBatches.open(collection, copies, job.files().get(group),
                settings, csv)) {
            for (ColumnBatch batch; (batch = batches.next()) != null; ) {
                stopPoint();
                if (millis.getAsLong() > deadline) {
                    throw new MilvusException(ErrorCode.IMPORT_FAILED, "the import job timed out (option timeout)"
                            + " before any row was written");
                }
                sink.accept(batch);
                rows += batch.rowCount();
            }
        }
        return rows;
    }

    private static void deleteStaging(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // left for the next start, which deletes the whole staging folder
        }
    }

    /**
     * The first half of a stop, which returns at once: new and queued jobs end Failed (recorded now), running ones
     * stop at their next boundary.
     */
    void beginStop() {
        stopping = true;
        pool.shutdown();
        List<Runnable> neverRun = new ArrayList<>();
        pool.getQueue().drainTo(neverRun);
        for (Runnable queued : neverRun) {
            endStopped(((Queued) queued).job);
        }
    }

    /**
     * Stops: the jobs of this node end Failed in the ledger before it returns (so before a cluster node gives up its
     * session, and other nodes read the stop as the reason, not the node's disappearance). Waits at most
     * {@code dataNode.import.gracefulStopTimeout} for running jobs (a batch is one read buffer of rows), then
     * interrupts them and records their end itself.
     */
    @Override
    public void close() {
        beginStop();
        try {
            if (!pool.awaitTermination(settings.stopWaitMs(), TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
                unfinished.values().forEach(this::endStopped);
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Fails a job the stop ended before its own thread could, and records its end; one attempt at the ledger, the
     * node is going. A batch the job is writing is waited for (the interrupt has reached it), so the reason counts
     * exactly the rows written. A job that its own thread ended meanwhile is recorded as it ended: that thread may not
     * have recorded it yet, and the stop must not return before.
     */
    private void endStopped(ImportJob job) {
        if (unfinished.remove(job.id()) == null) {
            return;
        }
        job.failUnlessEnded(ImportJobs::stoppedReason, millis.getAsLong());
        try {
            ledger.save(job);
        } catch (RuntimeException unreachable) {
            // other nodes then fail it once this node's session ends, naming the node instead
        }
    }
}
