package dev.vectorvault.storage.data;

import dev.vectorvault.storage.data.DataManifest.SegmentRef;
import dev.vectorvault.storage.io.FileStore;
import dev.vectorvault.storage.log.ShardLog;
import dev.vectorvault.storage.wal.Durability;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Where a {@link DataStore} makes a write durable before it acknowledges it, and from which it rebuilds what no
 * checkpoint covers yet. Two kinds:
 * <ul>
 * <li>{@link #local}: the write-ahead log on the local disk ({@code wal/}), one sequence for every collection, the
 * embedded mode's log, byte for byte as before this seam existed;</li>
 * <li>{@link #sharded}: a {@link ShardLog} ({@code mq.type: kafka}); each collection's writes are spread by primary
 * key over its {@code shards_num} shards, each with its own position.</li>
 * </ul>
 * A checkpoint records the log's positions in the {@link DataManifest} together with the segments that hold
 * everything before them; recovery replays each log after those positions, so every acknowledged write is applied
 * exactly once. The store calls it with a collection's writes serialised and checkpoints excluding writes.
 */
public abstract sealed class DataLog implements AutoCloseable permits LocalDataLog, ShardedDataLog {
    /** The local write-ahead log in {@code wal/} of {@code disk}. */
    public static DataLog local(FileStore disk, Durability durability) {
        return new LocalDataLog(disk, durability);
    }

    /**
     * Each collection's writes on {@code shards_num} shards of {@code log}, which the data store closes with itself.
     *
     * @param served    the collections whose shards this node replays at start-up and writes: every collection of a
     *                  single server, the collections it owns in a cluster (opening a shard fences its other writers)
     * @param maxWrites the most client writes of one collection one append carries ({@code kafka.groupCommit.maxWrites})
     * @param gatherMs  the longest a group's leader waits for the writes outstanding lately to queue
     *                  ({@code kafka.groupCommit.gatherTime}, 0: never; see {@link GroupCommit})
     * @param maxRecordBytes the largest record the log takes ({@code kafka.maxMessageSize}): a write's part for one
     *                  shard is cut into records of at most this size, all appended together
     */
    public static DataLog sharded(ShardLog log, Supplier<Collection<Long>> served, int maxWrites, long gatherMs,
                                  int maxRecordBytes) {
        return new ShardedDataLog(log, served, maxWrites, gatherMs, maxRecordBytes);
    }

    /**
     * The largest record the log takes: a shard's part of a write that encodes larger is cut on row (or key)
     * boundaries into several records, appended as one unit with the rest of the write, and a row (or key) that
     * alone is larger is refused before it is queued. {@link Integer#MAX_VALUE} for the local write-ahead log: one
     * record per write as always (its own bound, 128 MiB per record, lies above what a request can carry).
     */
    abstract int maxRecordBytes();

    /**
     * The most client writes of one collection that one {@link #append} may carry together (group commit): 1 for the
     * local write-ahead log, which groups its fsyncs itself and takes one record per write.
     */
    abstract int maxWritesPerAppend();

    /**
     * How long the leader of a group may wait for it to reach the size of the group before (see {@link GroupCommit}):
     * 0 for the local write-ahead log, which groups its fsyncs itself.
     */
    long groupGatherNanos() {
        return 0;
    }

    /** A decoded record handed to the store during replay. */
    interface Replay extends Consumer<LogRecordCodec.Entry> {}

    /** Opens the log (start-up), recovering what it holds. */
    abstract void open();

    /** How many shards a write of this collection is spread over (1: no split). */
    abstract int shardCount(CollectionLayout layout);

    /**
     * Appends one write's records (one per shard it touches) durably and as one unit: when it returns, all of them
     * survive a crash of this process; when it fails, none of them is acknowledged, and after any crash either all of
     * them come back or none does.
     *
     * @param replay applies records the log had to catch up first (a collection reopened after a failed append whose
     *               outcome was unknown): they were not applied yet
     */
    abstract void append(CollectionLayout layout, List<ShardRecord> records, Replay replay);

    /**
     * How many appends of one collection may be in flight at once ({@code kafka.transactionsInFlight}): 1 unless the
     * log overlaps them, and then each goes through {@link #append(CollectionLayout, List, Replay, GroupCommit.Turn)}.
     */
    int appendsAtOnce() {
        return 1;
    }

    /**
     * {@link #append(CollectionLayout, List, Replay)} as one of several appends in flight: {@code turn} keeps the
     * records in the groups' order in the log and the positions in their order in memory. The caller applies the
     * records to memory after this returns and before its group ends.
     */
    void append(CollectionLayout layout, List<ShardRecord> records, Replay replay, GroupCommit.Turn turn) {
        turn.awaitEarlierEnded(); // one at a time
        append(layout, records, replay);
    }

    /** One shard's record of a write. */
    record ShardRecord(int shard, byte[] record) {}

    /** Replays every record after the manifest's positions, in an order that rebuilds the acknowledged state. */
    abstract int replay(DataManifest manifest, DataStore.LayoutSource layouts, Replay replay);

    /**
     * Replays one collection taken over from another node from the positions of its manifest {@code part}, opening
     * its shards for writing first (which fences the former owner's writers).
     *
     * @throws IllegalStateException on a log that belongs to one node (the local write-ahead log)
     */
    abstract int replayCollection(CollectionLayout layout, DataManifest part, Replay replay);

    /** The manifest of a checkpoint that sealed {@code segments}: they and the log's current positions. */
    abstract DataManifest checkpointed(List<SegmentRef> segments);

    /** The manifest is written: the log may drop what it covers. */
    abstract void truncate(DataManifest written);

    /** Why writes are refused now, or empty. */
    abstract Optional<String> refusal();

    /** Whether the log failed and the store must rebuild from disk ({@link #reopenAfterFailure}) before writing. */
    abstract boolean failed();

    /** After a failure: reopens the log from what is durable; the store then replays again. */
    abstract void reopenAfterFailure();

    /** The collection is gone: its shards are written no more. */
    abstract void collectionDropped(long collectionId);

    /**
     * Reports every later force (fsync) of a local log to {@code listener}, for the WAL fsync latency metric. A shard
     * log on Kafka forces nothing here (the brokers acknowledge replicated writes), so it reports nothing.
     */
    void onForce(dev.vectorvault.storage.wal.ForceListener listener) {}

    /** The shard log a follower replica may read (never write), or null for a log on this node's disk alone. */
    ShardLogAccess followable() {
        return null;
    }

    /** Names the log in messages. */
    abstract String name();

    @Override
    public abstract void close();
}
