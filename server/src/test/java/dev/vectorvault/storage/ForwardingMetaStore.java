package dev.vectorvault.storage;

import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;

/** A {@link MetaStore} handing every call to another one; tests override the calls they watch or fail. */
public class ForwardingMetaStore implements MetaStore {
    protected final MetaStore store;

    public ForwardingMetaStore(MetaStore store) {
        this.store = store;
    }

    @Override
    public Optional<byte[]> get(String key) {
        return store.get(key);
    }

    @Override
    public SortedMap<String, byte[]> scan(String prefix) {
        return store.scan(prefix);
    }

    @Override
    public void put(String key, byte[] value) {
        store.put(key, value);
    }

    @Override
    public void putAll(SortedMap<String, byte[]> entries) {
        store.putAll(entries);
    }

    @Override
    public boolean putAllWhile(String guardKey, byte[] guardValue, SortedMap<String, byte[]> entries) {
        return store.putAllWhile(guardKey, guardValue, entries);
    }

    @Override
    public void deleteAll(SortedSet<String> keys) {
        store.deleteAll(keys);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] value) {
        return store.putIfAbsent(key, value);
    }

    @Override
    public boolean replace(String key, byte[] expected, byte[] value) {
        return store.replace(key, expected, value);
    }

    @Override
    public boolean deleteTree(String key) {
        return store.deleteTree(key);
    }

    @Override
    public void close() {
        store.close();
    }
}
