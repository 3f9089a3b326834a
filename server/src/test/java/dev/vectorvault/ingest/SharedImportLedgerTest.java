package dev.vectorvault.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.cluster.etcd.EtcdCoordination;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.storage.ForwardingMetaStore;
import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.testkit.EtcdCluster;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Nodes' ledgers over one metadata store, with the nodes' sessions as a map the test changes. */
@Timeout(120)
class SharedImportLedgerTest {
    private final MvMetaStore store = MvMetaStore.inMemory();
    private final Map<Long, Long> sessions = new ConcurrentHashMap<>();
    private final AtomicLong clock = new AtomicLong(1000);
    private final AtomicLong nanos = new AtomicLong();

    @AfterEach
    void close() {
        store.close();
    }

    private SharedImportLedger node(long id) {
        return node(store, id, this::session);
    }

    /** Node {@code id}'s ledger over {@code records}, its session registered; others' sessions as {@code leases} says. */
    private SharedImportLedger node(MetaStore records, long id, LongFunction<OptionalLong> leases) {
        sessions.put(id, id * 100);
        return new SharedImportLedger(records, id, () -> sessions.getOrDefault(id, 0L), leases, clock::get,
                nanos::get);
    }

    private OptionalLong session(long node) {
        Long lease = sessions.get(node);
        return lease == null ? OptionalLong.empty() : OptionalLong.of(lease);
    }

    private static ImportJob job(ImportLedger ledger) {
        return new ImportJob(ledger.nextId(), "default", "c", 7, "", List.of(List.of("a.json")), 5);
    }

    private static long unfinished(ImportLedger ledger) {
        return ledger.all(0, Long.MAX_VALUE).stream().filter(j -> !j.state().finished()).count();
    }

    @Test
    void idsAreUniqueAcrossNodesEvenWhenTheirClocksAgree() {
        SharedImportLedger a = node(1);
        SharedImportLedger b = node(2);
        assertThat(List.of(a.nextId(), b.nextId(), a.nextId())).containsExactly(1000L, 1001L, 1002L);
        clock.set(5000);
        assertThat(b.nextId()).isEqualTo(5000);
    }

    @Test
    void theUnfinishedLimitCountsTheJobsOfEveryNode() {
        SharedImportLedger a = node(1);
        SharedImportLedger b = node(2);
        assertThat(a.add(job(a), 2)).isTrue();
        assertThat(b.add(job(b), 2)).isTrue();
        assertThat(b.add(job(b), 2)).isFalse();
        assertThat(a.all(0, 1000)).hasSize(2);
    }

    @Test
    void aJobRecordedElsewhereBetweenTheCountAndTheCreateMakesTheCountBeTakenAgain() {
        SharedImportLedger b = node(2);
        assertThat(b.add(job(b), 2)).isTrue();
        boolean[] raced = {false};
        // Node 1 asks for node 2's session while it counts node 2's job: node 2 records another job right then.
        SharedImportLedger a = node(store, 1, node -> {
            if (!raced[0]) {
                raced[0] = true;
                assertThat(b.add(job(b), 2)).isTrue();
            }
            return session(node);
        });
        assertThat(a.add(job(a), 2)).as("the limit of 2 was reached while node 1 counted").isFalse();
        assertThat(raced[0]).isTrue();
        assertThat(unfinished(a)).isEqualTo(2);
    }

    @Test
    void concurrentImportsOnTwoNodesSharingEtcdNeverPassTheLimit() throws Exception {
        int limit = 4;
        int perNode = 6;
        String prefix = "test-" + UUID.randomUUID() + "/";
        try (EtcdCluster etcd = EtcdCluster.start(1);
             EtcdCoordination first = connect(etcd); EtcdCoordination second = connect(etcd)) {
            List<SharedImportLedger> nodes = List.of(node(first.keys(prefix), 1, this::session),
                    node(second.keys(prefix), 2, this::session));
            CyclicBarrier start = new CyclicBarrier(2 * perNode);
            ExecutorService threads = Executors.newFixedThreadPool(2 * perNode);
            try {
                List<Future<Boolean>> accepted = new ArrayList<>();
                for (int i = 0; i < 2 * perNode; i++) {
                    SharedImportLedger ledger = nodes.get(i % 2);
                    accepted.add(threads.submit(() -> {
                        ImportJob job = job(ledger);
                        start.await();
                        return ledger.add(job, limit);
                    }));
                }
                int added = 0;
                for (Future<Boolean> result : accepted) {
                    added += result.get() ? 1 : 0;
                }
                assertThat(added).isEqualTo(limit);
                assertThat(unfinished(nodes.get(0))).isEqualTo(limit);
            } finally {
                threads.shutdownNow();
            }
        }
    }

    private static EtcdCoordination connect(EtcdCluster etcd) {
        return EtcdCoordination.connect(ServerConfig.fromFlatKeys(Map.of("etcd.endpoints", etcd.endpointsCsv(),
                "etcd.requestTimeout", "5000")).cluster());
    }

    @Test
    void progressEveryNodeReadsAndAFinishedJobIsNotCoalesced() {
        SharedImportLedger a = node(1);
        SharedImportLedger b = node(2);
        ImportJob running = job(a);
        a.add(running, 10);
        running.checking(5);
        assertThat(a.save(running)).isTrue();
        assertThat(b.find(running.id()).orElseThrow().state()).isEqualTo(ImportJob.State.PRE_IMPORTING);
        running.checking(7); // same state within a second: coalesced
        assertThat(a.save(running)).isTrue();
        assertThat(b.find(running.id()).orElseThrow().progress()).isEqualTo(5);
        running.completed(9);
        assertThat(a.save(running)).isTrue();
        ImportJob seen = b.find(running.id()).orElseThrow();
        assertThat(seen.state()).isEqualTo(ImportJob.State.COMPLETED);
        assertThat(seen.progress()).isEqualTo(100);
    }

    @Test
    void aJobWhoseNodeLostItsSessionIsFailedByTheReaderAndItsNodeMayNotWriteAgain() {
        SharedImportLedger a = node(1);
        SharedImportLedger b = node(2);
        ImportJob running = job(a);
        a.add(running, 10);
        running.checked(20);
        running.importing(4, 30);
        assertThat(a.save(running)).isTrue();
        sessions.put(1L, 999L); // node 1 lost its session and registered a new one
        ImportJob seen = b.find(running.id()).orElseThrow();
        assertThat(seen.state()).isEqualTo(ImportJob.State.FAILED);
        assertThat(seen.reason()).contains("node 1 ").contains("etcd session ended").contains("at least 4");
        running.importing(8, 50);
        nanos.addAndGet(5_000_000_000L);
        assertThat(a.save(running)).as("the job was ended by another node").isFalse();
        assertThat(a.find(running.id()).orElseThrow().state()).isEqualTo(ImportJob.State.FAILED);
    }

    @Test
    void aRestartedNodeFailsTheJobsItsPreviousRunLeft() {
        SharedImportLedger before = node(1);
        ImportJob queued = job(before);
        before.add(queued, 10);
        SharedImportLedger after = node(1); // same node id, same session as far as the map says
        ImportJob seen = after.all(0, 1000).get(0);
        assertThat(seen.state()).isEqualTo(ImportJob.State.FAILED);
        assertThat(seen.reason()).contains("restarted").contains("none of its rows");
        assertThat(node(2).add(job(before), 1)).as("a failed job counts no more").isTrue();
    }

    @Test
    void anImportThatLosesEveryTransactionToOtherNodesFailsRetryablyAfterTheBoundedAttempts() {
        LosingTheCompare losing = new LosingTheCompare(store);
        SharedImportLedger a = node(losing, 1, this::session);
        ImportJob refused = job(a);

        assertThatThrownBy(() -> a.add(refused, 10)).isInstanceOfSatisfying(MilvusException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE))
                .hasMessage("import job " + refused.id() + " was not recorded: other nodes recorded jobs during"
                        + " each of " + SharedImportLedger.MAX_ADD_ATTEMPTS + " attempts, try again");
        assertThat(losing.transactions).isEqualTo(SharedImportLedger.MAX_ADD_ATTEMPTS);
        assertThat(a.find(refused.id())).isEmpty();
        assertThat(a.save(refused)).as("not known as running here").isFalse();

        losing.winning = true;
        assertThat(a.add(job(a), 10)).isTrue();
    }

    /** A store where another node records a job just before each of this node's transactions, until it is told. */
    private static final class LosingTheCompare extends ForwardingMetaStore {
        volatile boolean winning;
        int transactions;

        LosingTheCompare(MetaStore store) {
            super(store);
        }

        @Override
        public boolean putAllWhile(String guardKey, byte[] guardValue, SortedMap<String, byte[]> entries) {
            transactions++;
            if (!winning) {
                long created = store.get(guardKey).map(v -> Long.parseLong(new String(v, StandardCharsets.US_ASCII)))
                        .orElse(0L);
                store.put(guardKey, Long.toString(created + 1).getBytes(StandardCharsets.US_ASCII));
            }
            return store.putAllWhile(guardKey, guardValue, entries);
        }
    }

    @ParameterizedTest(name = "the job ends {0}")
    @EnumSource(value = ImportJob.State.class, names = {"FAILED", "COMPLETED"})
    void aProgressSaveWrittenBetweenTheReadAndTheWriteOfTheJobsEndLeavesTheEndRecorded(ImportJob.State end)
            throws Exception {
        EndOvertakenByProgress racing = new EndOvertakenByProgress(store, ImportJob.State.IMPORTING);
        SharedImportLedger a = node(racing, 1, this::session);
        ImportJob job = job(a);
        a.add(job, 10);
        job.checked(20);
        job.importing(4, 50);
        AtomicBoolean progressSaved = new AtomicBoolean();
        Thread jobThread = new Thread(() -> progressSaved.set(a.save(job)));
        jobThread.start();
        assertThat(racing.progressHeld.await(60, TimeUnit.SECONDS)).isTrue(); // its record says Importing

        if (end == ImportJob.State.FAILED) {
            job.failUnlessEnded(j -> "the server stopped during the import", 9); // a stop, on another thread
        } else {
            job.completed(9);
        }
        assertThat(a.save(job)).as("the end was recorded").isTrue();
        jobThread.join();

        assertThat(progressSaved).as("the progress write came first").isTrue();
        ImportJob seen = node(2).find(job.id()).orElseThrow();
        assertThat(seen.state()).isEqualTo(end);
        assertThat(seen.reason()).isEqualTo(end == ImportJob.State.FAILED ? "the server stopped during the import"
                : "");
        job.importing(8, 60);
        nanos.addAndGet(5_000_000_000L);
        assertThat(a.save(job)).as("nothing is saved after the end").isFalse();
        assertThat(node(2).find(job.id()).orElseThrow().state()).isEqualTo(end);
    }

    @Test
    void aSaveThatLosesEveryCompareToWritesNotEndingTheJobGivesUpRetryablyAndTheNextSaveGoesThrough() {
        RewrittenBeforeEachCompare rewriting = new RewrittenBeforeEachCompare(store);
        SharedImportLedger a = node(rewriting, 1, this::session);
        ImportJob job = job(a);
        a.add(job, 10);
        job.checking(10);
        rewriting.rewrites = SharedImportLedger.MAX_SAVE_ATTEMPTS;

        assertThatThrownBy(() -> a.save(job)).isInstanceOfSatisfying(MilvusException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE))
                .hasMessage("import job " + job.id() + " was not saved: its record changed during each of "
                        + SharedImportLedger.MAX_SAVE_ATTEMPTS + " attempts");
        job.failUnlessEnded(j -> "bad row", 9);
        assertThat(a.save(job)).as("the end after a save that gave up").isTrue();
        assertThat(node(2).find(job.id()).orElseThrow().state()).isEqualTo(ImportJob.State.FAILED);
    }

    /** A store where the record changes (a write that does not end the job) just before each of its next compares. */
    private static final class RewrittenBeforeEachCompare extends ForwardingMetaStore {
        int rewrites;
        private int version;

        RewrittenBeforeEachCompare(MetaStore store) {
            super(store);
        }

        @Override
        public boolean replace(String key, byte[] expected, byte[] value) {
            if (rewrites > 0) {
                rewrites--;
                ImportJobRecords.Entry now = ImportJobRecords.decode(key, store.get(key).orElseThrow());
                now.job().checking(++version);
                store.put(key, ImportJobRecords.encode(now.job(), now.node(), now.lease()));
            }
            return store.replace(key, expected, value);
        }
    }

    @Test
    void finishedJobsPastTheRetentionAreForgotten() {
        SharedImportLedger a = node(1);
        ImportJob done = job(a);
        a.add(done, 10);
        done.completed(100);
        a.save(done);
        assertThat(a.all(150, 100)).hasSize(1);
        assertThat(a.all(201, 100)).isEmpty();
        assertThat(store.scan("job/")).isEmpty();
    }
}
