package dev.vectorvault.storage.kafka;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.storage.log.LogRecord;
import dev.vectorvault.storage.log.ShardId;
import dev.vectorvault.storage.log.ShardLogException;
import dev.vectorvault.storage.log.ShardReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/** A read_committed consumer of a shard's pchannel partition that keeps the shard's own records. */
final class KafkaShardReader implements ShardReader {
    private final KafkaShardLog log;
    private final ShardId shard;
    private final String vchannel;
    private final byte[] key;
    private final TopicPartition partition;
    private final Consumer<byte[], byte[]> consumer;
    private final long timeoutMs;
    private long position;

    KafkaShardReader(KafkaShardLog log, ShardId shard, String vchannel, TopicPartition partition,
                     Consumer<byte[], byte[]> consumer, long position, long timeoutMs) {
        this.log = log;
        this.shard = shard;
        this.vchannel = vchannel;
        this.key = vchannel.getBytes(StandardCharsets.UTF_8);
        this.partition = partition;
        this.consumer = consumer;
        this.position = position;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public ShardId shard() {
        return shard;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public List<LogRecord> poll(Duration wait) {
        List<LogRecord> out = new ArrayList<>();
        try {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(wait).records(partition)) {
                if (!Arrays.equals(record.key(), key)) {
                    continue;
                }
                checkFormat(record);
                out.add(new LogRecord(record.offset(), record.value()));
            }
            // Past commit markers and other shards' records too, so a checkpoint taken now skips them.
            position = consumer.position(partition, Duration.ofMillis(timeoutMs));
        } catch (OffsetOutOfRangeException e) {
            throw new ShardLogException(ErrorCode.LOG_FAILED, "cannot read " + shard + " (" + vchannel
                    + ") from position " + position + ": it is no longer in the log (removed by Kafka's retention"
                    + " before a checkpoint covered it?)", e);
        } catch (ShardLogException e) {
            throw e;
        } catch (RuntimeException e) {
            throw KafkaFailures.classify("read " + shard + " (" + vchannel + ")", e);
        }
        return out;
    }

    private void checkFormat(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader(KafkaShardLog.FORMAT_HEADER);
        if (header == null || header.value().length != 1 || header.value()[0] != KafkaShardLog.FORMAT_VERSION) {
            throw new ShardLogException(ErrorCode.STORAGE_CORRUPT, "cannot read " + shard + " (" + vchannel
                    + ") at position " + record.offset() + ": the record has no " + KafkaShardLog.FORMAT_HEADER
                    + " header of a format version this server reads (1)", null);
        }
    }

    @Override
    public List<LogRecord> readToEnd() {
        long end = log.endPosition(shard);
        List<LogRecord> out = new ArrayList<>();
        long lastProgress = System.nanoTime();
        while (position < end) {
            long before = position;
            out.addAll(poll(Duration.ofMillis(Math.min(200, timeoutMs))));
            if (position > before) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > timeoutMs * 1_000_000L) {
                if (log.abortHangingTransactions(shard) > 0) {
                    lastProgress = System.nanoTime(); // the partition's last stable offset can move on now
                    continue;
                }
                throw new ShardLogException(ErrorCode.LOG_UNAVAILABLE, "cannot read " + shard + " (" + vchannel
                        + ") to its end " + end + ": stuck at position " + position + " for longer than"
                        + " kafka.readTimeout (an append left open there by a writer that died settles when the"
                        + " collection it wrote opens again, or after kafka.transactionTimeout)", null);
            }
        }
        return out;
    }

    /**
     * Closes at once. The consumer holds no offsets and no group membership, so there is nothing to hand over; what a
     * close with a timeout waited for was the fetch the broker holds open at the partition's end ({@code
     * fetch.max.wait.ms}, 500 ms), since the broker answers a connection's requests in order and the request ending
     * the fetch session queued behind it: half a second per shard on every replay. The broker drops the session it
     * keeps for this reader by itself later (its fetch session cache evicts idle ones).
     */
    @Override
    public void close() {
        consumer.close(Duration.ZERO);
    }

    @Override
    public String toString() {
        return "KafkaShardReader[" + vchannel + " at " + position + "]";
    }
}
