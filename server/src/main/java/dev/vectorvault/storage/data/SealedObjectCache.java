package dev.vectorvault.storage.data;

import dev.vectorvault.storage.io.LocalDisk;
import dev.vectorvault.storage.io.ObjectStore;
import dev.vectorvault.storage.io.ReadHandle;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded read-through (and write-through) copy of sealed objects on the local disk, in front of object storage,
 * so that a restart or an index load reads the local disk instead of fetching every object again in small ranges.
 * Only segment ({@code .seg}) and index ({@code .idx}) files are kept: their names are written once by the node that
 * owns the collection (a tombstone file is rewritten in place, small, and read whole, so it always comes from the
 * bucket). A write goes to the local copy first, then to the bucket from it; a read of an object not held locally
 * fetches it whole in large ranges first. The least recently used copies go once the total passes the bound; a copy
 * removed while being read falls back to the bucket. The bucket stays the truth: listings always come from it.
 * A copy held open by a {@link #openReader reader} (the exact vectors of a quantized segment) is pinned: eviction
 * passes over it until the reader closes, so the disk holds no evicted copy that is still open and uncounted.
 */
final class SealedObjectCache implements ObjectStore {
    private static final Logger LOG = LoggerFactory.getLogger(SealedObjectCache.class);
    private static final int FETCH_RANGE_BYTES = 8 << 20;

    private final ObjectStore remote;
    private final LocalDisk local;
    private final long maxBytes;
    /** Local copies and their sizes, least recently used first. */
    private final LinkedHashMap<String, Long> entries = new LinkedHashMap<>(16, 0.75f, true);
    /** Open readers per local copy; a pinned copy is never evicted. */
    private final Map<String, Integer> pins = new HashMap<>();
    private long bytes;

    private SealedObjectCache(ObjectStore remote, LocalDisk local, long maxBytes) {
        this.remote = remote;
        this.local = local;
        this.maxBytes = maxBytes;
    }

    /**
     * Opens the cache in {@code local}'s folder, keeping (up to the bound) what an earlier run left there when the
     * bucket holds an object of the same size under the name (a crash between the local and the remote write leaves
     * a copy the bucket never got).
     */
    static SealedObjectCache open(ObjectStore remote, LocalDisk local, long maxBytes) throws IOException {
        SealedObjectCache cache = new SealedObjectCache(remote, local, maxBytes);
        LocalDisk.deleteTemporaryFiles(local, "");
        for (String name : local.list("")) {
            long size = Files.size(local.path(name));
            boolean keep;
            try {
                keep = cacheable(name) && remote.size(name) == size;
            } catch (NoSuchFileException e) {
                keep = false;
            }
            if (keep) {
                cache.remember(name, size);
            } else {
                local.delete(name);
            }
        }
        cache.evict(null);
        return cache;
    }

    static boolean cacheable(String name) {
        return name.endsWith(".seg") || name.endsWith(".idx");
    }

    private synchronized boolean held(String name) {
        return entries.get(name) != null; // counts as a use
    }

    private synchronized void remember(String name, long size) {
        Long previous = entries.put(name, size);
        bytes += size - (previous == null ? 0 : previous);
    }

    private synchronized void forget(String name) {
        Long previous = entries.remove(name);
        if (previous != null) {
            bytes -= previous;
        }
    }

    /** Drops least recently used copies (never {@code keep}) until the total fits. */
    private void evict(String keep) {
        List<String> victims = new ArrayList<>();
        synchronized (this) {
            Iterator<Map.Entry<String, Long>> it = entries.entrySet().iterator();
            while (bytes > maxBytes && it.hasNext()) {
                Map.Entry<String, Long> eldest = it.next();
                if (eldest.getKey().equals(keep) || pins.containsKey(eldest.getKey())) {
                    continue;
                }
                bytes -= eldest.getValue();
                victims.add(eldest.getKey());
                it.remove();
            }
        }
        for (String victim : victims) {
            try {
                local.delete(victim);
            } catch (IOException e) {
                LOG.warn("event=object_cache_evict_failed file={} error={}", local.describe(victim), e.toString());
            }
        }
    }

    @Override
    public void write(String name, Contents contents) throws IOException {
        if (!cacheable(name)) {
            remote.write(name, contents);
            return;
        }
        forget(name);
        local.write(name, contents);
        try {
            remote.write(name, out -> Files.copy(local.path(name), out));
        } catch (IOException | RuntimeException e) {
            local.delete(name);
            throw e;
        }
        remember(name, local.size(name));
        evict(name);
    }

    /** Makes sure a local copy exists (fetching it whole), unless the object is not cacheable. */
    private boolean ensureLocal(String name) throws IOException {
        if (!cacheable(name)) {
            return false;
        }
        if (held(name)) {
            return true;
        }
        long size = remote.size(name);
        local.write(name, out -> {
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(FETCH_RANGE_BYTES, Math.max(size, 1)));
            long position = 0;
            while (position < size) {
                buffer.clear();
                int n = remote.read(name, position, buffer);
                if (n < 0) {
                    throw new EOFException(remote.describe(name) + " ends at " + position + " of " + size);
                }
                out.write(buffer.array(), 0, n);
                position += n;
            }
        });
        remember(name, size);
        evict(name);
        return true;
    }

    @Override
    public long size(String name) throws IOException {
        if (ensureLocal(name)) {
            try {
                return local.size(name);
            } catch (NoSuchFileException evicted) {
                forget(name);
            }
        }
        return remote.size(name);
    }

    @Override
    public int read(String name, long position, ByteBuffer into) throws IOException {
        if (ensureLocal(name)) {
            try {
                return local.read(name, position, into);
            } catch (NoSuchFileException evicted) {
                forget(name);
            }
        }
        return remote.read(name, position, into);
    }

    /**
     * A reader of the local copy (fetched first), pinned until closed; an object that is not cacheable, or whose copy
     * went before it was pinned, is read from the bucket.
     */
    @Override
    public ReadHandle openReader(String name) throws IOException {
        if (ensureLocal(name) && pin(name)) {
            try {
                ReadHandle copy = local.openReader(name);
                return new ReadHandle() {
                    private boolean closed;

                    @Override
                    public int read(long position, ByteBuffer into) throws IOException {
                        return copy.read(position, into);
                    }

                    @Override
                    public void close() throws IOException {
                        synchronized (this) {
                            if (closed) {
                                return;
                            }
                            closed = true;
                        }
                        try {
                            copy.close();
                        } finally {
                            unpin(name);
                        }
                    }
                };
            } catch (NoSuchFileException evicted) {
                unpin(name);
                forget(name);
            }
        }
        return remote.openReader(name);
    }

    /** Pins a held copy; false when it is not held (evicted since {@link #ensureLocal}). */
    private synchronized boolean pin(String name) {
        if (!entries.containsKey(name)) {
            return false;
        }
        pins.merge(name, 1, Integer::sum);
        return true;
    }

    private void unpin(String name) {
        synchronized (this) {
            pins.computeIfPresent(name, (n, count) -> count == 1 ? null : count - 1);
        }
        evict(null);
    }

    /** Copies pinned by open readers now (tests). */
    synchronized int pinned() {
        return pins.size();
    }

    /**
     * The whole object. One not held locally is fetched whole into memory (the caller wants all of it anyway) by
     * one ranged request into an array of its size, and the local copy is written from those bytes, rather than
     * fetched to the disk in ranges and read back from it. A local copy that cannot be written (a full disk) costs
     * the next read a fetch, not this one its bytes.
     */
    @Override
    public byte[] readAll(String name) throws IOException {
        if (cacheable(name) && !held(name)) {
            byte[] bytes = fetchWhole(name);
            try {
                local.write(name, out -> out.write(bytes));
                remember(name, bytes.length);
                evict(name);
            } catch (IOException e) {
                LOG.warn("event=object_cache_fill_failed file={} error={}", local.describe(name), e.toString());
            }
            return bytes;
        }
        if (ensureLocal(name)) {
            try {
                return local.readAll(name);
            } catch (NoSuchFileException evicted) {
                forget(name);
            }
        }
        return remote.readAll(name);
    }

    /** The object's bytes in an array of exactly its size (no growing buffer, no copy of the whole). */
    private byte[] fetchWhole(String name) throws IOException {
        long size = remote.size(name);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IOException(remote.describe(name) + " of " + size + " bytes is too large to read at once");
        }
        byte[] bytes = new byte[(int) size];
        ByteBuffer into = ByteBuffer.wrap(bytes);
        while (into.hasRemaining()) {
            if (remote.read(name, into.position(), into) < 0) {
                throw new EOFException(remote.describe(name) + " ends at " + into.position() + " of " + size);
            }
        }
        return bytes;
    }

    @Override
    public boolean exists(String name) throws IOException {
        return held(name) || remote.exists(name);
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        return remote.list(prefix);
    }

    @Override
    public void delete(String name) throws IOException {
        remote.delete(name);
        if (cacheable(name)) {
            forget(name);
            local.delete(name);
        }
    }

    @Override
    public String describe(String name) {
        return remote.describe(name);
    }

    synchronized long cachedBytes() {
        return bytes;
    }

    @Override
    public String toString() {
        return "SealedObjectCache[" + local.root() + ", max " + maxBytes + " bytes, over " + remote + "]";
    }
}
