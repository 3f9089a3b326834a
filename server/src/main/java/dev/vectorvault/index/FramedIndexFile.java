package dev.vectorvault.index;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.io.Frame;
import dev.vectorvault.storage.io.ObjectStore;
import java.io.IOException;

/** Reads a whole index file in the common {@link Frame}, where a bad frame means "rebuild", not "fail". */
public final class FramedIndexFile {
    private FramedIndexFile() {}

    /**
     * The checked body of {@code name}, of format {@code format} at version 1 to {@code maxVersion}.
     *
     * @throws CorruptIndexException when damaged, truncated or of an unknown version
     * @throws StorageException      when it cannot be read at all (STORAGE_NOT_FOUND when it does not exist)
     */
    public static Frame.Body read(ObjectStore store, String name, String format, int maxVersion, String what) {
        String file = store.describe(name);
        byte[] framed;
        try {
            framed = store.readAll(name);
        } catch (IOException e) {
            throw StorageException.io("read " + what, file, e);
        }
        try {
            return Frame.unframe(file, framed, format, 1, maxVersion);
        } catch (StorageException e) {
            if (e.errorCode() == ErrorCode.STORAGE_NOT_FOUND) {
                throw e;
            }
            throw new CorruptIndexException(file, e.getMessage());
        }
    }
}
