package dev.vectorvault.storage.data;

import java.time.Duration;

/**
 * When flushed segments are rewritten without their deleted and expired rows, with Milvus's
 * {@code dataCoord.compaction.*} keys: a segment whose rows are more than {@code ratioThreshold} deleted or expired
 * is rewritten at the next checkpoint; with {@code background} on, every {@code interval} a segment holding expired
 * rows past that share is rewritten without waiting for a checkpoint (Milvus's automatic single compaction), so
 * rows a collection TTL expired leave the segment files even when nothing is written.
 */
public record CompactionPolicy(boolean background, Duration interval, double ratioThreshold) {
    /** Milvus's {@code dataCoord.compaction.single.ratio.threshold} default. */
    public static final double DEFAULT_RATIO_THRESHOLD = 0.2;
    /** Milvus's {@code dataCoord.compaction.global.interval} default. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

    public CompactionPolicy {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("a positive compaction interval is needed: " + interval);
        }
        if (!(ratioThreshold >= 0 && ratioThreshold < 1)) {
            throw new IllegalArgumentException("the compaction ratio threshold is in [0, 1): " + ratioThreshold);
        }
    }
}
