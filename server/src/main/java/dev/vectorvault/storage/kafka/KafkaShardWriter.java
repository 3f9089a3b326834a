package dev.vectorvault.storage.kafka;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.storage.log.ShardLogException;
import dev.vectorvault.storage.log.ShardWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One collection's transactional producers (one per {@code kafka.transactionsInFlight}, its lanes): each append is one
 * Kafka transaction, on a lane of its own, over the partitions of the shards it writes. See {@link KafkaShardLog}.
 */
final class KafkaShardWriter implements ShardWriter {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaShardWriter.class);

    /** One transactional producer and its marker wait; used by one append at a time. */
    record Lane(String writerId, KafkaProducer<byte[], byte[]> producer, CommitMarkerWait markers) {
        void close(Duration timeout) {
            producer.close(timeout);
            markers.close();
        }
    }

    private final long collectionId;
    private final TopicPartition[] partitions;
    private final byte[][] keys;
    private final List<Lane> lanes;
    /** The lanes no append uses now; guarded by {@code this}. */
    private final ArrayDeque<Lane> idle;
    /** Set once the writer can append no more: the failure that ended it, or "closed"; guarded by {@code this}. */
    private String ended;
    private ErrorCode endedCode;

    /**
     * @param partitions the partition carrying each shard, by shard index
     * @param vchannels  each shard's vchannel name, its records' key
     */
    KafkaShardWriter(long collectionId, TopicPartition[] partitions, String[] vchannels, List<Lane> lanes) {
        this.collectionId = collectionId;
        this.partitions = partitions;
        this.keys = new byte[vchannels.length][];
        for (int i = 0; i < vchannels.length; i++) {
            keys[i] = vchannels[i].getBytes(StandardCharsets.UTF_8);
        }
        this.lanes = List.copyOf(lanes);
        this.idle = new ArrayDeque<>(lanes);
    }

    @Override
    public int appendsAtOnce() {
        return lanes.size();
    }

    @Override
    public long collectionId() {
        return collectionId;
    }

    @Override
    public Map<Integer, Long> append(Map<Integer, List<byte[]>> records) {
        return append(records, () -> { });
    }

    @Override
    public Map<Integer, Long> append(Map<Integer, List<byte[]>> records, Runnable logged) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("an append needs at least one shard");
        }
        records.forEach((shard, list) -> {
            if (shard < 0 || shard >= partitions.length) {
                throw new IllegalArgumentException("collection " + collectionId + " has shards 0.."
                        + (partitions.length - 1) + ", not " + shard);
            }
            if (list.isEmpty()) {
                throw new IllegalArgumentException("an append needs at least one record for shard " + shard);
            }
        });
        Lane lane;
        synchronized (this) {
            if (ended != null) {
                throw new ShardLogException(endedCode, "cannot append to collection " + collectionId + ": this writer "
                        + ended + "; open the collection again", null);
            }
            lane = idle.poll();
        }
        if (lane == null) {
            throw new IllegalStateException("more appends at once than the " + lanes.size()
                    + " transactions in flight of collection " + collectionId);
        }
        boolean usable = false;
        try {
            Map<Integer, Long> positions = append(lane, records, logged);
            usable = true;
            return positions;
        } finally {
            synchronized (this) {
                if (usable && ended == null) {
                    idle.add(lane);
                } else if (usable) {
                    lane.close(Duration.ZERO); // the writer ended while this append ran
                }
            }
        }
    }

    private Map<Integer, Long> append(Lane lane, Map<Integer, List<byte[]>> records, Runnable logged) {
        KafkaProducer<byte[], byte[]> producer = lane.producer();
        Map<Integer, Future<RecordMetadata>> last = new HashMap<>();
        try {
            producer.beginTransaction();
            for (Map.Entry<Integer, List<byte[]>> shard : records.entrySet()) {
                int index = shard.getKey();
                for (byte[] payload : shard.getValue()) {
                    RecordHeaders headers = new RecordHeaders();
                    headers.add(new RecordHeader(KafkaShardLog.FORMAT_HEADER,
                            new byte[] {KafkaShardLog.FORMAT_VERSION}));
                    last.put(index, producer.send(new ProducerRecord<>(partitions[index].topic(),
                            partitions[index].partition(), keys[index], payload, headers)));
                }
            }
            if (lanes.size() > 1) {
                // Every record in its partition before the next lane sends (the caller's order, see logged); a
                // lone lane lets the commit send what lingers.
                producer.flush();
                logged.run();
            }
            producer.commitTransaction();
            // Committed: every send completed successfully before the commit could.
            Map<Integer, Long> positions = new HashMap<>();
            for (Map.Entry<Integer, Future<RecordMetadata>> shard : last.entrySet()) {
                positions.put(shard.getKey(), shard.getValue().get().offset() + 1);
            }
            if (lanes.size() == 1) {
                logged.run();
            }
            awaitMarkers(lane.markers(), positions);
            return positions;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw end(lane, new ShardLogException(ErrorCode.LOG_FAILED, "interrupted while appending to collection "
                    + collectionId, e));
        } catch (Exception e) {
            ShardLogException failure = KafkaFailures.classify("append to collection " + collectionId + " ("
                    + lane.writerId() + ")", e);
            if (failure.errorCode() == ErrorCode.LOG_FAILED && !KafkaFailures.has(e, TimeoutException.class)) {
                abortQuietly(producer);
            }
            throw end(lane, failure);
        }
    }

    /**
     * Returns once every written partition holds the commit's markers. Kafka answers a commit once its coordinator has
     * logged the decision and writes the markers after that; a broker killed in between must redo them from its
     * transaction log, which one unreplicated broker can lose, leaving an acknowledged append open for good. Waiting
     * for the markers makes an acknowledgement mean the records are committed in the data partitions themselves. A
     * commit whose markers do not show in time is reported as unknown (LOG_UNAVAILABLE), like any append Kafka did not
     * confirm: the collection's next write settles it.
     *
     * <p>The writer's own memory apply needs the markers as much as the acknowledgement does, so it cannot start
     * earlier: records applied before their markers are confirmed could be aborted later (a hanging transaction, see
     * {@link HangingTransactions}), and a checkpoint would then hold rows the log never committed. Nor would starting
     * the next transaction during this wait overlap anything: the brokers answer its first produce
     * CONCURRENT_TRANSACTIONS until this commit is complete, markers included. What the wait can avoid is overshoot,
     * hence {@link CommitMarkerWait}'s one round trip and 1 ms pause per poll.
     *
     * <p>With several lanes the last stable offset also waits for every transaction whose records come earlier in the
     * partition: once it passes this append's records, each earlier append on the same partitions is settled too.
     */
    private void awaitMarkers(CommitMarkerWait markers, Map<Integer, Long> positions) throws InterruptedException {
        Map<TopicPartition, Long> after = new HashMap<>();
        positions.forEach((shard, position) -> after.merge(partitions[shard], position, Math::max));
        if (!markers.await(after)) {
            throw new ShardLogException(ErrorCode.LOG_UNAVAILABLE, "cannot confirm the append to collection "
                    + collectionId + ": Kafka accepted its commit but did not mark it in the log within"
                    + " kafka.readTimeout; it is settled by the collection's next write", null);
        }
    }

    /** Lets readers of the pchannels move on at once instead of waiting for the next writer or the broker's timeout. */
    private static void abortQuietly(KafkaProducer<byte[], byte[]> producer) {
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            // The next writer of the collection aborts it instead (initTransactions).
        }
    }

    /**
     * A failure of any lane ends the writer: no new append starts on its other lanes. Appends running on them finish
     * (their caller fails them too, see the data store's group order), and the collection's next write opens it again,
     * fencing every lane.
     */
    private ShardLogException end(Lane lane, ShardLogException failure) {
        LOG.warn("event=shard_append_failed collection={} writer={} code={} reason={}", collectionId, lane.writerId(),
                failure.errorCode(), failure.getMessage());
        synchronized (this) {
            if (ended == null) {
                ended = "failed earlier (" + failure.errorCode() + ")";
                endedCode = failure.errorCode();
            }
            idle.forEach(other -> other.close(Duration.ZERO));
            idle.clear();
        }
        lane.close(Duration.ZERO);
        return failure;
    }

    /** Closes the idle lanes; a lane still appending is closed when its append returns. */
    @Override
    public void close() {
        synchronized (this) {
            if (ended == null) {
                ended = "is closed";
                endedCode = ErrorCode.LOG_FAILED;
            }
            idle.forEach(lane -> lane.close(Duration.ofSeconds(5)));
            idle.clear();
        }
    }

    @Override
    public String toString() {
        return "KafkaShardWriter[" + lanes.get(0).writerId() + " x" + lanes.size() + "]";
    }
}
