package dev.vectorvault.storage.log;

/**
 * One record read back from a shard.
 *
 * @param position where the record sits in its shard; positions grow with every append but need not be consecutive
 *     (a log may interleave other shards' records or its own bookkeeping between them). A checkpoint that has applied
 *     this record resumes from {@code position + 1}.
 * @param payload the bytes exactly as appended
 */
public record LogRecord(long position, byte[] payload) {
    @Override
    public String toString() {
        return "LogRecord[position=" + position + ", " + payload.length + " bytes]";
    }
}
