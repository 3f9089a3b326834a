package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.config.ConfigLoader;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.milvus.grpc.ListCredUsersRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A server started from a Milvus Operator resource, as {@code bin/server --config my-release.yaml} starts it. */
@Timeout(60)
class OperatorResourceServerTest {
    @TempDir
    Path dir;

    @Test
    void theResourcesSpecConfigSwitchesAuthenticationOnForTheWholeServer() throws Exception {
        Path resource = dir.resolve("my-release.yaml");
        Files.writeString(resource, """
                apiVersion: milvus.io/v1beta1
                kind: Milvus
                metadata:
                  name: my-release
                spec:
                  mode: standalone
                  config:
                    common:
                      security:
                        authorizationEnabled: true
                """);
        MilvusServer server = MilvusServer.start(ConfigLoader.load(resource, List.of("proxy.port=0",
                "common.metricsPort=-1", "localStorage.path=" + dir.resolve("data"))));
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            var anonymous = MilvusServiceGrpc.newBlockingStub(channel);
            assertThatThrownBy(() -> anonymous.listCredUsers(ListCredUsersRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
            var root = anonymous.withInterceptors(new WireHeaders(WireHeaders.basic("root", "Milvus"), null));
            assertThat(root.listCredUsers(ListCredUsersRequest.getDefaultInstance()).getUsernamesList())
                    .containsExactly("root");
        } finally {
            channel.shutdownNow();
            server.close();
        }
    }
}
