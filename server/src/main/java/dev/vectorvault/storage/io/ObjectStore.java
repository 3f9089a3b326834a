package dev.vectorvault.storage.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Immutable objects under '/'-separated names relative to the store's root ("segments/1000/7.seg"): what sealed
 * segments, tombstones and index files need, and no more, so an S3-compatible store can implement it.
 *
 * <h2>Contract</h2>
 * <ul>
 * <li>{@link #write} is atomic and durable: when it returns the whole object is stable under its name; if it throws,
 * or the machine crashes before it returns, the name holds the previous object (or none), never a part.</li>
 * <li>{@link #delete} is durable when it returns and does nothing for an absent name.</li>
 * <li>Objects are never modified in place; a name is replaced only by a whole new {@link #write}.</li>
 * <li>Thread-safe for different names. Failures are {@link IOException}s; a missing object is a
 * {@link java.nio.file.NoSuchFileException}, a full disk an {@code IOException} whose message says
 * "No space left on device".</li>
 * </ul>
 */
public interface ObjectStore {
    /** Produces an object's bytes; may be called once only and must not keep {@code out}. */
    @FunctionalInterface
    interface Contents {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code name} whole, replacing any previous object; see the class contract. */
    void write(String name, Contents contents) throws IOException;

    default void write(String name, byte[] bytes) throws IOException {
        write(name, out -> out.write(bytes));
    }

    /** Size in bytes; {@link java.nio.file.NoSuchFileException} if absent. */
    long size(String name) throws IOException;

    /**
     * Reads up to {@code into.remaining()} bytes starting at {@code position}; returns how many, or -1 if
     * {@code position} is at or past the end.
     */
    int read(String name, long position, ByteBuffer into) throws IOException;

    /**
     * Opens {@code name} for repeated ranged reads ({@link ReadHandle}); the caller closes it. This default opens
     * nothing: each read is one {@link #read} (what object storage does anyway, a ranged request). Stores that open
     * something per read (a file) keep it open instead.
     *
     * @throws java.nio.file.NoSuchFileException when absent
     */
    default ReadHandle openReader(String name) throws IOException {
        size(name); // absent objects fail here, not at the first read
        return new ReadHandle() {
            private volatile boolean closed;

            @Override
            public int read(long position, ByteBuffer into) throws IOException {
                if (closed) {
                    throw new java.nio.channels.ClosedChannelException();
                }
                return ObjectStore.this.read(name, position, into);
            }

            @Override
            public void close() {
                closed = true;
            }
        };
    }

    boolean exists(String name) throws IOException;

    /** Names of the objects that start with {@code prefix} (a folder prefix ends in '/'), sorted. */
    List<String> list(String prefix) throws IOException;

    /** Deletes {@code name} durably; nothing happens if it does not exist. */
    void delete(String name) throws IOException;

    /** The whole object; {@link java.nio.file.NoSuchFileException} if absent. At most 2 GiB. */
    default byte[] readAll(String name) throws IOException {
        long size = size(name);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IOException(name + " of " + size + " bytes is too large to read at once");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        while (buffer.hasRemaining()) {
            if (read(name, buffer.position(), buffer) < 0) {
                break; // shrank meanwhile; the caller's verification reports the truncation
            }
        }
        return buffer.position() == buffer.capacity() ? buffer.array()
                : java.util.Arrays.copyOf(buffer.array(), buffer.position());
    }

    /** A human-readable location of {@code name}, for messages (a path for a disk, a URL for object storage). */
    String describe(String name);
}
