package dev.vectorvault.storage;

import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * Metadata (users, later roles and the catalog) as ordered string keys with byte values. Every operation maps onto
 * one etcd request: get/put/delete are etcd's, {@link #scan} is a prefix range, and the conditional writes are etcd
 * transactions comparing a key's create revision or value. A write that returns is durable.
 * Implementations are thread-safe.
 */
public interface MetaStore extends AutoCloseable {

    Optional<byte[]> get(String key);

    /** All keys that start with {@code prefix}, in key order. */
    SortedMap<String, byte[]> scan(String prefix);

    void put(String key, byte[] value);

    /**
     * Writes every entry or none (one etcd transaction; one MVStore commit): a failure leaves all the keys as they
     * were. etcd bounds one transaction at 128 keys by default ({@code --max-txn-ops}).
     */
    void putAll(SortedMap<String, byte[]> entries);

    /** Deletes every key or none (one etcd transaction; one MVStore commit); keys under them are left alone. */
    void deleteAll(SortedSet<String> keys);

    /** Writes only when the key does not exist yet; returns whether it wrote. */
    boolean putIfAbsent(String key, byte[] value);

    /** Writes only when the key currently holds exactly {@code expected}; returns whether it wrote. */
    boolean replace(String key, byte[] expected, byte[] value);

    /**
     * Writes every entry, or none, only while {@code guardKey} holds exactly {@code guardValue} ({@code null}: while
     * it does not exist), in one transaction; returns whether it wrote. The entries may rewrite the guard itself, so
     * a counter guards a check over many keys: whoever changed the counter since it was read makes the write fail.
     */
    boolean putAllWhile(String guardKey, byte[] guardValue, SortedMap<String, byte[]> entries);

    /** Deletes the key and every key under {@code key + "/"} in one step; returns whether {@code key} existed. */
    boolean deleteTree(String key);

    @Override
    void close();
}
