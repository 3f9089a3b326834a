package dev.vectorvault.storage.wal;

import java.nio.file.Path;

/**
 * The log holds damage that a crash cannot explain: a bad record followed by valid ones, a bad record in a file that
 * is not the newest, a bad header, or a missing file. Opening refuses rather than skip records silently, because a
 * skipped record is an acknowledged write lost (checklist A10). Callers map this to {@code DATA_LOSS}.
 */
public final class CorruptLogException extends RuntimeException {
    private final transient Path file;
    private final long offset;

    CorruptLogException(Path file, long offset, String reason) {
        super("corrupt write-ahead log file " + file + " at byte offset " + offset + ": " + reason);
        this.file = file;
        this.offset = offset;
    }

    /** The damaged log file. */
    public Path file() {
        return file;
    }

    /** Byte offset in {@link #file()} of the damaged header or record. */
    public long offset() {
        return offset;
    }
}
