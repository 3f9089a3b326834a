package dev.vectorvault.storage.data;

/**
 * A text field with {@code enable_match}, as the data layer needs it: the analyzer its match index is built with
 * ({@code analyzerParams}, Milvus's JSON string as the schema holds it; null: the standard analyzer). Every sealed
 * segment gets the field's match index ({@link SegmentTextIndex}), whatever its size.
 */
public record TextMatchSpec(String analyzerParams) {
    /** What the index file records of the analyzer: a file built with another one is rebuilt. */
    String analyzerKey() {
        return analyzerParams == null ? "" : analyzerParams;
    }

    /** The match index file of one segment's field, next to the segment file; it names the file version. */
    static String fileName(long segmentId, int field) {
        return segmentId + "." + field + ".text_match-v" + SegmentTextIndex.FILE_VERSION + ".idx";
    }
}
