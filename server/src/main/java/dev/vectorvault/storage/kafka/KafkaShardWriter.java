package dev.vectorvault.storage.kafka;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.storage.log.ShardId;
import dev.vectorvault.storage.log.ShardLogException;
import dev.vectorvault.storage.log.ShardWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

/** One shard's transactional producer: each append is one Kafka transaction. See {@link KafkaShardLog}. */
final class KafkaShardWriter implements ShardWriter {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaShardWriter.class);

    private final ShardId shard;
    private final String vchannel;
    private final byte[] key;
    private final TopicPartition partition;
    private final KafkaProducer<byte[], byte[]> producer;
    /** Set once the writer can append no more: the failure that ended it, or "closed". */
    private String ended;
    private ErrorCode endedCode;

    KafkaShardWriter(ShardId shard, String vchannel, TopicPartition partition, KafkaProducer<byte[], byte[]> producer) {
        this.shard = shard;
        this.vchannel = vchannel;
        this.key = vchannel.getBytes(StandardCharsets.UTF_8);
        this.partition = partition;
        this.producer = producer;
    }

    @Override
    public ShardId shard() {
        return shard;
    }

    @Override
    public long append(List<byte[]> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("an append needs at least one record");
        }
        if (ended != null) {
            throw new ShardLogException(endedCode, "cannot append to " + shard + ": this writer " + ended
                    + "; open the shard again", null);
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        try {
            producer.beginTransaction();
            for (byte[] payload : records) {
                RecordHeaders headers = new RecordHeaders();
                headers.add(new RecordHeader(KafkaShardLog.FORMAT_HEADER, new byte[] {KafkaShardLog.FORMAT_VERSION}));
                sent.add(producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), key, payload,
                        headers)));
            }
            producer.commitTransaction();
            // Committed: every send completed successfully before the commit could.
            return sent.get(sent.size() - 1).get().offset() + 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw end(new ShardLogException(ErrorCode.LOG_FAILED, "interrupted while appending to " + shard, e));
        } catch (Exception e) {
            ShardLogException failure = KafkaFailures.classify("append to " + shard + " (" + vchannel + ")", e);
            if (failure.errorCode() == ErrorCode.LOG_FAILED && !KafkaFailures.has(e, TimeoutException.class)) {
                abortQuietly();
            }
            throw end(failure);
        }
    }

    /** Lets readers of the pchannel move on at once instead of waiting for the next writer or the broker's timeout. */
    private void abortQuietly() {
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            // The next writer of the shard aborts it instead (initTransactions).
        }
    }

    private ShardLogException end(ShardLogException failure) {
        LOG.warn("event=shard_append_failed shard={} collection={} vchannel={} code={} reason={}", shard.index(),
                shard.collectionId(), vchannel, failure.errorCode(), failure.getMessage());
        ended = "failed earlier (" + failure.errorCode() + ")";
        endedCode = failure.errorCode();
        producer.close(Duration.ZERO);
        return failure;
    }

    @Override
    public void close() {
        if (ended == null) {
            ended = "is closed";
            endedCode = ErrorCode.LOG_FAILED;
            producer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public String toString() {
        return "KafkaShardWriter[" + vchannel + "]";
    }
}
