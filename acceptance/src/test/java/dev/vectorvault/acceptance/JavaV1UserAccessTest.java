package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.milvus.client.MilvusServiceClient;
import io.milvus.param.ConnectParam;
import io.milvus.param.R;
import io.milvus.param.RpcStatus;
import io.milvus.param.credential.CreateCredentialParam;
import io.milvus.param.credential.DeleteCredentialParam;
import io.milvus.param.credential.ListCredUsersParam;
import io.milvus.param.credential.UpdateCredentialParam;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The same flows with the official Java SDK's v1 client (MilvusServiceClient, withAuthorization). */
@Timeout(300)
class JavaV1UserAccessTest {
    @TempDir
    static Path dataDir;
    static ServerProcess server;

    @BeforeAll
    static void startServer() {
        server = ServerProcess.startWithAuth(dataDir);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static MilvusServiceClient connect(ConnectParam.Builder builder) {
        MilvusServiceClient client = new MilvusServiceClient(builder
                .withHost("127.0.0.1").withPort(server.port())
                .withConnectTimeout(15, TimeUnit.SECONDS)
                .withRpcDeadline(15, TimeUnit.SECONDS)
                .build());
        client.withRetry(1);
        return client;
    }

    private static MilvusServiceClient as(String user, String password) {
        return connect(ConnectParam.newBuilder().withAuthorization(user, password));
    }

    @Test
    void userLifecycleWithTheV1Client() {
        MilvusServiceClient root = as("root", "Milvus");
        try {
            R<RpcStatus> created = root.createCredential(CreateCredentialParam.newBuilder()
                    .withUsername("v1_alice").withPassword("V1pass_alice").build());
            assertThat(created.getStatus()).isZero();
            assertThat(root.listCredUsers(ListCredUsersParam.newBuilder().build()).getData().getUsernamesList())
                    .contains("root", "v1_alice");

            MilvusServiceClient alice = as("v1_alice", "V1pass_alice");
            assertThat(alice.checkHealth().getData().getIsHealthy()).isTrue();

            R<RpcStatus> wrongOld = root.updateCredential(UpdateCredentialParam.newBuilder()
                    .withUsername("v1_alice").withOldPassword("V1pass_wrong").withNewPassword("V1pass_alice2").build());
            assertThat(wrongOld.getStatus()).isEqualTo(1400);
            R<RpcStatus> reset = root.updateCredential(UpdateCredentialParam.newBuilder()
                    .withUsername("v1_alice").withOldPassword("V1pass_alice").withNewPassword("V1pass_alice2").build());
            assertThat(reset.getStatus()).isZero();
            assertThat(alice.checkHealth().getMessage()).contains("auth check failure");
            alice.close();

            MilvusServiceClient alice2 = as("v1_alice", "V1pass_alice2");
            assertThat(alice2.checkHealth().getData().getIsHealthy()).isTrue();
            assertThat(root.deleteCredential(DeleteCredentialParam.newBuilder().withUsername("v1_alice").build())
                    .getStatus()).isZero();
            assertThat(alice2.checkHealth().getMessage()).contains("auth check failure");
            alice2.close();

            R<RpcStatus> tooShort = root.createCredential(CreateCredentialParam.newBuilder()
                    .withUsername("v1_bob").withPassword("12345").build());
            assertThat(tooShort.getStatus()).isEqualTo(1100);
        } finally {
            root.close();
        }
    }

    @Test
    void wrongPasswordAndTheV1DefaultCredentialsAreRefused() {
        assertThatThrownBy(() -> as("root", "not-Milvus")).hasMessageContaining("auth check failure");
        // Without credentials the v1 client sends root:milvus (lower-case m), which is not root's password.
        assertThatThrownBy(() -> connect(ConnectParam.newBuilder())).hasMessageContaining("auth check failure");
        MilvusServiceClient byToken = connect(ConnectParam.newBuilder().withToken("root:Milvus"));
        assertThat(byToken.getVersion().getData().getVersion()).isNotBlank();
        byToken.close();
    }
}
