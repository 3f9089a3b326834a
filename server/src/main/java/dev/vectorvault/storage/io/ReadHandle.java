package dev.vectorvault.storage.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One object kept open for many small ranged reads ({@link ObjectStore#openReader}), so that a reader that comes back
 * to the same immutable object (exact vectors of a quantized segment) does not open it again for every read.
 * Thread-safe: reads are positional and may run concurrently. What an open handle reads once its object is deleted
 * depends on the store: a local file stays readable until the handle is closed (POSIX keeps an unlinked file while it
 * is open); an object in object storage does not.
 */
public interface ReadHandle extends Closeable {
    /** As {@link ObjectStore#read}, from this handle's object. */
    int read(long position, ByteBuffer into) throws IOException;

    /** Lets the object go; reads after it fail. Idempotent. */
    @Override
    void close() throws IOException;
}
