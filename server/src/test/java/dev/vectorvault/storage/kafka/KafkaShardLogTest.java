package dev.vectorvault.storage.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.config.ServerConfig.MessageQueueSettings;
import dev.vectorvault.storage.log.LogRecord;
import dev.vectorvault.storage.log.ShardId;
import dev.vectorvault.storage.log.ShardLogException;
import dev.vectorvault.storage.log.ShardReader;
import dev.vectorvault.storage.log.ShardWriter;
import dev.vectorvault.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shard log on a real Kafka broker (KRaft, its own process; one broker for the class). Randomized parts print
 * their seed; replay with {@code -Dtests.seed=<seed>}.
 */
@Timeout(300)
class KafkaShardLogTest {
    private static final long SEED = Long.getLong("tests.seed", ThreadLocalRandom.current().nextLong());
    private static final int READ_TIMEOUT_SECONDS = 5;
    /**
     * {@code kafka.readTimeout} of the writers that run into a killed broker: the test waits that long (twice, for an
     * append) for their failure, while what they must do before the kill is a few small appends.
     */
    private static final int KILLED_BROKER_READ_TIMEOUT_SECONDS = 2;
    private static final AtomicInteger NEXT_COLLECTION = new AtomicInteger(100);

    private static KafkaBroker broker;
    private static KafkaShardLog log;

    @BeforeAll
    static void startBroker() {
        long started = System.nanoTime();
        broker = KafkaBroker.start();
        System.out.println("KafkaShardLogTest: broker formatted and started in "
                + (System.nanoTime() - started) / 1_000_000 + " ms (start alone " + broker.startMillis() + " ms); seed="
                + SEED + " (replay with -Dtests.seed=" + SEED + ")");
        log = new KafkaShardLog(settings(broker.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        if (log != null) {
            log.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** A test that stopped the broker leaves it running again for the next one. */
    @AfterEach
    void brokerRunsAgain() {
        if (!broker.isRunning()) {
            broker.restart();
        }
    }

    /** The server's defaults, {@code kafka.transactionsInFlight} included. */
    static MessageQueueSettings settings(String brokers) {
        return settings(brokers, 0);
    }

    /** With {@code kafka.transactionsInFlight} set to {@code transactionsInFlight}, unless 0 (the default). */
    static MessageQueueSettings settings(String brokers, int transactionsInFlight) {
        return settings(brokers, transactionsInFlight, READ_TIMEOUT_SECONDS);
    }

    private static MessageQueueSettings settings(String brokers, int transactionsInFlight, int readTimeoutSeconds) {
        Map<String, String> keys = new HashMap<>();
        if (transactionsInFlight > 0) {
            keys.put("kafka.transactionsInFlight", String.valueOf(transactionsInFlight));
        }
        keys.put("mq.type", "kafka");
        keys.put("kafka.brokerList", brokers);
        keys.put("kafka.readTimeout", String.valueOf(readTimeoutSeconds));
        return ServerConfig.fromFlatKeys(keys).mq();
    }

    /** The writer of the shard's collection (shards 0 up to this one). */
    private static ShardWriter writerOf(ShardId shard) {
        return log.openWriter(shard.collectionId(), shard.index() + 1);
    }

    private static ShardId newShard() {
        return new ShardId(NEXT_COLLECTION.getAndIncrement(), 0);
    }

    private static List<byte[]> records(String... texts) {
        List<byte[]> out = new ArrayList<>();
        for (String text : texts) {
            out.add(text.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private static List<String> texts(List<LogRecord> records) {
        return records.stream().map(r -> new String(r.payload(), StandardCharsets.UTF_8)).toList();
    }

    private static List<LogRecord> readAll(ShardId shard, long from) {
        try (ShardReader reader = log.openReader(shard, from)) {
            return reader.readToEnd();
        }
    }

    @Test
    void appendedRecordsAreReadBackInOrderAcrossReopeningTheWriterAndTheReader() {
        ShardId shard = newShard();
        long first;
        long second;
        try (ShardWriter writer = writerOf(shard)) {
            first = writer.append(0, records("a1", "a2"));
            second = writer.append(0, records("a3"));
        }
        assertThat(second).isGreaterThan(first);
        long third;
        try (ShardWriter writer = writerOf(shard)) {
            third = writer.append(0, records("b1", "b2", "b3"));
        }
        assertThat(third).isGreaterThan(second);
        assertThat(log.endPosition(shard)).isGreaterThanOrEqualTo(third);

        List<LogRecord> all = readAll(shard, 0);
        assertThat(texts(all)).containsExactly("a1", "a2", "a3", "b1", "b2", "b3");
        assertThat(all).extracting(LogRecord::position).isSorted().doesNotHaveDuplicates();
        // A checkpoint after the first append resumes exactly after it, with a fresh reader.
        assertThat(texts(readAll(shard, first))).containsExactly("a3", "b1", "b2", "b3");
        assertThat(texts(readAll(shard, all.get(3).position() + 1))).containsExactly("b2", "b3");
        assertThat(readAll(shard, log.endPosition(shard))).isEmpty();
    }

    @Test
    void shardsThatShareAPchannelSeeOnlyTheirOwnRecords() {
        ShardId one = newShard();
        // (collectionId + shard) mod 16 is the same: both are carried by one topic.
        ShardId other = new ShardId(one.collectionId() + 16 * 1_000, 0);
        assertThat(log.names().pchannelOf(other)).isEqualTo(log.names().pchannelOf(one));
        assertThat(log.names().vchannel(one)).isEqualTo(log.names().pchannelOf(one) + "_" + one.collectionId() + "v0");
        try (ShardWriter a = writerOf(one); ShardWriter b = writerOf(other)) {
            a.append(0, records("one-1"));
            b.append(0, records("other-1", "other-2"));
            a.append(0, records("one-2"));
        }
        assertThat(texts(readAll(one, 0))).containsExactly("one-1", "one-2");
        assertThat(texts(readAll(other, 0))).containsExactly("other-1", "other-2");
    }

    /**
     * Kafka answers a transaction's commit before its commit markers are written, so the partition's last stable
     * offset may still stand before records already acknowledged. A reader opened right after the append must still
     * read them (CI found recovery missing acknowledged rows when the end was taken as the last stable offset).
     */
    @Test
    void everyAcknowledgedAppendIsReadByAReaderOpenedTheMomentItReturns() {
        ShardId one = newShard();
        ShardId other = new ShardId(one.collectionId() + 16 * 1_000, 0); // same pchannel
        try (ShardWriter a = writerOf(one); ShardWriter b = writerOf(other)) {
            long from = 0;
            for (int i = 0; i < 60; i++) {
                b.append(0, records("other-" + i));
                long end = a.append(0, records("one-" + i));
                assertThat(log.endPosition(one)).as("end after append %d", i).isGreaterThanOrEqualTo(end);
                assertThat(texts(readAll(one, from))).as("read right after append %d", i).containsExactly("one-" + i);
                from = end;
            }
        }
    }

    /**
     * The writer's wait for its commit markers ({@link CommitMarkerWait}) confirms a position only once the partition's
     * last stable offset passed it: never while the transaction holding the records is open (the high watermark
     * already stands past them then), and at once after its commit.
     */
    @Test
    void theMarkerWaitConfirmsRecordsOnlyOnceTheirTransactionCommitted() throws Exception {
        ShardId shard = newShard();
        var open = openAppend(log, shard.collectionId(), Map.of(shard, "open"));
        long end = log.endPosition(shard);
        var partition = log.partition(shard);
        var props = new KafkaClientProperties(settings(broker.bootstrapServers())).client("marker-wait-test");
        try (CommitMarkerWait wait = new CommitMarkerWait(props, 1_000)) {
            assertThat(end).as("the open record is in the partition").isGreaterThan(0);
            assertThat(wait.await(Map.of(partition, end))).as("confirmed while open").isFalse();
            open.commitTransaction();
            assertThat(wait.await(Map.of(partition, end))).as("confirmed after the commit").isTrue();
        } finally {
            open.close(java.time.Duration.ZERO);
        }
    }

    @Test
    void aStaleWriterIsFencedAndNothingOfItsRefusedAppendBecomesVisible() {
        ShardId shard = newShard();
        try (ShardWriter stale = writerOf(shard)) {
            stale.append(0, records("stale-1"));
            try (ShardWriter current = writerOf(shard)) {
                ShardLogException fenced = catchThrowableOfType(ShardLogException.class,
                        () -> stale.append(0, records("stale-2", "stale-3")));
                assertThat(fenced.errorCode()).isEqualTo(ErrorCode.LOG_WRITER_FENCED);
                assertThat(fenced.getMessage()).contains("newer writer").contains("collection " + shard.collectionId());
                // Once fenced, it stays refused.
                assertThatThrownBy(() -> stale.append(0, records("stale-4")))
                        .isInstanceOfSatisfying(ShardLogException.class,
                                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.LOG_WRITER_FENCED));
                appendRetryingARefusal(shard, current, "current-1");
            }
        }
        assertThat(texts(readAll(shard, 0))).containsExactly("stale-1", "current-1");
    }

    /**
     * A writer paused in the middle of an append (its records sent, its transaction not yet committed) when a newer
     * writer opens the shard: the open transaction is aborted, and the paused writer's commit is refused.
     */
    @Test
    void aWriterPausedMidAppendIsFencedAndItsOpenAppendNeverBecomesVisible() {
        ShardId shard = newShard();
        try (ShardWriter first = writerOf(shard)) {
            first.append(0, records("first-1"));
        }
        // Exactly what KafkaShardWriter sends, up to the commit it never reaches in time.
        try (var paused = openAppend(log, shard.collectionId(), Map.of(shard, "paused-1"))) {
            try (ShardWriter current = writerOf(shard)) {
                assertThatThrownBy(paused::commitTransaction).satisfies(e -> assertThat(
                        KafkaFailures.classify("commit", e).errorCode()).isEqualTo(ErrorCode.LOG_WRITER_FENCED));
                current.append(0, records("current-1"));
            }
        }
        assertThat(texts(readAll(shard, 0))).containsExactly("first-1", "current-1");
    }

    /**
     * A writer with one transaction in flight ({@code kafka.transactionsInFlight} 1) opening after one that ran with
     * the most lanes fences every lane: the append its last lane left open is aborted, and that lane's commit is
     * refused.
     */
    @Test
    void openingAWriterFencesEveryLaneUpToTheBoundWhateverItsOwnCount() {
        ShardId shard = newShard();
        int lastLane = MessageQueueSettings.MAX_TRANSACTIONS_IN_FLIGHT - 1;
        try (var paused = openAppend(log, shard.collectionId(), lastLane, Map.of(shard, "paused-on-last-lane"));
             KafkaShardLog oneLane = new KafkaShardLog(settings(broker.bootstrapServers(), 1))) {
            try (ShardWriter current = oneLane.openWriter(shard.collectionId(), 1)) {
                assertThat(current.appendsAtOnce()).isEqualTo(1);
                assertThatThrownBy(paused::commitTransaction).satisfies(e -> assertThat(
                        KafkaFailures.classify("commit", e).errorCode()).isEqualTo(ErrorCode.LOG_WRITER_FENCED));
                current.append(0, records("current-1"));
            }
        }
        assertThat(texts(readAll(shard, 0))).containsExactly("current-1");
    }

    /**
     * Two lanes: an append started once the one before it placed its records follows it in the shard, and its own
     * acknowledgement waits for the earlier one's commit (the last stable offset stops at the earlier open records).
     */
    @Test
    void twoLanesAppendAtOnceAndEachFollowsTheOneLoggedBeforeIt() throws Exception {
        ShardId shard = newShard();
        try (KafkaShardLog twoLanes = new KafkaShardLog(settings(broker.bootstrapServers(), 2));
             ShardWriter writer = twoLanes.openWriter(shard.collectionId(), 1)) {
            assertThat(writer.appendsAtOnce()).isEqualTo(2);
            AtomicReference<Map<Integer, Long>> second = new AtomicReference<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread[] later = new Thread[1];
            Map<Integer, Long> first = writer.append(Map.of(0, records("first")), () -> {
                later[0] = new Thread(() -> {
                    try {
                        second.set(writer.append(Map.of(0, records("second"))));
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                });
                later[0].start();
            });
            later[0].join();
            assertThat(failure.get()).isNull();
            assertThat(second.get().get(0)).isGreaterThan(first.get(0));
        }
        assertThat(texts(readAll(shard, 0))).containsExactly("first", "second");
    }

    /**
     * A write spread over several shards is one append: all of its shards' records become visible together; a
     * fenced writer's append leaves no shard touched; and a writer that dies in the middle of one (records sent to
     * two shards, no commit) leaves neither shard with any of it once the next writer opens.
     */
    @Test
    void anAppendAcrossShardsIsAllOrNothingOnEveryShard() {
        long collection = newShard().collectionId();
        ShardId s0 = new ShardId(collection, 0);
        ShardId s1 = new ShardId(collection, 1);
        ShardId s2 = new ShardId(collection, 2);
        assertThat(log.names().pchannelOf(s0)).isNotEqualTo(log.names().pchannelOf(s1));
        try (ShardWriter writer = log.openWriter(collection, 3)) {
            Map<Integer, Long> positions = writer.append(Map.of(0, records("a0"), 1, records("a1", "b1"),
                    2, records("a2")));
            assertThat(positions).containsOnlyKeys(0, 1, 2);
            assertThat(readAll(s1, positions.get(1))).isEmpty();
            assertThatThrownBy(() -> writer.append(Map.of(3, records("x")))).isInstanceOf(
                    IllegalArgumentException.class);
        }
        try (ShardWriter stale = log.openWriter(collection, 3); ShardWriter current = log.openWriter(collection, 3)) {
            ShardLogException fenced = catchThrowableOfType(ShardLogException.class,
                    () -> stale.append(Map.of(0, records("stale-0"), 1, records("stale-1"))));
            assertThat(fenced.errorCode()).isEqualTo(ErrorCode.LOG_WRITER_FENCED);
            current.append(Map.of(0, records("c0"), 2, records("c2")));
        }
        try (var dying = openAppend(log, collection, Map.of(s0, "dying-0", s1, "dying-1"))) {
            // The process "dies" here: the next writer opens, and the half-sent append is settled (aborted).
            try (ShardWriter next = log.openWriter(collection, 3)) {
                next.append(1, records("after"));
            }
        }
        assertThat(texts(readAll(s0, 0))).containsExactly("a0", "c0");
        assertThat(texts(readAll(s1, 0))).containsExactly("a1", "b1", "after");
        assertThat(texts(readAll(s2, 0))).containsExactly("a2", "c2");
    }

    @Test
    void anUnreachableBrokerFailsTheAppendWithinTheTimeoutAndNeverAcknowledgesIt() {
        ShardId shard = newShard();
        try (KafkaShardLog quick = new KafkaShardLog(settings(broker.bootstrapServers(), 0,
                KILLED_BROKER_READ_TIMEOUT_SECONDS))) {
            ShardWriter writer = quick.openWriter(shard.collectionId(), 1);
            writer.append(0, records("before"));
            broker.kill();
            long started = System.nanoTime();
            ShardLogException failure = catchThrowableOfType(ShardLogException.class,
                    () -> writer.append(0, records("during-1", "during-2")));
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            System.out.println("KafkaShardLogTest: append to a stopped broker failed after " + elapsedMs + " ms"
                    + " (kafka.readTimeout " + KILLED_BROKER_READ_TIMEOUT_SECONDS + " s): " + failure.getMessage());
            assertThat(failure.errorCode()).isEqualTo(ErrorCode.LOG_UNAVAILABLE);
            assertThat(failure.getMessage()).contains("kafka.readTimeout")
                    .contains("collection " + shard.collectionId());
            // The documented bound: about twice kafka.readTimeout (metadata wait, then the commit), plus slack.
            assertThat(elapsedMs).isLessThan(2L * KILLED_BROKER_READ_TIMEOUT_SECONDS * 1_000 + 5_000);
            assertThatThrownBy(() -> writer.append(0, records("after-failure")))
                    .isInstanceOf(ShardLogException.class).hasMessageContaining("open the collection again");
            writer.close();
            assertThat(catchThrowableOfType(ShardLogException.class, () -> quick.endPosition(shard)).errorCode())
                    .isEqualTo(ErrorCode.LOG_UNAVAILABLE);
            broker.restart();
        }
        try (ShardWriter again = openWriterRetrying(shard)) {
            again.append(0, records("after"));
        }
        List<String> seen = texts(readAll(shard, 0));
        // All or nothing: the failed append is either wholly there (between the two) or not at all.
        assertThat(seen).isIn(List.of("before", "after"), List.of("before", "during-1", "during-2", "after"));
    }

    /**
     * Appends run while the broker is killed with SIGKILL and restarted: every acknowledged append is in the log, in
     * order and once; the one that failed is there wholly or not at all; nothing else is.
     */
    @Test
    void everyAcknowledgedAppendSurvivesABrokerKillAndRestart() throws Exception {
        Random random = new Random(SEED);
        ShardId shard = newShard();
        int killAfter = 3 + random.nextInt(20);
        ConcurrentLinkedQueue<List<String>> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicReference<List<String>> failed = new AtomicReference<>();
        AtomicReference<ShardLogException> failure = new AtomicReference<>();
        KafkaShardLog quick = new KafkaShardLog(settings(broker.bootstrapServers(), 0,
                KILLED_BROKER_READ_TIMEOUT_SECONDS));
        ShardWriter writer = quick.openWriter(shard.collectionId(), 1);
        long[] sizes = random.longs(10_000, 1, 21).toArray();
        Thread appender = new Thread(() -> {
            for (int batch = 0; batch < sizes.length; batch++) {
                List<String> texts = new ArrayList<>();
                for (int i = 0; i < sizes[batch]; i++) {
                    texts.add("batch-" + batch + "-record-" + i);
                }
                try {
                    writer.append(0, records(texts.toArray(String[]::new)));
                    acknowledged.add(texts);
                } catch (ShardLogException e) {
                    failed.set(texts);
                    failure.set(e);
                    return;
                }
            }
        }, "appender");
        appender.start();
        while (acknowledged.size() < killAfter && appender.isAlive()) {
            Thread.sleep(5);
        }
        broker.kill();
        appender.join();
        writer.close();
        quick.close();
        assertThat(failure.get()).as("an append failed once the broker was gone (seed %d)", SEED).isNotNull();
        assertThat(failure.get().errorCode()).isIn(ErrorCode.LOG_UNAVAILABLE, ErrorCode.LOG_FAILED);
        broker.restart();
        try (ShardWriter again = openWriterRetrying(shard)) {
            again.append(0, records("after-restart"));
        }

        List<String> expected = new ArrayList<>();
        acknowledged.forEach(expected::addAll);
        List<String> seen = texts(readAll(shard, 0));
        System.out.println("KafkaShardLogTest: " + acknowledged.size() + " appends acknowledged before the kill (asked"
                + " for " + killAfter + "); the failed one (" + failed.get().size() + " records) is "
                + (seen.contains(failed.get().get(0)) ? "visible" : "absent") + "; seed=" + SEED);
        List<String> withFailed = new ArrayList<>(expected);
        withFailed.addAll(failed.get());
        withFailed.add("after-restart");
        expected.add("after-restart");
        assertThat(seen).as("the log after the restart (seed %d)", SEED).isIn(expected, withFailed);
    }

    /**
     * Right after a fence, Kafka's coordinator (transactions version 2) may refuse the new writer's first commit with
     * an invalid transaction state, which ends that producer (seen once in CI). {@code ShardedDataLog} retries such
     * a refusal once through a reopened writer; this does the same, so the test checks fencing, not that race.
     */
    private static void appendRetryingARefusal(ShardId shard, ShardWriter writer, String text) {
        try {
            writer.append(0, records(text));
        } catch (ShardLogException e) {
            assertThat(e.errorCode()).as("only a refusal is retried: %s", e.getMessage()).isEqualTo(ErrorCode.LOG_FAILED);
            System.out.println("KafkaShardLogTest: the first append after the fence was refused, retried: "
                    + e.getMessage());
            try (ShardWriter again = writerOf(shard)) {
                again.append(0, records(text));
            }
        }
    }

    /**
     * A broker that comes back from a kill without its coordinator's record of an append in flight leaves that
     * append open on the pchannel for good (a hanging transaction: no one will write its marker, and a new writer of
     * the same id gets a new producer id). Readers of every shard on that pchannel would wait forever; instead, once
     * the append is older than kafka.transactionTimeout (plus the brokers' abort sweep), a stuck reader aborts it
     * and reads on. Committed records before and after it are all there; the hanging one never shows.
     */
    @Test
    void anAppendTheBrokerForgotAtAKillIsAbortedOnceOlderThanTheTransactionTimeoutAndReadersMoveOn() {
        ShardId shard = newShard();
        Map<String, String> keys = new HashMap<>();
        keys.put("mq.type", "kafka");
        keys.put("kafka.brokerList", broker.bootstrapServers());
        keys.put("kafka.readTimeout", "3");
        keys.put("kafka.transactionTimeout", "2");
        try (KafkaShardLog quick = new KafkaShardLog(ServerConfig.fromFlatKeys(keys).mq())) {
            try (ShardWriter writer = quick.openWriter(shard.collectionId(), 1)) {
                writer.append(0, records("before"));
            }
            var dying = openAppend(quick, shard.collectionId(), Map.of(shard, "hanging"));
            broker.kill();
            dying.close(java.time.Duration.ZERO);
            broker.forgetTransactions();
            broker.restart();

            long started = System.nanoTime();
            int stuck = 0;
            List<String> read = null;
            while (read == null) {
                try (ShardReader reader = quick.openReader(shard, 0)) {
                    read = texts(reader.readToEnd());
                } catch (ShardLogException e) {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.LOG_UNAVAILABLE);
                    stuck++;
                    assertThat(System.nanoTime() - started).as("the hanging append was never aborted; broker log:\n"
                            + broker.logTail()).isLessThan(120_000_000_000L);
                }
            }
            System.out.println("KafkaShardLogTest: readers moved past the hanging append after "
                    + (System.nanoTime() - started) / 1_000_000 + " ms (" + stuck + " reads gave up before)");
            assertThat(read).containsExactly("before");
            try (ShardWriter writer = quick.openWriter(shard.collectionId(), 1)) {
                writer.append(0, records("after"));
            }
            try (ShardReader reader = quick.openReader(shard, 0)) {
                assertThat(texts(reader.readToEnd())).containsExactly("before", "after");
            }
        }
    }

    /**
     * A transactional producer with the collection writer's id that sends exactly what KafkaShardWriter sends (one
     * record per shard given) and stops before the commit: an append left open.
     */
    private static org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> openAppend(
            KafkaShardLog on, long collectionId, Map<ShardId, String> texts) {
        return openAppend(on, collectionId, 0, texts);
    }

    /** As {@link #openAppend(KafkaShardLog, long, Map)} on the writer's lane {@code lane}. */
    private static org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> openAppend(
            KafkaShardLog on, long collectionId, int lane, Map<ShardId, String> texts) {
        Map<String, Object> props = new HashMap<>();
        props.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(org.apache.kafka.clients.producer.ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                on.names().writerId(collectionId, lane));
        props.put(org.apache.kafka.clients.producer.ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(props,
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
        producer.initTransactions();
        producer.beginTransaction();
        texts.forEach((shard, text) -> {
            var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
            headers.add(KafkaShardLog.FORMAT_HEADER, new byte[] {KafkaShardLog.FORMAT_VERSION});
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(on.names().pchannelOf(shard), 0,
                    on.names().vchannel(shard).getBytes(StandardCharsets.UTF_8),
                    text.getBytes(StandardCharsets.UTF_8), headers));
        });
        producer.flush();
        return producer;
    }

    /** After a broker restart, the transaction coordinator may need a moment: retry as an application would. */
    private static ShardWriter openWriterRetrying(ShardId shard) {
        for (int attempt = 1; ; attempt++) {
            try {
                return writerOf(shard);
            } catch (ShardLogException e) {
                if (e.errorCode() != ErrorCode.LOG_UNAVAILABLE || attempt == 10) {
                    throw new AssertionError("cannot open " + shard + " after the restart; broker log:\n"
                            + broker.logTail(), e);
                }
            }
        }
    }

    @Test
    void anAppendOfNothingIsRefused() {
        try (ShardWriter writer = writerOf(newShard())) {
            assertThatThrownBy(() -> writer.append(0, List.of())).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
