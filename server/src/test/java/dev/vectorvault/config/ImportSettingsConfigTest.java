package dev.vectorvault.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImportSettingsConfigTest {
    @Test
    void milvusKeysSetTheImportLimitsAndTheRootDefaultsBesideTheData() {
        ServerConfig.ImportSettings defaults = ServerConfig.fromFlatKeys(Map.of("localStorage.path", "/var/vv"))
                .bulkImport();
        assertThat(defaults.root()).isEqualTo(Path.of("/var/vv/import"));
        assertThat(defaults.maxFilesPerRequest()).isEqualTo(1024);
        assertThat(defaults.maxFileBytes()).isEqualTo(16L << 30);
        assertThat(defaults.batchBytes()).isEqualTo(16L << 20);
        assertThat(defaults.diskHeadroomBytes()).isEqualTo(1L << 30);
        assertThat(defaults.maxRowGroupBytes()).isEqualTo(512L << 20);
        assertThat(defaults.stopWaitMs()).isEqualTo(5_000);
        ServerConfig.ImportSettings set = ServerConfig.fromFlatKeys(Map.of(
                "localStorage.importPath", "/srv/files", "dataCoord.import.maxImportFileNumPerReq", "3",
                "dataCoord.import.maxImportJobNum", "5", "dataNode.import.maxConcurrentTaskNum", "4",
                "dataNode.import.maxImportFileSizeInGB", "0.5", "dataNode.import.readBufferSizeInMB", "2",
                "dataCoord.import.taskRetention", "60", "dataNode.import.diskHeadroomInMB", "0",
                "dataNode.import.maxParquetRowGroupSizeInMB", "8", "dataNode.import.gracefulStopTimeout", "0"))
                .bulkImport();
        assertThat(set).isEqualTo(new ServerConfig.ImportSettings(Path.of("/srv/files"), 3, 5, 4, 1L << 29, 2L << 20,
                60_000, 0, 8L << 20, 0));
    }

    @Test
    void aNegativeStopWaitIsRefusedAtStartNamingTheKey() {
        assertThatThrownBy(() -> ServerConfig.fromFlatKeys(Map.of("dataNode.import.gracefulStopTimeout", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dataNode.import.gracefulStopTimeout")
                .hasMessageContaining("must be between 0 and 3600, got -1");
        assertThat(ServerConfig.fromFlatKeys(Map.of("dataNode.import.gracefulStopTimeout", "30")).bulkImport()
                .stopWaitMs()).isEqualTo(30_000);
    }

    @Test
    void anImportRootHoldingTheDataFolderIsRefused() {
        for (String root : new String[] {"/var/vv", "/var", "/var/vv/"}) {
            assertThatThrownBy(() -> ServerConfig.fromFlatKeys(Map.of("localStorage.path", "/var/vv",
                    "localStorage.importPath", root))).as(root).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("localStorage.importPath");
        }
        assertThatThrownBy(() -> ServerConfig.fromFlatKeys(Map.of("dataNode.import.maxImportFileSizeInGB", "0")))
                .isInstanceOf(ConfigException.class);
    }
}
