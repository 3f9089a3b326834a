package dev.vectorvault.storage.data;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.index.SparseVector;
import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.data.DataManifest.SegmentRef;
import dev.vectorvault.storage.io.FileStore;
import dev.vectorvault.storage.io.LocalDisk;
import dev.vectorvault.storage.wal.Durability;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All collection data, durable; the façade over the parts that do the work. A write is first appended to the
 * {@link DataLog} (the local write-ahead log, forced to disk unless the operator relaxed durability; or the shards of
 * a shard log, committed there), then applied to memory, then acknowledged. Its parts: {@link LogRecordCodec} (what a log record holds), {@link SegmentSealer} (a checkpoint's
 * sealing, compaction and segment files), {@link SegmentDirectory} (file names, manifest, loading, cleanup),
 * {@link IndexMaintenance} (approximate indexes of sealed segments) and {@link AutoCheckpoint}.
 *
 * <p>Life cycle: {@code open} recovers (the manifest's segments, then the log after it) and nothing more;
 * {@link #startBackgroundWork()} then loads or builds indexes on the {@link DataExecutors} the owner passed in. The
 * store starts no threads of its own and never shuts the executors down.
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
    /** Log volume after which a checkpoint starts by itself, unless told otherwise. */
    public static final long DEFAULT_AUTO_CHECKPOINT_BYTES = 256L * 1024 * 1024;

    /**
     * Where writes are made durable before they are acknowledged: the local write-ahead log ({@code wal/}) or a shard
     * log. Segments, tombstones and index files go to {@link SealedStorage}: by default the local disk under
     * {@code segments/}, or object storage.
     */
    private final DataLog log;
    private final LayoutSource layouts;
    private final int sealThreshold;
    private final SegmentDirectory directory;
    private final SegmentSealer sealer;
    private final IndexMaintenance indexes;
    private final AutoCheckpoint autoCheckpoint;
    private final Map<Long, CollectionData> collections = new ConcurrentHashMap<>();
    /** Read-only copies of collections other nodes own (this node is one of their follower replicas). */
    private final Map<Long, FollowedCollection> followed = new ConcurrentHashMap<>();
    private volatile ManifestRecords manifestRecords;
    private volatile LongPredicate ownsHere;
    /** Each collection's writes on their way to the log, in order (see {@link #durably}). */
    private final Map<Long, GroupCommit<ClientWrite>> writeOrder = new ConcurrentHashMap<>();
    private final ReentrantReadWriteLock checkpointLock = new ReentrantReadWriteLock();
    private final AtomicLong segmentIds = new AtomicLong(1);
    private final CompactionHistory compactions = new CompactionHistory();
    private final DataExecutors.Delays delays;
    private final Executor checkpointExecutor;
    /** Epoch milliseconds: the insert time of puts, and the time reads and compactions expire rows at. */
    private volatile LongSupplier clockMillis = System::currentTimeMillis;
    /** The TTL of collections without one of their own (Milvus's {@code common.entityExpiration}); -1: none. */
    private volatile long defaultTtlSeconds = -1;
    private volatile BackgroundCompaction backgroundCompaction;
    private volatile boolean closed;

    private DataStore(DataLog log, SealedStorage sealed, Manifests manifests,
                      LayoutSource layouts, int sealThreshold, long autoCheckpointBytes,
                      IndexBuildSettings indexSettings, DataExecutors executors) {
        this.log = log;
        this.layouts = layouts;
        this.sealThreshold = sealThreshold;
        this.directory = new SegmentDirectory(sealed.objects(), manifests, sealed.shared(), executors.segmentLoads());
        this.sealer = new SegmentSealer(directory);
        this.indexes = new IndexMaintenance(executors.indexBuilds(), executors.delays(), directory, indexSettings);
        this.autoCheckpoint = new AutoCheckpoint(executors.checkpoints(), autoCheckpointBytes, this::checkpoint);
        this.delays = executors.delays();
        this.checkpointExecutor = executors.checkpoints();
    }

    /**
     * Opens and recovers the store in {@code dir} (created if missing), running background work on the owner's
     * executors (which the store never shuts down). Nothing runs in the background until
     * {@link #startBackgroundWork()}.
     *
     * @param sealThreshold       rows after which a growing segment seals
     * @param autoCheckpointBytes log volume after which a checkpoint starts by itself
     *                            ({@link #DEFAULT_AUTO_CHECKPOINT_BYTES} unless told otherwise)
     */
    public static DataStore open(Path dir, Durability durability, MetaStore meta, LayoutSource layouts,
                                 int sealThreshold, long autoCheckpointBytes, IndexBuildSettings indexSettings,
                                 DataExecutors executors) {
        return open(openLocalDisk(dir), durability, meta, layouts, sealThreshold, autoCheckpointBytes,
                indexSettings, executors);
    }

    /**
     * As above, on any {@link FileStore} (tests pass a fault-injecting one). Segments, tombstones and index files use
     * only its {@link dev.vectorvault.storage.io.ObjectStore} side; the log uses its appendable files.
     */
    public static DataStore open(FileStore disk, Durability durability, MetaStore meta, LayoutSource layouts,
                                 int sealThreshold, long autoCheckpointBytes, IndexBuildSettings indexSettings,
                                 DataExecutors executors) {
        return open(disk, SealedStorage.local(disk), durability, meta, layouts, sealThreshold, autoCheckpointBytes,
                indexSettings, executors);
    }

    /**
     * As above with the log on {@code logDisk} and sealed data (segments, tombstones, index files) in
     * {@code sealed}, such as object storage. Only the log's records after the last checkpoint live on
     * {@code logDisk} alone.
     */
    public static DataStore open(FileStore logDisk, SealedStorage sealed, Durability durability, MetaStore meta,
                                 LayoutSource layouts, int sealThreshold, long autoCheckpointBytes,
                                 IndexBuildSettings indexSettings, DataExecutors executors) {
        return open(DataLog.local(logDisk, durability), sealed, meta, layouts, sealThreshold, autoCheckpointBytes,
                indexSettings, executors);
    }

    /**
     * As above with writes made durable in {@code log} (which the store closes with itself), such as
     * {@link DataLog#sharded} on Kafka.
     */
    public static DataStore open(DataLog log, SealedStorage sealed, MetaStore meta, LayoutSource layouts,
                                 int sealThreshold, long autoCheckpointBytes, IndexBuildSettings indexSettings,
                                 DataExecutors executors) {
        return open(log, sealed, Manifests.node(meta), layouts, sealThreshold, autoCheckpointBytes, indexSettings,
                executors);
    }

    /**
     * As above with checkpoints recorded in {@code manifests}, such as {@link Manifests#perCollection} (a cluster
     * on Kafka: each collection's manifest apart, written only by its owner).
     */
    public static DataStore open(DataLog log, SealedStorage sealed, Manifests manifests, LayoutSource layouts,
                                 int sealThreshold, long autoCheckpointBytes, IndexBuildSettings indexSettings,
                                 DataExecutors executors) {
        DataStore store = new DataStore(log, sealed, manifests, layouts, sealThreshold, autoCheckpointBytes,
                indexSettings, executors);
        try {
            store.recover();
        } catch (RuntimeException e) {
            try {
                log.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return store;
    }

    /** Opens (creating) the local data folder {@code dir}, for the log next to sealed data elsewhere. */
    public static FileStore localDisk(Path dir) {
        return openLocalDisk(dir);
    }

    private static FileStore openLocalDisk(Path dir) {
        try {
            return LocalDisk.open(dir);
        } catch (IOException e) {
            throw StorageException.io("open the data folder", dir.toString(), e);
        }
    }

    /** Start-up: interrupted writes are cleaned away, then the state is rebuilt from the disk. */
    private void recover() {
        directory.deleteUnfinishedWrites();
        log.open();
        load("data_recovered");
    }

    /**
     * Loads (or, for a missing or damaged file, rebuilds) the approximate indexes of the sealed segments, from now
     * on also of segments sealed later; searches are exact for a segment until its index is ready.
     */
    public void startBackgroundWork() {
        indexes.start();
        reconcileAllIndexes();
    }

    /** Builds the in-memory state from what the disk holds: the manifest's segments, then the log after it. */
    private void load(String event) {
        DataManifest manifest = directory.readManifest();
        manifest.segments().forEach(ref -> segmentIds.accumulateAndGet(ref.segmentId() + 1, Math::max));
        directory.loadSegments(manifest, layouts, (layout, segment) -> data(layout).addLoaded(segment));
        int replayed = log.replay(manifest, layouts, this::apply);
        LOG.info("event={} segments={} replayedRecords={} log={}", event, manifest.segments().size(),
                replayed, log.name());
        reconcileAllIndexes(); // after a failure recovery: the reloaded segments need their indexes again
    }

    private void reconcileAllIndexes() {
        for (CollectionData data : collections.values()) {
            layouts.layout(data.collectionId()).ifPresent(layout -> indexes.reconcile(layout, data));
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
            if (!log.failed()) {
                return; // another thread recovered meanwhile
            }
            log.reopenAfterFailure();
            collections.values().forEach(CollectionData::retire);
            collections.clear();
            autoCheckpoint.reset();
            load("data_recovered_after_failure");
        } finally {
            checkpointLock.writeLock().unlock();
        }
    }

    /**
     * The clock of insert times and of expiry (a collection TTL); the system clock unless a test sets another.
     * Replayed and followed rows keep the insert time their log record carries.
     */
    public void useClock(LongSupplier clockMillis) {
        this.clockMillis = java.util.Objects.requireNonNull(clockMillis);
    }

    /**
     * The TTL, in seconds, of every collection that has no {@code collection.ttl.seconds} of its own (Milvus's
     * {@code common.entityExpiration}); 0 or less: such collections' rows never expire (the default). Like a
     * collection's own TTL it is applied at read time, so it covers rows written before it was set.
     */
    public void expireByDefault(long seconds) {
        this.defaultTtlSeconds = seconds;
    }

    /** The insert time before which the collection's rows are expired now (see {@link CollectionLayout}). */
    private long cutoff(CollectionLayout layout) {
        return layout.expiryCutoff(clockMillis.getAsLong(), defaultTtlSeconds);
    }

    /**
     * Writes rows (each aligned with the collection's fields); a row with an existing key replaces it. The rows'
     * insert time is this store's clock now, written into the log record, so replays and replicas agree on it.
     */
    public void put(CollectionLayout layout, long partitionId, List<Object[]> rows) {
        rows.forEach(row -> checkRow(layout, row));
        long insertTime = clockMillis.getAsLong();
        int shards = log.shardCount(layout);
        List<List<Object[]>> byShard = shards == 1 ? List.of(rows)
                : ShardRouting.rowsByShard(rows, layout.primaryKeyField(), shards);
        List<ShardWrite> writes = new ArrayList<>(shards);
        for (int shard = 0; shard < byShard.size(); shard++) {
            List<Object[]> group = byShard.get(shard);
            if (shards == 1 || !group.isEmpty()) {
                // Memory applies each record's rows as a replay of the log will: record by record.
                for (LogRecordCodec.Piece<Object[]> piece : LogRecordCodec.encodePuts(layout, partitionId,
                        insertTime, group, log.maxRecordBytes())) {
                    writes.add(new ShardWrite(shard, piece.record(), data -> {
                        data.put(partitionId, insertTime, piece.items());
                        return 0;
                    }));
                }
            }
        }
        durably(layout, writes, log.appendsAtOnce() == 1 ? null : keysOf(layout, rows));
        // A segment may have sealed on the way (it reached the seal threshold): index it.
        indexes.reconcile(layout, data(layout));
    }

    /**
     * Refuses rows that {@link #put} would refuse for their size alone (one row larger than the log's record limit),
     * for a request written as several puts: so none of them is written.
     */
    public void checkRowsFit(CollectionLayout layout, List<Object[]> rows) {
        LogRecordCodec.checkRowsFit(layout, rows, log.maxRecordBytes());
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
            if (dim == CollectionLayout.SPARSE) {
                if (!(row[f] instanceof SparseVector)) {
                    throw new IllegalArgumentException("field " + f + " needs a sparse vector");
                }
                continue;
            }
            if (CollectionLayout.isBinaryEntry(dim)) {
                if (!(row[f] instanceof byte[] bits) || bits.length * 8 != -dim) {
                    throw new IllegalArgumentException("field " + f + " needs a binary vector of " + -dim / 8
                            + " bytes");
                }
                continue;
            }
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

    /** Deletes by primary key; returns how many rows existed. */
    public int delete(CollectionLayout layout, List<Object> primaryKeys) {
        int shards = log.shardCount(layout);
        List<List<Object>> byShard = shards == 1 ? List.of(primaryKeys)
                : ShardRouting.keysByShard(primaryKeys, shards);
        List<ShardWrite> writes = new ArrayList<>(shards);
        for (int shard = 0; shard < byShard.size(); shard++) {
            List<Object> group = byShard.get(shard);
            if (shards == 1 || !group.isEmpty()) {
                for (LogRecordCodec.Piece<Object> piece : LogRecordCodec.encodeDeletes(layout, group,
                        log.maxRecordBytes())) {
                    writes.add(new ShardWrite(shard, piece.record(), data -> data.delete(piece.items())));
                }
            }
        }
        return durably(layout, writes, null);
    }

    private static Set<Object> keysOf(CollectionLayout layout, List<Object[]> rows) {
        Set<Object> keys = new HashSet<>(rows.size() * 2);
        for (Object[] row : rows) {
            keys.add(row[layout.primaryKeyField()]);
        }
        return keys;
    }

    /**
     * Collects sealed objects no manifest names any more under {@code policy} (Milvus's {@code dataCoord.gc.*}): after
     * every checkpoint and every {@code policy.interval()} on the executors' delays, each object once its grace
     * has passed on {@code clockMillis}. Without this call unnamed objects go at the next checkpoint. Call once.
     */
    public void collectGarbage(GarbagePolicy policy, LongSupplier clockMillis) {
        directory.garbage().policy(policy, clockMillis);
        scheduleGarbageSweep(policy.interval());
    }

    private void scheduleGarbageSweep(java.time.Duration interval) {
        if (closed) {
            return;
        }
        try {
            delays.schedule(interval, () -> {
                if (closed) {
                    return; // a closed store's view is stale: it must never sweep again
                }
                try {
                    sweepGarbage(true);
                } catch (RuntimeException e) {
                    LOG.warn("event=object_gc_failed error={}", e.toString());
                } finally {
                    scheduleGarbageSweep(interval);
                }
            });
        } catch (RejectedExecutionException e) {
            // shut down: no more sweeps
        }
    }

    /**
     * One garbage sweep between checkpoints: keeps what the last manifest names, the segments in memory and the
     * wanted index files. Holds off checkpoints (not writers) meanwhile, so no manifest changes under it.
     *
     * @return how many objects were deleted
     */
    int sweepGarbage(boolean wholeBucket) {
        checkpointLock.readLock().lock();
        try {
            Set<String> keep = SegmentDirectory.namesOf(directory.lastManifestSegments());
            for (CollectionData data : collections.values()) {
                data.forEachSegment(segment -> {
                    keep.add(SegmentDirectory.segmentFile(data.collectionId(), segment.segmentId()));
                    keep.add(SegmentDirectory.deletesFile(data.collectionId(), segment.segmentId()));
                });
                layouts.layout(data.collectionId())
                        .ifPresent(layout -> keep.addAll(IndexMaintenance.wantedFiles(layout, data)));
            }
            return directory.garbage().sweep(keep, collectedHere(), id -> layouts.layout(id).isPresent(),
                    wholeBucket);
        } finally {
            checkpointLock.readLock().unlock();
        }
    }

    /**
     * The collections whose objects this store collects: those it holds data of and owns, as far as it can tell:
     * named by its last manifest or holding segments. A collection another node owns may still have an empty entry
     * here (a statistics call made one); it names nothing of its own, so it is never swept from here.
     */
    private Set<Long> collectedHere() {
        LongPredicate owns = ownsHere;
        Set<Long> named = directory.lastManifestCollections();
        Set<Long> out = new HashSet<>();
        for (CollectionData data : collections.values()) {
            long id = data.collectionId();
            if (owns != null && !owns.test(id)) {
                continue;
            }
            boolean[] hasSegments = {false};
            data.forEachSegment(segment -> hasSegments[0] |= segment.size() > 0);
            if (named.contains(id) || hasSegments[0]) {
                out.add(id);
            }
        }
        return out;
    }

    /** Reports each force of the write-ahead log (its fsync latency) to {@code listener}. */
    public void onLogForce(dev.vectorvault.storage.wal.ForceListener listener) {
        log.onForce(listener);
    }

    /** Why writes are refused now (the log failed and has not recovered), or empty: the health check asks. */
    public java.util.Optional<String> writeRefusal() {
        return log.refusal();
    }

    /** Rows neither deleted nor expired now; {@code partitionId} -1: of every partition. */
    public long liveRows(CollectionLayout layout, long partitionId) {
        return data(layout).liveRows(partitionId, cutoff(layout));
    }

    /**
     * Runs {@code reader} on a consistent view: of the collection's data here, or of this node's read-only copy when
     * it follows the collection. Schedules nothing: indexes follow sealing and catalog notices. Rows the layout's TTL
     * expired by this store's clock now read as deleted.
     */
    public <R> R read(CollectionLayout layout, Function<CollectionView, R> reader) {
        long cutoff = cutoff(layout);
        FollowedCollection copy = followed.get(layout.collectionId());
        if (copy != null) {
            CollectionData current = copy.data();
            if (current != null) {
                current.adopt(layout); // a field added since the copy was made reads as absent in its rows
            }
            return copy.read(cutoff, reader);
        }
        LongPredicate owns = ownsHere;
        if (owns != null && !owns.test(layout.collectionId())) {
            // A read routed here for a replica this node does not hold (yet, or any more): another replica answers.
            throw new MilvusException(ErrorCode.SERVICE_UNAVAILABLE,
                    "this node holds no replica of collection " + layout.collectionId() + " now");
        }
        return data(layout).read(cutoff, reader);
    }

    /** Reads a collection's manifest record as its owner last wrote it (where every node finds it). */
    public interface ManifestRecords {
        Optional<byte[]> read(long collectionId);
    }

    /**
     * Lets this store keep read-only copies of collections other nodes own ({@link #follow}); needs a shard log.
     * Call before the first {@link #follow}. From then on a read of a collection that this store neither follows nor
     * {@code ownsHere} is refused (SERVICE_UNAVAILABLE) rather than answered from nothing.
     */
    public void followersRead(ManifestRecords records, LongPredicate ownsHere) {
        this.manifestRecords = records;
        this.ownsHere = ownsHere;
    }

    /**
     * Starts keeping a read-only copy of a collection another node owns (this node is one of its follower replicas):
     * its sealed segments from the owner's manifest, then its shards tailed (see {@link FollowedCollection}). Returns
     * at once; the copy serves once loaded ({@link #followReady}). Nothing happens with the local write-ahead log
     * (a collection's log is then on its owner's disk alone) or for a collection this store holds itself.
     */
    public void follow(long collectionId) {
        ShardLogAccess access = log.followable();
        ManifestRecords records = manifestRecords;
        if (access == null || records == null || collections.containsKey(collectionId)) {
            return;
        }
        followed.computeIfAbsent(collectionId, id -> {
            FollowedCollection copy = new FollowedCollection(id, layouts, directory, () -> records.read(id),
                    access.log(), sealThreshold, (layout, data) -> indexes.reconcile(layout, data, true));
            copy.start();
            LOG.info("event=replica_follow_started collection={}", id);
            return copy;
        });
    }

    /** Stops keeping the read-only copy (released, or this node owns the collection now). */
    public void unfollow(long collectionId) {
        FollowedCollection copy = followed.remove(collectionId);
        if (copy != null) {
            copy.close();
            LOG.info("event=replica_follow_stopped collection={}", collectionId);
        }
    }

    /** How many times the read-only copy of the collection was built (0 when not followed). */
    long followerBuilds(long collectionId) {
        FollowedCollection copy = followed.get(collectionId);
        return copy == null ? 0 : copy.builds();
    }

    /** Whether this store keeps a read-only copy of the collection (loaded or still loading). */
    public boolean follows(long collectionId) {
        return followed.containsKey(collectionId);
    }

    /** Whether this store holds a loaded read-only copy of the collection. */
    public boolean followReady(long collectionId) {
        FollowedCollection copy = followed.get(collectionId);
        return copy != null && copy.ready();
    }

    /**
     * Before a read of a followed collection: waits until the copy holds every write acknowledged before this call
     * (Strong), unless it was at the shards' end within {@code maxLagMillis} (Bounded). Returns at once for a
     * collection this store holds itself (every acknowledged write is applied here before it is acknowledged).
     *
     * @throws MilvusException {@code SERVICE_UNAVAILABLE} past {@code timeoutMillis}
     */
    public void awaitFresh(long collectionId, long maxLagMillis, long timeoutMillis) {
        FollowedCollection copy = followed.get(collectionId);
        if (copy != null) {
            copy.awaitFresh(maxLagMillis, timeoutMillis);
        }
    }

    /** How far the approximate index of vector field {@code field} is (see {@link IndexProgress}). */
    public IndexProgress indexProgress(CollectionLayout layout, int field) {
        CollectionData data = data(layout);
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
            SegmentScalarIndex scalar = field >= 0 && field < segment.fieldCount() ? segment.scalarIndex(field)
                    : null;
            if (scalar != null && !scalar.ready()) {
                totals[1] += live; // a scalar index is built in one step: its rows are pending until it is ready
                if (scalar.failed()) {
                    failure[0] = scalar.failure();
                }
            }
        });
        return new IndexProgress(totals[0], totals[0] - totals[1], totals[1], failure[0]);
    }

    /** The catalog created or dropped an index of this collection: its segments' indexes follow now. */
    public void indexesChanged(long collectionId) {
        FollowedCollection copy = followed.get(collectionId);
        CollectionData followedData = copy == null ? null : copy.data();
        if (followedData != null) {
            layouts.layout(collectionId).ifPresent(layout -> indexes.reconcile(layout, followedData, true));
        }
        CollectionData data = collections.get(collectionId);
        if (data != null) {
            layouts.layout(collectionId).ifPresent(layout -> indexes.reconcile(layout, data));
        }
    }

    public void collectionDropped(long collectionId) {
        unfollow(collectionId);
        CollectionData data = collections.remove(collectionId);
        if (data != null) {
            data.retire();
        }
        log.collectionDropped(collectionId);
    }

    /**
     * Takes over a collection that another node owned (it died): loads the sealed segments its manifest names, then
     * replays its shards from the manifest's positions, opening them for writing first so the former owner is fenced;
     * whatever this store held of the collection is dropped first. Writers wait meanwhile.
     *
     * @throws IllegalStateException with the local write-ahead log: a collection moves only with a shard log
     */
    public void adoptCollection(long collectionId) {
        unfollow(collectionId); // the read-only copy gives way to the collection itself
        checkpointLock.writeLock().lock();
        long started = System.nanoTime();
        try {
            Optional<CollectionLayout> layout = layouts.layout(collectionId);
            if (layout.isEmpty()) {
                return; // dropped meanwhile
            }
            CollectionData stale = collections.remove(collectionId);
            if (stale != null) {
                stale.retire();
            }
            DataManifest part = directory.readCollectionManifest(collectionId);
            part.segments().forEach(ref -> segmentIds.accumulateAndGet(ref.segmentId() + 1, Math::max));
            directory.loadSegments(part, layouts, (l, segment) -> data(l).addLoaded(segment));
            int replayed = log.replayCollection(layout.get(), part, this::apply);
            indexes.reconcile(layout.get(), data(layout.get()));
            LOG.info("event=collection_adopted collection={} segments={} replayedRecords={} ms={}", collectionId,
                    part.segments().size(), replayed, (System.nanoTime() - started) / 1_000_000);
        } finally {
            checkpointLock.writeLock().unlock();
        }
    }

    /** Another node owns the collection now: this store forgets it (its shards are another writer's). */
    public void releaseCollection(long collectionId) {
        collectionDropped(collectionId);
    }

    public void partitionDropped(long collectionId, long partitionId) {
        FollowedCollection copy = followed.get(collectionId);
        CollectionData followedData = copy == null ? null : copy.data();
        if (followedData != null) {
            followedData.dropPartition(partitionId);
        }
        CollectionData data = collections.get(collectionId);
        if (data != null) {
            data.dropPartition(partitionId);
        }
    }

    /**
     * One record of a shard's part of a write (a part too large for one record of the log takes several, all in the
     * write's one append) and how memory applies it (returning a count, or 0).
     */
    private record ShardWrite(int shard, byte[] record, ToIntFunction<CollectionData> apply) {}

    /**
     * One client write: its shards' parts, the layout it was encoded with, the memory it applies to, and the primary
     * keys it puts, or {@code null} for a delete. With several transactions in flight a group of puts overlaps only
     * groups whose keys it does not share; a delete overlaps none (see {@link GroupCommit}). A put of keys that
     * exist already (an upsert) passes too when no group in flight shares its keys: groups reach the log and memory in
     * the same order anyway, so what such a put replaces is what a replay has it replace.
     */
    private record ClientWrite(CollectionLayout layout, CollectionData data, List<ShardWrite> parts,
                               Set<Object> keys) {}

    /**
     * Appends the write's records (one per shard it touches) as one unit and applies them to memory once the log
     * made them durable, so memory never holds what the log lacks, and a write spread over shards is never half
     * there: the log commits all of its shards' records or none. Concurrent writes of the collection may share one
     * append ({@link GroupCommit}); the read lock held until the write's group is done keeps checkpoints out.
     */
    private int durably(CollectionLayout layout, List<ShardWrite> writes, Set<Object> keys) {
        if (log.failed()) {
            recoverFromDisk();
        }
        ClientWrite write = new ClientWrite(layout, data(layout), writes, keys);
        int logged = 0;
        for (ShardWrite part : writes) {
            logged += part.record().length;
        }
        checkpointLock.readLock().lock();
        try {
            return writeOrder.computeIfAbsent(layout.collectionId(),
                    id -> new GroupCommit<ClientWrite>(log.maxWritesPerAppend(), log.appendsAtOnce(),
                            ClientWrite::keys, log.groupGatherNanos())).submit(write, this::carry);
        } finally {
            checkpointLock.readLock().unlock();
            autoCheckpoint.logged(logged);
        }
    }

    /** How many writes of the collection wait for a group to take them to the log (tests watch them queue up). */
    int queuedWrites(long collectionId) {
        GroupCommit<ClientWrite> queue = writeOrder.get(collectionId);
        return queue == null ? 0 : queue.waiting();
    }

    /**
     * Carries one group of a collection's writes: one append of all their records, in the group's order, then each
     * write applied to memory in that order (the order a replay of the log applies them in). A failed append fails
     * every write of the group; a write that memory refuses after its append fails alone.
     */
    private void carry(List<GroupCommit.Pending<ClientWrite>> group, GroupCommit.Turn turn) {
        List<DataLog.ShardRecord> records = new ArrayList<>();
        for (GroupCommit.Pending<ClientWrite> pending : group) {
            for (ShardWrite part : pending.write().parts()) {
                records.add(new DataLog.ShardRecord(part.shard(), part.record()));
            }
        }
        // The newest layout of the group: a reopened writer's catch-up decodes the log with it.
        log.append(group.get(group.size() - 1).write().layout(), records, this::apply, turn);
        for (GroupCommit.Pending<ClientWrite> pending : group) {
            try {
                int result = 0;
                for (ShardWrite part : pending.write().parts()) {
                    result += part.apply().applyAsInt(pending.write().data());
                }
                pending.succeeded(result);
            } catch (RuntimeException e) {
                pending.failed(e);
            }
        }
    }

    private CollectionData data(CollectionLayout layout) {
        return collections.computeIfAbsent(layout.collectionId(), id -> new CollectionData(layout.collectionId(),
                layout.primaryKeyField(), layout.vectorDims(), sealThreshold, segmentIds::getAndIncrement))
                .adopt(layout);
    }

    /** Replays one log record. */
    private void apply(LogRecordCodec.Entry entry) {
        CollectionLayout layout = entry.layout();
        CollectionData data = data(layout);
        if (entry instanceof LogRecordCodec.Put put) {
            if (layout.partitions().contains(put.partitionId())) {
                data.put(put.partitionId(), put.insertTime(), put.rows());
            } else {
                // The partition was dropped after this write, taking these rows with it; but they had replaced
                // any earlier rows with the same keys, which must stay gone too.
                int pk = layout.primaryKeyField();
                data.delete(put.rows().stream().map(row -> row[pk]).toList());
            }
        } else if (entry instanceof LogRecordCodec.Delete delete) {
            data.delete(delete.primaryKeys());
        }
    }

    /**
     * A manual compaction (Milvus's ManualCompaction) of one collection's flushed segments, or of those in
     * {@code segmentIds}: merges small ones and rewrites those with tombstones or expired rows (see
     * {@link SegmentSealer#compact}),
     * then checkpoints so the manifest names the new segments; returns what it did. Writers wait meanwhile.
     */
    public List<CompactionPlan> compact(CollectionLayout layout, Set<Long> segmentIds) {
        CollectionData data = owned(layout);
        if (!segmentIds.isEmpty()) {
            Set<Long> known = new HashSet<>();
            data.segmentInfos().forEach(info -> known.add(info.segmentId()));
            for (long id : segmentIds) {
                if (!known.contains(id)) {
                    throw MilvusException.invalidParameter(
                            "segment " + id + " is not a segment of collection " + layout.collectionId());
                }
            }
        }
        return compact(data, layout, segmentIds);
    }

    /** The one compaction path, manual and background: rewrites, then checkpoints. Writers wait meanwhile. */
    private List<CompactionPlan> compact(CollectionData data, CollectionLayout layout, Set<Long> segmentIds) {
        checkpointLock.writeLock().lock();
        try {
            List<CompactionPlan> plans = sealer.compact(data, segmentIds, cutoff(layout));
            if (!plans.isEmpty()) {
                checkpoint(); // the write lock is reentrant: no write slips in between
            }
            return plans;
        } finally {
            checkpointLock.writeLock().unlock();
        }
    }

    /**
     * Sets when flushed segments are rewritten without their deleted and expired rows: the ratio threshold of every
     * checkpoint from now on, and, with {@code policy.background()}, an expiry compaction round every
     * {@code policy.interval()} on the executors' delays (the round itself on the checkpoint executor) until the
     * store closes. Call once, after {@code open}.
     */
    public void compaction(CompactionPolicy policy) {
        sealer.ratioThreshold(policy.ratioThreshold());
        if (policy.background() && backgroundCompaction == null && !closed) {
            BackgroundCompaction background = new BackgroundCompaction(delays, checkpointExecutor,
                    policy.interval(), this::compactExpired);
            backgroundCompaction = background;
            background.start();
        }
    }

    /**
     * One background expiry compaction round: in every collection this store writes (never a followed copy, nor a
     * collection another node owns now), the flushed segments holding rows its TTL expired, with deleted and
     * expired rows past the ratio threshold, are compacted as a manual compaction naming them would be.
     *
     * @return what was rewritten
     */
    List<CompactionPlan> compactExpired() {
        List<CompactionPlan> done = new ArrayList<>();
        for (CollectionData data : collections.values()) {
            LongPredicate owns = ownsHere;
            if (closed || owns != null && !owns.test(data.collectionId())) {
                continue;
            }
            Optional<CollectionLayout> layout = layouts.layout(data.collectionId());
            if (layout.isEmpty()) {
                continue;
            }
            long cutoff = cutoff(layout.get());
            if (cutoff == CollectionData.NO_EXPIRY) {
                continue; // tombstones alone wait for the checkpoint, as they always did
            }
            Set<Long> due = sealer.dueForExpiry(data, cutoff);
            if (!due.isEmpty()) {
                List<CompactionPlan> plans = compact(data, layout.get(), due);
                long id = compactions.record(plans);
                LOG.info("event=expiry_compacted collection={} compactionID={} plans={}", data.collectionId(), id,
                        plans);
                done.addAll(plans);
            }
        }
        return done;
    }

    /**
     * This store's recent compactions by id (GetCompactionState, GetCompactionStateWithPlans): manual ones, whose
     * caller records them, and automatic ones, recorded here.
     */
    public CompactionHistory compactionHistory() {
        return compactions;
    }

    /** The collection's segments as this node holds them (the owner's, or the embedded store's). */
    public List<SegmentInfo> segments(CollectionLayout layout) {
        return owned(layout).segmentInfos();
    }

    private CollectionData owned(CollectionLayout layout) {
        LongPredicate owns = ownsHere;
        if (owns != null && !owns.test(layout.collectionId())) {
            throw new MilvusException(ErrorCode.SERVICE_UNAVAILABLE,
                    "collection " + layout.collectionId() + " is not owned by this node now");
        }
        return data(layout);
    }

    /**
     * Makes everything acknowledged so far part of segment files, records the manifest and shortens the log.
     * Writers wait meanwhile.
     */
    public void checkpoint() {
        if (log.failed()) {
            recoverFromDisk();
        }
        checkpointLock.writeLock().lock();
        try {
            autoCheckpoint.reset();
            List<SegmentRef> refs = new ArrayList<>();
            Set<String> indexFiles = new HashSet<>();
            for (CollectionData data : collections.values()) {
                Optional<CollectionLayout> layout = layouts.layout(data.collectionId());
                if (layout.isEmpty()) {
                    // Dropped in the catalog, and the drop notice is yet to arrive: it is gone, not persisted.
                    collections.remove(data.collectionId());
                    continue;
                }
                List<CompactionPlan> rewritten = new ArrayList<>();
                refs.addAll(sealer.persist(data, layout.get(), cutoff(layout.get()), rewritten));
                if (!rewritten.isEmpty()) {
                    // Segments past the ratio threshold, rewritten on the way: an automatic compaction of its own.
                    LOG.info("event=checkpoint_compacted collection={} compactionID={} plans={}",
                            data.collectionId(), compactions.record(rewritten), rewritten);
                }
                // Segments sealed or compacted just now get their indexes.
                indexes.reconcile(layout.get(), data);
                indexFiles.addAll(IndexMaintenance.wantedFiles(layout.get(), data));
            }
            // Segments first, then the manifest naming them with the log positions they cover, in one record.
            DataManifest manifest = log.checkpointed(refs);
            directory.writeManifest(manifest);
            Set<String> keep = SegmentDirectory.namesOf(refs);
            keep.addAll(indexFiles);
            directory.garbage().sweep(keep, collectedHere(), id -> layouts.layout(id).isPresent(), false);
            log.truncate(manifest);
        } finally {
            checkpointLock.writeLock().unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        new ArrayList<>(followed.keySet()).forEach(this::unfollow);
        // Builds in progress are abandoned: their segments' files stay absent and the next start builds them.
        collections.values().forEach(CollectionData::retire);
        indexes.close();
        autoCheckpoint.close();
        BackgroundCompaction background = backgroundCompaction;
        if (background != null) {
            background.close(); // waits for a round in progress: it ends in a checkpoint of its own
        }
        try {
            checkpoint();
        } finally {
            log.close();
        }
    }
}
