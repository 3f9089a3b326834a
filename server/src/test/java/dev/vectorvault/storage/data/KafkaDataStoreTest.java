package dev.vectorvault.storage.data;

import static dev.vectorvault.storage.data.DataStoreFixture.expected;
import static dev.vectorvault.storage.data.DataStoreFixture.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.config.ServerConfig.MessageQueueSettings;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.kafka.KafkaShardLog;
import dev.vectorvault.storage.log.HoldingShardLog;
import dev.vectorvault.storage.log.LogRecord;
import dev.vectorvault.storage.log.RefusingShardLog;
import dev.vectorvault.storage.log.ShardId;
import dev.vectorvault.storage.log.ShardLogException;
import dev.vectorvault.storage.log.ShardReader;
import dev.vectorvault.storage.log.ShardWriter;
import dev.vectorvault.storage.log.UnknownOutcomeShardLog;
import dev.vectorvault.testkit.KafkaBroker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data store whose writes go to Kafka ({@code mq.type: kafka}, a real broker process): rows are spread over the
 * collection's shards by primary-key hash, a write is acknowledged once Kafka committed it, a checkpoint records each
 * shard's position with the sealed segments, and a store abandoned without a checkpoint (as {@code kill -9} leaves
 * it) comes back with every acknowledged row exactly once. Randomized parts print their seed; replay with
 * {@code -Dtests.seed=<seed>}.
 */
@Timeout(300)
class KafkaDataStoreTest {
    private static final long SEED = Long.getLong("tests.seed", ThreadLocalRandom.current().nextLong());
    private static final long P0 = 10;
    /** Collection ids unique across the class: the broker (and its topics) is shared. */
    private static final AtomicLong NEXT_COLLECTION = new AtomicLong(5_000 + (SEED & 0xffff) * 100);
    private static KafkaBroker broker;

    @TempDir
    Path dir;
    private final Map<Long, CollectionLayout> layouts = new ConcurrentHashMap<>();
    private final DataExecutors executors = new DataExecutors();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private MvMetaStore meta;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.start();
        System.out.println("KafkaDataStoreTest: seed=" + SEED + " (replay with -Dtests.seed=" + SEED + ")");
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        if (!broker.isRunning()) {
            broker.restart();
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        executors.close();
    }

    /** The server's defaults, {@code kafka.transactionsInFlight} included. */
    static MessageQueueSettings settings() {
        return settings(0);
    }

    /** With {@code kafka.transactionsInFlight} set to {@code transactionsInFlight}, unless 0 (the default). */
    static MessageQueueSettings settings(int transactionsInFlight) {
        Map<String, String> keys = new HashMap<>();
        if (transactionsInFlight > 0) {
            keys.put("kafka.transactionsInFlight", String.valueOf(transactionsInFlight));
        }
        keys.put("mq.type", "kafka");
        keys.put("kafka.brokerList", broker.bootstrapServers());
        keys.put("kafka.readTimeout", "5");
        keys.put("rootCoord.dmlChannelNum", "4");
        return ServerConfig.fromFlatKeys(keys).mq();
    }

    private CollectionLayout collection(int shards) {
        long id = NEXT_COLLECTION.getAndIncrement();
        CollectionLayout layout = CollectionLayout.builder(id, 0, DataStoreFixture.DIMS)
                .json(DataStoreFixture.JSON).partitions(Set.of(P0)).shards(shards).build();
        layouts.put(id, layout);
        return layout;
    }

    /** An open store; {@code crash} abandons it later without a checkpoint, closing only its log's connections. */
    private final class Node {
        final int transactionsInFlight;
        final HoldingShardLog holding;
        final UnknownOutcomeShardLog unknown;
        final RefusingShardLog shardLog;
        final DataLog log;
        final DataStore store;

        Node() {
            this(0);
        }

        /** With {@code kafka.transactionsInFlight} set to {@code transactionsInFlight} (0: the default). */
        Node(int transactionsInFlight) {
            this.transactionsInFlight = transactionsInFlight;
            holding = new HoldingShardLog(new KafkaShardLog(settings(transactionsInFlight)));
            unknown = new UnknownOutcomeShardLog(holding);
            shardLog = new RefusingShardLog(unknown);
            log = DataLog.sharded(shardLog, layouts::keySet, settings().groupCommitMaxWrites(),
                    settings().groupCommitGatherMs(), settings().maxMessageBytes());
            if (meta == null) {
                meta = MvMetaStore.open(dir.resolve("meta"));
                toClose.add(() -> meta.close());
            }
            store = DataStore.open(log, SealedStorage.local(DataStore.localDisk(dir.resolve("data"))), meta,
                    id -> Optional.ofNullable(layouts.get(id)), 8, DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES,
                    IndexBuildSettings.defaults(), executors);
            toClose.add(log);
        }

        /** As {@code kill -9}: no checkpoint; its producers stay alive (as a paused process's would) until the end. */
        Node crashAndReopen() {
            return new Node(transactionsInFlight);
        }
    }

    private static Map<Object, List<Object>> live(DataStore store, CollectionLayout layout) {
        return store.read(layout, view -> {
            Map<Object, List<Object>> out = new TreeMap<>();
            for (int s = 0; s < view.segmentCount(); s++) {
                for (int o = 0; o < view.segmentSize(s); o++) {
                    if (view.isLive(s, o)) {
                        List<Object> row = new ArrayList<>();
                        row.add(view.partition(s, o));
                        for (int f = 0; f < layout.fieldCount(); f++) {
                            row.add(DataStoreFixture.comparable(view.value(s, f, o)));
                        }
                        Object key = view.value(s, layout.primaryKeyField(), o);
                        assertThat(out.put(key, row)).as("key %s live twice", key).isNull();
                    }
                }
            }
            return out;
        });
    }

    /** Rows physically held (live or deleted): a replayed duplicate would add one. */
    private static int physicalRows(DataStore store, CollectionLayout layout) {
        return store.read(layout, view -> {
            int rows = 0;
            for (int s = 0; s < view.segmentCount(); s++) {
                rows += view.segmentSize(s);
            }
            return rows;
        });
    }

    private static void put(DataStore store, CollectionLayout layout, List<Long> keys, String text,
                            Map<Object, List<Object>> model) {
        List<Object[]> rows = new ArrayList<>();
        for (long key : keys) {
            rows.add(row(key, text + key));
        }
        store.put(layout, P0, rows);
        rows.forEach(r -> model.put(r[0], expected(P0, r)));
    }

    @Test
    void rowsAreSpreadOverTheCollectionsShardsByPrimaryKeyHash() {
        CollectionLayout layout = collection(4);
        Node node = new Node();
        List<Long> keys = new ArrayList<>();
        for (long k = 1; k <= 200; k++) {
            keys.add(k);
        }
        put(node.store, layout, keys, "v", new TreeMap<>());

        try (KafkaShardLog shards = new KafkaShardLog(settings())) {
            int total = 0;
            for (int shard = 0; shard < 4; shard++) {
                List<LogRecord> records;
                try (ShardReader reader = shards.openReader(new ShardId(layout.collectionId(), shard), 0)) {
                    records = reader.readToEnd();
                }
                assertThat(records).as("shard %d has its rows", shard).hasSize(1);
                LogRecordCodec.Put written = (LogRecordCodec.Put) LogRecordCodec.decode("test", "record",
                        records.get(0).payload(), id -> Optional.of(layout)).orElseThrow();
                for (Object[] row : written.rows()) {
                    assertThat(ShardRouting.shardOf(row[0], 4)).as("key %s", row[0]).isEqualTo(shard);
                }
                total += written.rows().size();
            }
            assertThat(total).isEqualTo(200);
        }
    }

    @Test
    void everyAcknowledgedWriteComesBackExactlyOnceAfterACrashWithoutCheckpoint() {
        Random random = new Random(SEED);
        CollectionLayout mixed = collection(3);
        CollectionLayout insertsOnly = collection(2);
        Node node = new Node();
        Map<Object, List<Object>> model = new TreeMap<>();
        Map<Object, List<Object>> insertedModel = new TreeMap<>();
        long nextInsert = 1;
        for (int round = 0; round < 40; round++) {
            List<Long> keys = new ArrayList<>();
            for (int i = 0; i < 1 + random.nextInt(6); i++) {
                keys.add(1L + random.nextInt(80));
            }
            if (random.nextInt(4) == 0) {
                List<Object> deleted = new ArrayList<>(keys);
                node.store.delete(mixed, deleted);
                deleted.forEach(model::remove);
            } else {
                put(node.store, mixed, keys, "r" + round + "-", model);
            }
            put(node.store, insertsOnly, List.of(nextInsert, nextInsert + 1), "i", insertedModel);
            nextInsert += 2;
            if (round == 15 || round == 30) {
                node.store.checkpoint();
            }
        }
        assertThat(live(node.store, mixed)).isEqualTo(model);

        Node reopened = node.crashAndReopen();
        assertThat(live(reopened.store, mixed)).isEqualTo(model);
        assertThat(live(reopened.store, insertsOnly)).isEqualTo(insertedModel);
        assertThat(physicalRows(reopened.store, insertsOnly)).as("no insert replayed twice")
                .isEqualTo(insertedModel.size());

        // The manifest names each shard's position next to the segments.
        DataManifest manifest = DataManifest.decode(meta.get(DataManifest.KEY).orElseThrow());
        assertThat(manifest.shardPositions()).extracting(DataManifest.ShardPosition::collectionId)
                .containsOnly(mixed.collectionId(), insertsOnly.collectionId()).hasSize(5);

        // Crash again right after a checkpoint, and once more after further writes.
        reopened.store.checkpoint();
        put(reopened.store, insertsOnly, List.of(nextInsert), "i", insertedModel);
        Node third = reopened.crashAndReopen();
        assertThat(live(third.store, mixed)).isEqualTo(model);
        assertThat(live(third.store, insertsOnly)).isEqualTo(insertedModel);
        assertThat(physicalRows(third.store, insertsOnly)).isEqualTo(insertedModel.size());
    }

    /**
     * Writes arriving while an append is in the log queue up and reach the log together as the next append: one Kafka
     * transaction (one commit, one marker wait) for all of them, each write whole, memory in the log's order.
     */
    @Test
    void writesQueuedBehindAnAppendShareTheNextOne() throws Exception {
        CollectionLayout layout = collection(2);
        Node node = new Node();
        Map<Object, List<Object>> model = new ConcurrentHashMap<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = holdingAFirstWrite(node, layout, model, failures);
        int queuedRecords = 0;
        for (int w = 0; w < 4; w++) {
            // Every write also writes key 99: whichever order they queued in, memory and log must agree on it.
            List<Long> keys = List.of(10L + 2 * w, 11L + 2 * w, 99L);
            queuedRecords += (int) keys.stream().map(k -> ShardRouting.shardOf(k, 2)).distinct().count();
            String text = "queued" + w + "-";
            threads.add(writing(() -> put(node.store, layout, keys, text, new HashMap<>()), failures));
        }
        awaitQueued(node.store, layout, 4);
        node.holding.release();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).isEmpty();
        int firstRecords = (int) List.of(1L, 2L).stream().map(k -> ShardRouting.shardOf(k, 2)).distinct().count();
        assertThat(node.holding.recordsPerAppend()).as("records per append (per Kafka transaction)")
                .containsExactly(firstRecords, queuedRecords);

        Map<Object, List<Object>> inMemory = live(node.store, layout);
        assertThat(inMemory).hasSize(2 + 8 + 1).containsAllEntriesOf(model);
        assertThat(live(node.crashAndReopen().store, layout)).as("the log replayed").isEqualTo(inMemory);
    }

    /**
     * The writer is fenced (a new owner opened the collection's log) while writes wait for their group: the group's
     * append fails, every write in it is refused, and none of them shows, neither in memory nor in the log.
     */
    @Test
    void aGroupWhoseAppendFailsAcknowledgesNoneOfItsWrites() throws Exception {
        CollectionLayout layout = collection(2);
        Node node = new Node();
        Map<Object, List<Object>> model = new ConcurrentHashMap<>();
        put(node.store, layout, List.of(1L, 2L), "before", model);
        List<Throwable> acknowledged = new CopyOnWriteArrayList<>();
        List<Throwable> refused = new CopyOnWriteArrayList<>();
        node.holding.holdNextAppend();
        Thread held = writing(() -> put(node.store, layout, List.of(3L, 4L), "held", model), acknowledged);
        node.holding.awaitHeld();
        List<Thread> queued = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            List<Long> keys = List.of(10L + 2 * w, 11L + 2 * w, 1L);
            queued.add(writing(() -> {
                put(node.store, layout, keys, "queued", model);
                refused.add(new AssertionError("a write of the fenced group was acknowledged: " + keys));
            }, refused));
        }
        awaitQueued(node.store, layout, 4);
        try (KafkaShardLog other = new KafkaShardLog(settings());
             ShardWriter newer = other.openWriter(layout.collectionId(), 2)) {
            assertThat(newer.collectionId()).isEqualTo(layout.collectionId());
        }
        node.holding.release();
        held.join();
        for (Thread thread : queued) {
            thread.join();
        }
        assertThat(acknowledged).as("the held append committed before the fence").isEmpty();
        assertThat(refused).hasSize(4).allSatisfy(e -> assertThat(e).isInstanceOfSatisfying(ShardLogException.class,
                f -> assertThat(f.errorCode()).isEqualTo(ErrorCode.LOG_WRITER_FENCED)));
        assertThat(node.holding.recordsPerAppend()).as("the group's append never committed").hasSize(2);
        assertThat(live(node.store, layout)).isEqualTo(model);
        assertThat(live(node.crashAndReopen().store, layout)).as("the log replayed").isEqualTo(model);
    }

    /**
     * Writes of several MB for one shard (Kafka refuses a record over its {@code max.request.size}, 1 MiB by default,
     * and brokers one over {@code message.max.bytes}): each shard's part travels as several records under
     * {@code kafka.maxMessageSize}, all in the write's one transaction, and a replay applies the pieces exactly as the
     * whole was applied. An upsert batch whose rows share keys keeps its last row per key; a delete of many keys
     * reports the rows that existed.
     */
    @Test
    void writesOfSeveralMegabytesAreAcknowledgedAndReplayIdentically() {
        CollectionLayout layout = collection(2);
        Node node = new Node();
        Map<Object, List<Object>> model = new TreeMap<>();
        String filler = "x".repeat(1_000);
        List<Long> inserted = new ArrayList<>();
        for (long k = 1; k <= 5_000; k++) {
            inserted.add(k);
        }
        put(node.store, layout, inserted, filler, model); // about 5 MB, 2.5 MB per shard
        assertThat(live(node.store, layout)).isEqualTo(model);

        List<Long> upserted = new ArrayList<>();
        for (long k = 2_001; k <= 6_000; k++) {
            upserted.add(k);
        }
        for (long k = 2_001; k <= 3_000; k++) {
            upserted.add(k); // the same keys again in the same batch: the later row wins
        }
        put(node.store, layout, upserted, "u" + filler, model);
        assertThat(live(node.store, layout)).isEqualTo(model);

        List<Object> deleted = new ArrayList<>();
        for (long k = 1; k <= 300_000; k++) {
            deleted.add(k * 7); // about 2.7 MB of keys; 857 of them exist
        }
        int existed = (int) deleted.stream().filter(model::containsKey).count();
        assertThat(node.store.delete(layout, deleted)).isEqualTo(existed);
        deleted.forEach(model::remove);
        Map<Object, List<Object>> inMemory = live(node.store, layout);
        assertThat(inMemory).isEqualTo(model);
        int physical = physicalRows(node.store, layout);

        int limit = settings().maxMessageBytes();
        try (KafkaShardLog shards = new KafkaShardLog(settings())) {
            for (int shard = 0; shard < 2; shard++) {
                List<LogRecord> records;
                try (ShardReader reader = shards.openReader(new ShardId(layout.collectionId(), shard), 0)) {
                    records = reader.readToEnd();
                }
                assertThat(records).as("shard %d: each write in several records", shard).hasSizeGreaterThan(6);
                assertThat(records).allSatisfy(r -> assertThat(r.payload().length).isLessThanOrEqualTo(limit));
            }
        }
        Node reopened = node.crashAndReopen();
        assertThat(live(reopened.store, layout)).as("the log replayed").isEqualTo(inMemory);
        assertThat(physicalRows(reopened.store, layout)).as("rows held, live or replaced").isEqualTo(physical);
    }

    /**
     * A row larger than {@code kafka.maxMessageSize} cannot be cut: its write is refused (code 1100, naming the limit)
     * before it joins a group, so the writes of other clients queued at the same time are acknowledged.
     */
    @Test
    void aRowLargerThanTheRecordLimitIsRefusedAloneAndItsGroupCommits() throws Exception {
        CollectionLayout layout = collection(1);
        Node node = new Node();
        Map<Object, List<Object>> model = new ConcurrentHashMap<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = holdingAFirstWrite(node, layout, model, failures);
        for (int w = 0; w < 3; w++) {
            List<Long> keys = List.of(10L + w);
            threads.add(writing(() -> put(node.store, layout, keys, "queued", model), failures));
        }
        awaitQueued(node.store, layout, 3);
        int limit = settings().maxMessageBytes();
        MilvusException refused = catchThrowableOfType(MilvusException.class, () -> node.store.put(layout, P0,
                List.<Object[]>of(row(50, "y".repeat(limit)))));
        assertThat(refused.errorCode()).isEqualTo(ErrorCode.PARAMETER_INVALID);
        assertThat(refused.getMessage()).contains("primary key 50", "limit of " + limit + " bytes",
                "kafka.maxMessageSize");
        node.holding.release();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).isEmpty();
        assertThat(live(node.store, layout)).hasSize(5).isEqualTo(model).doesNotContainKey(50L);
        assertThat(live(node.crashAndReopen().store, layout)).as("the log replayed").isEqualTo(model);
    }

    /** Starts a write of keys 1 and 2 whose append the log holds; returns its thread once it is held. */
    private static List<Thread> holdingAFirstWrite(Node node, CollectionLayout layout, Map<Object, List<Object>> model,
                                                   List<Throwable> failures) throws InterruptedException {
        node.holding.holdNextAppend();
        List<Thread> threads = new ArrayList<>();
        threads.add(writing(() -> put(node.store, layout, List.of(1L, 2L), "first", model), failures));
        node.holding.awaitHeld();
        return threads;
    }

    private static Thread writing(Runnable write, List<Throwable> failures) {
        Thread thread = new Thread(() -> {
            try {
                write.run();
            } catch (Throwable e) {
                failures.add(e);
            }
        });
        thread.start();
        return thread;
    }

    /** Returns once {@code count} writes of the collection wait in its queue (the test's timeout bounds the wait). */
    private static void awaitQueued(DataStore store, CollectionLayout layout, int count) throws InterruptedException {
        while (store.queuedWrites(layout.collectionId()) < count) {
            Thread.sleep(2);
        }
    }

    @Test
    void aStaleStoreIsFencedOnceANewStoreOpenedTheCollectionAndNothingOfItShows() {
        CollectionLayout layout = collection(2);
        Node stale = new Node();
        Map<Object, List<Object>> model = new TreeMap<>();
        put(stale.store, layout, List.of(1L, 2L, 3L, 4L), "a", model);

        Node current = stale.crashAndReopen();
        ShardLogException fenced = catchThrowableOfType(ShardLogException.class,
                () -> stale.store.put(layout, P0, List.<Object[]>of(row(1L, "stale"), row(2L, "stale"),
                        row(3L, "stale"), row(4L, "stale"))));
        assertThat(fenced).as("the stale store's write is refused").isNotNull();
        assertThat(fenced.errorCode()).isEqualTo(ErrorCode.LOG_WRITER_FENCED);

        put(current.store, layout, List.of(5L), "b", model);
        assertThat(live(current.store, layout)).isEqualTo(model);
        assertThat(live(current.crashAndReopen().store, layout)).isEqualTo(model);
    }

    @Test
    void aWriteTheBrokerDidNotTakeIsRefusedAndWritesResumeWhenItIsBack() {
        CollectionLayout layout = collection(2);
        Node node = new Node();
        Map<Object, List<Object>> model = new TreeMap<>();
        put(node.store, layout, List.of(1L, 2L, 3L), "a", model);

        broker.kill();
        ShardLogException down = catchThrowableOfType(ShardLogException.class,
                () -> node.store.put(layout, P0, List.<Object[]>of(row(7L, "lost"))));
        assertThat(down).isNotNull();
        assertThat(down.errorCode()).isIn(ErrorCode.LOG_UNAVAILABLE, ErrorCode.LOG_FAILED);
        assertThat(live(node.store, layout)).as("nothing unacknowledged is applied").isEqualTo(model);
        broker.restart();

        put(node.store, layout, List.of(8L, 9L), "b", model);
        Map<Object, List<Object>> after = live(node.store, layout);
        // The refused write's outcome was unknown: if Kafka committed it, the shard's reopening applied it.
        List<Object> lost = after.get(7L);
        if (lost != null) {
            model.put(7L, lost);
        }
        assertThat(after).isEqualTo(model);
        try {
            assertThat(live(node.crashAndReopen().store, layout)).isEqualTo(model);
        } catch (RuntimeException e) {
            System.out.println("BROKER LOG TAIL:\n" + broker.logTail());
            throw e;
        }
    }

    @Test
    void aWriteTheLogRefusedWithoutCommittingIsRetriedOnceAndAcknowledged() {
        CollectionLayout layout = collection(1);
        Node node = new Node();
        Map<Object, List<Object>> model = new TreeMap<>();
        put(node.store, layout, List.of(1L), "a", model);

        node.shardLog.refuseNextAppend(RefusingShardLog.Refusal.BEFORE);
        put(node.store, layout, List.of(2L), "a", model);

        assertThat(live(node.store, layout)).isEqualTo(model);
        assertThat(physicalRows(node.store, layout)).isEqualTo(2);
        assertThat(live(node.crashAndReopen().store, layout)).isEqualTo(model);
    }

    @Test
    void aWriteTheLogRefusedAfterCommittingFailsButIsHeldExactlyOnceAndNotWrittenTwice() {
        CollectionLayout layout = collection(1);
        Node node = new Node();
        Map<Object, List<Object>> model = new TreeMap<>();
        put(node.store, layout, List.of(1L), "a", model);

        node.shardLog.refuseNextAppend(RefusingShardLog.Refusal.AFTER);
        ShardLogException refused = catchThrowableOfType(ShardLogException.class,
                () -> node.store.put(layout, P0, List.<Object[]>of(row(2L, "a2"))));
        assertThat(refused.errorCode()).isEqualTo(ErrorCode.LOG_FAILED);
        // It committed after all: the reopening applied it (memory agrees with the log), and it was not appended again.
        model.put(2L, expected(P0, row(2L, "a2")));
        assertHeldOnceHereAndAfterACrash(node, layout, model);
    }

    /** The node holds exactly {@code model}, each row once (no replayed duplicate), and so does its crash and reopen. */
    private static void assertHeldOnceHereAndAfterACrash(Node node, CollectionLayout layout,
                                                         Map<Object, List<Object>> model) {
        assertThat(live(node.store, layout)).isEqualTo(model);
        assertThat(physicalRows(node.store, layout)).isEqualTo(model.size());
        Node reopened = node.crashAndReopen();
        assertThat(live(reopened.store, layout)).isEqualTo(model);
        assertThat(physicalRows(reopened.store, layout)).isEqualTo(model.size());
    }

    /**
     * Two transactions in flight: the first commits but its outcome is reported unknown while the second, whose records
     * follow it, is in flight. The second fails as unknown too, though it committed, and neither is applied; the next
     * write reopens the collection (fencing every lane) and applies both from the log, each once.
     */
    @Test
    void withTwoTransactionsInFlightAnUnknownOutcomeEndsBothAndTheNextWriteSettlesThem() throws Exception {
        CollectionLayout layout = collection(2);
        Node node = new Node(2);
        Map<Object, List<Object>> model = new TreeMap<>();
        put(node.store, layout, List.of(1L), "a", model);

        node.unknown.failNextAppendAfterTheFollowingOneLogged();
        List<Throwable> firstFailure = new CopyOnWriteArrayList<>();
        Thread first = new Thread(() -> firstFailure.add(catchThrowable(
                () -> node.store.put(layout, P0, List.<Object[]>of(row(2L, "first"))))));
        first.start();
        node.unknown.awaitHeld();
        Throwable second = catchThrowable(() -> node.store.put(layout, P0, List.<Object[]>of(row(3L, "second"))));
        first.join();
        assertThat(firstFailure).singleElement().isInstanceOfSatisfying(ShardLogException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.LOG_UNAVAILABLE));
        assertThat(second).as("in flight behind an unknown outcome").isInstanceOfSatisfying(ShardLogException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.LOG_UNAVAILABLE));
        assertThat(live(node.store, layout)).as("neither is applied before the log is settled").isEqualTo(model);

        put(node.store, layout, List.of(4L), "c", model);
        model.put(2L, expected(P0, row(2L, "first")));
        model.put(3L, expected(P0, row(3L, "second")));
        // Both committed: the reopening applied them, each once.
        assertHeldOnceHereAndAfterACrash(node, layout, model);
    }

    /**
     * Two appends in flight on one shard, driven step by step: while the earlier one is still open and the later one
     * has its records in the log, a checkpoint records the position before both; once the earlier one is applied and
     * the later one committed but not yet its turn, the position after the earlier one; and only once the later one
     * ended, the position after it.
     */
    @Test
    void aCheckpointWhileALaterAppendIsCommittedAndAnEarlierOneOpenRecordsTheEarlierPosition() throws Exception {
        CollectionLayout layout = collection(1);
        ShardId shard = new ShardId(layout.collectionId(), 0);
        try (KafkaShardLog shards = new KafkaShardLog(settings(2));
             KafkaShardLog observer = new KafkaShardLog(settings());
             DataLog log = DataLog.sharded(shards, layouts::keySet, 64, settings().groupCommitGatherMs(),
                     settings().maxMessageBytes())) {
            DataLog.Replay none = entry -> {
                throw new AssertionError("nothing to catch up");
            };
            log.append(layout, List.of(new DataLog.ShardRecord(0, "opening".getBytes())), none);
            long start = checkpointedPosition(log, shard);

            StepTurn earlier = new StepTurn(null, true);
            StepTurn later = new StepTurn(earlier, false);
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            CountDownLatch earlierAppended = new CountDownLatch(1);
            Thread a = new Thread(() -> {
                try {
                    log.append(layout, List.of(new DataLog.ShardRecord(0, "earlier".getBytes())), none, earlier);
                    earlierAppended.countDown();
                    earlier.awaitEnd(); // as memory applying it
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            Thread b = new Thread(() -> {
                try {
                    log.append(layout, List.of(new DataLog.ShardRecord(0, "later".getBytes())), none, later);
                    later.endNow(true);
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            a.start();
            b.start();
            earlier.loggedSignal.await();
            while (observer.endPosition(shard) < start + 3) {
                Thread.sleep(2); // the later append's record follows the earlier one's open record
            }
            assertThat(checkpointedPosition(log, shard)).as("earlier open, later in the log").isEqualTo(start);

            earlier.releaseLogged.countDown();
            earlierAppended.await();
            later.awaitingEarlierEnd.await(); // committed, markers confirmed, waiting for its turn
            long afterEarlier = checkpointedPosition(log, shard);
            assertThat(afterEarlier).as("earlier applied, later committed").isGreaterThan(start)
                    .isLessThan(observer.endPosition(shard));
            try (ShardReader reader = observer.openReader(shard, afterEarlier)) {
                assertThat(reader.readToEnd()).extracting(r -> new String(r.payload())).containsExactly("later");
            }

            earlier.endNow(true);
            a.join();
            b.join();
            assertThat(failures).isEmpty();
            try (ShardReader reader = observer.openReader(shard, checkpointedPosition(log, shard))) {
                assertThat(reader.readToEnd()).as("the later append ended: nothing after the position").isEmpty();
            }
        }
    }

    private static long checkpointedPosition(DataLog log, ShardId shard) {
        return log.checkpointed(List.of()).shardPositions().stream()
                .filter(p -> p.collectionId() == shard.collectionId() && p.shard() == shard.index())
                .findFirst().orElseThrow().position();
    }

    /** A group's turn driven by the test: it can hold its own logged step and its end until released. */
    private static final class StepTurn implements GroupCommit.Turn {
        private final StepTurn previous;
        private final boolean holdLogged;
        final CountDownLatch loggedSignal = new CountDownLatch(1);
        final CountDownLatch releaseLogged = new CountDownLatch(1);
        final CountDownLatch awaitingEarlierEnd = new CountDownLatch(1);
        private final CountDownLatch ended = new CountDownLatch(1);
        private final CountDownLatch endRequested = new CountDownLatch(1);
        private volatile boolean ok;

        StepTurn(StepTurn previous, boolean holdLogged) {
            this.previous = previous;
            this.holdLogged = holdLogged;
        }

        @Override
        public void awaitEarlierLogged() {
            if (previous != null) {
                awaitQuietly(previous.loggedSignal);
            }
        }

        @Override
        public void logged() {
            loggedSignal.countDown();
            if (holdLogged) {
                awaitQuietly(releaseLogged);
            }
        }

        @Override
        public boolean awaitEarlierEnded() {
            awaitingEarlierEnd.countDown();
            if (previous == null) {
                return true;
            }
            awaitQuietly(previous.ended);
            return previous.ok;
        }

        void awaitEnd() {
            awaitQuietly(endRequested);
            ended.countDown();
        }

        void endNow(boolean succeeded) {
            ok = succeeded;
            endRequested.countDown();
            if (previous == null && holdLogged) {
                return; // the holder's thread ends it in awaitEnd
            }
            ended.countDown();
        }

        private static void awaitQuietly(CountDownLatch latch) {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Two transactions in flight, writers of their own keys putting and deleting at random (deletes and shared keys
     * wait for the groups before them): every acknowledged write holds, also after a crash without checkpoint.
     */
    @Test
    void withTwoTransactionsInFlightConcurrentPutsAndDeletesHoldAndReplayIdentically() throws Exception {
        CollectionLayout layout = collection(2);
        Node node = new Node(2);
        Map<Object, List<Object>> model = new ConcurrentHashMap<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Random random = new Random(SEED + t);
            long base = t * 1_000L;
            threads.add(new Thread(() -> {
                try {
                    for (int i = 0; i < 25; i++) {
                        long key = base + random.nextInt(20);
                        if (random.nextInt(4) == 0) {
                            node.store.delete(layout, List.of(key));
                            model.remove(key);
                        } else {
                            put(node.store, layout, List.of(key, key + 100), "v" + i + "-", model);
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).as("seed %d", SEED).isEmpty();
        assertThat(live(node.store, layout)).as("seed %d", SEED).isEqualTo(new TreeMap<>(model));
        assertThat(live(node.crashAndReopen().store, layout)).as("seed %d", SEED).isEqualTo(new TreeMap<>(model));
    }

    /**
     * A follower replica's read-only copy: a second store follows the collection from the owner's manifest records
     * and the shards, and after every step a Strong wait makes it hold exactly the owner's live rows, each key once,
     * also after the owner's checkpoint recorded a new manifest (the copy is rebuilt from it, never counting a row
     * both in a new segment and in its tail) and after deletes and replacements. It never fences the owner, which
     * keeps writing throughout.
     */
    @Test
    void aFollowerHoldsExactlyTheOwnersRowsAcrossCheckpoints() throws Exception {
        CollectionLayout layout = collection(2);
        long id = layout.collectionId();
        Replicas replicas = replicas(id, "shared");
        DataStore owner = replicas.owner();
        DataStore follower = replicas.follower();
        Manifests.CollectionRecords shared = replicas.shared();

        owner.put(layout, P0, keyRange(0, 30, "a"));
        owner.checkpoint(); // a manifest with sealed segments before the follower starts
        owner.put(layout, P0, keyRange(30, 45, "a"));
        follower.followersRead(shared::read, c -> false);
        follower.follow(id);
        assertFollowerMatches(owner, follower, layout);
        assertThat(follower.followerBuilds(id)).isEqualTo(1);

        owner.put(layout, P0, keyRange(10, 20, "b")); // replacements
        owner.delete(layout, List.of(0L, 1L, 31L, 44L));
        assertFollowerMatches(owner, follower, layout);

        owner.checkpoint(); // a new manifest: its segments hold rows the follower already tailed
        owner.put(layout, P0, keyRange(45, 60, "c"));
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (follower.followerBuilds(id) < 2) {
            assertThat(System.nanoTime()).as("the follower rebuilds from the new manifest").isLessThan(deadline);
            Thread.sleep(50);
        }
        assertFollowerMatches(owner, follower, layout);
        owner.put(layout, P0, keyRange(5, 8, "d"));
        owner.delete(layout, List.of(50L));
        assertFollowerMatches(owner, follower, layout);

        follower.unfollow(id);
        assertThat(follower.followReady(id)).isFalse();
    }

    /**
     * A collection TTL on a follower replica: rows carry the owner's insert time through the shard log, so the
     * follower hides exactly the rows the owner hides, although its own clock stood elsewhere while it applied them.
     */
    @Test
    void aFollowerExpiresRowsByTheOwnersInsertTimesNotItsOwnClock() throws Exception {
        CollectionLayout layout = collection(2).withTtlSeconds(30);
        long id = layout.collectionId();
        layouts.put(id, layout);
        Replicas replicas = replicas(id, "shared-ttl");
        DataStore owner = replicas.owner();
        DataStore follower = replicas.follower();
        Manifests.CollectionRecords shared = replicas.shared();
        AtomicLong ownerClock = new AtomicLong(1_000_000);
        AtomicLong followerClock = new AtomicLong(9_000_000);
        owner.useClock(ownerClock::get);
        follower.useClock(followerClock::get);

        owner.put(layout, P0, keyRange(0, 12, "old"));
        owner.checkpoint(); // some rows reach the follower through sealed segments, the rest through the shards
        owner.put(layout, P0, keyRange(12, 20, "old"));
        ownerClock.set(1_020_000);
        owner.put(layout, P0, keyRange(20, 30, "new"));
        follower.followersRead(shared::read, c -> false);
        follower.follow(id);
        // Read without the TTL while the clocks stand far apart: the follower has applied every row by then.
        assertFollowerMatches(owner, follower, layout.withTtlSeconds(0));
        ownerClock.set(1_035_000);
        followerClock.set(1_035_000);
        assertThat(live(owner, layout)).as("the first 20 rows expired on the owner").hasSize(10);
        assertThat(live(follower, layout)).isEqualTo(live(owner, layout));
    }

    /** An owner of collection {@code id} and a follower store, sharing sealed files and manifest records. */
    private record Replicas(DataStore owner, DataStore follower, Manifests.CollectionRecords shared) {}

    private Replicas replicas(long id, String sealedFolder) {
        DataStore.LayoutSource layoutSource = c -> Optional.ofNullable(layouts.get(c));
        Map<Long, byte[]> records = new ConcurrentHashMap<>();
        Manifests.CollectionRecords shared = new Manifests.CollectionRecords() {
            @Override
            public Optional<byte[]> read(long collectionId) {
                return Optional.ofNullable(records.get(collectionId));
            }

            @Override
            public boolean writeWhileOwner(long collectionId, byte[] record) {
                records.put(collectionId, record);
                return true;
            }
        };
        // Both stores see the same sealed files (as nodes sharing object storage); the follower's opens first.
        SealedStorage sealed = SealedStorage.local(DataStore.localDisk(dir.resolve(sealedFolder)));
        DataLog followerLog = DataLog.sharded(new KafkaShardLog(settings()), Set::of, settings().groupCommitMaxWrites(),
                settings().groupCommitGatherMs(), settings().maxMessageBytes());
        DataStore follower = DataStore.open(followerLog, sealed, Manifests.perCollection(shared, Set::of),
                layoutSource, 8, DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES, IndexBuildSettings.defaults(), executors);
        toClose.add(follower);
        DataLog ownerLog = DataLog.sharded(new KafkaShardLog(settings()), () -> Set.of(id), settings().groupCommitMaxWrites(),
                settings().groupCommitGatherMs(), settings().maxMessageBytes());
        DataStore owner = DataStore.open(ownerLog, sealed, Manifests.perCollection(shared, () -> Set.of(id)),
                layoutSource, 8, DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES, IndexBuildSettings.defaults(), executors);
        toClose.add(owner);
        return new Replicas(owner, follower, shared);
    }

    private static List<Object[]> keyRange(long from, long to, String text) {
        List<Object[]> rows = new ArrayList<>();
        for (long key = from; key < to; key++) {
            rows.add(row(key, text + key));
        }
        return rows;
    }

    /** After a Strong wait, the follower's live rows equal the owner's, each key once. */
    private static void assertFollowerMatches(DataStore owner, DataStore follower, CollectionLayout layout)
            throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (!follower.followReady(layout.collectionId())) {
            assertThat(System.nanoTime()).as("the follower's copy loads").isLessThan(deadline);
            Thread.sleep(50);
        }
        follower.awaitFresh(layout.collectionId(), 0, 30_000);
        assertThat(live(follower, layout)).isEqualTo(live(owner, layout));
    }
}
