package dev.vectorvault.storage;

/** The store could not read or durably write; the server must not acknowledge the operation. */
public final class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
