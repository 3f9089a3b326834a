package dev.vectorvault.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.auth.AuditLog;
import dev.vectorvault.auth.AuditSink;
import dev.vectorvault.config.ConfigException;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.config.ServerConfig.AuditLogSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The audit trail's own file ({@code proxy.auditLog.*}): JSON or text lines, rolled and bounded by Logback. */
@Timeout(120)
class RollingAuditFileTest {
    private static final String CRAFTED = "eve\"\n{\"event\":\"login_succeeded\",\"user\":\"root\"}";

    @TempDir
    Path dir;

    private AuditLogSettings settings(boolean json, int maxSizeMB, int maxTotalMB) {
        return new AuditLogSettings(true, dir.resolve("audit"), "audit.log", json, maxSizeMB, 7, maxTotalMB);
    }

    private static AuditLog auditTo(AuditSink file, boolean json) {
        return new AuditLog(60_000, 100, System::currentTimeMillis, json ? AuditLog.Format.JSON : AuditLog.Format.TEXT,
                file);
    }

    @Test
    void jsonLinesCarryOneEventEachEvenForCraftedNames() throws IOException {
        try (AuditSink file = RollingAuditFile.open(settings(true, 64, 1024))) {
            AuditLog audit = auditTo(file, true);
            audit.loginFailed(CRAFTED, "10.0.0.7", "bad_credentials");
            audit.loginSucceeded("alice", "10.0.0.8");
            audit.userChanged("user_created", "root", "alice", "10.0.0.9");
            audit.permissionDenied("Insert", "alice", "Collection:default.docs", "10.0.0.8", "PrivilegeInsert");
            audit.rbacChanged("grant", "root", "role=reader object=Collection:docs privilege=Search", "10.0.0.9");
        }
        List<String> lines = Files.readAllLines(dir.resolve("audit/audit.log"));
        assertThat(lines).hasSize(5);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            events.add(json.readTree(line));
        }
        assertThat(events).extracting(e -> e.get("event").asText()).containsExactly("login_failed",
                "login_succeeded", "user_created", "permission_denied", "grant");
        assertThat(events.get(0).get("user").asText()).isEqualTo(CRAFTED);
        assertThat(events.get(0).get("level").asText()).isEqualTo("WARN");
        assertThat(events.get(0).get("reason").asText()).isEqualTo("bad_credentials");
        assertThat(events.get(0).get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(events.get(3).get("privilege").asText()).isEqualTo("PrivilegeInsert");
        assertThat(Files.getPosixFilePermissions(dir.resolve("audit")))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void textLinesPutTimeAndLevelInFrontOfTheKeyValueEvent() throws IOException {
        try (AuditSink file = RollingAuditFile.open(settings(false, 64, 1024))) {
            auditTo(file, false).loginFailed("bob", "10.1.1.1", "bad_credentials");
        }
        assertThat(Files.readAllLines(dir.resolve("audit/audit.log"))).singleElement().asString()
                .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} WARN  event=login_failed user=\"bob\""
                        + " client=\"10.1.1.1\" reason=bad_credentials");
    }

    @Test
    void theFileRollsAtItsSizeLimitIntoCompressedFiles() throws IOException {
        try (AuditSink file = RollingAuditFile.open(settings(true, 1, 3))) {
            AuditLog audit = auditTo(file, true);
            for (int i = 0; i < 24_000; i++) { // about 2.6 MB of JSON lines
                audit.userChanged("user_created", "root", "user_" + i, "10.0.0." + (i % 250));
            }
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir.resolve("audit"))) {
            files = listing.toList();
        }
        assertThat(files).filteredOn(p -> p.getFileName().toString().endsWith(".log.gz")).hasSizeGreaterThan(1);
        assertThat(Files.size(dir.resolve("audit/audit.log"))).isLessThan(1_100_000);
    }

    @Test
    void theKeysAreCheckedAtStartUp() {
        ServerConfig config = ServerConfig.fromFlatKeys(Map.of("proxy.auditLog.enable", "true",
                "proxy.auditLog.format", "JSON", "localStorage.path", dir.toString()));
        assertThat(config.auditLog().json()).isTrue();
        assertThat(config.auditLog().directory()).isEqualTo(dir.resolve("audit"));
        assertThat(ServerConfig.fromFlatKeys(Map.of()).auditLog().enabled()).isFalse();
        assertThatThrownBy(() -> ServerConfig.fromFlatKeys(Map.of("proxy.auditLog.format", "xml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("proxy.auditLog.format");
        assertThatThrownBy(() -> ServerConfig.fromFlatKeys(Map.of("proxy.auditLog.filename", "../escape.log")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("proxy.auditLog.filename");
        assertThatThrownBy(() -> ServerConfig.fromFlatKeys(Map.of("proxy.auditLog.maxSize", "100",
                "proxy.auditLog.maxTotalSize", "10"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("proxy.auditLog.maxTotalSize");
    }
}
