package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.Attributes;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.milvus.grpc.ListDatabasesRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, finding 2, on the wire: an attacker at one loopback address guessing root's password must not lock out
 * root's application at another, which logs in over new connections with the right password. Blocks are set to a
 * minute so that nothing here depends on timing.
 */
@Timeout(120)
class LoginThrottleEndpointTest {
    @TempDir
    Path dataDir;
    private LoopbackServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** One call over a fresh connection from {@code from}; true when it was authenticated. */
    private boolean logsIn(String from, String user, String password) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                .localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
                    @Override
                    public SocketAddress createSocketAddress(SocketAddress remote, Attributes attrs) {
                        return new InetSocketAddress(from, 0);
                    }
                }).build();
        try {
            MilvusServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .withInterceptors(new WireHeaders(WireHeaders.basic(user, password), "default"))
                    .listDatabases(ListDatabasesRequest.getDefaultInstance());
            return true;
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED);
            return false;
        } finally {
            channel.shutdownNow();
        }
    }

    private static boolean canBind(String address) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void rootKeepsLoggingInFromItsAddressWhileAnotherLoopbackAddressGuesses() throws Exception {
        assumeTrue(canBind("127.0.0.2") && canBind("127.0.0.3") && canBind("127.0.0.4"),
                "this machine's loopback interface does not carry 127.0.0.2-4");
        server = LoopbackServer.start(dataDir, Map.of(
                "common.security.authorizationEnabled", "true",
                "common.security.loginThrottle.baseDelayMs", "60000",
                "common.security.loginThrottle.maxDelayMs", "60000"));

        // An operator's tool does the first, slow check; the application's logins are then cache hits.
        assertThat(logsIn("127.0.0.3", "root", "Milvus")).isTrue();
        assertThat(logsIn("127.0.0.1", "root", "Milvus")).isTrue();
        for (int i = 0; i < 6; i++) {
            assertThat(logsIn("127.0.0.2", "root", "guess-" + i)).isFalse();
        }
        for (int i = 0; i < 20; i++) {
            assertThat(logsIn("127.0.0.1", "root", "Milvus")).as("application login %d during the attack", i)
                    .isTrue();
            assertThat(logsIn("127.0.0.2", "root", "guess-again-" + i)).isFalse();
        }
        // The attacker learns nothing from the right password during its block; an address that never proved the
        // credential waits for the block to end like everyone else (README, "Security properties").
        assertThat(logsIn("127.0.0.2", "root", "Milvus")).isFalse();
        assertThat(logsIn("127.0.0.4", "root", "Milvus")).isFalse();
    }
}
