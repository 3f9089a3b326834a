package dev.vectorvault.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The endpoint and search limits: Milvus's defaults where Milvus has the key, ours otherwise; bad values name the key. */
@Timeout(10)
class EndpointLimitsConfigTest {
    @Test
    void defaultsAreMilvusOnesWhereMilvusHasTheKey() {
        ServerConfig config = ServerConfig.defaults();
        assertThat(config.endpoint()).isEqualTo(new ServerConfig.EndpointLimits(64 << 20, 256 << 20, 0, 256,
                30_000, 20_000, 0, 3_600_000, 60_000, 0, 4_000_000, false));
        assertThat(config.search()).isEqualTo(ServerConfig.SearchLimits.MILVUS_DEFAULTS);
    }

    @Test
    void everyKeyIsRead() {
        ServerConfig config = ServerConfig.fromFlatKeys(Map.of(
                "proxy.grpc.serverMaxRecvSize", "1048576", "proxy.grpc.serverMaxSendSize", "2097152",
                "proxy.grpc.maxInflightRecvBytes", "33554432", "proxy.grpc.maxConnectionsPerAddress", "0",
                "proxy.grpc.unauthenticatedIdleTimeoutMs", "0", "proxy.grpc.handshakeTimeoutMs", "5000",
                "proxy.grpc.maxConnectionIdleMs", "60000", "proxy.grpc.maxConnectionAgeMs", "0",
                "proxy.grpc.maxConnectionAgeGraceMs", "1000"));
        assertThat(config.endpoint()).isEqualTo(new ServerConfig.EndpointLimits(1 << 20, 2 << 20, 32 << 20, 0, 0,
                5_000, 60_000, 0, 1_000, 0, 4_000_000, false));
        ServerConfig.EndpointLimits calls = ServerConfig.fromFlatKeys(Map.of("proxy.grpc.callThreads", "3",
                "proxy.grpc.inlineCostLimit", "0")).endpoint();
        assertThat(calls.callPoolThreads()).isEqualTo(3);
        assertThat(calls.inlineCostLimit()).isZero();
        assertThat(calls.nativeTransport()).isFalse();
        assertThat(ServerConfig.fromFlatKeys(Map.of("proxy.grpc.nativeTransport", "true")).endpoint()
                .nativeTransport()).isTrue();
        assertThat(ServerConfig.fromFlatKeys(Map.of("quotaAndLimits.limits.nq", "10", "quotaAndLimits.limits.topK",
                "20", "quotaAndLimits.limits.maxQueryResultWindow", "30", "proxy.maxResultEntries", "-1")).search())
                .isEqualTo(new ServerConfig.SearchLimits(10, 20, 30, -1));
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> ServerConfig.fromFlatKeys(Map.of("proxy.grpc.serverMaxRecvSize", "4294967296")))
                .hasMessageContaining("proxy.grpc.serverMaxRecvSize");
        assertThatThrownBy(() -> ServerConfig.fromFlatKeys(Map.of("quotaAndLimits.limits.nq", "0")))
                .hasMessageContaining("quotaAndLimits.limits.nq");
        assertThatThrownBy(() -> ServerConfig.fromFlatKeys(Map.of("proxy.grpc.maxConnectionsPerAddress", "-1")))
                .hasMessageContaining("proxy.grpc.maxConnectionsPerAddress");
        assertThatThrownBy(() -> ServerConfig.fromFlatKeys(Map.of("proxy.grpc.nativeTransport", "epoll")))
                .hasMessageContaining("proxy.grpc.nativeTransport");
    }
}
