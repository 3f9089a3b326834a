package dev.vectorvault.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.storage.MvMetaStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two nodes' ledgers over one metadata store, with the nodes' sessions as a map the test changes. */
class SharedImportLedgerTest {
    private final MvMetaStore store = MvMetaStore.inMemory();
    private final Map<Long, Long> sessions = new HashMap<>();
    private final AtomicLong clock = new AtomicLong(1000);
    private final AtomicLong nanos = new AtomicLong();

    @AfterEach
    void close() {
        store.close();
    }

    private SharedImportLedger node(long id) {
        sessions.put(id, id * 100);
        return new SharedImportLedger(store, id, () -> sessions.getOrDefault(id, 0L),
                node -> sessions.containsKey(node) ? OptionalLong.of(sessions.get(node)) : OptionalLong.empty(),
                clock::get, nanos::get);
    }

    private static ImportJob job(ImportLedger ledger) {
        return new ImportJob(ledger.nextId(), "default", "c", 7, "", List.of(List.of("a.json")), 5);
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
