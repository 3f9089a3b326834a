package dev.vectorvault.storage.kafka;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.config.ServerConfig.MessageQueueSettings;
import dev.vectorvault.storage.log.ShardLogException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;

/**
 * The client settings every producer, consumer and admin client of the shard log shares: brokers, security (SASL
 * user and password, TLS with PEM files) and the timeouts derived from {@code kafka.readTimeout}. Secrets travel as
 * Kafka {@link Password} values, which Kafka's own config logging prints as {@code [hidden]}; this class's
 * {@code toString} shows no value at all.
 */
final class KafkaClientProperties {
    private final Map<String, Object> common;
    private final long timeoutMs;

    KafkaClientProperties(MessageQueueSettings settings) {
        this.timeoutMs = settings.readTimeoutMs();
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", settings.brokerList()));
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, settings.securityProtocol());
        props.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        props.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        // Reconnect quickly after a broker restart, backing off exponentially up to 1 s while it stays away.
        props.put(CommonClientConfigs.RECONNECT_BACKOFF_MS_CONFIG, 50);
        props.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        if (settings.securityProtocol().startsWith("SASL")) {
            props.put(SaslConfigs.SASL_MECHANISM, settings.saslMechanism());
            String module = settings.saslMechanism().equals("PLAIN")
                    ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            props.put(SaslConfigs.SASL_JAAS_CONFIG, new Password(module + " required username=\""
                    + jaasQuote(settings.saslUsername()) + "\" password=\""
                    + jaasQuote(settings.saslPassword().reveal()) + "\";"));
        }
        if (settings.securityProtocol().endsWith("SSL")) {
            if (!settings.tlsCaCert().toString().isEmpty()) {
                props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
                props.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, settings.tlsCaCert().toString());
            }
            if (!settings.tlsCert().toString().isEmpty()) {
                // Kafka's PEM key store takes the chain and the (PKCS#8) key as text.
                props.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
                props.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG,
                        new Password(read("kafka.ssl.tlsCert", settings.tlsCert())));
                props.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, new Password(read("kafka.ssl.tlsKey", settings.tlsKey())));
                if (!settings.tlsKeyPassword().reveal().isEmpty()) {
                    props.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, new Password(settings.tlsKeyPassword().reveal()));
                }
            }
        }
        this.common = Map.copyOf(props);
    }

    /** A fresh, mutable copy of the shared settings for one client. */
    Map<String, Object> client(String clientId) {
        Map<String, Object> props = new HashMap<>(common);
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return props;
    }

    /** {@code kafka.readTimeout} in milliseconds: the bound on every blocking call to the brokers. */
    long timeoutMs() {
        return timeoutMs;
    }

    /** The JAAS value syntax: a quoted string in which backslash and double quote are escaped. */
    private static String jaasQuote(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String read(String key, Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ShardLogException(ErrorCode.LOG_FAILED, "cannot read " + key + " (" + file + "): "
                    + e.getClass().getSimpleName(), null);
        }
    }

    @Override
    public String toString() {
        return "KafkaClientProperties[" + common.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) + ", "
                + common.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG) + "]";
    }
}
