package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DeleteRequest;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.FlushRequest;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.MutationResult;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.QueryResults;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.UpsertRequest;
import io.milvus.grpc.VectorField;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 campaign in cluster mode (issue 12): etcd, Kafka and s3proxy as processes, three server nodes as processes,
 * one collection with two shards. Each trial runs two writers (inserts, upserts and deletes of random batches through
 * random serving nodes, forwarded to the owner or straight to it), kills the collection's owner with SIGKILL at a
 * random moment, writes through a survivor until a write is acknowledged again (the failover time: kill to first
 * acknowledged write, which includes the owner's session lease running out), then checks the whole collection:
 * every acknowledged operation is there, no id appears twice, and each writer's one unacknowledged batch is applied
 * entirely or not at all, across both shards (one Kafka transaction per write; Milvus's separate messages per channel
 * can keep part of a batch). The killed node is restarted on its folder for the later trials. The engines and the
 * collection are kept across trials, so each takeover must also keep everything from the earlier ones.
 *
 * <p>{@code -Dtests.seed=N} repeats a run (the seed is printed); {@code -Dtests.killTrials=N} sets the trial count
 * (default 20, kept small for CI on two cores); {@code -Dtests.transactionsInFlight=K} sets the nodes'
 * {@code kafka.transactionsInFlight}.
 */
@Timeout(value = 3, unit = TimeUnit.HOURS)
class KillNineCampaignTest {
    private static final int DIM = 4;
    private static final int TTL_SECONDS = 2; // common.session.ttl's minimum: failover waits for it
    private static final int WRITERS = 2;
    private static final int SHARDS = 2;
    private static final long PROBE_IDS = 3_000_000_000L;
    /** The row whose insert makes node 0 the collection's owner (in the probes' range, above any probe). */
    private static final long FIRST_ROW = 4_000_000_000L;
    private static final int MAX_LIVE_ROWS = 1_500;

    @TempDir
    Path dir;
    private RealEngines engines;
    private ClusterProcesses cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (engines != null) {
            engines.close();
        }
    }

    @Test
    void killingTheOwnerAtRandomMomentsLosesNoAcknowledgedRowDuplicatesNoneAndAppliesInFlightBatchesWhole()
            throws Exception {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        int trials = Integer.getInteger("tests.killTrials", 20);
        System.out.println("KillNineCampaignTest: seed " + seed + " (-Dtests.seed=" + seed + "), " + trials
                + " trials (-Dtests.killTrials), kafka.transactionsInFlight "
                + System.getProperty("tests.transactionsInFlight", "default") + " (-Dtests.transactionsInFlight)");
        Random random = new Random(seed);

        engines = RealEngines.withKafkaAndS3(dir);
        cluster = ClusterProcesses.onEngines(dir, engines, "campaign", TTL_SECONDS);
        cluster.start(3);
        createCollection(cluster.stub(0, 60)); // its first data call makes node 0 the owner

        List<Writer> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            writers.add(new Writer((w + 1) * 1_000_000_000L, new Random(random.nextLong())));
        }
        Set<Long> probesPresent = new LinkedHashSet<>(List.of(FIRST_ROW));
        AtomicLong nextProbe = new AtomicLong(PROBE_IDS);
        AtomicLong version = new AtomicLong();
        Set<Integer> restarting = new LinkedHashSet<>();
        List<Long> failoverMs = new ArrayList<>();
        long inFlightApplied = 0;
        long inFlightAbsent = 0;
        long campaignStarted = System.nanoTime();

        for (int trial = 0; trial < trials; trial++) {
            List<Integer> serving = servingNodes(restarting);
            int owner = (int) cluster.ownerIndex().orElseThrow(() -> new AssertionError("no owner record"));
            assertThat(serving).as("trial %d: the owner serves", trial).contains(owner);
            if (random.nextInt(4) == 0) { // some trials start from sealed data in object storage
                SmallCollection.ok(cluster.stub(serving.get(random.nextInt(serving.size())), 60)
                        .flush(FlushRequest.newBuilder().addCollectionNames("c").build()).getStatus());
            }

            AtomicBoolean stopWriting = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (Writer writer : writers) {
                writer.beginTrial(serving, version, stopWriting);
                Thread thread = new Thread(writer::run, "writer");
                threads.add(thread);
                thread.start();
            }
            long firstAckDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (writers.stream().mapToLong(w -> w.acknowledgedOps).sum() == 0
                    && System.nanoTime() < firstAckDeadline) {
                Thread.sleep(5);
            }
            Thread.sleep(random.nextInt(1_200));
            cluster.kill(owner);
            long killed = System.nanoTime();

            List<Integer> survivors = new ArrayList<>(serving);
            survivors.remove(Integer.valueOf(owner));
            Set<Long> probesTried = new LinkedHashSet<>();
            long deadline = killed + TimeUnit.SECONDS.toNanos(120);
            String lastRefusal = "";
            while (true) {
                long probe = nextProbe.getAndIncrement();
                probesTried.add(probe);
                int through = survivors.get(random.nextInt(survivors.size()));
                try {
                    MutationResult result = cluster.stub(through, 30).insert(insert(Map.of(probe, -1L)));
                    if (result.getStatus().getCode() == 0) {
                        probesPresent.add(probe);
                        break;
                    }
                    lastRefusal = result.getStatus().toString();
                } catch (RuntimeException e) {
                    lastRefusal = e.toString();
                }
                assertThat(System.nanoTime()).as("trial %d: writes resume within 120 s; last refusal: %s; logs: %s",
                        trial, lastRefusal, cluster.logTails()).isLessThan(deadline);
                Thread.sleep(20);
            }
            failoverMs.add((System.nanoTime() - killed) / 1_000_000);
            stopWriting.set(true);
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(120));
                assertThat(thread.isAlive()).as("a writer finished its last call").isFalse();
            }
            cluster.restart(owner);
            restarting.add(owner);

            Map<Long, Long> rows = rows(cluster.stub(survivors.get(random.nextInt(survivors.size())), 60));
            for (Writer writer : writers) {
                Map<Long, Long> actual = rows.entrySet().stream().filter(e -> writer.owns(e.getKey()))
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
                if (writer.inFlight == null) {
                    assertThat(actual).as("trial %d (seed %d): every acknowledged operation, nothing else", trial,
                            seed).isEqualTo(writer.model);
                    continue;
                }
                // The batch is one Kafka transaction over every shard it touches: whole or absent, never split.
                TreeMap<Long, Long> whole = writer.inFlight.applyTo(writer.model);
                assertThat(actual).as("trial %d (seed %d): every acknowledged operation, and the batch in flight at"
                        + " the kill (%s) entirely or not at all", trial, seed, writer.inFlight)
                        .isIn(writer.model, whole);
                if (actual.equals(writer.model)) {
                    inFlightAbsent++;
                } else {
                    inFlightApplied++;
                }
                writer.model = new TreeMap<>(actual);
                writer.inFlight = null;
            }
            Set<Long> probesNow = rows.keySet().stream().filter(id -> id >= PROBE_IDS)
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            assertThat(probesNow).as("trial %d: every acknowledged probe write", trial).containsAll(probesPresent);
            for (long id : probesNow) {
                assertThat(probesPresent.contains(id) || probesTried.contains(id))
                        .as("probe %d was written", id).isTrue();
            }
            probesPresent.addAll(probesNow);
            System.out.printf("KillNineCampaignTest: trial %d: owner node %d killed, failover %d ms; so far %d rows"
                            + " acknowledged, in flight %d whole / %d absent%n", trial, owner,
                    failoverMs.get(trial), writers.stream().mapToLong(w -> w.acknowledgedRows).sum(), inFlightApplied,
                    inFlightAbsent);
        }

        long rowsAcknowledged = writers.stream().mapToLong(w -> w.acknowledgedRows).sum();
        long opsAcknowledged = writers.stream().mapToLong(w -> w.acknowledgedOps).sum();
        List<Long> sorted = new ArrayList<>(failoverMs);
        Collections.sort(sorted);
        System.out.printf("KillNineCampaignTest: seed %d, %d trials in %d s; %d operations (%d rows) acknowledged,"
                        + " 0 lost, 0 duplicated; batches in flight at the kill: %d applied whole, %d absent whole,"
                        + " failover (kill -9 to first acknowledged write, session TTL %d s) p50 %d ms, p99 %d ms,"
                        + " max %d ms%n", seed, trials, (System.nanoTime() - campaignStarted) / 1_000_000_000L,
                opsAcknowledged, rowsAcknowledged, inFlightApplied, inFlightAbsent, TTL_SECONDS,
                percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.get(sorted.size() - 1));
        assertThat(rowsAcknowledged).as("the writers got writes through").isPositive();
    }

    /** The nodes serving now; waits for restarted ones until at least two serve (so a survivor remains). */
    private List<Integer> servingNodes(Set<Integer> restarting) throws Exception {
        restarting.removeIf(node -> cluster.serves(node, 2));
        if (cluster.size() - restarting.size() < 2) {
            int next = restarting.iterator().next();
            cluster.awaitServing(next);
            restarting.remove(next);
        }
        List<Integer> serving = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            if (!restarting.contains(i)) {
                serving.add(i);
            }
        }
        return serving;
    }

    private static long percentile(List<Long> sorted, double p) {
        return sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
    }

    /** One mutation batch: rows put (id to version; an insert or an upsert) or ids deleted. */
    private record Batch(String kind, Map<Long, Long> puts, Set<Long> deletes) {
        TreeMap<Long, Long> applyTo(Map<Long, Long> model) {
            TreeMap<Long, Long> next = new TreeMap<>(model);
            next.putAll(puts);
            deletes.forEach(next::remove);
            return next;
        }

        @Override
        public String toString() {
            return kind + " of " + (puts.isEmpty() ? deletes.size() : puts.size()) + " rows";
        }
    }

    /** One writer: its own id range, the state its acknowledged operations made, its unacknowledged batch. */
    private final class Writer {
        private final long firstId;
        private final Random random;
        private long nextId;
        TreeMap<Long, Long> model = new TreeMap<>();
        volatile Batch inFlight;
        volatile long acknowledgedOps;
        volatile long acknowledgedRows;
        private List<Integer> through;
        private AtomicLong version;
        private AtomicBoolean stop;

        Writer(long firstId, Random random) {
            this.firstId = firstId;
            this.nextId = firstId;
            this.random = random;
        }

        boolean owns(long id) {
            return id >= firstId && id < firstId + 1_000_000_000L;
        }

        void beginTrial(List<Integer> through, AtomicLong version, AtomicBoolean stop) {
            this.through = List.copyOf(through);
            this.version = version;
            this.stop = stop;
        }

        /** Writes until told to stop or until a write is not acknowledged (its outcome is then unknown). */
        void run() {
            while (!stop.get()) {
                Batch batch = next();
                boolean acknowledged;
                try {
                    MilvusServiceBlockingStub stub = cluster.stub(through.get(random.nextInt(through.size())), 30);
                    MutationResult result = switch (batch.kind()) {
                        case "insert" -> stub.insert(insert(batch.puts()));
                        case "upsert" -> stub.upsert(upsert(batch.puts()));
                        default -> stub.delete(DeleteRequest.newBuilder().setCollectionName("c")
                                .setExpr("id in " + batch.deletes().stream().map(String::valueOf)
                                        .collect(Collectors.joining(",", "[", "]"))).build());
                    };
                    acknowledged = result.getStatus().getCode() == 0;
                } catch (RuntimeException e) {
                    acknowledged = false;
                }
                if (!acknowledged) {
                    inFlight = batch;
                    return;
                }
                model = batch.applyTo(model);
                acknowledgedOps++;
                acknowledgedRows += batch.puts().size() + batch.deletes().size();
            }
        }

        private Batch next() {
            int size = 1 + random.nextInt(20);
            int roll = random.nextInt(100);
            List<Long> live = new ArrayList<>(model.keySet());
            long v = version.incrementAndGet();
            if (live.size() < 25 || roll < 40 && live.size() < MAX_LIVE_ROWS) {
                Map<Long, Long> puts = new LinkedHashMap<>();
                for (int i = 0; i < size; i++) {
                    puts.put(nextId++, v);
                }
                return new Batch("insert", puts, Set.of());
            }
            Collections.shuffle(live, random);
            List<Long> picked = live.subList(0, Math.min(size, live.size()));
            if (roll < 75 && live.size() < MAX_LIVE_ROWS) {
                Map<Long, Long> puts = new LinkedHashMap<>();
                picked.forEach(id -> puts.put(id, v));
                if (random.nextBoolean()) {
                    puts.put(nextId++, v); // an upsert may bring a new key too
                }
                return new Batch("upsert", puts, Set.of());
            }
            return new Batch("delete", Map.of(), new LinkedHashSet<>(picked));
        }
    }

    private static void createCollection(MilvusServiceBlockingStub stub) {
        CollectionSchema schema = CollectionSchema.newBuilder().setName("c")
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("ver").setDataType(DataType.Int64))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(SmallCollection.pair("dim", String.valueOf(DIM))))
                .build();
        SmallCollection.ok(stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName("c")
                .setShardsNum(SHARDS).setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
        SmallCollection.ok(stub.insert(insert(Map.of(FIRST_ROW, -1L))).getStatus()); // node 0 takes ownership
        SmallCollection.ok(stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName("c")
                .setFieldName("v").addExtraParams(SmallCollection.pair("index_type", "FLAT"))
                .addExtraParams(SmallCollection.pair("metric_type", "L2")).build()));
        SmallCollection.ok(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("c").build()));
    }

    private static List<FieldData> columns(Map<Long, Long> rows) {
        LongArray.Builder ids = LongArray.newBuilder();
        LongArray.Builder versions = LongArray.newBuilder();
        FloatArray.Builder vectors = FloatArray.newBuilder();
        rows.forEach((id, ver) -> {
            ids.addData(id);
            versions.addData(ver);
            for (int d = 0; d < DIM; d++) {
                vectors.addData((id % 1000) + d);
            }
        });
        return List.of(
                FieldData.newBuilder().setFieldName("id").setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(ids)).build(),
                FieldData.newBuilder().setFieldName("ver").setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(versions)).build(),
                FieldData.newBuilder().setFieldName("v").setType(DataType.FloatVector)
                        .setVectors(VectorField.newBuilder().setDim(DIM).setFloatVector(vectors)).build());
    }

    private static InsertRequest insert(Map<Long, Long> rows) {
        return InsertRequest.newBuilder().setCollectionName("c").setNumRows(rows.size())
                .addAllFieldsData(columns(rows)).build();
    }

    private static UpsertRequest upsert(Map<Long, Long> rows) {
        return UpsertRequest.newBuilder().setCollectionName("c").setNumRows(rows.size())
                .addAllFieldsData(columns(rows)).build();
    }

    /** Every row of the collection (id to version); fails if an id comes back twice. */
    private static Map<Long, Long> rows(MilvusServiceBlockingStub stub) {
        QueryResults results = stub.query(QueryRequest.newBuilder().setCollectionName("c").setExpr("id >= 0")
                .addOutputFields("id").addOutputFields("ver").build());
        SmallCollection.ok(results.getStatus());
        List<Long> ids = List.of();
        List<Long> versions = List.of();
        for (FieldData field : results.getFieldsDataList()) {
            if (field.getFieldName().equals("id")) {
                ids = field.getScalars().getLongData().getDataList();
            } else if (field.getFieldName().equals("ver")) {
                versions = field.getScalars().getLongData().getDataList();
            }
        }
        assertThat(versions).hasSameSizeAs(ids);
        Map<Long, Long> rows = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            assertThat(rows.put(ids.get(i), versions.get(i))).as("id %d appears once", ids.get(i)).isNull();
        }
        return rows;
    }
}
