package dev.vectorvault.storage.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.storage.log.ShardId;
import java.time.Duration;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The reader's handling of its consumer, without a broker (KafkaShardLogTest reads through a real one). */
class KafkaShardReaderTest {
    /**
     * A close that granted the consumer time spent it waiting out the fetch the broker held open at the partition's
     * end (half a second per reader, on every replay of every shard), though a reader has nothing to hand over.
     */
    @Test
    void closingAReaderGivesItsConsumerNoTimeToWaitForTheBroker() {
        RecordingConsumer consumer = new RecordingConsumer();
        KafkaShardReader reader = new KafkaShardReader(null, new ShardId(7, 0), "dml_0_7v0",
                new TopicPartition("dml_0", 0), consumer, 0, 5_000);

        reader.close();

        assertThat(consumer.closed()).isTrue();
        assertThat(consumer.closeTimeout).isEqualTo(Duration.ZERO);
    }

    /** Kafka's mock consumer, remembering the timeout its close was given. */
    private static final class RecordingConsumer extends MockConsumer<byte[], byte[]> {
        private Duration closeTimeout;

        RecordingConsumer() {
            super("none");
        }

        @Override
        public synchronized void close(Duration timeout) {
            closeTimeout = timeout;
            super.close(timeout);
        }
    }
}
