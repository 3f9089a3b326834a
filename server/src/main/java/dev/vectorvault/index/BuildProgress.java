package dev.vectorvault.index;

/**
 * Receives the progress of an index build, so a server can report {@code indexed_rows} truthfully while the build
 * runs. Called from the building threads, possibly several at once, every few hundred vectors and once at the end
 * with {@code done == total}; implementations must be cheap and thread-safe.
 */
@FunctionalInterface
public interface BuildProgress {
    /** Ignores progress. */
    BuildProgress NONE = (done, total) -> {};

    /**
     * @param done  vectors indexed so far, never decreasing
     * @param total vectors the build will index
     */
    void indexed(long done, long total);
}
