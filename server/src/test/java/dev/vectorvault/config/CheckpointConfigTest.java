package dev.vectorvault.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.storage.data.DataStore;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The log volume after which a checkpoint starts by itself: 256 MiB unless {@code localStorage.checkpointMB} says. */
@Timeout(10)
class CheckpointConfigTest {
    @Test
    void theDefaultIsTheStoresOwnDefault() {
        assertThat(ServerConfig.defaults().storage().checkpointBytes())
                .isEqualTo(DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES);
    }

    @Test
    void theKeyIsReadInMebibytes() {
        ServerConfig.StorageSettings storage = ServerConfig.fromFlatKeys(Map.of(
                "localStorage.checkpointMB", "4096")).storage();
        assertThat(storage.checkpointBytes()).isEqualTo(4096L << 20);
    }

    @Test
    void valuesOutOfRangeNameTheKey() {
        assertThatThrownBy(() -> ServerConfig.fromFlatKeys(Map.of("localStorage.checkpointMB", "0")))
                .hasMessageContaining("localStorage.checkpointMB");
        assertThatThrownBy(() -> ServerConfig.fromFlatKeys(Map.of("localStorage.checkpointMB", "2097152")))
                .hasMessageContaining("localStorage.checkpointMB");
    }
}
