package dev.vectorvault.index;

import java.nio.file.Path;

/**
 * An index file that cannot be trusted: damaged, truncated, of another format version, or built over other vectors
 * than the ones it is loaded with. The caller rebuilds the index; it never uses such a file.
 */
public final class CorruptIndexException extends RuntimeException {
    private final transient Path file;

    public CorruptIndexException(Path file, String problem) {
        super("corrupt index file " + file + ": " + problem);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
