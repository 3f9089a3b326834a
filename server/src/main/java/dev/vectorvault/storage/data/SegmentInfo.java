package dev.vectorvault.storage.data;

/**
 * What a client may learn about one segment's rows of one partition (Milvus's segments hold one partition each;
 * ours may hold several, so a segment is described once per partition it holds rows of).
 *
 * @param rows the partition's rows stored in the segment, deleted ones included until a compaction drops them (as
 *             Milvus counts a segment's rows)
 */
public record SegmentInfo(long segmentId, long partitionId, long rows, State state) {
    /** Milvus's segment states, as far as they apply here. */
    public enum State {
        /** Takes new rows. */
        GROWING,
        /** Takes no more rows; its file is not written yet (the next checkpoint writes it). */
        SEALED,
        /** Sealed and in a segment file. */
        FLUSHED
    }
}
