package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.exception.MilvusClientException;
import io.milvus.v2.service.rbac.request.CreateUserReq;
import io.milvus.v2.service.rbac.request.DescribeUserReq;
import io.milvus.v2.service.rbac.request.DropUserReq;
import io.milvus.v2.service.rbac.request.UpdatePasswordReq;
import io.milvus.v2.service.rbac.request.UpdateUserReq;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The product description's user flows with the official Java SDK v2 (MilvusClientV2), authentication on. */
@Timeout(300)
class JavaV2UserAccessTest {
    /** Every password used here starts with this, so the server log can be searched for leaks afterwards. */
    private static final String PW = "JavaPw_";
    private static final String AUTH_FAILURE = "auth check failure, please check username and password are correct";

    @TempDir
    static Path dataDir;
    static ServerProcess server;
    static MilvusClientV2 root;
    private final List<MilvusClientV2> opened = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        // Many deliberate failures come from 127.0.0.1 here; the throttle has its own test.
        server = ServerProcess.startWithAuth(dataDir, "common.security.loginThrottle.addressFreeFailures", "1000",
                "common.security.loginThrottle.userFreeFailures", "1000");
        root = Clients.root(server);
    }

    @AfterAll
    static void stopServer() {
        if (root != null) {
            root.close();
        }
        if (server != null) {
            String log = server.log();
            server.close();
            assertThat(log).as("server log must never contain a password").doesNotContain(PW)
                    .doesNotContain("SmF2YVB3"); // base64 of "JavaPw", as passwords travel on the wire
        }
    }

    @AfterEach
    void closeClients() {
        opened.forEach(MilvusClientV2::close);
    }

    private MilvusClientV2 as(String user, String password) {
        MilvusClientV2 client = Clients.as(server, user, password);
        opened.add(client);
        return client;
    }

    private static void createUser(String name, String password) {
        root.createUser(CreateUserReq.builder().userName(name).password(password).build());
    }

    private static MilvusClientException serverError(Runnable call) {
        try {
            call.run();
        } catch (MilvusClientException e) {
            return e;
        }
        throw new AssertionError("expected the server to refuse the call");
    }

    @Test
    void rootConnectsWithTokenOrWithUserAndPassword() {
        assertThat(root.checkHealth().getIsHealthy()).isTrue();
        assertThat(as("root", "Milvus").listUsers()).contains("root");
        assertThat(root.getServerVersion()).isNotBlank();
    }

    @Test
    void createdUserIsListedAndCanConnect() {
        createUser("v2_alice", PW + "alice");
        assertThat(root.listUsers()).contains("root", "v2_alice");
        MilvusClientV2 alice = as("v2_alice", PW + "alice");
        assertThat(alice.checkHealth().getIsHealthy()).isTrue();
        assertThat(root.describeUser(DescribeUserReq.builder().userName("v2_alice").build()).getUserName())
                .isEqualTo("v2_alice");
    }

    @Test
    void wrongPasswordUnknownUserAndMissingCredentialsAreRefusedAtConnect() {
        createUser("v2_bob", PW + "bob123");
        assertThatThrownBy(() -> as("v2_bob", PW + "bob124")).hasMessageContaining(AUTH_FAILURE);
        assertThatThrownBy(() -> as("v2_nobody", PW + "bob123")).hasMessageContaining(AUTH_FAILURE);
        assertThatThrownBy(() -> Clients.withToken(server, "root:Milvuskk")).hasMessageContaining(AUTH_FAILURE);
        assertThatThrownBy(() -> Clients.connect(server, b -> b))
                .hasMessageContaining("missing authorization in header");
    }

    @Test
    void passwordResetWithTheOldOneSwitchesCredentialsForEveryOpenClient() {
        createUser("v2_carol", PW + "carol1");
        MilvusClientV2 carol = as("v2_carol", PW + "carol1");
        assertThat(carol.checkHealth().getIsHealthy()).isTrue();

        MilvusClientException wrongOld = serverError(() -> root.updatePassword(UpdatePasswordReq.builder()
                .userName("v2_carol").password(PW + "wrong!").newPassword(PW + "carol2").build()));
        assertThat(wrongOld.getServerErrCode()).isEqualTo(1400);
        assertThat(wrongOld.getMessage()).contains("old password not correct for v2_carol");

        carol.updatePassword(UpdatePasswordReq.builder()
                .userName("v2_carol").password(PW + "carol1").newPassword(PW + "carol2").build());
        // The client that still presents the old password is refused on its very next call.
        assertThatThrownBy(carol::checkHealth).hasMessageContaining(AUTH_FAILURE);
        assertThat(as("v2_carol", PW + "carol2").checkHealth().getIsHealthy()).isTrue();
        assertThatThrownBy(() -> as("v2_carol", PW + "carol1")).hasMessageContaining(AUTH_FAILURE);
    }

    @Test
    void descriptionOnlyUpdateNeverChangesThePassword() {
        createUser("v2_dora", PW + "dora12");
        root.updateUser(UpdateUserReq.builder().userName("v2_dora").description("data team").build());
        assertThat(root.describeUser(DescribeUserReq.builder().userName("v2_dora").build()).getDescription())
                .isEqualTo("data team");
        assertThat(as("v2_dora", PW + "dora12").checkHealth().getIsHealthy()).isTrue();
    }

    @Test
    void deletedUsersOpenClientIsRefusedOnItsNextCall() {
        createUser("v2_erin", PW + "erin12");
        MilvusClientV2 erin = as("v2_erin", PW + "erin12");
        assertThat(erin.checkHealth().getIsHealthy()).isTrue();
        root.dropUser(DropUserReq.builder().userName("v2_erin").build());
        assertThatThrownBy(erin::checkHealth).hasMessageContaining(AUTH_FAILURE);
        assertThat(root.listUsers()).doesNotContain("v2_erin");
        // Re-created with another password: only the new one works.
        createUser("v2_erin", PW + "erin34");
        assertThatThrownBy(() -> as("v2_erin", PW + "erin12")).hasMessageContaining(AUTH_FAILURE);
        assertThat(as("v2_erin", PW + "erin34").checkHealth().getIsHealthy()).isTrue();
    }

    @Test
    void reconnectingAsAnotherUserActsAsThatUser() {
        createUser("v2_frank", PW + "frank1");
        MilvusClientV2 frank = as("v2_frank", PW + "frank1");
        assertThatThrownBy(frank::listUsers).hasMessageContaining("permission deny to v2_frank");
        frank.close();
        MilvusClientV2 again = as("root", "Milvus");
        assertThat(again.listUsers()).contains("v2_frank");
    }

    @Test
    void rootCannotBeDeletedAndDeletingAMissingUserSucceeds() {
        MilvusClientException e = serverError(() -> root.dropUser(DropUserReq.builder().userName("root").build()));
        assertThat(e.getServerErrCode()).isEqualTo(1401);
        assertThat(e.getMessage()).contains("root user cannot be deleted");
        assertThatCode(() -> root.dropUser(DropUserReq.builder().userName("v2_ghost").build()))
                .doesNotThrowAnyException();
    }

    @Test
    void duplicateUserIsRefused() {
        createUser("v2_gina", PW + "gina12");
        MilvusClientException e = serverError(() -> createUser("v2_gina", PW + "gina34"));
        assertThat(e.getMessage()).contains("user already exists: v2_gina");
        assertThat(as("v2_gina", PW + "gina12").checkHealth().getIsHealthy()).isTrue();
    }

    @Test
    void usernameLimitsAtAndJustPastEachBoundary() {
        String max = "u" + "x".repeat(31);
        createUser(max, PW + "limits");
        assertThat(as(max, PW + "limits").checkHealth().getIsHealthy()).isTrue();
        for (String bad : List.of(max + "y", "", "9lives", "_under", "dash-name", "dot.name", "sp ace", "n@me")) {
            MilvusClientException e = serverError(() -> createUser(bad, PW + "limits"));
            assertThat(e.getServerErrCode()).as("username '%s'", bad).isEqualTo(1100);
            assertThat(e.getMessage()).contains("invalid parameter");
        }
        assertThat(root.listUsers()).doesNotContain(max + "y", "9lives", "dash-name");
    }

    @Test
    void passwordLimitsAtAndJustPastEachBoundaryAndEveryCharacterCounts() {
        String six = PW.substring(0, 6);
        String longest = PW + "p".repeat(256 - PW.length() - 1) + "Z";
        createUser("v2_six", six);
        createUser("v2_long", longest);
        assertThat(as("v2_six", six).checkHealth().getIsHealthy()).isTrue();
        assertThat(as("v2_long", longest).checkHealth().getIsHealthy()).isTrue();
        // Only the 256th character differs: bcrypt-based Milvus would accept this, we must not.
        String lastCharDiffers = longest.substring(0, 255) + "Y";
        assertThatThrownBy(() -> as("v2_long", lastCharDiffers)).hasMessageContaining(AUTH_FAILURE);

        for (String bad : List.of(six.substring(0, 5), longest + "q")) {
            MilvusClientException e = serverError(() -> createUser("v2_badpw", bad));
            assertThat(e.getServerErrCode()).isEqualTo(1100);
            assertThat(e.getMessage()).contains("invalid password length");
        }
        assertThat(root.listUsers()).doesNotContain("v2_badpw");
    }

    @Test
    void nonAsciiPasswordsWork() {
        String password = PW + "シャオミン中文";
        createUser("v2_unicode", password);
        assertThat(as("v2_unicode", password).checkHealth().getIsHealthy()).isTrue();
    }
}
