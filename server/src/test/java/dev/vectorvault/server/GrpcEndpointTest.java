package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.milvus.grpc.CheckHealthRequest;
import io.milvus.grpc.ConnectRequest;
import io.milvus.grpc.CreateCredentialRequest;
import io.milvus.grpc.DeleteCredentialRequest;
import io.milvus.grpc.ListCredUsersRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.UpdateCredentialRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The whole server on a real loopback port, driven with raw gRPC stubs to check exact wire results. */
@Timeout(60)
class GrpcEndpointTest {
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dataDir;
    private LoopbackServer server;
    private io.grpc.Channel channel;

    private MilvusServiceBlockingStub start(boolean auth) throws Exception {
        server = LoopbackServer.start(dataDir, Map.of("common.security.authorizationEnabled", String.valueOf(auth)));
        channel = server.channel();
        return MilvusServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static <S extends io.grpc.stub.AbstractStub<S>> S withHeader(S stub, String authorization) {
        return stub.withInterceptors(new WireHeaders(authorization, null));
    }

    private static MilvusServiceBlockingStub as(MilvusServiceBlockingStub stub, String user, String password) {
        return withHeader(stub, b64(user + ":" + password));
    }

    @Test
    void everyRpcNeedsCredentialsWhenAuthenticationIsOn() throws Exception {
        MilvusServiceBlockingStub stub = start(true);
        assertThatThrownBy(() -> stub.connect(ConnectRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED);
                    assertThat(e.getStatus().getDescription()).isEqualTo("missing authorization in header");
                });
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        assertThatThrownBy(() -> health.check(HealthCheckRequest.getDefaultInstance()))
                .hasMessageContaining("UNAUTHENTICATED");
        assertThat(withHeader(health, b64("root:Milvus")).check(HealthCheckRequest.getDefaultInstance())
                .getStatus().name()).isEqualTo("SERVING");
    }

    @Test
    void authenticationFailuresCarryMilvusMessages() throws Exception {
        MilvusServiceBlockingStub stub = start(true);
        assertThatThrownBy(() -> withHeader(stub, "%%%").checkHealth(CheckHealthRequest.getDefaultInstance()))
                .hasMessage("UNAUTHENTICATED: invalid token format");
        assertThatThrownBy(() -> withHeader(stub, b64("an-api-key")).checkHealth(CheckHealthRequest.getDefaultInstance()))
                .hasMessage("UNAUTHENTICATED: auth check failure, please check api key is correct");
        String failure = "UNAUTHENTICATED: auth check failure, please check username and password are correct";
        assertThatThrownBy(() -> as(stub, "root", "milvus").checkHealth(CheckHealthRequest.getDefaultInstance()))
                .hasMessage(failure);
        assertThatThrownBy(() -> as(stub, "nobody", "Milvus").checkHealth(CheckHealthRequest.getDefaultInstance()))
                .hasMessage(failure);
        assertThatThrownBy(() -> as(stub, "", "").checkHealth(CheckHealthRequest.getDefaultInstance()))
                .hasMessage(failure);
        assertThat(as(stub, "root", "Milvus").connect(ConnectRequest.getDefaultInstance()).getIdentifier())
                .isNotZero();
    }

    @Test
    void passwordMayContainColons() throws Exception {
        MilvusServiceBlockingStub anonymous = start(true);
        MilvusServiceBlockingStub root = as(anonymous, "root", "Milvus");
        assertThat(root.createCredential(CreateCredentialRequest.newBuilder().setUsername("colon")
                .setPassword(b64("a:b:c:d")).build()).getCode()).isZero();
        assertThatThrownBy(() -> as(anonymous, "colon", "a:b").checkHealth(CheckHealthRequest.getDefaultInstance()))
                .hasMessageContaining("auth check failure");
        assertThat(as(anonymous, "colon", "a:b:c:d").checkHealth(CheckHealthRequest.getDefaultInstance()).getIsHealthy())
                .isTrue();
    }

    @Test
    void credentialFailuresComeBackInTheStatusWithMilvusCodes() throws Exception {
        MilvusServiceBlockingStub root = as(start(true), "root", "Milvus");
        var tooShort = root.createCredential(CreateCredentialRequest.newBuilder().setUsername("alice")
                .setPassword(b64("12345")).build());
        assertThat(tooShort.getCode()).isEqualTo(1100);
        assertThat(tooShort.getErrorCodeValue()).isEqualTo(5);
        var badBase64 = root.createCredential(CreateCredentialRequest.newBuilder().setUsername("alice")
                .setPassword("***").build());
        assertThat(badBase64.getReason()).startsWith("decode password fail");
        assertThat(root.createCredential(CreateCredentialRequest.newBuilder().setUsername("alice")
                .setPassword(b64("alice-pw")).build()).getCode()).isZero();
        var duplicate = root.createCredential(CreateCredentialRequest.newBuilder().setUsername("alice")
                .setPassword(b64("alice-pw")).build());
        assertThat(duplicate.getCode()).isEqualTo(65535);
        assertThat(duplicate.getErrorCodeValue()).isEqualTo(29);
        assertThat(duplicate.getReason()).isEqualTo("user already exists: alice");
        var wrongOld = root.updateCredential(UpdateCredentialRequest.newBuilder().setUsername("alice")
                .setOldPassword(b64("nope-nope")).setNewPassword(b64("alice-pw2")).build());
        assertThat(wrongOld.getCode()).isEqualTo(1400);
        var deleteRoot = root.deleteCredential(DeleteCredentialRequest.newBuilder().setUsername("root").build());
        assertThat(deleteRoot.getCode()).isEqualTo(1401);
        assertThat(root.listCredUsers(ListCredUsersRequest.getDefaultInstance()).getUsernamesList())
                .containsExactlyInAnyOrder("root", "alice");
    }

    @Test
    void nonAdministratorGetsPermissionDenied() throws Exception {
        MilvusServiceBlockingStub anonymous = start(true);
        as(anonymous, "root", "Milvus").createCredential(CreateCredentialRequest.newBuilder().setUsername("alice")
                .setPassword(b64("alice-pw")).build());
        assertThatThrownBy(() -> as(anonymous, "alice", "alice-pw").listCredUsers(ListCredUsersRequest.getDefaultInstance()))
                .hasMessage("PERMISSION_DENIED: PrivilegeSelectOwnership: permission deny to alice in the"
                        + " `default` database");
    }

    @Test
    void unimplementedRpcsFailFastWithUnimplemented() throws Exception {
        MilvusServiceBlockingStub root = as(start(true), "root", "Milvus");
        assertThatThrownBy(() -> root.listRowPolicies(
                        io.milvus.grpc.ListRowPoliciesRequest.newBuilder().setCollectionName("c").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNIMPLEMENTED));
    }

    @Test
    void calcDistanceAnswersAsMilvusDoesSinceItRetiredIt() throws Exception {
        MilvusServiceBlockingStub anonymous = start(true);
        as(anonymous, "root", "Milvus").createCredential(CreateCredentialRequest.newBuilder().setUsername("alice")
                .setPassword(b64("alice-pw")).build());
        for (MilvusServiceBlockingStub caller : List.of(as(anonymous, "root", "Milvus"),
                as(anonymous, "alice", "alice-pw"))) {
            io.milvus.grpc.CalcDistanceResults r = caller.calcDistance(io.milvus.grpc.CalcDistanceRequest.newBuilder()
                    .addParams(io.milvus.grpc.KeyValuePair.newBuilder().setKey("metric").setValue("L2")).build());
            assertThat(r.getStatus().getCode()).isEqualTo(2);
            assertThat(r.getStatus().getReason()).isEqualTo("service unavailable: CalcDistance deprecated");
        }
        assertThatThrownBy(() -> anonymous.calcDistance(io.milvus.grpc.CalcDistanceRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED));
    }

    @Test
    void withAuthenticationOffEveryLoopbackCallIsAcceptedAndUsersStillPersist() throws Exception {
        MilvusServiceBlockingStub anonymous = start(false);
        assertThat(anonymous.connect(ConnectRequest.getDefaultInstance()).getServerInfo().getDeployMode())
                .isEqualTo("STANDALONE");
        assertThat(as(anonymous, "root", "wrong").checkHealth(CheckHealthRequest.getDefaultInstance()).getIsHealthy())
                .isTrue();
        assertThat(anonymous.createCredential(CreateCredentialRequest.newBuilder().setUsername("alice")
                .setPassword(b64("alice-pw")).build()).getCode()).isZero();
        assertThat(anonymous.listCredUsers(ListCredUsersRequest.getDefaultInstance()).getUsernamesList())
                .contains("alice", "root");
    }
}
