package dev.vectorvault.storage.data;

import java.time.Duration;
import java.util.Objects;

/**
 * How sealed segments get their approximate indexes.
 *
 * @param threads            threads one build uses (builds run one at a time, in the background)
 * @param minSegmentRows     segments with fewer rows are searched exactly and get no index (Milvus's
 *                           {@code minSegmentNumRowsToEnableIndex}, 1024 by default): a scan of so few vectors is
 *                           already faster than a graph walk
 * @param firstRetryDelay    wait before retrying a build (or the write of its file) that failed: an I/O error, a full
 *                           disk, too little memory; doubled after each further failure
 * @param maxRetryDelay      the longest wait between two tries; tries go on while the index and its segment exist
 */
public record IndexBuildSettings(int threads, int minSegmentRows, Duration firstRetryDelay, Duration maxRetryDelay) {
    public static final int DEFAULT_MIN_SEGMENT_ROWS = 1024;
    public static final Duration DEFAULT_FIRST_RETRY_DELAY = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_RETRY_DELAY = Duration.ofMinutes(5);

    public IndexBuildSettings {
        if (threads < 1 || minSegmentRows < 1) {
            throw new IllegalArgumentException("threads and minSegmentRows must be positive: " + threads + ", "
                    + minSegmentRows);
        }
        Objects.requireNonNull(firstRetryDelay, "firstRetryDelay");
        Objects.requireNonNull(maxRetryDelay, "maxRetryDelay");
        if (firstRetryDelay.isNegative() || firstRetryDelay.isZero() || maxRetryDelay.compareTo(firstRetryDelay) < 0) {
            throw new IllegalArgumentException("retry delays must be positive and the first at most the maximum: "
                    + firstRetryDelay + ", " + maxRetryDelay);
        }
    }

    /** With the default retry delays (1 s doubling up to 5 min). */
    public IndexBuildSettings(int threads, int minSegmentRows) {
        this(threads, minSegmentRows, DEFAULT_FIRST_RETRY_DELAY, DEFAULT_MAX_RETRY_DELAY);
    }

    /** Half the cores (at least one), leaving the rest to searches and writes. */
    public static IndexBuildSettings defaults() {
        return new IndexBuildSettings(Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
                DEFAULT_MIN_SEGMENT_ROWS);
    }

    /** The wait before try number {@code failures + 1}, after {@code failures} (at least 1) failed tries. */
    Duration retryDelay(int failures) {
        Duration delay = firstRetryDelay;
        for (int i = 1; i < failures && delay.compareTo(maxRetryDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxRetryDelay) < 0 ? delay : maxRetryDelay;
    }
}
