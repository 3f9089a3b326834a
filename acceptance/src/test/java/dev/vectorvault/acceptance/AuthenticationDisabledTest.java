package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.rbac.request.CreateUserReq;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** With authentication off (Milvus's default) loopback clients need no credentials; users still persist. */
@Timeout(300)
class AuthenticationDisabledTest {
    @TempDir
    Path dataDir;

    @Test
    void anyLoopbackClientIsServedAndUsersPreparedNowApplyOnceAuthenticationIsOn() {
        try (ServerProcess server = ServerProcess.start(dataDir, Map.of())) {
            MilvusClientV2 anonymous = Clients.connect(server, b -> b);
            assertThat(anonymous.checkHealth().getIsHealthy()).isTrue();
            anonymous.createUser(CreateUserReq.builder().userName("prepared").password("Prepared-1").build());
            assertThat(anonymous.listUsers()).contains("root", "prepared");
            anonymous.close();
            MilvusClientV2 wrongPassword = Clients.withToken(server, "root:anything");
            assertThat(wrongPassword.checkHealth().getIsHealthy()).isTrue();
            wrongPassword.close();
            assertThat(server.log()).contains("event=authentication_disabled");
        }
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir)) {
            MilvusClientV2 prepared = Clients.as(server, "prepared", "Prepared-1");
            assertThat(prepared.checkHealth().getIsHealthy()).isTrue();
            prepared.close();
        }
    }
}
