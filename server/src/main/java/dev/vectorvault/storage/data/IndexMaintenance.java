package dev.vectorvault.storage.data;

import dev.vectorvault.index.BinaryColumn;
import dev.vectorvault.index.FieldVectors;
import dev.vectorvault.index.VectorColumn;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the approximate indexes of sealed segments in line with what the layout asks for: loads or builds missing
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

    /** One segment index to make ready, and how many tries at it failed so far. */
    private record Job(Segment segment, SegmentIndex index, FieldVectors column, String file, String previousVersion,
                       boolean fromDisk, int failures) {
        Job failedOnce() {
            return new Job(segment, index, column, file, previousVersion, fromDisk, failures + 1);
        }

        /** The index is still the one its segment wants: neither the segment nor the definition went away. */
        boolean wanted() {
            return !index.cancelled() && segment.annIndex(index.field) == index;
        }
    }

    /** One segment's scalar index to make ready, and how many tries at it failed so far. */
    private record ScalarJob(Segment segment, SegmentScalarIndex index, String file, boolean fromDisk, int failures) {
        ScalarJob failedOnce() {
            return new ScalarJob(segment, index, file, fromDisk, failures + 1);
        }

        boolean wanted() {
            return !index.cancelled() && segment.scalarIndex(index.field) == index;
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
                    reconcile(data.collectionId(), segment, f, specs[f]);
                }
            }
            ScalarIndexSpec[] scalarSpecs = layout.scalarIndexes();
            for (int f = 0; f < Math.min(scalarSpecs.length, segment.fieldCount()); f++) {
                if (segment.scalarValues(f) != null) {
                    reconcileScalar(data.collectionId(), segment, f, scalarSpecs[f]);
                }
            }
        });
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
        submitScalar(new ScalarJob(segment, fresh, file, segment.persisted(), 0));
    }

    private void submitScalar(ScalarJob job) {
        if (!builds.submit(() -> runScalar(job))) {
            job.index().cancel();
        }
    }

    private void runScalar(ScalarJob job) {
        boolean settled = job.index().loadOrBuild(job.segment().scalarValues(job.index().field), directory.files(),
                job.file(), job.fromDisk());
        if (settled || !started || !job.wanted()) {
            return;
        }
        ScalarJob retry = job.failedOnce();
        Duration delay = settings.retryDelay(retry.failures());
        LOG.warn("event=scalar_index_build_retry_scheduled segment={} field={} failures={} delayMs={}",
                job.index().segmentId, job.index().field, retry.failures(), delay.toMillis());
        try {
            delays.schedule(delay, () -> {
                if (started && retry.wanted()) {
                    retry.index().tryingAgain();
                    submitScalar(retry);
                }
            });
        } catch (RejectedExecutionException e) {
            // Shutting down: the next start builds what is missing.
        }
    }

    private void reconcile(long collectionId, Segment segment, int field, VectorIndexSpec spec) {
        SegmentIndex current = segment.annIndex(field);
        boolean wanted = spec != null && segment.sealed() && segment.size() >= settings.minSegmentRows();
        if (!wanted) {
            if (current != null && segment.replaceAnnIndex(field, current, null)) {
                current.cancel();
            }
            return;
        }
        if (current != null && current.spec.equals(spec)) {
            return;
        }
        SegmentIndex fresh = new SegmentIndex(spec, segment.segmentId(), field, segment.size());
        if (!segment.replaceAnnIndex(field, current, fresh)) {
            return; // another reconciliation got there first
        }
        if (current != null) {
            current.cancel();
        }
        String file = SegmentDirectory.indexFile(collectionId, spec, segment.segmentId(), field);
        String previousVersion = SegmentDirectory.previousVersionIndexFile(collectionId, spec, segment.segmentId(),
                field);
        submit(new Job(segment, fresh, segment.indexable(field), file, previousVersion, segment.persisted(), 0));
    }

    private void submit(Job job) {
        if (!builds.submit(() -> run(job))) {
            job.index().cancel(); // closing: the segment stays exact
        }
    }

    private void run(Job job) {
        boolean settled = job.index().loadOrBuild(job.column(), directory.files(), job.file(), job.previousVersion(),
                job.fromDisk(), settings.threads());
        job.index().arrangedColumn().ifPresent(arranged -> {
            if (job.column() instanceof VectorColumn dense && arranged instanceof VectorColumn vectors) {
                job.segment().adoptArrangedColumn(job.index().field, dense, vectors);
            } else if (job.column() instanceof BinaryColumn bits && arranged instanceof BinaryColumn arrangedBits) {
                job.segment().adoptArrangedColumn(job.index().field, bits, arrangedBits);
            }
        });
        if (settled || !started || !job.wanted()) {
            return;
        }
        Job retry = job.failedOnce();
        Duration delay = settings.retryDelay(retry.failures());
        LOG.warn("event=index_build_retry_scheduled segment={} field={} failures={} delayMs={}",
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
        });
        return files;
    }

    /** Stops scheduling and waits for submitted loads and builds (cancel the indexes first to make that quick). */
    void close() {
        started = false;
        builds.close();
    }
}
