package dev.vectorvault.index;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.storage.StorageException;
import java.nio.file.Path;

/**
 * An index file that cannot be trusted: damaged, truncated, of another format version, or built over other vectors
 * than the ones it is loaded with. A {@link StorageException} with code {@code STORAGE_CORRUPT}; the caller rebuilds
 * the index, it never uses such a file.
 */
public final class CorruptIndexException extends StorageException {
    public CorruptIndexException(String file, String problem) {
        super(ErrorCode.STORAGE_CORRUPT, file, NO_OFFSET, "corrupt index file " + file + ": " + problem, null);
    }

    public CorruptIndexException(Path file, String problem) {
        this(file.toString(), problem);
    }
}
