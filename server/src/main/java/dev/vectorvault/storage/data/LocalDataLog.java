package dev.vectorvault.storage.data;

import dev.vectorvault.storage.data.DataManifest.SegmentRef;
import dev.vectorvault.storage.io.FileStore;
import dev.vectorvault.storage.wal.Durability;
import dev.vectorvault.storage.wal.WalRecord;
import dev.vectorvault.storage.wal.WriteAheadLog;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded mode's log: one {@link WriteAheadLog} in {@code wal/} for every collection, positions are its LSNs
 * ({@link DataManifest#checkpointLsn()}). Writes are not split: one record per write, as always.
 */
final class LocalDataLog extends DataLog {
    static final String PREFIX = "wal/";

    private final FileStore disk;
    private final Durability durability;
    /** Replaced only by {@link #open} and {@link #reopenAfterFailure}, with writers excluded. */
    private volatile WriteAheadLog wal;
    private final AtomicLong lastLsn = new AtomicLong();
    private volatile dev.vectorvault.storage.wal.ForceListener forceListener =
            dev.vectorvault.storage.wal.ForceListener.NONE;

    LocalDataLog(FileStore disk, Durability durability) {
        this.disk = disk;
        this.durability = durability;
    }

    @Override
    void open() {
        wal = WriteAheadLog.open(disk, PREFIX, durability);
        wal.onForce(forceListener);
    }

    @Override
    void onForce(dev.vectorvault.storage.wal.ForceListener listener) {
        forceListener = listener;
        WriteAheadLog current = wal;
        if (current != null) {
            current.onForce(listener); // kept by the log across reopenAfterFailure
        }
    }

    @Override
    int shardCount(CollectionLayout layout) {
        return 1;
    }

    @Override
    int maxWritesPerAppend() {
        return 1;
    }

    @Override
    int maxRecordBytes() {
        return Integer.MAX_VALUE;
    }

    @Override
    void append(CollectionLayout layout, List<ShardRecord> records, Replay replay) {
        if (records.size() != 1) {
            // One shard here (shardCount): a write is one record, and one WAL record is all or nothing.
            throw new IllegalArgumentException("the local log takes one record per write, got " + records.size());
        }
        lastLsn.accumulateAndGet(wal.append(records.get(0).record()), Math::max);
    }

    @Override
    int replay(DataManifest manifest, DataStore.LayoutSource layouts, Replay replay) {
        lastLsn.set(manifest.checkpointLsn());
        int replayed = 0;
        for (WalRecord record : wal.recovered()) {
            lastLsn.accumulateAndGet(record.lsn(), Math::max);
            if (record.lsn() > manifest.checkpointLsn()) {
                LogRecordCodec.decode(PREFIX, record, layouts).ifPresent(replay);
                replayed++;
            }
        }
        return replayed;
    }

    @Override
    int replayCollection(CollectionLayout layout, DataManifest part, Replay replay) {
        throw new IllegalStateException("collection " + layout.collectionId() + " cannot move to this node: its"
                + " writes are in another node's local write-ahead log (a collection moves only with mq.type: kafka)");
    }

    @Override
    DataManifest checkpointed(List<SegmentRef> segments) {
        return new DataManifest(lastLsn.get(), segments);
    }

    @Override
    void truncate(DataManifest written) {
        wal.truncateBefore(written.checkpointLsn() + 1);
    }

    @Override
    Optional<String> refusal() {
        WriteAheadLog log = wal;
        return log != null && log.failed()
                ? Optional.of("the write-ahead log failed and refuses writes until it has recovered")
                : Optional.empty();
    }

    @Override
    boolean failed() {
        return wal.failed();
    }

    @Override
    void reopenAfterFailure() {
        wal = wal.reopenAfterFailure();
    }

    @Override
    void collectionDropped(long collectionId) {
        // One log for all collections: the dropped one's records are skipped at replay (no layout).
    }

    @Override
    String name() {
        return PREFIX;
    }

    @Override
    public void close() {
        if (wal != null) {
            wal.close();
        }
    }
}
