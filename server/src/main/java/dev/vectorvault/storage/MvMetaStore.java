package dev.vectorvault.storage;

import dev.vectorvault.storage.io.LocalDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * {@link MetaStore} on an H2 MVStore file. Each write commits and forces the file to disk before returning, so an
 * acknowledged change survives {@code kill -9} and power loss; MVStore's checksummed chunks let it fall back to the
 * last complete commit after a torn write. MVStore also locks the file, so two servers cannot share a data folder.
 */
public final class MvMetaStore implements MetaStore {
    private final MVStore store;
    private final MVMap<String, byte[]> map;

    private MvMetaStore(MVStore store) {
        this.store = store;
        this.map = store.openMap("meta");
    }

    /**
     * Opens (creating if needed) {@code meta.mv.db} inside {@code directory}. A folder created here is owner-only
     * ({@code 0700}), and so is a new metadata file ({@code 0600}): it holds the password hashes.
     */
    public static MvMetaStore open(Path directory) {
        try {
            LocalDisk.open(directory);
            Path file = directory.resolve("meta.mv.db");
            boolean created = !Files.exists(file);
            MVStore store = new MVStore.Builder()
                    .fileName(file.toString())
                    .autoCommitDisabled()
                    .open();
            if (created) {
                // H2 creates the file with the process umask; nothing secret is in it before the first commit.
                LocalDisk.restrictToOwner(file);
            }
            return new MvMetaStore(store);
        } catch (Exception e) {
            throw new StorageException("cannot open metadata store in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** A store that lives only in memory, for tests and benchmarks that need no durability. */
    public static MvMetaStore inMemory() {
        return new MvMetaStore(new MVStore.Builder().autoCommitDisabled().open());
    }

    @Override
    public Optional<byte[]> get(String key) {
        return Optional.ofNullable(map.get(key)).map(byte[]::clone);
    }

    @Override
    public SortedMap<String, byte[]> scan(String prefix) {
        SortedMap<String, byte[]> result = new TreeMap<>();
        Iterator<String> keys = map.keyIterator(prefix);
        while (keys.hasNext()) {
            String key = keys.next();
            if (!key.startsWith(prefix)) {
                break;
            }
            result.put(key, map.get(key).clone());
        }
        return Collections.unmodifiableSortedMap(result);
    }

    @Override
    public synchronized void put(String key, byte[] value) {
        map.put(key, value.clone());
        durablyCommit();
    }

    @Override
    public synchronized void putAll(SortedMap<String, byte[]> entries) {
        // One commit: a failed flush rolls every entry back, and a torn write falls back to the previous commit.
        entries.forEach((key, value) -> map.put(key, value.clone()));
        durablyCommit();
    }

    @Override
    public synchronized boolean putIfAbsent(String key, byte[] value) {
        if (map.containsKey(key)) {
            return false;
        }
        map.put(key, value.clone());
        durablyCommit();
        return true;
    }

    @Override
    public synchronized boolean replace(String key, byte[] expected, byte[] value) {
        byte[] current = map.get(key);
        if (current == null || !Arrays.equals(current, expected)) {
            return false;
        }
        map.put(key, value.clone());
        durablyCommit();
        return true;
    }

    @Override
    public synchronized boolean putAllWhile(String guardKey, byte[] guardValue, SortedMap<String, byte[]> entries) {
        byte[] current = map.get(guardKey);
        if (guardValue == null ? current != null : current == null || !Arrays.equals(current, guardValue)) {
            return false;
        }
        putAll(entries);
        return true;
    }

    @Override
    public synchronized void deleteAll(SortedSet<String> keys) {
        keys.forEach(map::remove);
        durablyCommit();
    }

    @Override
    public synchronized boolean deleteTree(String key) {
        boolean existed = map.remove(key) != null;
        for (String child : scan(key + "/").keySet()) {
            map.remove(child);
        }
        durablyCommit();
        return existed;
    }

    private void durablyCommit() {
        try {
            store.commit();
            store.sync();
        } catch (RuntimeException e) {
            // A failed flush is fatal for this write: never acknowledge what may not be on disk.
            store.rollback();
            throw new StorageException("metadata write could not be made durable: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (!store.isClosed()) {
            store.close();
        }
    }
}
