package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.rbac.request.CreateUserReq;
import io.milvus.v2.service.rbac.request.DropUserReq;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Failed logins are throttled and audited; the audit trail names who, what and where, and never a secret. */
@Timeout(300)
class BruteForceAndAuditTest {
    private static final String FAILURE = "auth check failure, please check username and password are correct";

    @TempDir
    Path dataDir;

    @Test
    void guessingIsThrottledThenAllowedAgainAfterTheDelay() throws Exception {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir,
                "common.security.loginThrottle.userFreeFailures", "3",
                "common.security.loginThrottle.baseDelayMs", "2000",
                "common.security.loginThrottle.maxDelayMs", "4000")) {
            MilvusClientV2 root = Clients.root(server);
            root.createUser(CreateUserReq.builder().userName("target").password("Right-pw-1").build());
            for (int i = 0; i < 4; i++) {
                int guess = i;
                assertThatThrownBy(() -> Clients.as(server, "target", "Guess-pw-" + guess))
                        .hasMessageContaining(FAILURE);
            }
            // Blocked now: even the right password gets the same answer, so guessing learns nothing.
            assertThatThrownBy(() -> Clients.as(server, "target", "Right-pw-1")).hasMessageContaining(FAILURE);
            MilvusClientV2 target = loginOnceTheBlockEnds(server, "target", "Right-pw-1");
            assertThat(target.checkHealth().getIsHealthy()).isTrue();
            target.close();
            root.close();

            String log = server.log();
            assertThat(log).contains("event=login_failed user=\"target\" client=\"127.0.0.1\" reason=bad_credentials")
                    .contains("reason=throttled");
        }
    }

    /**
     * Tries the right password until the block ends. A refused attempt neither counts as a failure nor extends the
     * block (LoginThrottle), so the tries do not hold it open; a block that never ended would fail the test here.
     */
    private static MilvusClientV2 loginOnceTheBlockEnds(ServerProcess server, String user, String password)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return Clients.as(server, user, password);
            } catch (RuntimeException refused) {
                assertThat(refused).hasMessageContaining(FAILURE);
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("still refused 60 s after the block began", refused);
                }
                Thread.sleep(200);
            }
        }
    }

    @Test
    void everyUserChangeAndLoginFailureIsAuditedWithoutSecrets() {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir)) {
            MilvusClientV2 root = Clients.root(server);
            root.createUser(CreateUserReq.builder().userName("audited").password("Audit-secret-1").build());
            assertThatThrownBy(() -> Clients.as(server, "audited", "Audit-secret-2")).hasMessageContaining(FAILURE);
            assertThatThrownBy(() -> Clients.as(server, "ghost\nevent=forged", "Audit-secret-3"))
                    .hasMessageContaining(FAILURE);
            root.dropUser(DropUserReq.builder().userName("audited").build());
            root.close();

            String log = server.log();
            assertThat(log).contains("event=user_created actor=\"root\" user=\"audited\" client=\"127.0.0.1\"")
                    .contains("event=login_failed user=\"audited\"")
                    .contains("event=user_deleted actor=\"root\" user=\"audited\"")
                    .contains("user=\"ghost\\x0aevent=forged\"")
                    .doesNotContain("\nevent=forged")
                    .doesNotContain("Audit-secret")
                    .doesNotContain("QXVkaXQtc2VjcmV0"); // base64 "Audit-secret"
        }
    }

    /** {@code proxy.auditLog.*}: the same events, one JSON object per line, in their own file. */
    @Test
    void theAuditFileHoldsOneJsonObjectPerEvent() throws Exception {
        Path auditDir = dataDir.resolve("audit-out");
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir, "proxy.auditLog.enable", "true",
                "proxy.auditLog.format", "json", "proxy.auditLog.localPath", auditDir.toString())) {
            MilvusClientV2 root = Clients.root(server);
            root.createUser(CreateUserReq.builder().userName("filed").password("Filed-secret-1").build());
            assertThatThrownBy(() -> Clients.as(server, "filed", "Filed-secret-2")).hasMessageContaining(FAILURE);
            root.dropUser(DropUserReq.builder().userName("filed").build());
            root.close();
        }
        java.util.List<String> lines = java.nio.file.Files.readAllLines(auditDir.resolve("audit.log"));
        java.util.List<String> events = new java.util.ArrayList<>();
        for (String line : lines) {
            com.google.gson.JsonObject event = com.google.gson.JsonParser.parseString(line).getAsJsonObject();
            events.add(event.get("event").getAsString() + ":"
                    + (event.has("user") ? event.get("user").getAsString() : ""));
        }
        assertThat(events).contains("login_succeeded:root", "user_created:filed", "login_failed:filed",
                "user_deleted:filed");
        assertThat(String.join("\n", lines)).doesNotContain("Filed-secret");
    }
}
