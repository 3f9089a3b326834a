package dev.vectorvault.storage.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A file that grows at its end. Nothing written is durable until {@link #force} returns; a crash may keep any
 * subset of the unforced bytes (torn, reordered), which is why every record written here carries its own checksum.
 * After {@code force} throws, treat everything written since the last successful force as lost even if a later
 * force succeeds (Linux marks the failed pages clean: PostgreSQL's "fsyncgate"). Not thread-safe.
 */
public interface AppendableFile extends Closeable {
    /** Current length, including unforced bytes. */
    long size() throws IOException;

    /** Appends all of {@code bytes} at the end, or throws; after a throw some prefix of them may have been written. */
    void append(ByteBuffer bytes) throws IOException;

    /** Makes every byte written so far (and the length) durable. */
    void force() throws IOException;

    /** Cuts the file to {@code size} bytes; durable only after the next {@link #force}. */
    void truncate(long size) throws IOException;

    /** As {@link ObjectStore#read}. */
    int read(long position, ByteBuffer into) throws IOException;
}
