package dev.vectorvault.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void defaultsMatchMilvus() {
        ServerConfig config = ServerConfig.defaults();
        assertThat(config.port()).isEqualTo(19530);
        assertThat(config.authorizationEnabled()).isFalse();
        assertThat(config.defaultRootPassword().reveal()).isEqualTo("Milvus");
        assertThat(config.limits().maxUsernameLength()).isEqualTo(32);
        assertThat(config.limits().minPasswordLength()).isEqualTo(6);
        assertThat(config.limits().maxPasswordLength()).isEqualTo(256);
        assertThat(config.protectedMode()).isTrue();
    }

    @Test
    void readsNestedMilvusYamlAndIgnoresKeysItDoesNotKnow() throws Exception {
        Path file = dir.resolve("milvus.yaml");
        Files.writeString(file, """
                etcd:
                  endpoints: [localhost:2379]
                proxy:
                  port: 19531
                  maxPasswordLength: 128
                common:
                  security:
                    authorizationEnabled: true
                    superUsers: alice, bob
                localStorage:
                  path: /var/lib/milvus
                """);
        ServerConfig config = ConfigLoader.load(file, List.of("proxy.port=19999"));
        assertThat(config.port()).isEqualTo(19999);
        assertThat(config.authorizationEnabled()).isTrue();
        assertThat(config.superUsers()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(config.limits().maxPasswordLength()).isEqualTo(128);
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/milvus"));
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("proxy.port=abc")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("proxy.port");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("common.security.authorizationEnabled=yes")))
                .hasMessageContaining("common.security.authorizationEnabled");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("common.security.tlsMode=3")))
                .hasMessageContaining("common.security.tlsMode");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("common.security.tlsMode=1",
                "tls.serverPemPath=/nonexistent.pem"))).hasMessageContaining("tls.serverPemPath");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("common.security.tlsManagementPort=true")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("common.security.tlsManagementPort")
                .hasMessageContaining("common.security.tlsMode");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("common.security.argon2.memoryKiB=1024")))
                .hasMessageContaining("common.security.argon2.memoryKiB");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("common.security.defaultRootPassword=abc")))
                .hasMessageContaining("common.security.defaultRootPassword")
                .hasMessageNotContaining("abc");
    }

    @Test
    void secretsNeverPrint() {
        ServerConfig config = ConfigLoader.load(null, List.of("common.security.defaultRootPassword=TopSecret1"));
        assertThat(config.toString()).doesNotContain("TopSecret1");
    }

    @Test
    void filterLimitsHaveDefaultsAndTheirOwnKeys() {
        ServerConfig.FilterLimits defaults = ServerConfig.defaults().filters();
        assertThat(defaults).isEqualTo(new ServerConfig.FilterLimits(1_048_576, 100, 100_000));
        ServerConfig config = ConfigLoader.load(null, List.of("proxy.maxExpressionLength=4096",
                "proxy.maxExpressionDepth=20", "proxy.maxExpressionListSize=500"));
        assertThat(config.filters()).isEqualTo(new ServerConfig.FilterLimits(4096, 20, 500));
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("proxy.maxExpressionDepth=0")))
                .hasMessageContaining("proxy.maxExpressionDepth");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("proxy.maxExpressionDepth=100000")))
                .hasMessageContaining("proxy.maxExpressionDepth");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("proxy.maxExpressionLength=-1")))
                .hasMessageContaining("proxy.maxExpressionLength");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("proxy.maxExpressionListSize=x")))
                .hasMessageContaining("proxy.maxExpressionListSize");
    }
}
