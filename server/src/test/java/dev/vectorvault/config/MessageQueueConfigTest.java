package dev.vectorvault.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Milvus's {@code mq.*}, {@code kafka.*} and channel keys. */
@Timeout(10)
class MessageQueueConfigTest {
    private static ServerConfig.MessageQueueSettings mq(String... keyValues) {
        Map<String, String> keys = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            keys.put(keyValues[i], keyValues[i + 1]);
        }
        return ServerConfig.fromFlatKeys(keys).mq();
    }

    @Test
    void withoutKeysTheLocalLogStaysAndMilvusDefaultsApply() {
        ServerConfig.MessageQueueSettings mq = ServerConfig.defaults().mq();
        assertThat(mq.kafka()).isFalse();
        assertThat(mq.type()).isEqualTo("default");
        assertThat(mq.pchannelPrefix()).isEqualTo("by-dev-rootcoord-dml");
        assertThat(mq.dmlChannelNum()).isEqualTo(16);
        assertThat(mq.readTimeoutMs()).isEqualTo(10_000);
        assertThat(mq.securityProtocol()).isEqualTo("PLAINTEXT");
    }

    @Test
    void kafkaKeysAreRead() {
        ServerConfig.MessageQueueSettings mq = mq("mq.type", "kafka", "kafka.brokerList", "k1:9092, k2:9093",
                "kafka.readTimeout", "3", "msgChannel.chanNamePrefix.cluster", "vdb", "rootCoord.dmlChannelNum", "4");
        assertThat(mq.kafka()).isTrue();
        assertThat(mq.brokerList()).containsExactly("k1:9092", "k2:9093");
        assertThat(mq.readTimeoutMs()).isEqualTo(3_000);
        assertThat(mq.transactionTimeoutMs()).as("unset: twice kafka.readTimeout, at least 60 s").isEqualTo(60_000);
        assertThat(mq("kafka.readTimeout", "100").transactionTimeoutMs()).isEqualTo(200_000);
        assertThat(mq("kafka.transactionTimeout", "7").transactionTimeoutMs()).isEqualTo(7_000);
        assertThat(mq.groupCommitMaxWrites()).as("unset").isEqualTo(64);
        assertThat(mq("kafka.groupCommit.maxWrites", "1").groupCommitMaxWrites()).isEqualTo(1);
        assertThat(mq.groupCommitGatherMs()).as("unset: never waits").isZero();
        assertThat(mq("kafka.groupCommit.gatherTime", "20").groupCommitGatherMs()).isEqualTo(20);
        assertThat(mq.maxMessageBytes()).as("unset: 768 KiB, under Kafka's 1 MiB defaults").isEqualTo(786_432);
        assertThat(mq("kafka.maxMessageSize", "5242880").maxMessageBytes()).isEqualTo(5_242_880);
        assertThat(mq.pchannelPrefix()).isEqualTo("vdb-rootcoord-dml");
        assertThat(mq.dmlChannelNum()).isEqualTo(4);
    }

    @Test
    void anotherQueueIsRefusedInClusterModeButNotInTheEmbeddedMode() {
        assertThatThrownBy(() -> mq("etcd.endpoints", "127.0.0.1:1", "mq.type", "pulsar"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mq.type")
                .hasMessageContaining("not supported in cluster mode");
        assertThat(mq("mq.type", "rocksmq").kafka()).isFalse();
        assertThat(mq("etcd.endpoints", "127.0.0.1:1", "mq.type", "kafka").kafka()).isTrue();
        assertThatThrownBy(() -> mq("mq.type", "kafak")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("mq.type");
    }

    @Test
    void saslNeedsBothUserAndPasswordAndDefaultsToSaslSsl() {
        assertThatThrownBy(() -> mq("mq.type", "kafka", "kafka.saslUsername", "vv"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.saslPassword");
        assertThatThrownBy(() -> mq("mq.type", "kafka", "kafka.saslPassword", "pw"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.saslUsername");
        ServerConfig.MessageQueueSettings mq = mq("mq.type", "kafka", "kafka.saslUsername", "vv",
                "kafka.saslPassword", "s3cr3t-value", "kafka.saslMechanisms", "SCRAM-SHA-512");
        assertThat(mq.securityProtocol()).isEqualTo("SASL_SSL");
        assertThat(mq.saslMechanism()).isEqualTo("SCRAM-SHA-512");
        assertThat(mq.saslPassword().reveal()).isEqualTo("s3cr3t-value");
        assertThat(mq.toString()).doesNotContain("s3cr3t-value");
        assertThatThrownBy(() -> mq("mq.type", "kafka", "kafka.saslMechanisms", "GSSAPI"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.saslMechanisms");
        assertThatThrownBy(() -> mq("mq.type", "kafka", "kafka.securityProtocol", "SASL_PLAINTEXT"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.saslUsername");
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> mq("mq.type", "kafka", "kafka.brokerList", " , "))
                .hasMessageContaining("kafka.brokerList");
        assertThatThrownBy(() -> mq("kafka.readTimeout", "0")).hasMessageContaining("kafka.readTimeout");
        assertThatThrownBy(() -> mq("kafka.transactionTimeout", "901")).hasMessageContaining("kafka.transactionTimeout");
        assertThatThrownBy(() -> mq("kafka.groupCommit.maxWrites", "0"))
                .hasMessageContaining("kafka.groupCommit.maxWrites");
        assertThatThrownBy(() -> mq("kafka.maxMessageSize", "4095")).hasMessageContaining("kafka.maxMessageSize");
        assertThatThrownBy(() -> mq("kafka.maxMessageSize", "67108865")).hasMessageContaining("kafka.maxMessageSize");
        assertThatThrownBy(() -> mq("rootCoord.dmlChannelNum", "0")).hasMessageContaining("rootCoord.dmlChannelNum");
        assertThatThrownBy(() -> mq("msgChannel.chanNamePrefix.cluster", "a b"))
                .hasMessageContaining("msgChannel.chanNamePrefix.cluster");
        assertThatThrownBy(() -> mq("mq.type", "kafka", "kafka.ssl.enabled", "true", "kafka.ssl.tlsCaCert",
                "/nonexistent/ca.pem")).hasMessageContaining("kafka.ssl.tlsCaCert");
        assertThatThrownBy(() -> mq("mq.type", "kafka", "kafka.ssl.enabled", "true", "kafka.ssl.tlsCert",
                "/nonexistent/cert.pem")).hasMessageContaining("kafka.ssl.tlsKey");
    }
}
