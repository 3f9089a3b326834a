package dev.vectorvault.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Milvus's {@code dataCoord.compaction.*} keys for the background expiry compaction and {@code common.entityExpiration}
 * (the default TTL): Milvus's defaults, read when given, refused at start-up with the key named when out of range.
 */
@Timeout(10)
class CompactionConfigTest {
    @Test
    void defaultsAreMilvus() {
        ServerConfig config = ServerConfig.defaults();
        assertThat(config.compaction()).isEqualTo(new ServerConfig.CompactionSettings(true, 60_000, 0.2));
        assertThat(config.entityExpirationSeconds()).isEqualTo(-1);
    }

    @Test
    void everyKeyIsRead() {
        ServerConfig config = ServerConfig.fromFlatKeys(Map.of(
                "dataCoord.compaction.enableAutoCompaction", "false",
                "dataCoord.compaction.global.interval", "5",
                "dataCoord.compaction.single.ratio.threshold", "0.5",
                "common.entityExpiration", "3600"));
        assertThat(config.compaction()).isEqualTo(new ServerConfig.CompactionSettings(false, 5_000, 0.5));
        assertThat(config.entityExpirationSeconds()).isEqualTo(3_600);
    }

    @Test
    void badValuesNameTheirKey() {
        for (Map.Entry<String, String> bad : Map.of(
                "dataCoord.compaction.enableAutoCompaction", "yes",
                "dataCoord.compaction.global.interval", "0",
                "dataCoord.compaction.single.ratio.threshold", "1",
                "common.entityExpiration", "-2").entrySet()) {
            assertThatThrownBy(() -> ServerConfig.fromFlatKeys(Map.of(bad.getKey(), bad.getValue())))
                    .as(bad.toString()).hasMessageContaining(bad.getKey());
        }
        for (String ratio : new String[] {"-0.1", "NaN", "a fifth"}) {
            assertThatThrownBy(() -> ServerConfig.fromFlatKeys(Map.of(
                    "dataCoord.compaction.single.ratio.threshold", ratio)))
                    .hasMessageContaining("dataCoord.compaction.single.ratio.threshold");
        }
        assertThatThrownBy(() -> ServerConfig.fromFlatKeys(Map.of("common.entityExpiration", "3155760001")))
                .hasMessageContaining("common.entityExpiration");
    }
}
