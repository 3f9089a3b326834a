package dev.vectorvault.storage.data;

import dev.vectorvault.storage.io.ObjectStore;

/**
 * Where a {@link DataStore} keeps its sealed data (segment, tombstone and index files), apart from its write-ahead
 * log, which always stays on the local disk. {@link #local} is the embedded layout, byte for byte what it always was
 * ({@code segments/<collection>/...} next to {@code wal/}); {@link #remote} is a bucket of object storage that other
 * nodes may share, under Milvus's key layout ({@link MilvusObjectKeys}).
 */
public final class SealedStorage {
    private final ObjectStore objects;
    private final boolean shared;

    private SealedStorage(ObjectStore objects, boolean shared) {
        this.objects = objects;
        this.shared = shared;
    }

    /**
     * Whether a bucket key lies where {@link #remote} keeps the server's own objects: other readers of the bucket
     * (bulk import) must not read them, or a caller could copy another collection's rows into one it may read.
     */
    public static boolean isServerArea(String key) {
        return MilvusObjectKeys.isServerArea(key);
    }

    /** The local data folder, this node's alone: unreferenced files under {@code segments/} are cleaned away. */
    public static SealedStorage local(ObjectStore disk) {
        return new SealedStorage(disk, false);
    }

    /**
     * Object storage ({@code common.storageType: remote}) with keys {@code insert_log/<collection>/<segment>/...},
     * {@code delta_log/...}, {@code index_files/...}; shared with other nodes, so cleanup touches only the
     * collections this store's manifests named.
     */
    public static SealedStorage remote(ObjectStore bucket) {
        return new SealedStorage(new MilvusObjectKeys(bucket), true);
    }

    /**
     * As {@link #remote(ObjectStore)} with a bounded local copy of segment and index objects in {@code cacheDir}
     * ({@link SealedObjectCache}), kept across restarts.
     */
    public static SealedStorage remote(ObjectStore bucket, java.nio.file.Path cacheDir, long cacheBytes)
            throws java.io.IOException {
        if (cacheBytes <= 0) {
            return remote(bucket);
        }
        return new SealedStorage(SealedObjectCache.open(new MilvusObjectKeys(bucket),
                dev.vectorvault.storage.io.LocalDisk.open(cacheDir), cacheBytes), true);
    }

    ObjectStore objects() {
        return objects;
    }

    boolean shared() {
        return shared;
    }

    @Override
    public String toString() {
        return "SealedStorage[" + objects + (shared ? ", shared" : "") + "]";
    }
}
