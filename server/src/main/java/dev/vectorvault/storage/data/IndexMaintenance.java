package dev.vectorvault.storage.data;

import dev.vectorvault.index.VectorColumn;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Keeps the approximate indexes of sealed segments in line with what the layout asks for: loads or builds missing
 * ones on an executor the server owns, and cancels those no longer asked for. Told when segments seal (after a write,
 * at a checkpoint, after recovery) and when the catalog's index definitions change; never by a read, so searching
 * has no side effects. Does nothing until {@link #start()}, so opening a store only recovers.
 */
final class IndexMaintenance {
    private final TrackedTasks builds;
    private final SegmentDirectory directory;
    private final IndexBuildSettings settings;
    private volatile boolean started;

    IndexMaintenance(Executor builds, SegmentDirectory directory, IndexBuildSettings settings) {
        this.builds = new TrackedTasks(builds);
        this.directory = directory;
        this.settings = settings;
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
        if (!started) {
            return;
        }
        VectorIndexSpec[] specs = layout.vectorIndexes();
        data.forEachSegment(segment -> {
            for (int f = 0; f < Math.min(specs.length, segment.fieldCount()); f++) {
                if (segment.vectors(f) != null) {
                    reconcile(data.collectionId(), segment, f, specs[f]);
                }
            }
        });
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
        boolean fromDisk = segment.persisted();
        VectorColumn column = segment.vectors(field);
        if (!builds.submit(() -> fresh.loadOrBuild(column, directory.files(), file, previousVersion, fromDisk,
                settings.threads()))) {
            fresh.cancel(); // closing: the segment stays exact
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
        });
        return files;
    }

    /** Stops scheduling and waits for submitted loads and builds (cancel the indexes first to make that quick). */
    void close() {
        started = false;
        builds.close();
    }
}
