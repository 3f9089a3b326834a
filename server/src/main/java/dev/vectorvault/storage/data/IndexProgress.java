package dev.vectorvault.storage.data;

/**
 * How far a vector field's approximate index is, in Milvus's terms: {@code totalRows} live rows, of which
 * {@code pendingRows} sit in sealed segments whose index is still being built or loaded (they are searched exactly
 * meanwhile). Rows in the growing segment and in segments too small to index are searched exactly by design and count
 * as indexed. {@code failure} is empty unless a build failed; its rows are then searched exactly until a later try
 * (see {@link IndexBuildSettings#firstRetryDelay()}) succeeds.
 */
public record IndexProgress(long totalRows, long indexedRows, long pendingRows, String failure) {
    public boolean finished() {
        return pendingRows == 0;
    }

    public boolean failed() {
        return !failure.isEmpty();
    }
}
