package dev.vectorvault.index;

import java.util.BitSet;

/**
 * Decides which stored ordinals may appear in a result; deletes and filter expressions arrive here. Implementations
 * must be cheap and non-blocking, and thread-safe when given to a batch search with parallelism above 1. A search calls
 * {@link #accept} at most once per ordinal it scans, always before scoring that ordinal.
 *
 * <p>A filter may also know a set of {@linkplain #candidates candidates} outside which it accepts nothing (a filter
 * answered by scalar indexes): an exact search then visits only those ordinals, and an approximate one may search them
 * exactly instead of walking its graph or lists.
 */
@FunctionalInterface
public interface OrdinalFilter {
    /** Accepts everything. The index recognises this instance and skips the per-ordinal call altogether. */
    OrdinalFilter ACCEPT_ALL = ordinal -> true;

    boolean accept(int ordinal);

    /**
     * The only ordinals this filter can accept (it may still reject some of them), or null when it may accept any.
     * Read-only: searches share it.
     */
    default BitSet candidates() {
        return null;
    }

    /**
     * The first ordinal at or after {@code from} that this filter may accept, or -1 when none: {@code from} itself
     * without {@linkplain #candidates candidates}. Exact scans step with it, so that a filter answered by an index
     * costs its matches, not the segment's size.
     */
    default int next(int from) {
        BitSet candidates = candidates();
        return candidates == null ? from : candidates.nextSetBit(from);
    }

    /**
     * The filter that accepts an ordinal of {@code candidates} when {@code test} accepts it, and nothing else;
     * {@code test} is asked only about candidates. {@code candidates} must not change while searches use it.
     */
    static OrdinalFilter within(BitSet candidates, OrdinalFilter test) {
        return new OrdinalFilter() {
            @Override
            public boolean accept(int ordinal) {
                return candidates.get(ordinal) && test.accept(ordinal);
            }

            @Override
            public BitSet candidates() {
                return candidates;
            }
        };
    }
}
