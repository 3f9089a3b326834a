package dev.vectorvault.storage.segment;

import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.io.Frame;
import dev.vectorvault.storage.io.LocalDisk;
import dev.vectorvault.storage.io.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Immutable, self-verifying objects (segments, tombstones) on an {@link ObjectStore}: a body whose layout belongs to
 * the caller, in the common {@link Frame} under the format name {@code "vectorvault-" + kind}.
 *
 * <h2>Versions</h2>
 * <ul>
 * <li>4: as 3; a segment body holds each row's insert time after its partition (a collection TTL expires rows by
 *     it). Tombstone bodies did not change. Written now.</li>
 * <li>3: as 2; bodies may hold sparse vectors (value encoding version 2, tag 11).</li>
 * <li>2: the common frame (little-endian header with CRC32C, body, footer with length and CRC32C).</li>
 * <li>1: the segment framing of commit 53506df and before, read by {@link SegmentFileV1}.</li>
 * </ul>
 * The body layouts did not change between 1 and 2; a body change gets a new version here, and a reader whose body
 * changed asks for the version ({@link #readVersioned}). Float16, BFloat16 and
 * Int8 vector fields needed none: their rows are byte strings (value tag 8, readable since version 1), and which
 * fields hold them is the catalog's knowledge (a server too old for these types cannot read that catalog either).
 *
 * <h2>Guarantees</h2>
 * {@link #write} is atomic and durable (the store's contract). {@link #read} verifies everything before returning a
 * byte and reports damage as {@code STORAGE_CORRUPT} naming the file and offset. Only the immutable-object subset of
 * the store is used, so these files can live on object storage.
 */
public final class SegmentFile {
    public static final String FORMAT_PREFIX = "vectorvault-";
    public static final int VERSION = 4;
    /** The first version written in the common frame. */
    static final int FIRST_FRAMED_VERSION = 2;
    /** Oldest version this code reads; raise it only together with dropping the old reader. */
    static final int MIN_VERSION = 1;
    static final int MAX_KIND_BYTES = 48;

    private SegmentFile() {
    }

    /**
     * Writes {@code body} as object {@code name}, replacing any previous one atomically.
     *
     * @param kind what the body is, checked by {@link #read}; 1 to 48 US-ASCII bytes
     * @throws StorageException on an I/O failure (full disk: {@code STORAGE_DISK_FULL})
     */
    public static void write(ObjectStore store, String name, String kind, byte[] body) {
        String format = formatName(kind);
        try {
            store.write(name, Frame.framed(format, VERSION, out -> out.write(body)));
        } catch (IOException e) {
            throw StorageException.io("write", store.describe(name), e);
        }
    }

    /**
     * Reads and verifies object {@code name} and returns its body.
     *
     * @throws StorageException {@code STORAGE_CORRUPT} if the header, version, kind, length or checksum does not
     *                          match; {@code STORAGE_NOT_FOUND} or {@code STORAGE_IO_FAILED} if it cannot be read
     */
    public static byte[] read(ObjectStore store, String name, String expectedKind) {
        return readVersioned(store, name, expectedKind).bytes();
    }

    /** As {@link #read}, with the format version the object was written in (1 for the unframed first version). */
    public static Frame.Body readVersioned(ObjectStore store, String name, String expectedKind) {
        Frame.BodySlice body = readInPlace(store, name, expectedKind);
        return new Frame.Body(body.version(), body.offset() == 0 && body.length() == body.bytes().length
                ? body.bytes() : Arrays.copyOfRange(body.bytes(), body.offset(), body.offset() + body.length()));
    }

    /**
     * As {@link #readVersioned}, verifying the same, but the body is left where it lies in the object's bytes: a
     * segment of tens of megabytes is then held once, not twice, while it is decoded.
     */
    public static Frame.BodySlice readInPlace(ObjectStore store, String name, String expectedKind) {
        Objects.requireNonNull(expectedKind, "expectedKind");
        String format = formatName(expectedKind);
        String file = store.describe(name);
        byte[] bytes;
        try {
            bytes = store.readAll(name);
        } catch (IOException e) {
            throw StorageException.io("read", file, e);
        }
        if (SegmentFileV1.isV1(bytes)) {
            byte[] body = SegmentFileV1.read(file, bytes, expectedKind);
            return new Frame.BodySlice(1, body, 0, body.length);
        }
        // Version 1 predates the frame, so a framed file is version 2 or later; 2's bodies are a subset of 3's.
        return Frame.unframeInPlace(file, bytes, format, FIRST_FRAMED_VERSION, VERSION);
    }

    /** {@link #write} to a file on the local disk (tests, tools). */
    public static void write(Path file, String kind, byte[] body) {
        write(disk(file), file.getFileName().toString(), kind, body);
    }

    /** {@link #read} of a file on the local disk (tests, tools). */
    public static byte[] read(Path file, String expectedKind) {
        return read(disk(file), file.getFileName().toString(), expectedKind);
    }

    private static LocalDisk disk(Path file) {
        try {
            return LocalDisk.open(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw StorageException.io("open folder", file.toAbsolutePath().getParent().toString(), e);
        }
    }

    static String formatName(String kind) {
        if (kind.isEmpty() || kind.length() > MAX_KIND_BYTES || !kind.chars().allMatch(c -> c > 32 && c < 127)) {
            throw new IllegalArgumentException("kind must be 1 to " + MAX_KIND_BYTES + " printable US-ASCII"
                    + " characters: '" + kind + "'");
        }
        return FORMAT_PREFIX + kind;
    }
}
