package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.response.InsertResp;
import io.milvus.v2.service.vector.response.QueryResp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end crash safety of inserts: one thread inserts small batches through the official v2 SDK while the test
 * kills the server with SIGKILL at a random moment (1 to 3 s after the first acknowledged insert), then restarts it
 * on the same data. Every row whose insert call returned successfully must be there after the restart, exactly once
 * and with its vector intact; the one batch in flight at the kill may be there or not, but only as a whole. The
 * collection is kept across trials, so each restart must also keep everything from the earlier ones.
 *
 * <p>Trials are randomized (kill delay); the seed is printed and {@code -Dtests.seed=N} repeats a run.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class KillNineDuringInsertsTest {
    private static final int TRIALS = 5;
    private static final int BATCH = 20;
    private static final int DIM = 8;
    private static final String COLLECTION = "crash_inserts";
    /** Short, so the inserting thread fails fast once the server is gone. */
    private static final int RPC_DEADLINE_MS = 3_000;
    private static final int QUERY_CHUNK = 1_000;

    @TempDir
    Path dataDir;

    /** The vector stored for {@code id}: derived from the id alone, so it can be checked after recovery. */
    private static List<Float> vectorOf(long id) {
        Random random = new Random(id * 0x9E3779B97F4A7C15L);
        List<Float> v = new ArrayList<>(DIM);
        for (int i = 0; i < DIM; i++) {
            v.add(random.nextFloat() * 2 - 1);
        }
        return v;
    }

    private static JsonObject row(long id) {
        JsonObject row = new JsonObject();
        row.addProperty("id", id);
        JsonArray vector = new JsonArray();
        vectorOf(id).forEach(vector::add);
        row.add("vector", vector);
        return row;
    }

    /** What one inserting thread saw during one trial. */
    private static final class Inserter implements Runnable {
        private final MilvusClientV2 client;
        private final AtomicBoolean killed;
        private long nextId;
        final List<Long> acknowledged = new ArrayList<>();
        /** Opens at the first acknowledged insert (or when the thread ends), so the kill never comes too early. */
        final CountDownLatch started = new CountDownLatch(1);
        /** The ids of the call that failed (sent, outcome unknown); empty if none failed. */
        List<Long> inDoubt = List.of();
        /** A failure seen while the server was still supposed to be up. */
        Throwable failureBeforeKill;
        int calls;

        Inserter(MilvusClientV2 client, AtomicBoolean killed, long firstId) {
            this.client = client;
            this.killed = killed;
            this.nextId = firstId;
        }

        long nextId() {
            return nextId;
        }

        @Override
        public void run() {
            try {
                insertUntilFailure();
            } finally {
                started.countDown();
            }
        }

        private void insertUntilFailure() {
            while (true) {
                List<Long> ids = LongStream.range(nextId, nextId + BATCH).boxed().toList();
                nextId += BATCH;
                try {
                    calls++;
                    InsertResp resp = client.insert(InsertReq.builder().collectionName(COLLECTION)
                            .data(ids.stream().map(KillNineDuringInsertsTest::row).toList()).build());
                    if (resp.getInsertCnt() != BATCH) {
                        failureBeforeKill = new AssertionError("insert acknowledged " + resp.getInsertCnt()
                                + " rows of " + BATCH + " for ids from " + ids.get(0));
                        inDoubt = ids;
                        return;
                    }
                    acknowledged.addAll(ids);
                    started.countDown();
                } catch (RuntimeException e) {
                    inDoubt = ids;
                    if (!killed.get()) {
                        failureBeforeKill = e;
                    }
                    return;
                }
            }
        }
    }

    private record TrialFigures(int trial, long killAfterMs, int calls, int acknowledgedRows, int inDoubtRows,
                                int inDoubtPresent, long countAfterRestart, long restartMs) {}

    @Test
    void everyAcknowledgedInsertSurvivesKillNineExactlyOnce() throws Exception {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("KillNineDuringInsertsTest seed: " + seed + " (repeat with -Dtests.seed=" + seed + ")");
        Random random = new Random(seed);

        List<Long> acknowledgedSoFar = new ArrayList<>();
        long inDoubtPresentSoFar = 0;
        long nextId = 1;
        List<TrialFigures> figures = new ArrayList<>();

        try (ServerProcess server = ServerProcess.startWithAuth(dataDir.resolve("data"))) {
            MilvusClientV2 setup = Clients.root(server);
            setup.createCollection(CreateCollectionReq.builder().collectionName(COLLECTION).dimension(DIM)
                    .build());
            setup.close();

            for (int trial = 1; trial <= TRIALS; trial++) {
                String context = "trial " + trial + " (seed " + seed + ")";
                long killAfterMs = 1_000 + random.nextInt(2_001);
                AtomicBoolean killed = new AtomicBoolean();
                MilvusClientV2 writerClient = Clients.connect(server,
                        b -> b.token("root:Milvus").rpcDeadlineMs(RPC_DEADLINE_MS));
                Inserter inserter = new Inserter(writerClient, killed, nextId);
                Thread thread = new Thread(inserter, "inserter-" + trial);
                thread.start();

                assertThat(inserter.started.await(30, TimeUnit.SECONDS))
                        .as("%s: no insert was acknowledged within 30 s", context).isTrue();
                Thread.sleep(killAfterMs);
                killed.set(true);
                server.kill9();
                thread.join(TimeUnit.SECONDS.toMillis(30));
                assertThat(thread.isAlive()).as("%s: the inserting thread still runs 30 s after the kill", context)
                        .isFalse();
                writerClient.close();

                assertThat(inserter.failureBeforeKill).as("%s: an insert failed while the server was up", context)
                        .isNull();
                assertThat(inserter.acknowledged).as("%s: no insert was acknowledged before the kill", context)
                        .isNotEmpty();
                acknowledgedSoFar.addAll(inserter.acknowledged);
                nextId = inserter.nextId();

                long restartStarted = System.nanoTime();
                server.restart();
                long restartMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartStarted);

                MilvusClientV2 reader = Clients.root(server);
                try {
                    reader.loadCollection(LoadCollectionReq.builder().collectionName(COLLECTION).build());

                    // Every acknowledged row, from this trial and all earlier ones, is there exactly once.
                    List<Long> found = queryIds(reader, acknowledgedSoFar);
                    Set<Long> distinct = new HashSet<>(found);
                    assertThat(found).as("%s: an acknowledged id comes back more than once", context)
                            .hasSameSizeAs(distinct);
                    Set<Long> missing = new HashSet<>(acknowledgedSoFar);
                    missing.removeAll(distinct);
                    assertThat(missing).as("%s: acknowledged rows lost after kill -9 (%d of %d)", context,
                            missing.size(), acknowledgedSoFar.size()).isEmpty();

                    // The batch in flight at the kill is all there or not there at all.
                    int inDoubtPresent = inserter.inDoubt.isEmpty() ? 0
                            : queryIds(reader, inserter.inDoubt).size();
                    assertThat(inDoubtPresent).as("%s: the in-flight batch %s came back partially", context,
                            inserter.inDoubt.isEmpty() ? "-" : inserter.inDoubt.get(0) + "..").isIn(0, BATCH);
                    inDoubtPresentSoFar += inDoubtPresent;

                    // Nothing else is there: no duplicates, no rows from nowhere.
                    long count = count(reader);
                    assertThat(count).as("%s: count(*) after restart", context)
                            .isEqualTo(acknowledgedSoFar.size() + inDoubtPresentSoFar);

                    // Stored vectors are intact (a sample from this trial).
                    List<Long> sample = new ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                        sample.add(inserter.acknowledged.get(random.nextInt(inserter.acknowledged.size())));
                    }
                    QueryResp vectors = reader.query(QueryReq.builder().collectionName(COLLECTION)
                            .filter("id in " + sample).outputFields(List.of("id", "vector")).build());
                    for (QueryResp.QueryResult result : vectors.getQueryResults()) {
                        Long id = (Long) result.getEntity().get("id");
                        assertThat(result.getEntity().get("vector")).as("%s: vector of id %d", context, id)
                                .isEqualTo(vectorOf(id));
                    }
                    assertThat(vectors.getQueryResults()).hasSize(new HashSet<>(sample).size());

                    figures.add(new TrialFigures(trial, killAfterMs, inserter.calls, inserter.acknowledged.size(),
                            inserter.inDoubt.size(), inDoubtPresent, count, restartMs));
                } finally {
                    reader.close();
                }
            }
        } finally {
            figures.forEach(f -> System.out.printf(
                    "trial %d: kill after %d ms, %d insert calls, %d rows acknowledged, in-flight batch %d rows"
                            + " (%d present after restart), count(*) %d, restart %d ms%n",
                    f.trial(), f.killAfterMs(), f.calls(), f.acknowledgedRows(), f.inDoubtRows(),
                    f.inDoubtPresent(), f.countAfterRestart(), f.restartMs()));
        }
        assertThat(figures).hasSize(TRIALS);
    }

    /** The ids among {@code ids} that a query finds, duplicates included, asked in chunks. */
    private static List<Long> queryIds(MilvusClientV2 client, List<Long> ids) {
        List<Long> found = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += QUERY_CHUNK) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + QUERY_CHUNK));
            String filter = chunk.stream().map(String::valueOf).collect(Collectors.joining(", ", "id in [", "]"));
            QueryResp resp = client.query(QueryReq.builder().collectionName(COLLECTION).filter(filter)
                    .outputFields(List.of("id")).build());
            resp.getQueryResults().forEach(r -> found.add((Long) r.getEntity().get("id")));
        }
        return found;
    }

    private static long count(MilvusClientV2 client) {
        QueryResp resp = client.query(QueryReq.builder().collectionName(COLLECTION)
                .outputFields(List.of("count(*)")).build());
        return (Long) resp.getQueryResults().get(0).getEntity().get("count(*)");
    }
}
