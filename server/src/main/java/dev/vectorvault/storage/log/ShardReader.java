package dev.vectorvault.storage.log;

import java.time.Duration;
import java.util.List;

/**
 * Reads one shard's records in append order, from a position on. It sees only records whose append completed
 * (committed); records of failed or fenced appends never appear. Not thread-safe.
 */
public interface ShardReader extends AutoCloseable {
    /** The shard being read. */
    ShardId shard();

    /** Where the next read continues: after the last record returned so far, or the starting position. */
    long position();

    /**
     * The next records, waiting at most {@code wait} for one to arrive; an empty list when none did. Records are in
     * append order and never repeated.
     *
     * @throws ShardLogException {@code LOG_FAILED} when the position is no longer in the log (removed by retention)
     *     or a record cannot be read
     */
    List<LogRecord> poll(Duration wait);

    /**
     * Every record from {@link #position()} up to the shard's end as it is now ({@link ShardLog#endPosition}), for
     * recovery. Records appended meanwhile may or may not be included.
     *
     * @throws ShardLogException {@code LOG_UNAVAILABLE} when the log stops answering for longer than its read timeout
     */
    List<LogRecord> readToEnd();

    @Override
    void close();
}
