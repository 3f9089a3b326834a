package dev.vectorvault.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The delays before a failed index build is tried again: 1 s doubling up to 5 min unless configured. */
@Timeout(10)
class IndexBuildRetryConfigTest {
    @Test
    void defaultsAreOneSecondDoublingUpToFiveMinutes() {
        ServerConfig.StorageSettings storage = ServerConfig.defaults().storage();
        assertThat(storage.indexBuildRetryFirstDelayMs()).isEqualTo(1_000);
        assertThat(storage.indexBuildRetryMaxDelayMs()).isEqualTo(300_000);
    }

    @Test
    void bothKeysAreRead() {
        ServerConfig.StorageSettings storage = ServerConfig.fromFlatKeys(Map.of(
                "indexNode.buildRetry.firstDelayMs", "250", "indexNode.buildRetry.maxDelayMs", "4000")).storage();
        assertThat(storage.indexBuildRetryFirstDelayMs()).isEqualTo(250);
        assertThat(storage.indexBuildRetryMaxDelayMs()).isEqualTo(4_000);
    }

    @Test
    void aFirstDelayAboveTheDefaultMaximumRaisesTheMaximum() {
        ServerConfig.StorageSettings storage = ServerConfig.fromFlatKeys(Map.of(
                "indexNode.buildRetry.firstDelayMs", "600000")).storage();
        assertThat(storage.indexBuildRetryMaxDelayMs()).isEqualTo(600_000);
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> ServerConfig.fromFlatKeys(Map.of("indexNode.buildRetry.firstDelayMs", "0")))
                .hasMessageContaining("indexNode.buildRetry.firstDelayMs");
        assertThatThrownBy(() -> ServerConfig.fromFlatKeys(Map.of("indexNode.buildRetry.firstDelayMs", "5000",
                "indexNode.buildRetry.maxDelayMs", "1000"))).hasMessageContaining("indexNode.buildRetry.maxDelayMs");
    }
}
