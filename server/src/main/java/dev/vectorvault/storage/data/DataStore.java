package dev.vectorvault.storage.data;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.common.JsonValues;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.codec.MalformedValueException;
import dev.vectorvault.storage.codec.ValueReader;
import dev.vectorvault.storage.codec.ValueWriter;
import dev.vectorvault.storage.io.FileStore;
import dev.vectorvault.storage.io.LocalDisk;
import dev.vectorvault.storage.segment.SegmentFile;
import dev.vectorvault.storage.wal.Durability;
import dev.vectorvault.storage.wal.WalRecord;
import dev.vectorvault.storage.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All collection data, durable. A write is first appended to the {@link WriteAheadLog} (forced to disk unless the
 * operator relaxed durability), then applied to memory, then acknowledged. A checkpoint seals the growing segments
 * into checksummed segment files, writes tombstone files for segments that lost rows, compacts segments that are
 * mostly tombstones, records the manifest (segment list + the log position it covers) in the metadata store and
 * drops the log before that position. Start-up loads the manifest's segments and replays the log after it.
 *
 * <p>Writes to one collection are serialised (log order = apply order, so replay rebuilds exactly the state that
 * was acknowledged); different collections share log forces. Thread-safe.
 */
public final class DataStore implements AutoCloseable {
    /** Looks up the current shape of a collection; empty once it was dropped. */
    public interface LayoutSource {
        Optional<CollectionLayout> layout(long collectionId);
    }

    private static final Logger LOG = LoggerFactory.getLogger(DataStore.class);
    private static final String MANIFEST_KEY = "data/manifest";
    private static final String WAL_PREFIX = "wal/";
    private static final String SEGMENTS_PREFIX = "segments/";
    private static final int PUT = 1;
    private static final int DELETE = 2;
    /** A segment whose rows are more than this share tombstones is rewritten at the next checkpoint. */
    private static final double COMPACT_RATIO = 0.2;
    /** Log volume after which a checkpoint starts by itself, unless told otherwise. */
    public static final long DEFAULT_AUTO_CHECKPOINT_BYTES = 256L * 1024 * 1024;

    /** Where every file lives: the log under {@code wal/}, segments, tombstones and index files under {@code segments/}. */
    private final FileStore disk;
    private final MetaStore meta;
    private final LayoutSource layouts;
    private final int sealThreshold;
    private final long autoCheckpointBytes;
    /** Replaced only by {@link #recoverFromDisk}, under the checkpoint lock's write side. */
    private volatile WriteAheadLog wal;
    private final Map<Long, CollectionData> collections = new ConcurrentHashMap<>();
    private final Map<Long, Object> writeOrder = new ConcurrentHashMap<>();
    private final ReentrantReadWriteLock checkpointLock = new ReentrantReadWriteLock();
    private final AtomicLong segmentIds = new AtomicLong(1);
    private final AtomicLong lastLsn = new AtomicLong();
    private final AtomicLong logBytesSinceCheckpoint = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean checkpointPending =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.ExecutorService background =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread thread = new Thread(r, "data-checkpoint");
                thread.setDaemon(true);
                return thread;
            });
    /** Builds and loads approximate indexes of sealed segments, one at a time, off the request threads. */
    private final java.util.concurrent.ExecutorService indexBuilds =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread thread = new Thread(r, "index-build");
                thread.setDaemon(true);
                return thread;
            });
    private final IndexBuildSettings indexSettings;
    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The segment list of the last checkpoint and the log position it includes. */
    record Manifest(long checkpointLsn, List<SegmentRef> segments) {}

    record SegmentRef(long collectionId, long segmentId) {}

    private DataStore(FileStore disk, Durability durability, MetaStore meta, LayoutSource layouts,
                      int sealThreshold, long autoCheckpointBytes, IndexBuildSettings indexSettings) {
        this.autoCheckpointBytes = autoCheckpointBytes;
        this.indexSettings = indexSettings;
        this.disk = disk;
        this.meta = meta;
        this.layouts = layouts;
        this.sealThreshold = sealThreshold;
        deleteUnfinishedWrites();
        this.wal = WriteAheadLog.open(disk, WAL_PREFIX, durability);
        load("data_recovered");
    }

    /**
     * Builds the in-memory state from what the disk holds: the manifest's segments, then the log after it. Then
     * loads (or, for a missing or damaged file, rebuilds) the indexes in the background; searches are exact for a
     * segment until its index is ready.
     */
    private void load(String event) {
        Manifest manifest = readManifest();
        manifest.segments().forEach(ref -> segmentIds.accumulateAndGet(ref.segmentId() + 1, Math::max));
        loadSegments(manifest);
        lastLsn.set(manifest.checkpointLsn());
        int replayed = 0;
        for (WalRecord record : wal.recovered()) {
            lastLsn.accumulateAndGet(record.lsn(), Math::max);
            if (record.lsn() > manifest.checkpointLsn()) {
                apply(record.payload());
                replayed++;
            }
        }
        LOG.info("event={} segments={} replayedRecords={} lastLsn={}", event, manifest.segments().size(),
                replayed, lastLsn.get());
        for (CollectionData data : collections.values()) {
            layouts.layout(data.collectionId()).ifPresent(layout -> reconcileIndexes(layout, data));
        }
    }

    /**
     * After the log failed (a failed force, a full disk), forgets the in-memory state and rebuilds it from what is
     * really on disk: the log cut back to its last successful force, segments, tombstones (PostgreSQL's lesson from
     * "fsyncgate": never go on as if data whose force failed were durable). Until this succeeds every write is
     * refused with the failure's code. Runs at the next write or checkpoint after the failure.
     *
     * @throws StorageException if the disk still fails; the store stays refusing writes
     */
    private void recoverFromDisk() {
        checkpointLock.writeLock().lock();
        try {
            if (!wal.failed()) {
                return; // another thread recovered meanwhile
            }
            wal = wal.reopenAfterFailure();
            collections.values().forEach(CollectionData::cancelAnnIndexes);
            collections.clear();
            logBytesSinceCheckpoint.set(0);
            load("data_recovered_after_failure");
        } finally {
            checkpointLock.writeLock().unlock();
        }
    }

    public static DataStore open(Path dir, Durability durability, MetaStore meta, LayoutSource layouts,
                                 int sealThreshold) {
        return open(dir, durability, meta, layouts, sealThreshold, DEFAULT_AUTO_CHECKPOINT_BYTES);
    }

    /** As {@link #open(Path, Durability, MetaStore, LayoutSource, int)}, checkpointing after this much log. */
    public static DataStore open(Path dir, Durability durability, MetaStore meta, LayoutSource layouts,
                                 int sealThreshold, long autoCheckpointBytes) {
        return open(dir, durability, meta, layouts, sealThreshold, autoCheckpointBytes,
                IndexBuildSettings.defaults());
    }

    /** As above, with explicit settings for the approximate indexes of sealed segments. */
    public static DataStore open(Path dir, Durability durability, MetaStore meta, LayoutSource layouts,
                                 int sealThreshold, long autoCheckpointBytes, IndexBuildSettings indexSettings) {
        FileStore disk;
        try {
            disk = LocalDisk.open(dir);
        } catch (IOException e) {
            throw StorageException.io("open the data folder", dir.toString(), e);
        }
        return open(disk, durability, meta, layouts, sealThreshold, autoCheckpointBytes, indexSettings);
    }

    /**
     * As above, on any {@link FileStore} (tests pass a fault-injecting one). Segments, tombstones and index files use
     * only its {@link dev.vectorvault.storage.io.ObjectStore} side; the log uses its appendable files.
     */
    public static DataStore open(FileStore disk, Durability durability, MetaStore meta, LayoutSource layouts,
                                 int sealThreshold, long autoCheckpointBytes, IndexBuildSettings indexSettings) {
        return new DataStore(disk, durability, meta, layouts, sealThreshold, autoCheckpointBytes, indexSettings);
    }

    /** Writes rows (each aligned with the collection's fields); a row with an existing key replaces it. */
    public void put(CollectionLayout layout, long partitionId, List<Object[]> rows) {
        rows.forEach(row -> checkRow(layout, row));
        ValueWriter record = new ValueWriter(256 + rows.size() * estimatedRowBytes(layout));
        record.writeInt(PUT).writeLong(layout.collectionId()).writeLong(partitionId).writeInt(rows.size());
        for (Object[] row : rows) {
            writeRow(record, layout, row);
        }
        durably(layout, record.toByteArray(), data -> {
            data.put(partitionId, rows);
            return 0;
        });
        // A segment may have sealed on the way (it reached the seal threshold): index it.
        reconcileIndexes(layout, data(layout));
    }

    /**
     * Refuses, before anything is logged, a row that memory cannot take: once logged, it would fail again at every
     * start-up (the log is replayed), and a half-applied row would shift the segment's columns.
     */
    private static void checkRow(CollectionLayout layout, Object[] row) {
        if (row.length != layout.fieldCount()) {
            throw new IllegalArgumentException("row has " + row.length + " values, collection "
                    + layout.collectionId() + " has " + layout.fieldCount() + " fields");
        }
        if (row[layout.primaryKeyField()] == null) {
            throw new IllegalArgumentException("row without primary key");
        }
        for (int f = 0; f < row.length; f++) {
            int dim = layout.vectorDims()[f];
            if (dim == 0) {
                continue;
            }
            if (!(row[f] instanceof float[] vector) || vector.length != dim) {
                throw new IllegalArgumentException("field " + f + " needs a float[" + dim + "] vector");
            }
            for (float v : vector) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("field " + f + " holds a non-finite vector component " + v);
                }
            }
        }
    }

    /** A first guess at a row's encoded size, so batch buffers rarely have to grow: vectors dominate. */
    private static int estimatedRowBytes(CollectionLayout layout) {
        int bytes = 16 * layout.fieldCount();
        for (int dim : layout.vectorDims()) {
            bytes += 4 * dim;
        }
        return bytes;
    }

    /** Deletes by primary key; returns how many rows existed. */
    public int delete(CollectionLayout layout, List<Object> primaryKeys) {
        ValueWriter record = new ValueWriter(64 + primaryKeys.size() * 16);
        record.writeInt(DELETE).writeLong(layout.collectionId()).writeInt(primaryKeys.size());
        primaryKeys.forEach(record::writeValue);
        return durably(layout, record.toByteArray(), data -> data.delete(primaryKeys));
    }

    public long liveRows(CollectionLayout layout, long partitionId) {
        return data(layout).liveRows(partitionId);
    }

    /**
     * Runs {@code reader} on a consistent view. Also brings the segments' approximate indexes in line with the
     * layout first, so an index created or dropped since the last call starts building (or stops) now.
     */
    public <R> R read(CollectionLayout layout, Function<CollectionView, R> reader) {
        CollectionData data = data(layout);
        reconcileIndexes(layout, data);
        return data.read(reader);
    }

    /** How far the approximate index of vector field {@code field} is (see {@link IndexProgress}). */
    public IndexProgress indexProgress(CollectionLayout layout, int field) {
        CollectionData data = data(layout);
        reconcileIndexes(layout, data);
        long[] totals = new long[2];
        String[] failure = {""};
        data.forEachSegment(segment -> {
            long live = segment.size() - segment.deletedCount();
            totals[0] += live;
            SegmentIndex index = field >= 0 && field < segment.fieldCount() ? segment.annIndex(field) : null;
            if (index != null && !index.ready()) {
                totals[1] += Math.min(live, segment.size() - index.indexedRows());
                if (index.failed()) {
                    failure[0] = index.failure();
                }
            }
        });
        return new IndexProgress(totals[0], totals[0] - totals[1], totals[1], failure[0]);
    }

    /**
     * Gives every sealed segment big enough the index its layout asks for, and takes away indexes no longer asked
     * for (dropped, or replaced by another definition). New indexes are loaded from their file when the segment
     * came from disk, else built; either way on the index-build thread.
     */
    private void reconcileIndexes(CollectionLayout layout, CollectionData data) {
        VectorIndexSpec[] specs = layout.vectorIndexes();
        data.forEachSegment(segment -> {
            for (int f = 0; f < Math.min(specs.length, segment.fieldCount()); f++) {
                if (segment.vectors(f) == null) {
                    continue;
                }
                SegmentIndex current = segment.annIndex(f);
                VectorIndexSpec spec = specs[f];
                boolean wanted = spec != null && segment.sealed() && segment.size() >= indexSettings.minSegmentRows();
                if (!wanted) {
                    if (current != null && segment.replaceAnnIndex(f, current, null)) {
                        current.cancel();
                    }
                    continue;
                }
                if (current != null && current.spec.equals(spec)) {
                    continue;
                }
                SegmentIndex fresh = new SegmentIndex(spec, segment.segmentId(), f, segment.size());
                if (!segment.replaceAnnIndex(f, current, fresh)) {
                    continue; // another reconciliation got there first
                }
                if (current != null) {
                    current.cancel();
                }
                String file = collectionDir(data.collectionId()) + spec.fileName(segment.segmentId(), f);
                String previousVersion = collectionDir(data.collectionId())
                        + spec.previousVersionFileName(segment.segmentId(), f);
                boolean fromDisk = segment.persisted();
                dev.vectorvault.index.VectorColumn column = segment.vectors(f);
                try {
                    indexBuilds.execute(() -> fresh.loadOrBuild(column, disk, file, previousVersion, fromDisk,
                            indexSettings.threads()));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    fresh.cancel(); // closing: the segment stays exact
                }
            }
        });
    }

    public void collectionDropped(long collectionId) {
        CollectionData data = collections.remove(collectionId);
        if (data != null) {
            data.cancelAnnIndexes();
        }
    }

    public void partitionDropped(long collectionId, long partitionId) {
        CollectionData data = collections.get(collectionId);
        if (data != null) {
            data.dropPartition(partitionId);
        }
    }

    private <R> R durably(CollectionLayout layout, byte[] record, Function<CollectionData, R> apply) {
        if (wal.failed()) {
            recoverFromDisk();
        }
        CollectionData data = data(layout);
        R result;
        checkpointLock.readLock().lock();
        try {
            synchronized (writeOrder.computeIfAbsent(layout.collectionId(), id -> new Object())) {
                long lsn = wal.append(record);
                lastLsn.accumulateAndGet(lsn, Math::max);
                result = apply.apply(data);
            }
        } finally {
            checkpointLock.readLock().unlock();
        }
        if (logBytesSinceCheckpoint.addAndGet(record.length) > autoCheckpointBytes) {
            scheduleCheckpoint();
        }
        return result;
    }

    /**
     * Starts a checkpoint in the background once enough log has piled up, so the log (and the time to replay it
     * at start-up) stays bounded even when clients never call Flush. At most one runs or waits at a time.
     */
    private void scheduleCheckpoint() {
        if (checkpointPending.compareAndSet(false, true)) {
            background.execute(() -> {
                try {
                    checkpoint();
                } catch (RuntimeException e) {
                    LOG.error("event=auto_checkpoint_failed error={}", e.toString(), e);
                } finally {
                    checkpointPending.set(false);
                }
            });
        }
    }

    private CollectionData data(CollectionLayout layout) {
        return collections.computeIfAbsent(layout.collectionId(), id -> newData(layout));
    }

    private CollectionData newData(CollectionLayout layout) {
        return new CollectionData(layout.collectionId(), layout.primaryKeyField(), layout.vectorDims(),
                sealThreshold, segmentIds::getAndIncrement);
    }

    /** Replays one log record; records of dropped collections or partitions are skipped. */
    private void apply(byte[] payload) {
        ValueReader in = new ValueReader(payload);
        int type = in.readInt();
        long collectionId = in.readLong();
        Optional<CollectionLayout> layout = layouts.layout(collectionId);
        if (layout.isEmpty()) {
            return;
        }
        CollectionData data = data(layout.get());
        if (type == PUT) {
            long partitionId = in.readLong();
            int count = in.readInt();
            List<Object[]> rows = new ArrayList<>(count);
            for (int r = 0; r < count; r++) {
                rows.add(readRow(in, layout.get()));
            }
            if (layout.get().partitions().contains(partitionId)) {
                data.put(partitionId, rows);
            } else {
                // The partition was dropped after this write, taking these rows with it; but they had replaced
                // any earlier rows with the same keys, which must stay gone too.
                int pk = layout.get().primaryKeyField();
                data.delete(rows.stream().map(row -> row[pk]).toList());
            }
        } else if (type == DELETE) {
            int count = in.readInt();
            List<Object> keys = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                keys.add(in.readValue());
            }
            data.delete(keys);
        } else {
            throw new StorageException("unknown log record type " + type, null);
        }
    }

    /** JSON fields travel as their JSON text: the value codec knows no maps. */
    static void writeRow(ValueWriter out, CollectionLayout layout, Object[] row) {
        for (int f = 0; f < row.length; f++) {
            out.writeValue(layout.jsonFields()[f] && row[f] != null ? JsonValues.toBytes(row[f]) : row[f]);
        }
    }

    /**
     * Reads a row written by {@link #writeRow}. A vector that is not one of the field's dimension, or a JSON field
     * that is not JSON text, is a {@link MalformedValueException}: the bytes are damaged, and such a row would fail
     * far from here, in a search or a query.
     */
    static Object[] readRow(ValueReader in, CollectionLayout layout) {
        Object[] row = new Object[layout.fieldCount()];
        for (int f = 0; f < row.length; f++) {
            int at = in.position();
            Object value = in.readValue();
            int dim = layout.vectorDims()[f];
            if (dim > 0 && !(value instanceof float[] vector && vector.length == dim)) {
                throw new MalformedValueException(at, "field " + f + " holds " + describe(value)
                        + " where a vector of dimension " + dim + " belongs");
            }
            if (layout.jsonFields()[f] && value != null) {
                if (!(value instanceof byte[] text)) {
                    throw new MalformedValueException(at, "field " + f + " holds " + describe(value)
                            + " where JSON text belongs");
                }
                try {
                    value = JsonValues.parse(text);
                } catch (MilvusException e) {
                    throw new MalformedValueException(at, "field " + f + ": " + e.getMessage());
                }
            }
            row[f] = value;
        }
        return row;
    }

    private static String describe(Object value) {
        return value == null ? "null" : value instanceof float[] vector ? "a vector of dimension " + vector.length
                : "a " + value.getClass().getSimpleName();
    }

    // ------------------------------------------------------------------ checkpoints

    /**
     * Makes everything acknowledged so far part of segment files and shortens the log. Writers wait meanwhile.
     */
    public void checkpoint() {
        if (wal.failed()) {
            recoverFromDisk();
        }
        checkpointLock.writeLock().lock();
        try {
            logBytesSinceCheckpoint.set(0);
            long covered = lastLsn.get();
            List<SegmentRef> refs = new ArrayList<>();
            Set<String> indexFiles = new HashSet<>();
            for (CollectionData data : collections.values()) {
                if (layouts.layout(data.collectionId()).isEmpty()) {
                    // Dropped in the catalog, and the drop notice is yet to arrive: it is gone, not persisted.
                    collections.remove(data.collectionId());
                    continue;
                }
                CollectionLayout layout = layouts.layout(data.collectionId()).orElseThrow();
                data.exclusive(segments -> {
                    persist(data.collectionId(), segments, data);
                    segments.forEach(s -> refs.add(new SegmentRef(data.collectionId(), s.segmentId())));
                    return null;
                });
                // Segments sealed or compacted just now get their indexes; the files of every index the layout
                // still asks for are kept, whether built yet or not.
                reconcileIndexes(layout, data);
                data.forEachSegment(segment -> {
                    for (int f = 0; f < layout.vectorIndexes().length; f++) {
                        if (layout.vectorIndexes()[f] != null) {
                            indexFiles.add(collectionDir(data.collectionId())
                                    + layout.vectorIndexes()[f].fileName(segment.segmentId(), f));
                        }
                    }
                });
            }
            writeManifest(new Manifest(covered, refs));
            deleteUnreferencedFiles(refs, indexFiles);
            wal.truncateBefore(covered + 1);
        } finally {
            checkpointLock.writeLock().unlock();
        }
    }

    private void persist(long collectionId, List<Segment> segments, CollectionData data) {
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            if (segment.size() == 0) {
                continue;
            }
            segment.seal();
            if (segment.persisted() && segment.deletedCount() > COMPACT_RATIO * segment.size()) {
                segment = compact(segment, data);
                data.replaceCompacted(i, segment);
            }
            if (!segment.persisted()) {
                SegmentFile.write(disk, segmentFile(collectionId, segment.segmentId()), SegmentCodec.SEGMENT_KIND,
                        SegmentCodec.encodeRows(segment, layouts.layout(collectionId).orElseThrow()));
                segment.markPersisted();
                if (!segment.deletesDirty()) {
                    // A tombstone file under this id can only be left over from a checkpoint that crashed before
                    // its manifest; it belongs to other rows and would be applied to these at the next start.
                    deleteFile(deletesFile(collectionId, segment.segmentId()));
                }
            }
            if (segment.deletesDirty()) {
                SegmentFile.write(disk, deletesFile(collectionId, segment.segmentId()), SegmentCodec.DELETES_KIND,
                        SegmentCodec.encodeDeletes(segment));
                segment.deletesWritten();
            }
        }
        // Not segments.removeIf: the primary-key map holds segment positions, which must move with them.
        data.removeEmptySegments();
    }

    /** A new segment with only the live rows; the old files go once the manifest no longer names them. */
    private static Segment compact(Segment segment, CollectionData data) {
        Segment compacted = data.newSegment();
        for (int ordinal = 0; ordinal < segment.size(); ordinal++) {
            if (!segment.isDeleted(ordinal)) {
                compacted.append(segment.partition(ordinal), segment.row(ordinal));
            }
        }
        compacted.seal();
        return compacted;
    }

    private void loadSegments(Manifest manifest) {
        for (SegmentRef ref : manifest.segments()) {
            Optional<CollectionLayout> layout = layouts.layout(ref.collectionId());
            if (layout.isEmpty()) {
                continue; // dropped: its files are deleted at the next checkpoint
            }
            byte[] body = SegmentFile.read(disk, segmentFile(ref.collectionId(), ref.segmentId()),
                    SegmentCodec.SEGMENT_KIND);
            Segment segment = SegmentCodec.decodeRows(disk.describe(segmentFile(ref.collectionId(), ref.segmentId())),
                    body, layout.get());
            String deletes = deletesFile(ref.collectionId(), ref.segmentId());
            if (exists(deletes)) {
                BitSet deleted = SegmentCodec.decodeDeletes(disk.describe(deletes), SegmentFile.read(disk, deletes,
                        SegmentCodec.DELETES_KIND), segment.size());
                segment.restoreDeleted(deleted);
            }
            for (int ordinal = 0; ordinal < segment.size(); ordinal++) {
                if (!layout.get().partitions().contains(segment.partition(ordinal))) {
                    segment.delete(ordinal);
                }
            }
            segment.markPersisted();
            if (!segment.deletesDirty()) {
                segment.deletesWritten();
            }
            data(layout.get()).addLoaded(segment);
        }
    }

    private Manifest readManifest() {
        return meta.get(MANIFEST_KEY).map(bytes -> parseManifest(json, bytes)).orElse(new Manifest(0, List.of()));
    }

    /**
     * The manifest record's JSON.
     *
     * @throws StorageException {@code STORAGE_CORRUPT} naming the record and the byte offset where it is unreadable
     */
    static Manifest parseManifest(ObjectMapper json, byte[] bytes) {
        Manifest manifest;
        try {
            manifest = json.readValue(bytes, Manifest.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            long offset = e.getLocation() == null ? StorageException.NO_OFFSET : e.getLocation().getByteOffset();
            throw StorageException.corrupt(MANIFEST_KEY, offset, "unreadable data manifest: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw StorageException.corrupt(MANIFEST_KEY, StorageException.NO_OFFSET, "unreadable data manifest: " + e);
        }
        if (manifest == null || manifest.checkpointLsn() < 0 || manifest.segments() == null
                || manifest.segments().contains(null)) {
            throw StorageException.corrupt(MANIFEST_KEY, StorageException.NO_OFFSET, "data manifest without a"
                    + " checkpoint position >= 0 or a list of segments");
        }
        return manifest;
    }

    private void writeManifest(Manifest manifest) {
        try {
            meta.put(MANIFEST_KEY, json.writeValueAsBytes(manifest));
        } catch (IOException e) {
            throw new StorageException("cannot write data manifest", e);
        }
    }

    /**
     * Deletes segment, tombstone and index files that nothing refers to any more (dropped collections, compacted
     * segments, dropped indexes). Index files being written right now ({@code .tmp}) are left alone.
     */
    private void deleteUnreferencedFiles(List<SegmentRef> refs, Set<String> indexFiles) {
        Set<String> keep = new HashSet<>(indexFiles);
        refs.forEach(r -> {
            keep.add(segmentFile(r.collectionId(), r.segmentId()));
            keep.add(deletesFile(r.collectionId(), r.segmentId()));
        });
        try {
            for (String file : disk.list(SEGMENTS_PREFIX)) {
                if (!keep.contains(file) && !file.endsWith(LocalDisk.TEMP_SUFFIX)) {
                    disk.delete(file);
                }
            }
        } catch (IOException e) {
            LOG.warn("event=segment_cleanup_failed dir={} error={}", disk.describe(SEGMENTS_PREFIX), e.toString());
        }
    }

    /** Temp files of writes that a crash interrupted; nothing is writing at start-up. */
    private void deleteUnfinishedWrites() {
        try {
            LocalDisk.deleteTemporaryFiles(disk, SEGMENTS_PREFIX);
        } catch (IOException e) {
            LOG.warn("event=temp_cleanup_failed dir={} error={}", disk.describe(SEGMENTS_PREFIX), e.toString());
        }
    }

    private boolean exists(String file) {
        try {
            return disk.exists(file);
        } catch (IOException e) {
            throw StorageException.io("look up", disk.describe(file), e);
        }
    }

    private void deleteFile(String file) {
        try {
            disk.delete(file);
        } catch (IOException e) {
            throw StorageException.io("delete stale tombstone file", disk.describe(file), e);
        }
    }

    private static String segmentFile(long collectionId, long segmentId) {
        return collectionDir(collectionId) + segmentId + ".seg";
    }

    /** The name prefix of a collection's files (a folder on a disk). */
    private static String collectionDir(long collectionId) {
        return SEGMENTS_PREFIX + collectionId + "/";
    }

    private static String deletesFile(long collectionId, long segmentId) {
        return collectionDir(collectionId) + segmentId + ".del";
    }

    @Override
    public void close() {
        // Builds in progress are abandoned: their segments' files stay absent and the next start builds them.
        indexBuilds.shutdownNow();
        collections.values().forEach(CollectionData::cancelAnnIndexes);
        try {
            indexBuilds.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        background.shutdown();
        try {
            background.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            checkpoint();
        } finally {
            wal.close();
        }
    }
}
