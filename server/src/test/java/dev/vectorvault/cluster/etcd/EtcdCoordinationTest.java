package dev.vectorvault.cluster.etcd;

import static dev.vectorvault.cluster.etcd.EtcdTesting.b;
import static dev.vectorvault.cluster.etcd.EtcdTesting.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.cluster.Coordination;
import dev.vectorvault.cluster.Coordination.KeyChange;
import dev.vectorvault.cluster.WrittenRevision;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.config.ConfigException;
import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.testkit.EtcdCluster;
import dev.vectorvault.testkit.EtcdLink;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** EtcdCoordination against one real etcd member: key layout, revisions, watches, leases, races, unreachability. */
@Timeout(120)
class EtcdCoordinationTest {
    private static EtcdCluster etcd;
    private static EtcdCoordination coordination;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdCluster.start(1);
        coordination = EtcdTesting.connect(etcd.endpointsCsv());
    }

    @AfterAll
    static void stopEtcd() {
        EtcdTesting.closeBoth(coordination, etcd);
    }

    @Test
    void keysLiveUnderTheMetaRoot() {
        String prefix = EtcdTesting.uniquePrefix();
        coordination.keys(prefix + "root-coord/").put("credential/users/alice", b("{}"));
        assertThat(etcd.etcdctl("get", "--keys-only", "--prefix", "by-dev/meta/" + prefix))
                .contains("by-dev/meta/" + prefix + "root-coord/credential/users/alice");
        assertThat(coordination.keys(prefix).scan("").keySet()).containsExactly("root-coord/credential/users/alice");
    }

    @Test
    void aGuardedWriteHappensOnlyWhileTheGuardKeyHoldsItsValue() {
        String prefix = EtcdTesting.uniquePrefix();
        MetaStore keys = coordination.keys(prefix);
        String owner = "root-coord/cluster/collection-owner/7";
        String manifest = "root-coord/cluster/collection-manifest/7";
        assertThat(coordination.putWhile(prefix + manifest, b("m0"), prefix + owner, b("1")))
                .as("no owner record: nothing guards the write").isFalse();
        keys.put(owner, b("1"));
        assertThat(coordination.putWhile(prefix + manifest, b("m1"), prefix + owner, b("1"))).isTrue();
        assertThat(coordination.putWhile(prefix + manifest, b("stale"), prefix + owner, b("2"))).isFalse();
        assertThat(s(keys.get(manifest).orElseThrow())).isEqualTo("m1");
        keys.put(owner, b("2"));
        assertThat(coordination.putWhile(prefix + manifest, b("old owner"), prefix + owner, b("1"))).isFalse();
        assertThat(s(keys.get(manifest).orElseThrow())).isEqualTo("m1");
    }

    @Test
    void aTakeoverReplacesTheOwnerOnlyWhileTheOldOwnersSessionIsAbsent() {
        String prefix = EtcdTesting.uniquePrefix();
        MetaStore keys = coordination.keys(prefix);
        String owner = "root-coord/cluster/collection-owner/7";
        String session = "session/vectorvault-1";
        keys.put(owner, b("1"));
        keys.put(session, b("{}"));
        assertThat(coordination.replaceWhileAbsent(prefix + owner, b("1"), b("2"), prefix + session))
                .as("the owner is alive").isFalse();
        keys.deleteTree(session);
        assertThat(coordination.replaceWhileAbsent(prefix + owner, b("3"), b("2"), prefix + session))
                .as("another node took it first").isFalse();
        assertThat(coordination.replaceWhileAbsent(prefix + owner, b("1"), b("2"), prefix + session)).isTrue();
        assertThat(s(keys.get(owner).orElseThrow())).isEqualTo("2");
        assertThat(coordination.replaceWhileAbsent(prefix + owner, b("1"), b("3"), prefix + session))
                .as("only one of two racing nodes wins").isFalse();
    }

    @Test
    void endpointsMayBeHostPortOrUrls() {
        assertThat(EtcdConnection.endpoints(List.of("127.0.0.1:2379", "https://etcd-1:2379"), false))
                .containsExactly(URI.create("http://127.0.0.1:2379"), URI.create("https://etcd-1:2379"));
        assertThat(EtcdConnection.endpoints(List.of("etcd-0:2379"), true))
                .containsExactly(URI.create("https://etcd-0:2379"));
        assertThatThrownBy(() -> EtcdConnection.endpoints(List.of("no-port"), false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("etcd.endpoints");
        assertThatThrownBy(() -> EtcdConnection.endpoints(List.of("ftp://h:1"), false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ftp://h:1");
    }

    @Test
    void everyCommittedWriteIsRecordedForTheCallAndRaisesTheRevision() {
        MetaStore store = coordination.keys(EtcdTesting.uniquePrefix());
        WrittenRevision.begin();
        try {
            long before = coordination.revision();
            store.put("a", b("1"));
            long afterPut = WrittenRevision.current();
            assertThat(afterPut).isGreaterThan(before).isEqualTo(coordination.revision());
            assertThat(store.putIfAbsent("a", b("2"))).isFalse();
            assertThat(store.replace("a", b("nope"), b("3"))).isFalse();
            assertThat(store.deleteTree("missing")).isFalse();
            assertThat(WrittenRevision.current()).as("writes that changed nothing").isEqualTo(afterPut);
            assertThat(store.replace("a", b("1"), b("3"))).isTrue();
            assertThat(WrittenRevision.current()).isGreaterThan(afterPut);
            long afterReplace = WrittenRevision.current();
            assertThat(store.deleteTree("a")).isTrue();
            assertThat(WrittenRevision.current()).isGreaterThan(afterReplace);
        } finally {
            WrittenRevision.end();
        }
    }

    @Test
    void watchDeliversOneCallPerRevisionInOrderFromTheGivenRevision() throws Exception {
        String prefix = EtcdTesting.uniquePrefix();
        MetaStore store = coordination.keys(prefix);
        store.put("before", b("not delivered"));
        long from = coordination.revision();
        Recorder recorder = new Recorder();
        try (Coordination.Subscription ignored = coordination.watch(prefix, from, recorder)) {
            store.put("x/1", b("one"));
            store.put("x/1/child", b("child"));
            store.put("x/2", b("two"));
            store.deleteTree("x/1");
            coordination.keys("").put("elsewhere/" + prefix, b("not under the prefix"));
            store.put("last", b("end"));

            List<Call> calls = recorder.take(5);
            assertThat(calls).extracting(Call::revision).isSorted().doesNotHaveDuplicates();
            assertThat(calls.get(0).revision()).isGreaterThan(from);
            assertThat(calls.get(0).changes()).containsExactly(prefix + "x/1=one");
            assertThat(calls.get(1).changes()).containsExactly(prefix + "x/1/child=child");
            assertThat(calls.get(2).changes()).containsExactly(prefix + "x/2=two");
            assertThat(calls.get(3).changes()).as("one transaction, one call")
                    .containsExactlyInAnyOrder(prefix + "x/1=null", prefix + "x/1/child=null");
            assertThat(calls.get(4).changes()).containsExactly(prefix + "last=end");
            assertThat(recorder.threads).hasSize(1);
            assertThat(recorder.resynchronized).isEmpty();
        }
    }

    @Test
    void watchFromACompactedRevisionResynchronizesThenFollows() throws Exception {
        String prefix = EtcdTesting.uniquePrefix();
        MetaStore store = coordination.keys(prefix);
        store.put("k", b("1"));
        long old = coordination.revision();
        store.put("k", b("2"));
        store.put("k", b("3"));
        long compactAt = coordination.revision();
        etcd.etcdctl("compact", Long.toString(compactAt));

        Recorder recorder = new Recorder();
        try (Coordination.Subscription ignored = coordination.watch(prefix, old - 1, recorder)) {
            long resynchronizedAt = recorder.resynchronized.poll(20, TimeUnit.SECONDS);
            assertThat(resynchronizedAt).isGreaterThanOrEqualTo(compactAt);
            store.put("k", b("4"));
            List<Call> calls = recorder.take(1);
            assertThat(calls.get(0).revision()).isGreaterThan(resynchronizedAt);
            assertThat(calls.get(0).changes()).containsExactly(prefix + "k=4");
        }
    }

    @Test
    void watchResumesAfterTheLinkToEtcdWasCutWithoutLosingOrRepeatingChanges() throws Exception {
        String prefix = EtcdTesting.uniquePrefix();
        MetaStore direct = coordination.keys(prefix);
        try (EtcdLink link = etcd.link();
             EtcdCoordination relayed = EtcdTesting.connect(link.endpointsCsv(), "etcd.requestTimeout", "1000")) {
            Recorder recorder = new Recorder();
            try (Coordination.Subscription ignored = relayed.watch(prefix, coordination.revision(), recorder)) {
                direct.put("k", b("1"));
                assertThat(recorder.take(1).get(0).changes()).containsExactly(prefix + "k=1");
                link.cut();
                direct.put("k", b("2"));
                direct.put("k", b("3"));
                link.restore();
                direct.put("k", b("4"));
                List<Call> calls = recorder.take(3);
                assertThat(calls).extracting(c -> c.changes().get(0))
                        .containsExactly(prefix + "k=2", prefix + "k=3", prefix + "k=4");
                assertThat(calls).extracting(Call::revision).isSorted().doesNotHaveDuplicates();
                assertThat(recorder.calls.poll(300, TimeUnit.MILLISECONDS)).as("nothing delivered twice").isNull();
            }
        }
    }

    @Test
    void aRevokedLeaseTakesItsKeysAndIsGone() {
        String prefix = EtcdTesting.uniquePrefix();
        long lease = coordination.grantLease(30);
        assertThat(coordination.keepAliveOnce(lease)).isBetween(1L, 30L);
        coordination.putWithLease(prefix + "session", b("me"), lease);
        assertThat(coordination.putIfAbsentWithLease(prefix + "owner", b("me"), lease)).isTrue();
        assertThat(coordination.putIfAbsentWithLease(prefix + "owner", b("other"), lease)).isFalse();
        coordination.revokeLease(lease);
        assertThat(coordination.keys(prefix).scan("")).isEmpty();
        assertThat(coordination.keepAliveOnce(lease)).as("renewing a revoked lease").isZero();
        coordination.revokeLease(lease);
    }

    @Test
    void anExpiredLeaseTakesItsKeys() {
        String prefix = EtcdTesting.uniquePrefix();
        long lease = coordination.grantLease(2);
        coordination.putWithLease(prefix + "session", b("me"), lease);
        assertThat(coordination.keys(prefix).get("session")).isPresent();
        // etcd ends the lease about 2 s after its last renewal; wait well past that.
        awaitTrue(() -> coordination.keys(prefix).get("session").isEmpty(), 20);
        assertThat(coordination.keepAliveOnce(lease)).isZero();
    }

    @Test
    void concurrentCreatesFromTwoClientsHaveExactlyOneWinner() throws Exception {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("concurrentCreatesFromTwoClientsHaveExactlyOneWinner seed=" + seed
                + " (rerun with -Dtests.seed=" + seed + ")");
        Random random = new Random(seed);
        String prefix = EtcdTesting.uniquePrefix();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (EtcdCoordination second = EtcdTesting.connect(etcd.endpointsCsv())) {
            MetaStore a = coordination.keys(prefix);
            MetaStore b = second.keys(prefix);
            for (int round = 0; round < 40; round++) {
                String key = "users/u" + random.nextInt(1_000_000) + "-" + round;
                boolean replaceRound = random.nextBoolean();
                if (replaceRound) {
                    a.put(key, b("base"));
                }
                CyclicBarrier start = new CyclicBarrier(2);
                CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> race(start, () ->
                        replaceRound ? a.replace(key, b("base"), b("A")) : a.putIfAbsent(key, b("A"))), pool);
                CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(() -> race(start, () ->
                        replaceRound ? b.replace(key, b("base"), b("B")) : b.putIfAbsent(key, b("B"))), pool);
                boolean aWon = first.get(30, TimeUnit.SECONDS);
                boolean bWon = other.get(30, TimeUnit.SECONDS);
                assertThat(aWon ^ bWon).as("exactly one winner for " + key + " (seed " + seed + ")").isTrue();
                assertThat(s(a.get(key).orElseThrow())).isEqualTo(aWon ? "A" : "B");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClientCutOffFromEtcdFailsWithMetaStoreUnavailableAndRecovers() {
        try (EtcdLink link = etcd.link();
             EtcdCoordination relayed = EtcdTesting.connect(link.endpointsCsv(), "etcd.requestTimeout", "1000")) {
            MetaStore store = relayed.keys(EtcdTesting.uniquePrefix());
            store.put("k", b("1"));
            link.cut();
            assertThatThrownBy(() -> store.put("k", b("2")))
                    .isInstanceOfSatisfying(MilvusException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.META_STORE_UNAVAILABLE))
                    .hasMessageContaining(link.endpoints().get(0));
            assertThatThrownBy(() -> store.get("k")).isInstanceOf(MilvusException.class)
                    .hasMessageContaining("etcd.requestTimeout");
            assertThatThrownBy(() -> relayed.keepAliveOnce(1)).isInstanceOf(MilvusException.class);
            link.restore();
            awaitTrue(() -> {
                try {
                    store.put("k", b("3"));
                    return true;
                } catch (MilvusException e) {
                    return false;
                }
            }, 30);
            assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(s(v)).isEqualTo("3"));
        }
    }

    @Test
    void startUpFailsClearlyWhenEtcdIsNotReachable() {
        try (EtcdLink link = etcd.link()) {
            link.cut();
            assertThatThrownBy(() -> EtcdTesting.connect(link.endpointsCsv(), "etcd.requestTimeout", "500"))
                    .isInstanceOfSatisfying(MilvusException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.META_STORE_UNAVAILABLE))
                    .hasMessageContaining("cannot reach etcd at")
                    .hasMessageContaining(link.endpoints().get(0))
                    .hasMessageContaining("etcd.endpoints");
        }
    }

    private static boolean race(CyclicBarrier start, BooleanSupplier write) {
        try {
            start.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return write.getAsBoolean();
    }

    static void awaitTrue(BooleanSupplier condition, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + seconds + " s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    record Call(long revision, List<String> changes) {}

    /** Records watch calls as "key=value" lists and the threads they came on. */
    static final class Recorder implements Coordination.WatchListener {
        final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
        final BlockingQueue<Long> resynchronized = new LinkedBlockingQueue<>();
        final java.util.Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public void changed(long revision, List<KeyChange> changes) {
            threads.add(Thread.currentThread());
            calls.add(new Call(revision, changes.stream().map(c -> c.key() + "=" + s(c.value())).toList()));
        }

        @Override
        public void resynchronize(long revision) {
            threads.add(Thread.currentThread());
            resynchronized.add(revision);
        }

        List<Call> take(int n) throws InterruptedException {
            List<Call> taken = new ArrayList<>();
            while (taken.size() < n) {
                Call call = calls.poll(30, TimeUnit.SECONDS);
                if (call == null) {
                    throw new AssertionError("only " + taken.size() + " of " + n + " watch calls arrived: " + taken);
                }
                taken.add(call);
            }
            return taken;
        }
    }
}
