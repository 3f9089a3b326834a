package dev.vectorvault.storage.kafka;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.config.ServerConfig.MessageQueueSettings;
import dev.vectorvault.storage.log.ShardId;
import dev.vectorvault.storage.log.ShardLog;
import dev.vectorvault.storage.log.ShardLogException;
import dev.vectorvault.storage.log.ShardReader;
import dev.vectorvault.storage.log.ShardWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shard log on Kafka ({@code mq.type: kafka}).
 *
 * <h2>Layout</h2>
 * Each pchannel ({@link ChannelNames}) is a topic of one partition, created on first use (replication as the brokers'
 * {@code default.replication.factor}); the shards (vchannels) it carries share that partition, as in Milvus. Every
 * record is keyed by its vchannel name and carries a header {@code vv-log} with the record format version (1); a
 * reader of a shard reads the partition and keeps its own shard's records. A position is a Kafka offset in the
 * pchannel's partition, so a shard's positions grow but are not consecutive.
 *
 * <h2>Durability and fencing (Kafka's own mechanisms, nothing home-made)</h2>
 * Writers are idempotent producers with {@code acks=all}, one per collection and lane ({@code
 * kafka.transactionsInFlight}, 1 by default), transactional with {@code transactional.id} =
 * {@link ChannelNames#writerId(long, int)}: each append is one transaction over every shard it writes
 * (a Kafka transaction spans partitions), so a write spread over several shards is all or nothing, and
 * {@code initTransactions} of a new writer of the same collection fences every older one (its later appends fail with
 * {@code LOG_WRITER_FENCED}) and aborts or completes the transaction it left open. Readers use
 * {@code read_committed}: records of aborted or unfinished appends are never returned. An append returns once the
 * brokers have committed it to all in-sync replicas.
 *
 * <h2>Timeouts</h2>
 * {@code kafka.readTimeout} bounds each blocking client call (request, delivery, metadata wait, commit); an append
 * that cannot reach the brokers fails with {@code LOG_UNAVAILABLE} after at most about twice that.
 *
 * <p>Cost to know: while an append is open, read_committed readers of the same pchannel wait for it (the partition's
 * last stable offset stops there). Appends are short; one whose writer died is settled when the shard's next writer
 * opens, or by the brokers after the transaction timeout ({@code kafka.transactionTimeout}). One the brokers no
 * longer track (a broker killed mid-append can lose that) would stop the pchannel for good: a reader stuck behind an
 * open append aborts it once it is older than the transaction timeout and its coordinator does not know it
 * ({@link HangingTransactions}, Kafka's own rule for hanging transactions).
 */
public final class KafkaShardLog implements ShardLog {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaShardLog.class);
    /** The only partition of a pchannel topic. */
    static final int PARTITION = 0;
    /** Record header naming the record format version. */
    static final String FORMAT_HEADER = "vv-log";
    static final byte FORMAT_VERSION = 1;
    /**
     * How often a broker looks for timed-out transactions to abort (Kafka's
     * {@code transaction.abort.timed.out.transaction.cleanup.interval.ms}, 10 s by default), with a margin.
     */
    private static final long COORDINATOR_ABORT_SWEEP_MS = 15_000;
    /** How long a writer's records wait for more of the same append to join their batch (see openWriter). */
    private static final int LINGER_MS = 5;

    private final KafkaClientProperties clients;
    private final ChannelNames names;
    private final Admin admin;
    private final Set<String> knownTopics = ConcurrentHashMap.newKeySet();
    private final long transactionTimeoutMs;
    private final int maxMessageBytes;
    private final HangingTransactions hanging;
    private final int transactionsInFlight;

    public KafkaShardLog(MessageQueueSettings settings) {
        if (!settings.kafka()) {
            throw new IllegalArgumentException("mq.type is " + settings.type() + ", not kafka");
        }
        this.clients = new KafkaClientProperties(settings);
        this.names = new ChannelNames(settings.pchannelPrefix(), settings.dmlChannelNum());
        try {
            this.admin = Admin.create(clients.client("vectorvault-admin"));
        } catch (RuntimeException e) {
            throw KafkaFailures.classify("connect to Kafka at kafka.brokerList " + settings.brokerList(), e);
        }
        this.transactionTimeoutMs = settings.transactionTimeoutMs();
        this.maxMessageBytes = settings.maxMessageBytes();
        this.transactionsInFlight = settings.transactionsInFlight();
        this.hanging = new HangingTransactions(admin, transactionTimeoutMs + COORDINATOR_ABORT_SWEEP_MS,
                clients.timeoutMs(), System::currentTimeMillis);
    }

    public ChannelNames names() {
        return names;
    }

    /**
     * Opens the collection's writer: {@code kafka.transactionsInFlight} transactional producers (its lanes), with ids
     * {@link ChannelNames#writerId(long, int)}. Every id up to {@link MessageQueueSettings#MAX_TRANSACTIONS_IN_FLIGHT}
     * is fenced first, used here or not: a former owner may have run with more lanes than this node (the key is a
     * node's setting, not the collection's), and each of its ids may hold an open transaction that must be settled
     * before anything is read. Deriving the set from the key's bound rather than recording each collection's count
     * keeps the fence right across any change of the key with nothing new to store, at the cost of a producer per
     * unused id at each open; the bound may therefore only ever grow.
     */
    @Override
    public ShardWriter openWriter(long collectionId, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("a collection has at least one shard, got " + shards);
        }
        TopicPartition[] partitions = new TopicPartition[shards];
        for (int i = 0; i < shards; i++) {
            ShardId shard = new ShardId(collectionId, i);
            partitions[i] = partition(shard);
            ensureTopic(partitions[i].topic(), shard);
        }
        List<KafkaShardWriter.Lane> lanes = new ArrayList<>();
        try {
            for (int lane = 0; lane < MessageQueueSettings.MAX_TRANSACTIONS_IN_FLIGHT; lane++) {
                String writerId = names.writerId(collectionId, lane);
                KafkaProducer<byte[], byte[]> producer = initProducer(collectionId, writerId);
                if (lane >= transactionsInFlight) {
                    producer.close(Duration.ofSeconds(5)); // fenced and settled, not used
                    continue;
                }
                try {
                    lanes.add(new KafkaShardWriter.Lane(writerId, producer, new CommitMarkerWait(
                            clients.client("vectorvault-markers-" + writerId), clients.timeoutMs())));
                } catch (RuntimeException e) {
                    producer.close(Duration.ZERO);
                    throw KafkaFailures.classify("open the writer of collection " + collectionId + " ("
                            + writerId + ")", e);
                }
            }
        } catch (RuntimeException e) {
            lanes.forEach(lane -> lane.close(Duration.ZERO));
            throw e;
        }
        LOG.info("event=shard_writer_opened collection={} shards={} writer={} lanes={}", collectionId, shards,
                names.writerId(collectionId), lanes.size());
        String[] vchannels = new String[shards];
        for (int i = 0; i < shards; i++) {
            vchannels[i] = names.vchannel(new ShardId(collectionId, i));
        }
        return new KafkaShardWriter(collectionId, partitions, vchannels, lanes);
    }

    /** A transactional producer of {@code writerId}, initialized: every earlier producer of that id is fenced. */
    private KafkaProducer<byte[], byte[]> initProducer(long collectionId, String writerId) {
        Map<String, Object> props = clients.client("vectorvault-writer-" + writerId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, writerId);
        // A record holds at most kafka.maxMessageSize bytes of payload (the data store cuts larger writes); the key,
        // header and batch framing come on top, so the producer's own bound is that plus a margin, never under its
        // default.
        int maxRequestBytes = Math.max(1 << 20, maxMessageBytes + (64 << 10));
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRequestBytes);
        // An append sends its records, then commits, and a commit sends whatever still lingers at once: lingering
        // never delays an append, it lets the records of a group (GroupCommit) for one partition leave as one batch,
        // one produce request and one log append on the broker instead of one per record (1.8-2.1x faster for a
        // group of 8 records per partition, docs/benchmarks.md). A record larger than a batch travels alone.
        props.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Math.min(maxRequestBytes, 1 << 20));
        // The producer refuses a record larger than its whole buffer (32 MiB by default), which kafka.maxMessageSize
        // allows up to 64 MiB.
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L << 20, 2L * maxRequestBytes));
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) clients.timeoutMs() + LINGER_MS);
        // A transaction's first produce right after the previous commit may be answered CONCURRENT_TRANSACTIONS
        // (the coordinator still completing that commit); the default 100 ms pause before the retry would cost more
        // than a whole append. Retries back off exponentially from here (retry.backoff.max.ms, 1 s).
        props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, clients.timeoutMs());
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) transactionTimeoutMs);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        String what = "collection " + collectionId + " (" + writerId + ")";
        KafkaProducer<byte[], byte[]> producer;
        try {
            producer = new KafkaProducer<>(props);
        } catch (RuntimeException e) {
            throw KafkaFailures.classify("open the writer of " + what, e);
        }
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw KafkaFailures.classify("open the writer of " + what, e);
        }
        return producer;
    }

    @Override
    public int appendsAtOnce() {
        return transactionsInFlight;
    }

    @Override
    public ShardReader openReader(ShardId shard, long position) {
        if (position < 0) {
            throw new IllegalArgumentException("a position is never negative, got " + position);
        }
        String vchannel = names.vchannel(shard);
        TopicPartition partition = partition(shard);
        ensureTopic(partition.topic(), shard);
        Map<String, Object> props = clients.client("vectorvault-reader-" + vchannel);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Positions live in our checkpoints, never in consumer groups; a position lost to retention is an error.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        KafkaConsumer<byte[], byte[]> consumer;
        try {
            consumer = positioned(new KafkaConsumer<>(props), partition, position);
        } catch (RuntimeException e) {
            throw KafkaFailures.classify("open a reader of " + shard, e);
        }
        return new KafkaShardReader(this, shard, vchannel, partition, consumer, position, clients.timeoutMs());
    }

    /**
     * The consumer assigned the partition and placed at the position; closed at once if either step fails, since no
     * reader will ever hold it (each open consumer keeps a connection, buffers and a metadata thread of its own).
     */
    static <C extends Consumer<byte[], byte[]>> C positioned(C consumer, TopicPartition partition, long position) {
        try {
            consumer.assign(List.of(partition));
            consumer.seek(partition, position);
            return consumer;
        } catch (RuntimeException e) {
            try {
                consumer.close(Duration.ZERO);
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * The partition's high watermark, not its last stable offset: Kafka answers a commit once the coordinator has
     * logged it and writes the partition's commit markers after that, so for a moment the last stable offset stands
     * before records already acknowledged (recovery that stopped there lost acknowledged rows). A read_committed
     * reader reaches the high watermark once the transactions below it are settled: at once for acknowledged ones,
     * when a newer writer opens for one a dead writer left open.
     */
    @Override
    public long endPosition(ShardId shard) {
        TopicPartition partition = partition(shard);
        try {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest()),
                            new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED).timeoutMs((int) clients.timeoutMs()))
                    .partitionResult(partition).get(clients.timeoutMs() + 1_000, TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return 0;
            }
            throw KafkaFailures.classify("find the end of " + shard, e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ShardLogException(ErrorCode.LOG_UNAVAILABLE, "cannot find the end of " + shard
                    + ": Kafka did not answer within kafka.readTimeout", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShardLogException(ErrorCode.LOG_FAILED, "interrupted while finding the end of " + shard, e);
        }
    }

    /**
     * Aborts the transactions left hanging on the partition carrying {@code shard} (see {@link HangingTransactions});
     * returns how many. A reader stuck behind an open append asks this before it gives up.
     */
    int abortHangingTransactions(ShardId shard) {
        return hanging.abortIn(partition(shard));
    }

    TopicPartition partition(ShardId shard) {
        return new TopicPartition(names.pchannelOf(shard), PARTITION);
    }

    /** Creates the pchannel topic with one partition unless it exists (created here, by another node, or by hand). */
    private void ensureTopic(String topic, ShardId shard) {
        if (knownTopics.contains(topic)) {
            return;
        }
        try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()))).all()
                    .get(clients.timeoutMs() + 1_000, TimeUnit.MILLISECONDS);
            LOG.info("event=pchannel_created topic={}", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw KafkaFailures.classify("create the topic " + topic + " for " + shard, e.getCause());
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ShardLogException(ErrorCode.LOG_UNAVAILABLE, "cannot create the topic " + topic + " for "
                    + shard + ": Kafka did not answer within kafka.readTimeout", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShardLogException(ErrorCode.LOG_FAILED, "interrupted while creating the topic " + topic, e);
        }
        knownTopics.add(topic);
    }

    @Override
    public void close() {
        admin.close(Duration.ofMillis(clients.timeoutMs()));
    }
}
