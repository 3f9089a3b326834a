package dev.vectorvault.storage.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void aConsumerThatCannotBePlacedIsClosedBeforeTheFailureReachesTheCaller() {
        RecordingConsumer consumer = new RecordingConsumer();
        consumer.seekFails = true;
        TopicPartition partition = new TopicPartition("dml_0", 0);

        assertThatThrownBy(() -> KafkaShardLog.positioned(consumer, partition, 42))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("seek refused");

        assertThat(consumer.closed()).isTrue();
        assertThat(consumer.closeTimeout).isEqualTo(Duration.ZERO);
    }

    @Test
    void aPlacedConsumerIsAssignedTheShardsPartitionAtThePositionAndLeftOpen() {
        RecordingConsumer consumer = new RecordingConsumer();
        TopicPartition partition = new TopicPartition("dml_0", 3);

        assertThat(KafkaShardLog.positioned(consumer, partition, 42)).isSameAs(consumer);

        assertThat(consumer.assignment()).containsExactly(partition);
        assertThat(consumer.position(partition)).isEqualTo(42);
        assertThat(consumer.closed()).isFalse();
    }

    /** Kafka's mock consumer, remembering the timeout its close was given; its seek can be made to fail. */
    private static final class RecordingConsumer extends MockConsumer<byte[], byte[]> {
        private Duration closeTimeout;
        private boolean seekFails;

        RecordingConsumer() {
            super("none");
        }

        @Override
        public synchronized void seek(TopicPartition partition, long offset) {
            if (seekFails) {
                throw new IllegalStateException("seek refused");
            }
            super.seek(partition, offset);
        }

        @Override
        public synchronized void close(Duration timeout) {
            closeTimeout = timeout;
            super.close(timeout);
        }
    }
}
