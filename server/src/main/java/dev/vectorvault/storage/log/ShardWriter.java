package dev.vectorvault.storage.log;

import java.util.List;
import java.util.Map;

/**
 * The single writer of one collection's shards. Opening a writer fences every earlier writer of the same collection,
 * wherever it runs: from then on their appends fail with {@link dev.vectorvault.common.ErrorCode#LOG_WRITER_FENCED}
 * and nothing they had not committed becomes visible. One writer for all of a collection's shards, so that a write
 * spread over several shards (rows routed by primary key) is one unit: all of it becomes visible or none.
 * Not thread-safe beyond {@link #appendsAtOnce()}: at most that many callers append at a time.
 */
public interface ShardWriter extends AutoCloseable {
    /** The collection whose shards this writer appends to. */
    long collectionId();

    /**
     * Appends each shard's records, in order, as one unit across every shard named: either all of them become
     * visible to readers or none does. Returns only once the log has made them durable; the result maps each shard
     * to the position right after its last record (a reader or checkpoint starting there sees only later records).
     *
     * <p>On failure it throws {@link ShardLogException} and acknowledges nothing; the writer is then closed, and the
     * collection must be opened again to append more. Opening it again settles the failed append: afterwards it is
     * either wholly visible or not at all (its outcome is unknown only when the log could not be reached in time).
     *
     * @param records the records of each shard (by shard index), in append order; none empty
     * @throws ShardLogException {@code LOG_WRITER_FENCED} when a newer writer opened the collection,
     *     {@code LOG_UNAVAILABLE} when the log did not answer in time, {@code LOG_FAILED} otherwise
     * @throws IllegalArgumentException for no shard, an empty list, or a shard index outside the collection's
     */
    Map<Integer, Long> append(Map<Integer, List<byte[]>> records);

    /**
     * How many appends may run at once, each its own unit (on Kafka, its own transaction: {@code
     * kafka.transactionsInFlight}); 1 unless the log says otherwise. Callers that overlap appends keep their order
     * themselves: see {@link #append(Map, Runnable)}.
     */
    default int appendsAtOnce() {
        return 1;
    }

    /**
     * {@link #append(Map)} that runs {@code logged} once every record has its place in the log, before the append is
     * committed: an append started after that puts its records after these in every shard. A log that learns the
     * places only at the commit runs it then.
     */
    default Map<Integer, Long> append(Map<Integer, List<byte[]>> records, Runnable logged) {
        Map<Integer, Long> positions = append(records);
        logged.run();
        return positions;
    }

    /** {@link #append(Map)} to one shard; returns the position right after its last record. */
    default long append(int shard, List<byte[]> records) {
        return append(Map.of(shard, records)).get(shard);
    }

    /** Releases the connection; a writer closed while an append was running leaves that append unacknowledged. */
    @Override
    void close();
}
