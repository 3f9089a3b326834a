package dev.vectorvault.index;

/**
 * The score window of a Milvus range search. For L2 (a distance) Milvus keeps {@code range_filter <= d < radius}; for
 * IP and COSINE (similarities) it keeps {@code radius < s <= range_filter}. In both cases {@code radius} is the outer,
 * exclusive bound and {@code range_filter} the inner, inclusive one. A NaN bound is absent. Immutable.
 */
final class ScoreRange {
    /** Accepts every score, NaN included, so a plain search keeps overflowed candidates (ranked last by TopK). */
    static final ScoreRange UNBOUNDED =
            new ScoreRange(true, Float.NEGATIVE_INFINITY, true, Float.POSITIVE_INFINITY, true);

    private final boolean unbounded;
    private final float min;
    private final boolean minInclusive;
    private final float max;
    private final boolean maxInclusive;

    private ScoreRange(boolean unbounded, float min, boolean minInclusive, float max, boolean maxInclusive) {
        this.unbounded = unbounded;
        this.min = min;
        this.minInclusive = minInclusive;
        this.max = max;
        this.maxInclusive = maxInclusive;
    }

    /**
     * @throws IllegalArgumentException when both bounds are present and leave nothing to keep, mirroring knowhere's
     *                                  check ("range_filter must be less than radius" for L2, greater for IP/COSINE)
     */
    static ScoreRange of(MetricType metric, float radius, float rangeFilter) {
        boolean hasRadius = !Float.isNaN(radius);
        boolean hasRangeFilter = !Float.isNaN(rangeFilter);
        if (!metric.higherIsBetter()) {
            // A distance: the window is [range_filter, radius).
            if (hasRadius && hasRangeFilter && !(rangeFilter < radius)) {
                throw new IllegalArgumentException("range_filter must be less than radius for " + metric
                        + ": range_filter=" + rangeFilter + " radius=" + radius);
            }
            return new ScoreRange(false, hasRangeFilter ? rangeFilter : Float.NEGATIVE_INFINITY, true,
                    hasRadius ? radius : Float.POSITIVE_INFINITY, !hasRadius);
        }
        // A similarity: the window is (radius, range_filter].
        if (hasRadius && hasRangeFilter && !(rangeFilter > radius)) {
            throw new IllegalArgumentException("range_filter must be greater than radius for " + metric
                    + ": range_filter=" + rangeFilter + " radius=" + radius);
        }
        return new ScoreRange(false, hasRadius ? radius : Float.NEGATIVE_INFINITY, !hasRadius,
                hasRangeFilter ? rangeFilter : Float.POSITIVE_INFINITY, true);
    }

    /** Whether {@code score} lies in the window; a NaN score lies in no bounded window. */
    boolean accepts(float score) {
        if (unbounded) {
            return true;
        }
        boolean aboveMin = minInclusive ? score >= min : score > min;
        boolean belowMax = maxInclusive ? score <= max : score < max;
        return aboveMin && belowMax;
    }
}
