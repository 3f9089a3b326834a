package dev.vectorvault.storage.segment;

import java.nio.file.Path;

/**
 * A segment file failed verification: truncated, bit-flipped, of another kind, or of an unsupported format version.
 * Its contents must not be used. Callers map this to {@code DATA_LOSS}.
 */
public final class CorruptSegmentException extends RuntimeException {
    private final transient Path file;

    CorruptSegmentException(Path file, String reason) {
        super("corrupt segment file " + file + ": " + reason);
        this.file = file;
    }

    /** The file that failed verification. */
    public Path file() {
        return file;
    }
}
