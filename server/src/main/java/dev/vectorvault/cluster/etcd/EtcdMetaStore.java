package dev.vectorvault.cluster.etcd;

import static dev.vectorvault.cluster.etcd.EtcdCoordination.bytes;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.MetaStore;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * The {@link MetaStore} view of the keys under one etcd prefix; each operation is one etcd request (a scan of a large
 * range is several reads of one revision). Writes return once the etcd quorum committed them, and record their
 * revision for the current call ({@link dev.vectorvault.cluster.WrittenRevision}).
 */
final class EtcdMetaStore implements MetaStore {
    private final EtcdCoordination coordination;
    private final String base;

    EtcdMetaStore(EtcdCoordination coordination, String base) {
        this.coordination = coordination;
        this.base = base;
    }

    @Override
    public Optional<byte[]> get(String key) {
        GetResponse read = coordination.connection().await(coordination.kv().get(bytes(base + key)),
                "reading " + key);
        coordination.saw(read.getHeader());
        return read.getKvs().isEmpty() ? Optional.empty() : Optional.of(read.getKvs().get(0).getValue().getBytes());
    }

    @Override
    public SortedMap<String, byte[]> scan(String prefix) {
        // Pages after the first read the first page's revision, so the result is one consistent snapshot. Should
        // that revision be compacted away between pages, the scan starts again at the newest revision.
        for (int attempt = 1; ; attempt++) {
            try {
                return scanOnce(prefix);
            } catch (EtcdException e) {
                if (attempt >= 3 || !String.valueOf(e.getMessage()).contains("compacted")) {
                    throw coordination.unavailable("scanning " + prefix, e);
                }
            }
        }
    }

    private SortedMap<String, byte[]> scanOnce(String prefix) {
        byte[] full = (base + prefix).getBytes(StandardCharsets.UTF_8);
        ByteSequence end = EtcdCoordination.prefixEnd(full);
        ByteSequence from = ByteSequence.from(full);
        long snapshot = 0;
        SortedMap<String, byte[]> result = new TreeMap<>();
        while (true) {
            GetOption.Builder option = GetOption.builder().withRange(end).withLimit(coordination.scanPage());
            if (snapshot > 0) {
                option.withRevision(snapshot);
            }
            GetResponse page = coordination.connection().awaitOrFail(coordination.kv().get(from, option.build()),
                    "scanning " + prefix);
            coordination.saw(page.getHeader());
            if (snapshot == 0) {
                snapshot = page.getHeader().getRevision();
            }
            for (KeyValue kv : page.getKvs()) {
                result.put(kv.getKey().toString(StandardCharsets.UTF_8).substring(base.length()),
                        kv.getValue().getBytes());
            }
            if (!page.isMore() || page.getKvs().isEmpty()) {
                return Collections.unmodifiableSortedMap(result);
            }
            // The next page starts just after the last key read: that key followed by a zero byte.
            byte[] last = page.getKvs().get(page.getKvs().size() - 1).getKey().getBytes();
            from = ByteSequence.from(Arrays.copyOf(last, last.length + 1));
        }
    }

    @Override
    public void put(String key, byte[] value) {
        var put = coordination.connection().awaitIdempotent(
                () -> coordination.kv().put(bytes(base + key), ByteSequence.from(value)), "writing " + key);
        coordination.committed(put.getHeader());
    }

    @Override
    public void putAll(SortedMap<String, byte[]> entries) {
        if (entries.isEmpty()) {
            return;
        }
        Op[] puts = entries.entrySet().stream().map(e -> Op.put(bytes(base + e.getKey()),
                ByteSequence.from(e.getValue()), PutOption.DEFAULT)).toArray(Op[]::new);
        // Unconditional puts: applying the transaction twice after a lost answer changes nothing more.
        TxnResponse txn = coordination.connection().awaitIdempotent(() -> coordination.kv().txn().Then(puts).commit(),
                "writing " + entries.size() + " keys from " + entries.firstKey() + " in one transaction");
        coordination.committed(txn.getHeader());
    }

    @Override
    public boolean putIfAbsent(String key, byte[] value) {
        ByteSequence k = bytes(base + key);
        TxnResponse txn = coordination.connection().await(coordination.kv().txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
                .commit(), "creating " + key);
        return coordination.committedIf(txn);
    }

    @Override
    public boolean replace(String key, byte[] expected, byte[] value) {
        ByteSequence k = bytes(base + key);
        // etcd fails a value comparison on a missing key, as MvMetaStore does.
        TxnResponse txn = coordination.connection().await(coordination.kv().txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(expected))))
                .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
                .commit(), "replacing " + key);
        return coordination.committedIf(txn);
    }

    @Override
    public boolean putAllWhile(String guardKey, byte[] guardValue, SortedMap<String, byte[]> entries) {
        ByteSequence guard = bytes(base + guardKey);
        Cmp unchanged = guardValue == null ? new Cmp(guard, Cmp.Op.EQUAL, CmpTarget.version(0))
                : new Cmp(guard, Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(guardValue)));
        Op[] puts = entries.entrySet().stream().map(e -> Op.put(bytes(base + e.getKey()),
                ByteSequence.from(e.getValue()), PutOption.DEFAULT)).toArray(Op[]::new);
        TxnResponse txn = coordination.connection().await(coordination.kv().txn().If(unchanged).Then(puts).commit(),
                "writing " + entries.size() + " keys while " + guardKey + " is unchanged");
        return coordination.committedIf(txn);
    }

    @Override
    public void deleteAll(SortedSet<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        Op[] deletes = keys.stream().map(k -> Op.delete(bytes(base + k), DeleteOption.DEFAULT)).toArray(Op[]::new);
        // Deleting what is gone already changes nothing: applying it twice after a lost answer is harmless.
        TxnResponse txn = coordination.connection().awaitIdempotent(
                () -> coordination.kv().txn().Then(deletes).commit(),
                "deleting " + keys.size() + " keys from " + keys.first() + " in one transaction");
        coordination.committed(txn.getHeader());
    }

    @Override
    public boolean deleteTree(String key) {
        TxnResponse txn = coordination.connection().await(coordination.kv().txn()
                .Then(Op.delete(bytes(base + key), DeleteOption.DEFAULT),
                        Op.delete(bytes(base + key + "/"), DeleteOption.builder().isPrefix(true).build()))
                .commit(), "deleting " + key + " and the keys under it");
        long deleted = txn.getDeleteResponses().stream().mapToLong(d -> d.getDeleted()).sum();
        if (!txn.isSucceeded()) {
            throw new MilvusException(ErrorCode.META_STORE_UNAVAILABLE, "etcd did not apply deleting " + key);
        }
        if (deleted > 0) {
            coordination.committed(txn.getHeader());
        } else {
            coordination.saw(txn.getHeader());
        }
        return txn.getDeleteResponses().get(0).getDeleted() > 0;
    }

    @Override
    public void close() {
        // The view owns nothing: the coordination's connection outlives it.
    }
}
