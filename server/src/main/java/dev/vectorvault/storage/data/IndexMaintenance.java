package dev.vectorvault.storage.data;

import dev.vectorvault.index.BinaryColumn;
import dev.vectorvault.index.FieldVectors;
import dev.vectorvault.index.SparseColumn;
import dev.vectorvault.index.VectorColumn;
import dev.vectorvault.index.VectorIndex;
import dev.vectorvault.storage.StorageException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the approximate, scalar and match indexes of sealed segments in line with what the layout asks for: loads or builds missing
 * ones on an executor the server owns, and cancels those no longer asked for. Told when segments seal (after a write,
 * at a checkpoint, after recovery) and when the catalog's index definitions change; never by a read, so searching
 * has no side effects. Does nothing until {@link #start()}, so opening a store only recovers.
 *
 * <p>A build that fails (an I/O error, a full disk, too little memory), or whose file cannot be written, is tried
 * again after {@link IndexBuildSettings#firstRetryDelay()}, doubling up to {@link IndexBuildSettings#maxRetryDelay()},
 * for as long as the segment and the index definition exist; the segment is searched exactly until the index is
 * ready (and through the index in memory while only its file is missing).
 */
final class IndexMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(IndexMaintenance.class);

    private final TrackedTasks builds;
    private final DataExecutors.Delays delays;
    private final SegmentDirectory directory;
    private final IndexBuildSettings settings;
    private volatile boolean started;

    IndexMaintenance(Executor builds, DataExecutors.Delays delays, SegmentDirectory directory,
                     IndexBuildSettings settings) {
        this.builds = new TrackedTasks(builds);
        this.delays = delays;
        this.directory = directory;
        this.settings = settings;
    }

    /**
     * One segment index to make ready from what it is built of, what follows each try (whether it settled), and how
     * many tries at it failed so far.
     */
    private record Job<S>(Segment segment, SegmentFieldIndex<S, ?> index, S source, String file,
                          String previousVersion, boolean fromDisk, Consumer<Boolean> afterTry, int failures) {
        Job<S> failedOnce() {
            return new Job<>(segment, index, source, file, previousVersion, fromDisk, afterTry, failures + 1);
        }

        /** The index is still the one its segment wants: neither the segment nor the definition went away. */
        boolean wanted() {
            return !index.cancelled() && index.heldBy(segment);
        }
    }

    void start() {
        started = true;
    }

    /**
     * Gives every sealed segment big enough the index its layout asks for, and takes away indexes no longer asked
     * for (dropped, or replaced by another definition). New indexes are loaded from their file when the segment
     * came from disk, else built.
     */
    void reconcile(CollectionLayout layout, CollectionData data) {
        reconcile(layout, data, false);
    }

    /**
     * As above; {@code readOnly} (a follower replica's copy) touches only segments the owner persisted, whose index
     * files are the owner's: segments the copy sealed by itself stay exact, so it never writes index files of its own.
     */
    void reconcile(CollectionLayout layout, CollectionData data, boolean readOnly) {
        if (!started) {
            return;
        }
        VectorIndexSpec[] specs = layout.vectorIndexes();
        data.forEachSegment(segment -> {
            if (readOnly && !segment.persisted()) {
                return;
            }
            for (int f = 0; f < Math.min(specs.length, segment.fieldCount()); f++) {
                if (segment.indexable(f) != null) {
                    reconcile(layout, segment, f, specs[f]);
                }
            }
            ScalarIndexSpec[] scalarSpecs = layout.scalarIndexes();
            TextMatchSpec[] textSpecs = layout.textMatch();
            for (int f = 0; f < Math.min(scalarSpecs.length, segment.fieldCount()); f++) {
                if (segment.scalarValues(f) != null) {
                    reconcileScalar(data.collectionId(), segment, f, scalarSpecs[f]);
                    reconcileText(data.collectionId(), segment, f, textSpecs[f]);
                }
            }
        });
    }

    /**
     * A match field's index is wanted for every sealed segment, small ones included: Milvus builds it at seal time,
     * and without it each match filter analyses every row of the segment.
     */
    private void reconcileText(long collectionId, Segment segment, int field, TextMatchSpec spec) {
        SegmentTextIndex current = segment.textIndex(field);
        if (spec == null || !segment.sealed()) {
            if (current != null && segment.replaceTextIndex(field, current, null)) {
                current.cancel();
            }
            return;
        }
        if (current != null && current.spec.equals(spec)) {
            return;
        }
        SegmentTextIndex fresh = new SegmentTextIndex(spec, segment.segmentId(), field, segment.size());
        if (!segment.replaceTextIndex(field, current, fresh)) {
            return;
        }
        if (current != null) {
            current.cancel();
        }
        submit(new Job<>(segment, fresh, segment.scalarValues(field), SegmentDirectory.textMatchFile(collectionId,
                segment.segmentId(), field), null, segment.persisted(), settled -> { }, 0));
    }

    private void reconcileScalar(long collectionId, Segment segment, int field, ScalarIndexSpec spec) {
        SegmentScalarIndex current = segment.scalarIndex(field);
        boolean wanted = spec != null && segment.sealed() && segment.size() >= settings.minSegmentRows();
        if (!wanted) {
            if (current != null && segment.replaceScalarIndex(field, current, null)) {
                current.cancel();
            }
            return;
        }
        if (current != null && current.spec.equals(spec)) {
            return;
        }
        SegmentScalarIndex fresh = new SegmentScalarIndex(spec, segment.segmentId(), field, segment.size());
        if (!segment.replaceScalarIndex(field, current, fresh)) {
            return;
        }
        if (current != null) {
            current.cancel();
        }
        String file = SegmentDirectory.scalarIndexFile(collectionId, spec, segment.segmentId(), field);
        submit(new Job<>(segment, fresh, segment.scalarValues(field), file, null, segment.persisted(), settled -> { },
                0));
    }

    private void reconcile(CollectionLayout layout, Segment segment, int field, VectorIndexSpec spec) {
        long collectionId = layout.collectionId();
        SegmentIndex current = segment.annIndex(field);
        boolean wanted = spec != null && segment.sealed() && segment.size() >= settings.minSegmentRows();
        if (!wanted) {
            synchronized (segment) {
                keepResident(segment, field);
                if (current != null && segment.replaceAnnIndex(field, current, null)) {
                    current.cancel();
                }
            }
            return;
        }
        if (current != null && current.spec.equals(spec)) {
            // Persisted since its index became ready (a checkpoint wrote the segment file): the vectors can go now.
            if (current.ready() && segment.persisted() && current.claimVectorRelease()) {
                builds.submit(() -> storeVectors(layout, segment, current));
            }
            return;
        }
        SegmentIndex fresh = new SegmentIndex(spec, segment.segmentId(), field, segment.size(), settings.threads());
        synchronized (segment) {
            // The new index is built over resident vectors, and until it is ready the segment is searched exactly.
            keepResident(segment, field);
            if (!segment.replaceAnnIndex(field, current, fresh)) {
                return; // another reconciliation got there first
            }
        }
        if (current != null) {
            current.cancel();
        }
        String file = SegmentDirectory.indexFile(collectionId, spec, segment.segmentId(), field);
        String previousVersion = SegmentDirectory.previousVersionIndexFile(collectionId, spec, segment.segmentId(),
                field);
        FieldVectors column = segment.indexable(field);
        submit(new Job<>(segment, fresh, column, file, previousVersion, segment.persisted(),
                settled -> afterVectorTry(layout, segment, fresh, column, settled), 0));
    }

    /**
     * Puts a stored field's vectors back on the heap: the index that read only codes is going away, and whatever
     * comes next (an exact search, another index) scans the vectors. Called under the segment's monitor, which
     * {@link #storeVectors} takes too, so a release never lands after the index it was for is replaced.
     */
    private static void keepResident(Segment segment, int field) {
        VectorColumn column = segment.vectors(field);
        if (column == null || column.resident()) {
            return;
        }
        try {
            if (segment.replaceColumn(field, column, column.residentCopy())) {
                column.releaseStorage(); // searches still reading the stored column finish first
            }
        } catch (StorageException e) {
            // Still correct: reads of a stored column load its vectors when they need them all.
            LOG.warn("event=vectors_reload_failed segment={} field={} error={}", segment.segmentId(), field,
                    e.getMessage());
        }
    }

    /**
     * Lets a sealed, persisted segment drop the resident vectors of a field whose ready index reads only its codes
     * (IVF_SQ8, IVF_PQ, HNSW_SQ): the index and the segment read exact vectors from the segment file from now on
     * ({@link SegmentFileVectors}). Runs on the build thread: opening reads and verifies the whole file. A file that
     * cannot be opened leaves the vectors resident (logged); nothing else changes.
     */
    private void storeVectors(CollectionLayout layout, Segment segment, SegmentIndex index) {
        int field = index.field;
        VectorColumn column = segment.vectors(field);
        VectorIndex ready = index.index();
        if (column == null || !column.resident() || ready == null || !ready.readsOnlyCodes()
                || !segment.persisted()) {
            return;
        }
        SegmentFileVectors file;
        try {
            file = SegmentFileVectors.open(directory.files(),
                    SegmentDirectory.segmentFile(layout.collectionId(), segment.segmentId()), layout, field,
                    column.size());
        } catch (StorageException e) {
            LOG.warn("event=vectors_store_failed segment={} field={} error={} action=keep_resident",
                    segment.segmentId(), field, e.getMessage());
            return;
        }
        VectorColumn stored = VectorColumn.stored(column.dim(), column.encoding(), column.size(), file);
        synchronized (segment) {
            if (index.cancelled() || segment.annIndex(field) != index
                    || !segment.replaceColumn(field, column, stored)) {
                file.close(); // the segment or its index went meanwhile (Segment.retire holds this monitor too)
                return;
            }
            ready.readExactVectorsFrom(stored);
        }
        LOG.info("event=vectors_stored segment={} field={} rows={} freedBytes={}", segment.segmentId(), field,
                column.size(), column.memoryBytes() - stored.memoryBytes());
    }

    private <S> void submit(Job<S> job) {
        if (!builds.submit(() -> run(job))) {
            job.index().cancel(); // closing: the segment is read without the index
        }
    }

    private <S> void run(Job<S> job) {
        boolean settled = job.index().loadOrBuild(job.source(), directory.files(), job.file(), job.previousVersion(),
                job.fromDisk());
        job.afterTry().accept(settled && job.wanted());
        if (settled || !started || !job.wanted()) {
            return;
        }
        Job<S> retry = job.failedOnce();
        Duration delay = settings.retryDelay(retry.failures());
        LOG.warn("event={}_build_retry_scheduled segment={} field={} failures={} delayMs={}", job.index().event(),
                job.index().segmentId, job.index().field, retry.failures(), delay.toMillis());
        try {
            delays.schedule(delay, () -> {
                if (started && retry.wanted()) {
                    retry.index().tryingAgain();
                    submit(retry);
                }
            });
        } catch (RejectedExecutionException e) {
            // Shutting down: the next start builds what is missing.
        }
    }

    /**
     * After each try at a vector index: the segment keeps the finished index's arranged column (if it has one), and
     * once the index is settled, still wanted and the segment persisted, a codes-only index lets the vectors go.
     */
    private void afterVectorTry(CollectionLayout layout, Segment segment, SegmentIndex index, FieldVectors column,
                                boolean settledAndWanted) {
        index.arrangedColumn().ifPresent(arranged -> {
            if (column instanceof VectorColumn dense && arranged instanceof VectorColumn vectors) {
                segment.replaceColumn(index.field, dense, vectors);
            } else if (column instanceof BinaryColumn bits && arranged instanceof BinaryColumn arrangedBits) {
                segment.replaceColumn(index.field, bits, arrangedBits);
            }
        });
        if (column instanceof SparseColumn sparse && index.ready() && !index.cancelled()
                && segment.annIndex(index.field) == index) {
            // The index answers full-text searches from now on: the postings kept while it was built can go, even
            // if no search comes to release them.
            sparse.releasePostings();
        }
        if (settledAndWanted && segment.persisted() && index.claimVectorRelease()) {
            storeVectors(layout, segment, index);
        }
    }

    /** The index files the layout asks for, built yet or not: a checkpoint's cleanup keeps them. */
    static Set<String> wantedFiles(CollectionLayout layout, CollectionData data) {
        Set<String> files = new HashSet<>();
        VectorIndexSpec[] specs = layout.vectorIndexes();
        data.forEachSegment(segment -> {
            for (int f = 0; f < specs.length; f++) {
                if (specs[f] != null) {
                    files.add(SegmentDirectory.indexFile(data.collectionId(), specs[f], segment.segmentId(), f));
                }
            }
            ScalarIndexSpec[] scalarSpecs = layout.scalarIndexes();
            for (int f = 0; f < scalarSpecs.length; f++) {
                if (scalarSpecs[f] != null) {
                    files.add(SegmentDirectory.scalarIndexFile(data.collectionId(), scalarSpecs[f],
                            segment.segmentId(), f));
                }
            }
            TextMatchSpec[] textSpecs = layout.textMatch();
            for (int f = 0; f < textSpecs.length; f++) {
                if (textSpecs[f] != null) {
                    files.add(SegmentDirectory.textMatchFile(data.collectionId(), segment.segmentId(), f));
                }
            }
        });
        return files;
    }

    /** Stops scheduling and waits for submitted loads and builds (cancel the indexes first to make that quick). */
    void close() {
        started = false;
        builds.close();
    }
}
