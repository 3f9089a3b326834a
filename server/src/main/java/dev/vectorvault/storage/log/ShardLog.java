package dev.vectorvault.storage.log;

/**
 * A per-shard, append-only, durable log of byte records: where each collection's inserts, upserts and deletes are
 * made durable before they are acknowledged, and from which a node rebuilds (or follows) a shard's state. Positions
 * are opaque, growing numbers; a checkpoint stores one and recovery reads from it. Thread-safe; writers and readers
 * it hands out are not.
 */
public interface ShardLog extends AutoCloseable {
    /**
     * Opens the shards of collection {@code collectionId} ({@code shards} of them) as their single writer, fencing
     * every earlier writer of the collection (here or on another node) and settling an append such a writer left
     * unfinished (made wholly visible or dropped).
     *
     * @throws ShardLogException {@code LOG_UNAVAILABLE} when the log cannot be reached in time
     */
    ShardWriter openWriter(long collectionId, int shards);

    /** {@link ShardWriter#appendsAtOnce()} of the writers this log opens. */
    default int appendsAtOnce() {
        return 1;
    }

    /**
     * A reader of {@code shard} from {@code position} on (0 = from the start).
     *
     * @throws IllegalArgumentException for a negative position
     */
    ShardReader openReader(ShardId shard, long position);

    /**
     * The position after the last record appended so far: every acknowledged append lies before it (a reader may
     * have to wait a moment for appends below it to settle before it reaches it). Reading from a position at or past
     * it returns nothing until more is appended.
     *
     * @throws ShardLogException {@code LOG_UNAVAILABLE} when the log cannot be reached in time
     */
    long endPosition(ShardId shard);

    @Override
    void close();
}
