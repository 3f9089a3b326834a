package dev.vectorvault.storage.data;

import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.data.DataManifest.SegmentRef;
import dev.vectorvault.storage.io.LocalDisk;
import dev.vectorvault.storage.io.ObjectStore;
import dev.vectorvault.storage.segment.SegmentFile;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which files make up the sealed data, and what they are called: segment, tombstone and index files under
 * {@code segments/<collection>/}, and the {@link DataManifest} (segment list + covered log position) in the metadata
 * store.
 * Loads what the manifest names and deletes what it no longer names. Uses only the immutable-object side of the
 * disk, so segments can move to object storage without touching this class's callers.
 */
final class SegmentDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentDirectory.class);
    static final String SEGMENTS_PREFIX = "segments/";
    /**
     * Segments one load reads at once: 2 on this project's 2-core machines, at most 4. Each in flight holds its file
     * and its decoded rows on the heap (a 65,536-row segment of 128-d vectors: about 34 MB each), so the bound is
     * what a load adds to the memory the collection itself takes.
     */
    static final int LOAD_PARALLELISM = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private final ObjectStore files;
    private final Manifests manifests;
    /**
     * Whether other nodes keep their collections in the same store (a shared bucket): garbage collection then looks
     * only at the collections this store owns and at dropped ones ({@link SealedGarbage}), never at another node's.
     */
    private final boolean shared;
    private volatile List<SegmentRef> lastManifestSegments = List.of();
    /** Collections the manifest read or written last names (segments or shard positions), and those taken over. */
    private volatile Set<Long> lastManifestCollections = Set.of();
    private final SealedGarbage garbage;
    /** Where segments of a shared store are fetched, {@link #LOAD_PARALLELISM} at a time (the owner's threads). */
    private final Executor loads;

    SegmentDirectory(ObjectStore files, Manifests manifests, boolean shared, Executor loads) {
        this.files = files;
        this.manifests = manifests;
        this.shared = shared;
        this.garbage = new SealedGarbage(files, shared);
        this.loads = loads;
    }

    ObjectStore files() {
        return files;
    }

    // ------------------------------------------------------------------ names

    /** The name prefix of a collection's files (a folder on a disk); naming it creates nothing. */
    static String collectionDir(long collectionId) {
        return SEGMENTS_PREFIX + collectionId + "/";
    }

    static String segmentFile(long collectionId, long segmentId) {
        return collectionDir(collectionId) + segmentId + ".seg";
    }

    static String deletesFile(long collectionId, long segmentId) {
        return collectionDir(collectionId) + segmentId + ".del";
    }

    static String indexFile(long collectionId, VectorIndexSpec spec, long segmentId, int field) {
        return collectionDir(collectionId) + spec.fileName(segmentId, field);
    }

    static String scalarIndexFile(long collectionId, ScalarIndexSpec spec, long segmentId, int field) {
        return collectionDir(collectionId) + spec.fileName(segmentId, field);
    }

    static String textMatchFile(long collectionId, long segmentId, int field) {
        return collectionDir(collectionId) + TextMatchSpec.fileName(segmentId, field);
    }

    static String previousVersionIndexFile(long collectionId, VectorIndexSpec spec, long segmentId, int field) {
        return collectionDir(collectionId) + spec.previousVersionFileName(segmentId, field);
    }

    // ------------------------------------------------------------------ manifest

    /**
     * The manifest of the last checkpoint; {@link DataManifest#EMPTY} before the first.
     *
     * @throws StorageException {@code STORAGE_CORRUPT} naming the record when it cannot be read
     */
    DataManifest readManifest() {
        DataManifest manifest = manifests.read();
        lastManifestSegments = List.copyOf(manifest.segments());
        lastManifestCollections = collectionsOf(manifest);
        garbage.named(namesOf(manifest.segments()), lastManifestCollections);
        return manifest;
    }

    /** The part of the manifest about one collection (taken over from another node); its files are ours now. */
    DataManifest readCollectionManifest(long collectionId) {
        DataManifest part = manifests.readCollection(collectionId);
        garbage.named(namesOf(part.segments()), Set.of(collectionId));
        Set<Long> named = new HashSet<>(lastManifestCollections);
        named.add(collectionId);
        lastManifestCollections = Set.copyOf(named);
        return part;
    }

    private static Set<Long> collectionsOf(DataManifest manifest) {
        Set<Long> ids = new HashSet<>();
        manifest.segments().forEach(r -> ids.add(r.collectionId()));
        manifest.shardPositions().forEach(p -> ids.add(p.collectionId()));
        return Set.copyOf(ids);
    }

    /** Collections the manifest read or written last names, with those taken over since. */
    Set<Long> lastManifestCollections() {
        return lastManifestCollections;
    }

    /**
     * The collection's part of its manifest for a read-only copy (a follower replica): unlike
     * {@link #readCollectionManifest} it does not make this store responsible for the collection's files.
     */
    DataManifest readFollowedManifest(long collectionId) {
        return manifests.readCollection(collectionId);
    }

    void writeManifest(DataManifest manifest) {
        manifests.write(manifest);
        lastManifestSegments = List.copyOf(manifest.segments());
        lastManifestCollections = collectionsOf(manifest);
    }

    // ------------------------------------------------------------------ segments

    /**
     * Reads every segment the manifest names, with its tombstones; rows of partitions dropped since count as deleted.
     * Segments of dropped collections are skipped (their files go at the next checkpoint). From object storage up
     * to {@link #LOAD_PARALLELISM} segments are fetched and decoded at once (the load waits on the network for one
     * while it decodes another); {@code sink} still gets them one at a time, in the manifest's order, on the calling
     * thread, and the first failure in manifest order is thrown, as a sequential load would. The local disk's
     * segments load one after the other: its recovery replays disk calls in a fixed order (the crash campaign's
     * seeds depend on it), and a local read does not wait on a network.
     */
    void loadSegments(DataManifest manifest, DataStore.LayoutSource layouts,
                      LoadedSegmentSink sink) {
        List<SegmentRef> refs = new ArrayList<>();
        List<CollectionLayout> refLayouts = new ArrayList<>();
        for (SegmentRef ref : manifest.segments()) {
            layouts.layout(ref.collectionId()).ifPresent(layout -> {
                refs.add(ref);
                refLayouts.add(layout);
            });
        }
        if (!shared || refs.size() < 2) {
            for (int i = 0; i < refs.size(); i++) {
                sink.loaded(refLayouts.get(i), loadSegment(refs.get(i), refLayouts.get(i)));
            }
            return;
        }
        ArrayDeque<FutureTask<Segment>> window = new ArrayDeque<>();
        try {
            // A window of LOAD_PARALLELISM segments in flight: memory holds at most that many files being decoded
            // beyond the segments already handed to the sink.
            int submitted = 0;
            for (int i = 0; i < refs.size(); i++) {
                while (submitted < refs.size() && submitted < i + LOAD_PARALLELISM) {
                    SegmentRef ref = refs.get(submitted);
                    CollectionLayout layout = refLayouts.get(submitted);
                    FutureTask<Segment> loading = new FutureTask<>(() -> loadSegment(ref, layout));
                    window.add(loading);
                    loads.execute(loading);
                    submitted++;
                }
                sink.loaded(refLayouts.get(i), await(window.poll(), refs.get(i)));
            }
        } finally {
            window.forEach(loading -> loading.cancel(true)); // after a failure: the segments in flight are not wanted
        }
    }

    /** The segment a loader thread read, or its failure as it would have been thrown on the caller's thread. */
    private Segment await(Future<Segment> loading, SegmentRef ref) {
        try {
            return loading.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new StorageException("load segment " + ref.segmentId() + " of collection " + ref.collectionId(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted loading segment " + ref.segmentId() + " of collection "
                    + ref.collectionId(), e);
        }
    }

    /** Where loaded segments go. */
    interface LoadedSegmentSink {
        void loaded(CollectionLayout layout, Segment segment);
    }

    private Segment loadSegment(SegmentRef ref, CollectionLayout layout) {
        String rows = segmentFile(ref.collectionId(), ref.segmentId());
        Segment segment = SegmentCodec.decodeRows(files.describe(rows),
                SegmentFile.readInPlace(files, rows, SegmentCodec.SEGMENT_KIND), layout);
        String deletes = deletesFile(ref.collectionId(), ref.segmentId());
        if (exists(deletes)) {
            BitSet deleted = SegmentCodec.decodeDeletes(files.describe(deletes),
                    SegmentFile.read(files, deletes, SegmentCodec.DELETES_KIND), segment.size());
            segment.restoreDeleted(deleted);
        }
        for (int ordinal = 0; ordinal < segment.size(); ordinal++) {
            if (!layout.partitions().contains(segment.partition(ordinal))) {
                segment.delete(ordinal);
            }
        }
        segment.markPersisted();
        if (!segment.deletesDirty()) {
            segment.deletesWritten();
        }
        return segment;
    }

    void writeSegment(long collectionId, Segment segment, CollectionLayout layout) {
        SegmentFile.write(files, segmentFile(collectionId, segment.segmentId()), SegmentCodec.SEGMENT_KIND,
                SegmentCodec.encodeRows(segment, layout));
    }

    void writeDeletes(long collectionId, Segment segment) {
        SegmentFile.write(files, deletesFile(collectionId, segment.segmentId()), SegmentCodec.DELETES_KIND,
                SegmentCodec.encodeDeletes(segment));
    }

    /**
     * A tombstone file under a freshly written segment's id can only be left over from a checkpoint that crashed
     * before its manifest; it belongs to other rows and would be applied to these at the next start.
     */
    void deleteStaleDeletes(long collectionId, long segmentId) {
        String file = deletesFile(collectionId, segmentId);
        try {
            files.delete(file);
        } catch (IOException e) {
            throw StorageException.io("delete stale tombstone file", files.describe(file), e);
        }
    }

    // ------------------------------------------------------------------ cleanup

    /** The collector of this store's unnamed sealed objects. */
    SealedGarbage garbage() {
        return garbage;
    }

    /** The segment and tombstone names of {@code refs} (what a manifest keeps). */
    static Set<String> namesOf(List<SegmentRef> refs) {
        Set<String> names = new HashSet<>();
        refs.forEach(r -> {
            names.add(segmentFile(r.collectionId(), r.segmentId()));
            names.add(deletesFile(r.collectionId(), r.segmentId()));
        });
        return names;
    }

    /** The segments of the manifest read or written last (a sweep between checkpoints keeps them). */
    List<SegmentRef> lastManifestSegments() {
        return lastManifestSegments;
    }

    /**
     * Temporary files of writes that a crash interrupted; only safe while nothing is writing (at start-up). Object
     * storage writes whole objects and leaves none.
     */
    void deleteUnfinishedWrites() {
        if (shared) {
            return;
        }
        try {
            LocalDisk.deleteTemporaryFiles(files, SEGMENTS_PREFIX);
        } catch (IOException e) {
            LOG.warn("event=temp_cleanup_failed dir={} error={}", files.describe(SEGMENTS_PREFIX), e.toString());
        }
    }

    private boolean exists(String file) {
        try {
            return files.exists(file);
        } catch (IOException e) {
            throw StorageException.io("look up", files.describe(file), e);
        }
    }
}
