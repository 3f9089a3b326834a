package dev.vectorvault.storage.data;

/**
 * How sealed segments get their approximate indexes.
 *
 * @param threads            threads one build uses (builds run one at a time, in the background)
 * @param minSegmentRows     segments with fewer rows are searched exactly and get no index (Milvus's
 *                           {@code minSegmentNumRowsToEnableIndex}, 1024 by default): a scan of so few vectors is
 *                           already faster than a graph walk
 */
public record IndexBuildSettings(int threads, int minSegmentRows) {
    public static final int DEFAULT_MIN_SEGMENT_ROWS = 1024;

    public IndexBuildSettings {
        if (threads < 1 || minSegmentRows < 1) {
            throw new IllegalArgumentException("threads and minSegmentRows must be positive: " + threads + ", "
                    + minSegmentRows);
        }
    }

    /** Half the cores (at least one), leaving the rest to searches and writes. */
    public static IndexBuildSettings defaults() {
        return new IndexBuildSettings(Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
                DEFAULT_MIN_SEGMENT_ROWS);
    }
}
