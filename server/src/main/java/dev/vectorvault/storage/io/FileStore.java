package dev.vectorvault.storage.io;

import java.io.IOException;

/**
 * An {@link ObjectStore} that also keeps appendable files, for the write-ahead log (and any other record that grows
 * in place). An appendable file is created whole with {@link #write} (its header), then opened with
 * {@link #openAppendable}; so creation is atomic and durable like every other write.
 */
public interface FileStore extends ObjectStore {
    /** Opens an existing file for appending and reading; {@link java.nio.file.NoSuchFileException} if absent. */
    AppendableFile openAppendable(String name) throws IOException;
}
