package dev.vectorvault.storage.log;

import java.util.List;

/**
 * The single writer of one shard. Opening a writer fences every earlier writer of the same shard, wherever it runs:
 * from then on their appends fail with {@link dev.vectorvault.common.ErrorCode#LOG_WRITER_FENCED} and nothing they
 * had not committed becomes visible. Not thread-safe: one caller appends at a time.
 */
public interface ShardWriter extends AutoCloseable {
    /** The shard this writer appends to. */
    ShardId shard();

    /**
     * Appends {@code records}, in order, as one unit: either all of them become visible to readers or none does.
     * Returns only once the log has made them durable; the result is the position right after the last of them (a
     * reader or checkpoint starting there sees only later records).
     *
     * <p>On failure it throws {@link ShardLogException} and acknowledges nothing; the writer is then closed, and the
     * shard must be opened again to append more. Opening it again settles the failed append: afterwards it is either
     * wholly visible or not at all (its outcome is unknown only when the log could not be reached in time).
     *
     * @throws ShardLogException {@code LOG_WRITER_FENCED} when a newer writer opened the shard,
     *     {@code LOG_UNAVAILABLE} when the log did not answer in time, {@code LOG_FAILED} otherwise
     * @throws IllegalArgumentException for an empty list
     */
    long append(List<byte[]> records);

    /** Releases the connection; a writer closed while an append was running leaves that append unacknowledged. */
    @Override
    void close();
}
