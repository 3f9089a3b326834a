package dev.vectorvault.storage;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.Locale;

/**
 * Stored data could not be read or durably written, or failed verification. Carries one of the {@code STORAGE_*}
 * codes, the file (a name relative to the store, or a path) and, for corruption, the byte offset; it reaches the
 * client as a Milvus status naming the cause. Whatever the code, the operation it interrupted was not acknowledged.
 */
public class StorageException extends MilvusException {
    /** {@link #offset()} when no offset is known. */
    public static final long NO_OFFSET = -1;

    private final String file;
    private final long offset;

    public StorageException(ErrorCode code, String file, long offset, String reason, Throwable cause) {
        super(code, reason, cause);
        this.file = file == null ? "" : file;
        this.offset = offset;
    }

    /** An I/O failure without a more specific code. */
    public StorageException(String message, Throwable cause) {
        this(ErrorCode.STORAGE_IO_FAILED, "", NO_OFFSET, message, cause);
    }

    /** Damage found by verification: the file and the byte offset where it was found. */
    public static StorageException corrupt(String file, long offset, String problem) {
        String where = offset >= 0 ? " at byte offset " + offset : "";
        return new StorageException(ErrorCode.STORAGE_CORRUPT, file, offset,
                "data corrupted: file " + file + where + ": " + problem, null);
    }

    /**
     * An {@link IOException} while doing {@code action} on {@code file}, classified: no space left becomes
     * {@link ErrorCode#STORAGE_DISK_FULL}, a missing file {@link ErrorCode#STORAGE_NOT_FOUND}, anything else
     * {@link ErrorCode#STORAGE_IO_FAILED}.
     */
    public static StorageException io(String action, String file, IOException e) {
        ErrorCode code = classify(e);
        String cause = switch (code) {
            case STORAGE_DISK_FULL -> "disk limit exceeded";
            case STORAGE_NOT_FOUND -> "key not found";
            default -> "IO failed";
        };
        return new StorageException(code, file, NO_OFFSET, cause + ": cannot " + action + " " + file + ": "
                + describe(e), e);
    }

    /** A failed force: never retried, see {@link ErrorCode#STORAGE_FSYNC_FAILED}. */
    public static StorageException fsyncFailed(String file, IOException e) {
        ErrorCode code = classify(e) == ErrorCode.STORAGE_DISK_FULL ? ErrorCode.STORAGE_DISK_FULL
                : ErrorCode.STORAGE_FSYNC_FAILED;
        String cause = code == ErrorCode.STORAGE_DISK_FULL ? "disk limit exceeded" : "IO failed";
        return new StorageException(code, file, NO_OFFSET, cause + ": fsync of " + file + " failed: " + describe(e),
                e);
    }

    private static ErrorCode classify(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException || e instanceof java.io.FileNotFoundException) {
            return ErrorCode.STORAGE_NOT_FOUND;
        }
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("no space left") || message.contains("disk full") || message.contains("quota")) {
            return ErrorCode.STORAGE_DISK_FULL;
        }
        return ErrorCode.STORAGE_IO_FAILED;
    }

    private static String describe(IOException e) {
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The file concerned, relative to its store when it has one; empty when none applies. */
    public String file() {
        return file;
    }

    /** Byte offset of the damage in {@link #file()}, or {@link #NO_OFFSET}. */
    public long offset() {
        return offset;
    }
}
