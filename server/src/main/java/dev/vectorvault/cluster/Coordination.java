package dev.vectorvault.cluster;

import dev.vectorvault.storage.MetaStore;
import java.util.List;

/**
 * What the nodes of one cluster share: one ordered key space with revisions (etcd's), watches over it, and leases
 * that end keys of a node that stops renewing them. Keys are relative to the instance's meta root
 * ({@code etcd.rootPath/etcd.metaSubPath}, e.g. {@code by-dev/meta}). Every write returns only when it is committed
 * by the etcd quorum. Failures to reach the store are {@code MilvusException}s with
 * {@code ErrorCode.META_STORE_UNAVAILABLE}. Thread-safe.
 */
public interface Coordination extends AutoCloseable {

    /** A {@link MetaStore} over the keys under {@code prefix} (the prefix is not part of its keys). */
    MetaStore keys(String prefix);

    /**
     * The newest revision this client has seen in any response. A write made by this client is at or below it, so
     * waiting until every node has applied {@code revision()} waits for the write too.
     */
    long revision();

    /**
     * Calls {@code listener} with every change to keys starting with {@code prefix} made after {@code afterRevision},
     * one call per revision, in revision order, on one thread. When changes may have been missed (the revision was
     * compacted away), {@link WatchListener#resynchronize} is called instead and the watch goes on after the revision
     * it names.
     */
    Subscription watch(String prefix, long afterRevision, WatchListener listener);

    /** A new lease of {@code ttlSeconds}; keys written with it end when it ends. */
    long grantLease(int ttlSeconds);

    /** Renews the lease once; returns its TTL in seconds after renewal, or 0 when the lease no longer exists. */
    long keepAliveOnce(long leaseId);

    /** Ends the lease now and deletes its keys; ending a lease that is already gone is not an error. */
    void revokeLease(long leaseId);

    /** Writes {@code key} attached to the lease. */
    void putWithLease(String key, byte[] value, long leaseId);

    /** Writes {@code key} attached to the lease only when it does not exist; returns whether it wrote. */
    boolean putIfAbsentWithLease(String key, byte[] value, long leaseId);

    /**
     * Writes {@code key} only while {@code guardKey} holds exactly {@code guardValue}, in one transaction; returns
     * whether it wrote. A node that lost what the guard says (a collection's ownership) cannot overwrite the key.
     */
    boolean putWhile(String key, byte[] value, String guardKey, byte[] guardValue);

    /**
     * Replaces {@code key}'s value {@code expected} by {@code value} only while {@code absentKey} does not exist, in
     * one transaction; returns whether it wrote (taking a dead node's role: {@code absentKey} is its session).
     */
    boolean replaceWhileAbsent(String key, byte[] expected, byte[] value, String absentKey);

    @Override
    void close();

    /** One key's new state in a watched revision: {@code value} is null when the key was deleted. */
    record KeyChange(String key, byte[] value) {}

    interface WatchListener {
        void changed(long revision, List<KeyChange> changes);

        /** Changes may have been missed; reload everything as of {@code revision}. */
        void resynchronize(long revision);
    }

    /** Stops a watch. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
