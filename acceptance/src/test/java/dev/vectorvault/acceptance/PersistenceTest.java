package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.rbac.request.CreateUserReq;
import io.milvus.v2.service.rbac.request.DropUserReq;
import io.milvus.v2.service.rbac.request.UpdatePasswordReq;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Acknowledged credential changes survive a clean restart and a kill -9. */
@Timeout(300)
class PersistenceTest {
    @TempDir
    Path dataDir;

    private static void withRoot(ServerProcess server, String rootPassword, Consumer<MilvusClientV2> action) {
        try (AutoCloseableClient c = new AutoCloseableClient(Clients.as(server, "root", rootPassword))) {
            action.accept(c.client);
        }
    }

    private record AutoCloseableClient(MilvusClientV2 client) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
        }
    }

    private static boolean canLogIn(ServerProcess server, String user, String password) {
        try {
            Clients.as(server, user, password).close();
            return true;
        } catch (RuntimeException e) {
            assertThat(e).hasMessageContaining("auth check failure");
            return false;
        }
    }

    @Test
    void usersSurviveACleanRestart() {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir)) {
            withRoot(server, "Milvus", root ->
                    root.createUser(CreateUserReq.builder().userName("kept").password("kept-pw1").build()));
            server.restart();
            assertThat(canLogIn(server, "kept", "kept-pw1")).isTrue();
        }
    }

    @Test
    void everyAcknowledgedChangeSurvivesKillNine() {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir)) {
            withRoot(server, "Milvus", root -> {
                root.createUser(CreateUserReq.builder().userName("survivor").password("before-kill").build());
                root.createUser(CreateUserReq.builder().userName("doomed").password("doomed-pw").build());
            });
            server.kill9();
            server.restart();
            assertThat(canLogIn(server, "survivor", "before-kill")).isTrue();

            withRoot(server, "Milvus", root -> {
                root.updatePassword(UpdatePasswordReq.builder().userName("survivor").password("before-kill")
                        .newPassword("after-kill").build());
                root.dropUser(DropUserReq.builder().userName("doomed").build());
                // Root changes its own password: the well-known default must not come back after a crash.
                root.updatePassword(UpdatePasswordReq.builder().userName("root").password("Milvus")
                        .newPassword("N3w-root-pw").build());
            });
            server.kill9();
            server.restart();
            assertThat(canLogIn(server, "survivor", "after-kill")).isTrue();
            assertThat(canLogIn(server, "survivor", "before-kill")).isFalse();
            assertThat(canLogIn(server, "doomed", "doomed-pw")).isFalse();
            assertThat(canLogIn(server, "root", "Milvus")).isFalse();
            assertThat(canLogIn(server, "root", "N3w-root-pw")).isTrue();
        }
    }

    @Test
    void defaultRootPasswordSettingAppliesToTheFirstStartOnly() {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir,
                "common.security.defaultRootPassword", "First-start-pw")) {
            assertThat(canLogIn(server, "root", "Milvus")).isFalse();
            assertThat(canLogIn(server, "root", "First-start-pw")).isTrue();
            assertThat(server.log()).doesNotContain("First-start-pw")
                    .doesNotContain("well-known default password");
        }
        try (ServerProcess again = ServerProcess.startWithAuth(dataDir,
                "common.security.defaultRootPassword", "Other-pw-123")) {
            assertThat(canLogIn(again, "root", "First-start-pw")).isTrue();
            assertThatThrownBy(() -> Clients.as(again, "root", "Other-pw-123").close())
                    .hasMessageContaining("auth check failure");
        }
    }

    @Test
    void serverWarnsWhileRootKeepsTheWellKnownPassword() {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir)) {
            assertThat(server.log()).contains("root still has the well-known default password");
        }
    }
}
