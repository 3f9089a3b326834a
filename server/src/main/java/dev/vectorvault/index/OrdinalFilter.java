package dev.vectorvault.index;

/**
 * Decides which stored ordinals may appear in a result; deletes and filter expressions arrive here. Implementations
 * must be cheap and non-blocking, and thread-safe when given to a batch search with parallelism above 1. A search calls
 * {@link #accept} at most once per ordinal it scans, always before scoring that ordinal.
 */
@FunctionalInterface
public interface OrdinalFilter {
    /** Accepts everything. The index recognises this instance and skips the per-ordinal call altogether. */
    OrdinalFilter ACCEPT_ALL = ordinal -> true;

    boolean accept(int ordinal);
}
