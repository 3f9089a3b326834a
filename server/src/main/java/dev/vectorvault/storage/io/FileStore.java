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

    /**
     * Makes every creation and deletion of names in the folder {@code prefix} ("" or ending in '/') durable. Object
     * writes and deletes do this themselves; a recovering log calls it because an earlier, failed call may have left
     * a name visible that is not yet durable.
     */
    void syncFolder(String prefix) throws IOException;

    /**
     * Bytes that writes may still take on the file system holding the store (what {@code df} calls available), so a
     * caller about to write much can refuse before it fills the disk the write-ahead log needs.
     */
    long usableSpace() throws IOException;
}
