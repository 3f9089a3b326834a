package dev.vectorvault.cluster.etcd;

import dev.vectorvault.cluster.Coordination;
import dev.vectorvault.cluster.WrittenRevision;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.config.ServerConfig.ClusterSettings;
import dev.vectorvault.storage.MetaStore;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Response;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link Coordination} on etcd through jetcd. Keys are relative to the meta root {@code <etcd.rootPath>/
 * <etcd.metaSubPath>} ({@code by-dev/meta}), so {@code keys("root-coord/")} writes Milvus's
 * {@code by-dev/meta/root-coord/...} keys. Every request waits at most {@code etcd.requestTimeout}; a failure to reach
 * etcd in that time is {@code META_STORE_UNAVAILABLE} (a write that timed out may still have been applied).
 */
public final class EtcdCoordination implements Coordination {
    private final EtcdConnection connection;
    private final String root;
    private final AtomicLong revision = new AtomicLong();
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
    /** Keys per read of a scan: bounds one response (etcd's default limit is about 2 MiB). */
    private volatile int scanPage = 512;

    public EtcdCoordination(EtcdConnection connection, String metaRoot) {
        this.connection = connection;
        this.root = metaRoot + "/";
    }

    /** Connects to the configured etcd (checking it answers) with keys under {@link ClusterSettings#metaRoot()}. */
    public static EtcdCoordination connect(ClusterSettings settings) {
        EtcdCoordination coordination = new EtcdCoordination(EtcdConnection.open(settings), settings.metaRoot());
        try {
            // revision() is meaningful from the start: a watch from it misses nothing written after connecting.
            coordination.currentRevision();
            return coordination;
        } catch (RuntimeException e) {
            coordination.close();
            throw e;
        }
    }

    @Override
    public MetaStore keys(String prefix) {
        return new EtcdMetaStore(this, root + prefix);
    }

    @Override
    public long revision() {
        return revision.get();
    }

    @Override
    public Subscription watch(String prefix, long afterRevision, WatchListener listener) {
        EtcdWatch watch = new EtcdWatch(this, root, prefix, afterRevision, listener, watches::remove);
        watches.add(watch);
        watch.start();
        return watch;
    }

    @Override
    public long grantLease(int ttlSeconds) {
        var granted = connection.await(connection.client().getLeaseClient().grant(ttlSeconds),
                "granting a lease");
        saw(granted.getHeader());
        return granted.getID();
    }

    @Override
    public long keepAliveOnce(long leaseId) {
        try {
            var renewed = connection.awaitOrFail(connection.client().getLeaseClient().keepAliveOnce(leaseId),
                    "renewing lease " + Long.toHexString(leaseId));
            saw(renewed.getHeader());
            return Math.max(renewed.getTTL(), 0);
        } catch (EtcdException e) {
            if (leaseNotFound(e)) {
                return 0;
            }
            throw unavailable("renewing lease " + Long.toHexString(leaseId), e);
        }
    }

    @Override
    public void revokeLease(long leaseId) {
        try {
            var revoked = connection.awaitOrFail(connection.client().getLeaseClient().revoke(leaseId),
                    "revoking lease " + Long.toHexString(leaseId));
            // Not recorded as the call's write: ending a lease deletes session keys, not metadata a node mirrors.
            saw(revoked.getHeader());
        } catch (EtcdException e) {
            if (!leaseNotFound(e)) {
                throw unavailable("revoking lease " + Long.toHexString(leaseId), e);
            }
        }
    }

    @Override
    public void putWithLease(String key, byte[] value, long leaseId) {
        var put = connection.awaitIdempotent(() -> kv().put(bytes(root + key), ByteSequence.from(value),
                PutOption.builder().withLeaseId(leaseId).build()), "writing " + key + " with a lease");
        committed(put.getHeader());
    }

    @Override
    public boolean putIfAbsentWithLease(String key, byte[] value, long leaseId) {
        ByteSequence k = bytes(root + key);
        TxnResponse txn = connection.await(kv().txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(Op.put(k, ByteSequence.from(value), PutOption.builder().withLeaseId(leaseId).build()))
                .commit(), "creating " + key + " with a lease");
        return committedIf(txn);
    }

    @Override
    public boolean putWhile(String key, byte[] value, String guardKey, byte[] guardValue) {
        // A value comparison fails on a missing guard key: a released ownership guards nothing.
        TxnResponse txn = connection.await(kv().txn()
                .If(new Cmp(bytes(root + guardKey), Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(guardValue))))
                .Then(Op.put(bytes(root + key), ByteSequence.from(value), PutOption.DEFAULT))
                .commit(), "writing " + key + " while " + guardKey + " holds its value");
        return committedIf(txn);
    }

    @Override
    public boolean replaceWhileAbsent(String key, byte[] expected, byte[] value, String absentKey) {
        ByteSequence k = bytes(root + key);
        TxnResponse txn = connection.await(kv().txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(expected))),
                        new Cmp(bytes(root + absentKey), Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
                .commit(), "replacing " + key + " while " + absentKey + " is absent");
        return committedIf(txn);
    }

    @Override
    public void close() {
        for (EtcdWatch watch : watches.toArray(EtcdWatch[]::new)) {
            watch.close();
        }
        connection.close();
    }

    // ---- shared with the MetaStore view and the watches ----

    int scanPage() {
        return scanPage;
    }

    /** Tests use small pages so that a scan of a few dozen keys crosses page boundaries. */
    void scanPage(int keys) {
        this.scanPage = keys;
    }

    EtcdConnection connection() {
        return connection;
    }

    KV kv() {
        return connection.client().getKVClient();
    }

    /** The current revision of the whole store, read from etcd (a count-only read of the meta root). */
    long currentRevision() {
        var read = connection.await(kv().get(bytes(root), GetOption.builder().withCountOnly(true).build()),
                "reading the current revision");
        saw(read.getHeader());
        return read.getHeader().getRevision();
    }

    void saw(Response.Header header) {
        revision.accumulateAndGet(header.getRevision(), Math::max);
    }

    /** A write that etcd committed: its revision is this client's and the current call's. */
    void committed(Response.Header header) {
        saw(header);
        WrittenRevision.record(header.getRevision());
    }

    boolean committedIf(TxnResponse txn) {
        if (txn.isSucceeded()) {
            committed(txn.getHeader());
        } else {
            saw(txn.getHeader());
        }
        return txn.isSucceeded();
    }

    MilvusException unavailable(String what, EtcdException e) {
        return connection.failure(what, e);
    }

    static ByteSequence bytes(String key) {
        return ByteSequence.from(key, StandardCharsets.UTF_8);
    }

    /** The first key after every key that starts with {@code prefix} (etcd's range end for a prefix). */
    static ByteSequence prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xff) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return ByteSequence.from(end);
            }
        }
        return ByteSequence.from(new byte[] {0});
    }

    private static boolean leaseNotFound(EtcdException e) {
        return e.getErrorCode() == io.etcd.jetcd.common.exception.ErrorCode.NOT_FOUND
                || String.valueOf(e.getMessage()).contains("lease not found");
    }
}
