package dev.vectorvault.storage.kafka;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One writer's wait for the commit markers of its appends: asks the partitions' leaders for their last stable offset
 * (a read_committed consumer's {@code endOffsets}) until it passes the append's records.
 *
 * <p>Why a consumer of its own rather than the shared admin client: the admin client looks up the partitions' leaders
 * (a metadata request) before every offset request, so each poll cost two round trips; the consumer keeps the
 * leaders it learned and asks one. And why a fixed 1 ms pause rather than an exponential one: the markers land a few
 * milliseconds after the commit returns (the coordinator writes them to each partition, and the test broker forces
 * each to disk), and a backoff that had grown to 8 or 16 ms by then overshot them by that much on every append
 * (docs/benchmarks.md). A poll is one small request to a broker the append just used; the wait is bounded by
 * {@code kafka.readTimeout}. Not thread-safe: its writer appends one transaction at a time.
 */
final class CommitMarkerWait implements AutoCloseable {
    /** The pause between two polls of the last stable offset. */
    private static final long PAUSE_MS = 1;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final long timeoutMs;

    CommitMarkerWait(Map<String, Object> clientProps, long timeoutMs) {
        clientProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        clientProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        clientProps.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        clientProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        clientProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(clientProps);
        this.timeoutMs = timeoutMs;
    }

    /**
     * Whether each partition's last stable offset reached the given position (its commit markers are written) within
     * {@code kafka.readTimeout}.
     */
    boolean await(Map<TopicPartition, Long> positions) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
            try {
                Map<TopicPartition, Long> stable = consumer.endOffsets(positions.keySet(), Duration.ofMillis(left));
                boolean all = true;
                for (Map.Entry<TopicPartition, Long> p : positions.entrySet()) {
                    Long end = stable.get(p.getKey());
                    all &= end != null && end >= p.getValue();
                }
                if (all) {
                    return true;
                }
            } catch (InterruptException e) {
                throw new InterruptedException("interrupted while waiting for commit markers");
            } catch (KafkaException e) {
                // Not confirmed yet (a timeout, a leader moving): ask again until the deadline.
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(PAUSE_MS);
        }
    }

    @Override
    public void close() {
        try {
            consumer.close(Duration.ZERO);
        } catch (RuntimeException e) {
            // An idle consumer's close failing (an interrupted thread) loses nothing: it held no records or offsets.
        }
    }
}
