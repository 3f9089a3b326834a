package dev.vectorvault.storage.data;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.storage.data.DataManifest.SegmentRef;
import dev.vectorvault.storage.data.DataManifest.ShardPosition;
import dev.vectorvault.storage.log.LogRecord;
import dev.vectorvault.storage.log.ShardId;
import dev.vectorvault.storage.log.ShardLog;
import dev.vectorvault.storage.log.ShardLogException;
import dev.vectorvault.storage.log.ShardReader;
import dev.vectorvault.storage.log.ShardWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each collection's writes on its {@code shards_num} shards of a {@link ShardLog} (Kafka). Per shard it keeps the
 * position right after the last record that memory holds: a checkpoint records these positions with the segments that
 * hold everything before them, and recovery reads each shard from its recorded position to the end.
 *
 * <p><b>One writer per collection.</b> A write spread over several shards is one append of the collection's writer,
 * committed on all of them or none ({@link ShardWriter#append(Map)}). Concurrent writes of a collection may share one
 * append (the data store's {@code GroupCommit}): their records follow each other in each shard in the order given, and
 * the append commits all of them or none. A write's part for one shard may itself be several records (the data store
 * cuts it under {@link #maxRecordBytes}): they travel in the same append, so they too commit together or not at all.
 *
 * <p><b>Fencing first.</b> A collection's shards are always opened for writing before they are read for recovery:
 * opening fences every earlier writer (a stale process, a paused node) and settles the append it left open, so the
 * read that follows sees each shard's final content and nobody else can add to it.
 *
 * <p><b>A failed append.</b> Its outcome may be unknown (the log did not answer in time: it may still commit). The
 * collection's writer is dropped; the next write opens it again (which settles that append) and first applies
 * whatever the log holds after each shard's last applied position, so memory and log never disagree and a checkpoint
 * never records a position past a record that memory lacks. An append the log refused outright ({@code LOG_FAILED})
 * is retried once at once, through a reopened writer, when the reopening shows it did not commit.
 *
 * <p><b>Shards not replayed at open</b> belong to collections created since (or not served here before): the log
 * holds nothing of theirs yet, so their position starts at the shard's end when their writer opens. The log's
 * records are never deleted by us; the log's retention must outlast the time between a record and the checkpoint
 * covering it (Milvus has the same rule).
 */
final class ShardedDataLog extends DataLog {
    private static final Logger LOG = LoggerFactory.getLogger(ShardedDataLog.class);

    private final ShardLog log;
    private final Supplier<Collection<Long>> served;
    private final int maxWrites;
    private final long gatherNanos;
    /** Smallest {@code kafka.maxMessageSize}: room for a record's header and a row of a few fields. */
    static final int MIN_RECORD_BYTES = 4_096;
    private final int maxRecordBytes;
    /** Each collection's writer of all its shards, by collection id. */
    private final Map<Long, ShardWriter> writers = new ConcurrentHashMap<>();
    /** Position after the last record of each shard that memory holds. */
    private final Map<ShardId, Long> positions = new ConcurrentHashMap<>();
    /** Collections whose last append failed: to be reopened and caught up before the next append. */
    private final Set<Long> unsettled = ConcurrentHashMap.newKeySet();

    ShardedDataLog(ShardLog log, Supplier<Collection<Long>> served, int maxWrites, long gatherMs, int maxRecordBytes) {
        if (maxWrites < 1) {
            throw new IllegalArgumentException("an append carries at least one write, got " + maxWrites);
        }
        if (gatherMs < 0) {
            throw new IllegalArgumentException("a gathering wait is never negative, got " + gatherMs);
        }
        if (maxRecordBytes < MIN_RECORD_BYTES) {
            throw new IllegalArgumentException("a log record may hold at least " + MIN_RECORD_BYTES + " bytes, got "
                    + maxRecordBytes);
        }
        this.maxRecordBytes = maxRecordBytes;
        this.log = log;
        this.served = served;
        this.maxWrites = maxWrites;
        this.gatherNanos = TimeUnit.MILLISECONDS.toNanos(gatherMs);
    }

    @Override
    void open() {
        // The shard log is connected already; shards open at replay or at their first write.
    }

    @Override
    int shardCount(CollectionLayout layout) {
        return layout.shardsNum();
    }

    @Override
    int maxRecordBytes() {
        return maxRecordBytes;
    }

    /** Several writes in one append share its Kafka transaction: one commit and one marker wait for all of them. */
    @Override
    int maxWritesPerAppend() {
        return maxWrites;
    }

    /**
     * {@code kafka.groupCommit.gatherTime}, 0 (off) by default: on one 2-core machine it halved the transactions per
     * insert for 8 clients but raised no insert rate above the noise (docs/benchmarks.md, "insertpath"), while a
     * writer that stops costs the next leader a whole wait. 20 ms was long enough there for the clients of the group
     * before to hear their acknowledgement and send their next writes (the last of 8 came about 10 ms later).
     */
    @Override
    long groupGatherNanos() {
        return gatherNanos;
    }

    @Override
    int appendsAtOnce() {
        return log.appendsAtOnce();
    }

    @Override
    void append(CollectionLayout layout, List<ShardRecord> records, Replay replay) {
        long collectionId = layout.collectionId();
        Map<Integer, List<byte[]>> byShard = byShard(records);
        ShardWriter writer = writers.get(collectionId);
        if (writer == null || unsettled.contains(collectionId)) {
            writer = reopen(layout, replay).writer();
        }
        try {
            appended(collectionId, writer.append(byShard));
        } catch (ShardLogException e) {
            unsettled.add(collectionId);
            writers.remove(collectionId, writer);
            if (e.errorCode() != ErrorCode.LOG_FAILED) {
                throw e; // fenced: the collection is no longer ours; unavailable: the outcome is unknown for now
            }
            retryOnce(layout, byShard, replay, e);
        }
    }

    /**
     * One of several appends of the collection in flight ({@code kafka.transactionsInFlight}). The turn keeps three
     * things in the groups' order: the records in the log (each append sends only once the one before has all its
     * records placed, so it follows it in every shard), the positions (they move only when every earlier append
     * ended, so a position never passes a record of an append still open), and the settling of a failure (a failed
     * append makes the collection unsettled; the next append to start waits for every earlier one to end, then
     * reopens, which fences every lane and catches memory up from the positions).
     *
     * <p>An append whose records already follow a failed one cannot tell whether the log holds the earlier records:
     * it fails as unknown too, without moving the positions, even if it committed; the reopen applies both if they
     * committed. The retry of a refused append ({@link #retryOnce}) needs the writer to itself, so it is left out.
     */
    @Override
    void append(CollectionLayout layout, List<ShardRecord> records, Replay replay, GroupCommit.Turn turn) {
        if (log.appendsAtOnce() == 1) {
            turn.awaitEarlierEnded();
            append(layout, records, replay);
            return;
        }
        long collectionId = layout.collectionId();
        Map<Integer, List<byte[]>> byShard = byShard(records);
        turn.awaitEarlierLogged();
        ShardWriter writer = writers.get(collectionId);
        boolean settled = false;
        Map<Integer, Long> after;
        try {
            if (writer == null || unsettled.contains(collectionId)) {
                turn.awaitEarlierEnded(); // nobody else uses the writer now
                writer = reopen(layout, replay).writer();
                settled = true;
            }
            after = writer.append(byShard, turn::logged);
        } catch (ShardLogException e) {
            if (writer != null) {
                unsettled.add(collectionId);
                writers.remove(collectionId, writer);
            }
            throw e;
        } finally {
            turn.logged(); // the next append may go, and finds the collection unsettled if this one failed
        }
        if (!turn.awaitEarlierEnded() && !settled) {
            unsettled.add(collectionId);
            writers.remove(collectionId, writer);
            throw new ShardLogException(ErrorCode.LOG_UNAVAILABLE, "the outcome of an append to collection "
                    + collectionId + " is unknown: an earlier append in flight failed, and this one's records follow"
                    + " it; the collection's next write settles both", null);
        }
        appended(collectionId, after);
    }

    private static Map<Integer, List<byte[]>> byShard(List<ShardRecord> records) {
        Map<Integer, List<byte[]>> byShard = new HashMap<>();
        for (ShardRecord record : records) {
            byShard.computeIfAbsent(record.shard(), s -> new ArrayList<>()).add(record.record());
        }
        return byShard;
    }

    private void appended(long collectionId, Map<Integer, Long> after) {
        after.forEach((shard, position) -> positions.put(new ShardId(collectionId, shard), position));
    }

    /**
     * The log refused the append (the broker answered, for example an invalid transaction state right after a
     * fence): reopening settles it, and if it did not commit after all, the append is made again with the new writer.
     * If it did, the catch-up applied it to memory, and the caller still gets the failure: returning normally would
     * make it apply the records a second time.
     */
    private void retryOnce(CollectionLayout layout, Map<Integer, List<byte[]>> byShard, Replay replay,
                           ShardLogException first) {
        long collectionId = layout.collectionId();
        Reopened reopened = reopen(layout, replay);
        if (reopened.caughtUp() > 0) {
            throw first;
        }
        LOG.warn("event=shard_append_retried collection={} reason={}", collectionId, first.getMessage());
        try {
            appended(collectionId, reopened.writer().append(byShard));
        } catch (ShardLogException e) {
            unsettled.add(collectionId);
            writers.remove(collectionId, reopened.writer());
            e.addSuppressed(first);
            throw e;
        }
    }

    private record Reopened(ShardWriter writer, int caughtUp) {}

    /**
     * Opens the collection's writer (fencing others, settling an open append) and applies what memory lacks of each
     * of its shards.
     */
    private Reopened reopen(CollectionLayout layout, Replay replay) {
        long collectionId = layout.collectionId();
        ShardWriter previous = writers.remove(collectionId);
        if (previous != null) {
            previous.close();
        }
        ShardWriter writer = log.openWriter(collectionId, layout.shardsNum());
        int caughtUp = 0;
        try {
            DataStore.LayoutSource only = c -> c == collectionId ? Optional.of(layout) : Optional.empty();
            for (int shard = 0; shard < layout.shardsNum(); shard++) {
                ShardId id = new ShardId(collectionId, shard);
                Long applied = positions.get(id);
                if (applied == null) {
                    positions.put(id, log.endPosition(id));
                } else {
                    caughtUp += readFrom(id, applied, only, replay);
                }
            }
            if (caughtUp > 0) {
                LOG.warn("event=shard_caught_up collection={} records={}: an append whose outcome was unknown"
                        + " committed after all", collectionId, caughtUp);
            }
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
        writers.put(collectionId, writer);
        unsettled.remove(collectionId);
        return new Reopened(writer, caughtUp);
    }

    /** Applies the shard's records from {@code from} to its end; records where memory now stands. */
    private int readFrom(ShardId id, long from, DataStore.LayoutSource layouts, Replay replay) {
        int count = 0;
        try (ShardReader reader = log.openReader(id, from)) {
            for (LogRecord record : reader.readToEnd()) {
                LogRecordCodec.decode(id.toString(), "the record at position " + record.position(), record.payload(),
                        layouts).ifPresent(replay);
                count++;
            }
            positions.put(id, reader.position());
        }
        return count;
    }

    @Override
    int replay(DataManifest manifest, DataStore.LayoutSource layouts, Replay replay) {
        closeWriters();
        positions.clear();
        unsettled.clear();
        Map<ShardId, Long> recorded = new HashMap<>();
        for (ShardPosition p : manifest.shardPositions()) {
            recorded.put(new ShardId(p.collectionId(), p.shard()), p.position());
        }
        int replayed = 0;
        for (long collectionId : served.get()) {
            Optional<CollectionLayout> layout = layouts.layout(collectionId);
            if (layout.isEmpty()) {
                continue;
            }
            // Fence before reading: nobody else may append after.
            writers.put(collectionId, log.openWriter(collectionId, layout.get().shardsNum()));
            for (int shard = 0; shard < layout.get().shardsNum(); shard++) {
                ShardId id = new ShardId(collectionId, shard);
                replayed += readFrom(id, recorded.getOrDefault(id, 0L), layouts, replay);
            }
        }
        return replayed;
    }

    @Override
    int replayCollection(CollectionLayout layout, DataManifest part, Replay replay) {
        long collectionId = layout.collectionId();
        collectionDropped(collectionId); // whatever this node held of it is stale
        DataStore.LayoutSource only = c -> c == collectionId ? Optional.of(layout) : Optional.empty();
        int replayed = 0;
        writers.put(collectionId, log.openWriter(collectionId, layout.shardsNum())); // fences the former owner first
        for (int shard = 0; shard < layout.shardsNum(); shard++) {
            ShardId id = new ShardId(collectionId, shard);
            long from = 0;
            for (ShardPosition p : part.shardPositions()) {
                if (p.collectionId() == collectionId && p.shard() == shard) {
                    from = p.position();
                }
            }
            replayed += readFrom(id, from, only, replay);
        }
        return replayed;
    }

    @Override
    DataManifest checkpointed(List<SegmentRef> segments) {
        List<ShardPosition> covered = new ArrayList<>();
        positions.forEach((id, position) -> covered.add(new ShardPosition(id.collectionId(), id.index(), position)));
        covered.sort(Comparator.comparingLong(ShardPosition::collectionId).thenComparingInt(ShardPosition::shard));
        return new DataManifest(0, segments, covered);
    }

    @Override
    void truncate(DataManifest written) {
        // Records are never deleted by us: the log's retention drops them (see the class comment).
    }

    @Override
    Optional<String> refusal() {
        return Optional.empty(); // a failed shard is retried by its next write
    }

    @Override
    boolean failed() {
        return false;
    }

    @Override
    void reopenAfterFailure() {
        // Never failed as a whole: see append.
    }

    @Override
    void collectionDropped(long collectionId) {
        ShardWriter writer = writers.remove(collectionId);
        if (writer != null) {
            writer.close();
        }
        positions.keySet().removeIf(id -> id.collectionId() == collectionId);
        unsettled.remove(collectionId);
    }

    @Override
    ShardLogAccess followable() {
        return new ShardLogAccess(log);
    }

    @Override
    String name() {
        return "the shard log";
    }

    private void closeWriters() {
        writers.values().forEach(ShardWriter::close);
        writers.clear();
    }

    @Override
    public void close() {
        try {
            closeWriters();
        } finally {
            log.close();
        }
    }
}
