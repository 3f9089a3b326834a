package dev.vectorvault.ingest;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where the files an import request names are read from: a folder of this machine (embedded mode), or the
 * deployment's bucket (cluster mode with object storage), as Milvus reads them. Either way a file is a key relative
 * to a root, and a key that would leave it is refused.
 */
public interface ImportFiles {
    /**
     * Refuses a key that may not be read (status IMPORT_FAILED); returns its size in bytes when it is known without
     * a round trip to remote storage, or -1 (a missing or oversized object then fails the job while it stages).
     */
    long check(String key);

    /** The key's size in bytes, read from where it lies; {@link java.nio.file.NoSuchFileException} when absent. */
    long size(String key) throws IOException;

    /** The key's bytes, checked again; {@link java.nio.file.NoSuchFileException} when it does not exist. */
    InputStream open(String key) throws IOException;
}
