package dev.vectorvault.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code common.storageType} and Milvus's {@code minio.*} keys. */
class ObjectStorageSettingsTest {
    @Test
    void localStorageIsTheDefaultWithMilvussMinioDefaults() {
        ServerConfig.ObjectStorageSettings s = ServerConfig.defaults().objectStorage();
        assertThat(s.remote()).isFalse();
        assertThat(s.endpoint()).isEqualTo("http://localhost:9000");
        assertThat(s.bucketName()).isEqualTo("a-bucket");
        assertThat(s.rootPath()).isEqualTo("files");
        assertThat(s.requestTimeoutMs()).isEqualTo(10_000);
    }

    @Test
    void remoteStorageReadsEveryKey() {
        ServerConfig.ObjectStorageSettings s = ServerConfig.fromFlatKeys(Map.ofEntries(
                Map.entry("common.storageType", "remote"), Map.entry("minio.address", "s3.example"),
                Map.entry("minio.port", "443"), Map.entry("minio.useSSL", "true"),
                Map.entry("minio.accessKeyID", "AKIDEXAMPLE"), Map.entry("minio.secretAccessKey", "s3cr3t-value"),
                Map.entry("minio.bucketName", "my-bucket"), Map.entry("minio.rootPath", "/vv/files/"),
                Map.entry("minio.region", "eu-west-1"), Map.entry("minio.useVirtualHost", "true"),
                Map.entry("minio.requestTimeoutMs", "2500"))).objectStorage();
        assertThat(s.remote()).isTrue();
        assertThat(s.endpoint()).isEqualTo("https://s3.example:443");
        assertThat(s.rootPath()).isEqualTo("vv/files");
        assertThat(s.region()).isEqualTo("eu-west-1");
        assertThat(s.useVirtualHost()).isTrue();
        assertThat(s.secretAccessKey().reveal()).isEqualTo("s3cr3t-value");
        assertThat(s.toString()).doesNotContain("s3cr3t-value").doesNotContain("AKIDEXAMPLE").contains("my-bucket");
    }

    @Test
    void onlyTheAwsProviderAndKnownStorageTypesAreAccepted() {
        assertThatThrownBy(() -> ServerConfig.fromFlatKeys(Map.of("minio.cloudProvider", "gcp")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("minio.cloudProvider")
                .hasMessageContaining("gcp");
        assertThatThrownBy(() -> ServerConfig.fromFlatKeys(Map.of("common.storageType", "opendal")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("common.storageType");
        assertThatThrownBy(() -> ServerConfig.fromFlatKeys(Map.of("minio.bucketName", "Bad_Bucket")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("minio.bucketName");
        assertThatThrownBy(() -> ServerConfig.fromFlatKeys(Map.of("minio.requestTimeoutMs", "5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("minio.requestTimeoutMs");
    }
}
