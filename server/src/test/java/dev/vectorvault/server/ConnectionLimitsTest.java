package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.milvus.grpc.CheckHealthRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idle connections are not kept forever: a per-address connection cap, a timeout for connections that never
 * authenticate a call, and a maximum connection age; all with real sockets, on the JDK's NIO transport and on
 * Netty's native epoll one ({@code proxy.grpc.nativeTransport}).
 */
@Timeout(120)
class ConnectionLimitsTest {
    @TempDir
    Path dataDir;

    /** True once the server has closed the socket (end of stream or reset); blocks until then. */
    private static boolean closedByServer(Socket socket) throws IOException {
        socket.setSoTimeout(60_000);
        try {
            while (true) {
                int read = socket.getInputStream().read();
                if (read < 0) {
                    return true; // the server may have written an HTTP/2 frame first: read on to the end
                }
            }
        } catch (SocketException e) {
            return true; // reset
        }
    }

    private static MilvusServiceBlockingStub root(LoopbackServer server) {
        return MilvusServiceGrpc.newBlockingStub(server.channel())
                .withInterceptors(new WireHeaders(WireHeaders.basic("root", "Milvus"), null))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** The transport a server with {@code proxy.grpc.nativeTransport} set so must be using on this machine. */
    private static void assertTransport(LoopbackServer server, boolean nativeTransport) {
        assertThat(server.server().connections().transport())
                .isEqualTo(nativeTransport && Epoll.isAvailable() ? "epoll" : "nio");
    }

    @ParameterizedTest(name = "nativeTransport={0}")
    @ValueSource(booleans = {false, true})
    void connectionsBeyondThePerAddressCapAreClosedAtOnce(boolean nativeTransport) throws Exception {
        try (LoopbackServer server = LoopbackServer.start(dataDir, Map.of(
                "proxy.grpc.maxConnectionsPerAddress", "5", "proxy.grpc.unauthenticatedIdleTimeoutMs", "0",
                "proxy.grpc.nativeTransport", Boolean.toString(nativeTransport)))) {
            assertTransport(server, nativeTransport);
            List<Socket> admitted = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    admitted.add(new Socket("127.0.0.1", server.port()));
                }
                server.awaitOpenConnections(5);
                for (int i = 0; i < 3; i++) {
                    try (Socket extra = new Socket("127.0.0.1", server.port())) {
                        assertThat(closedByServer(extra)).isTrue();
                    }
                }
                assertThat(server.server().connections().refusedConnections()).isEqualTo(3);
                assertThat(server.server().openConnections()).isEqualTo(5);
            } finally {
                for (Socket socket : admitted) {
                    socket.close();
                }
            }
            server.awaitOpenConnections(0);
            // Room again: a real client connects and is served.
            assertThat(root(server).checkHealth(CheckHealthRequest.getDefaultInstance()).getIsHealthy()).isTrue();
        }
    }

    @ParameterizedTest(name = "nativeTransport={0}")
    @ValueSource(booleans = {false, true})
    void aConnectionThatNeverAuthenticatesIsClosedAndAnAuthenticatedOneIsKept(boolean nativeTransport)
            throws Exception {
        try (LoopbackServer server = LoopbackServer.start(dataDir, Map.of(
                "common.security.authorizationEnabled", "true",
                "proxy.grpc.unauthenticatedIdleTimeoutMs", "1000",
                "proxy.grpc.nativeTransport", Boolean.toString(nativeTransport)))) {
            assertTransport(server, nativeTransport);
            MilvusServiceBlockingStub root = root(server);
            assertThat(root.checkHealth(CheckHealthRequest.getDefaultInstance()).getIsHealthy()).isTrue();
            // Opened after the client's: its timer fires later, so once it is closed the client's timer has run.
            try (Socket silent = new Socket("127.0.0.1", server.port())) {
                assertThat(closedByServer(silent)).isTrue();
            }
            // A client that only ever fails to authenticate is closed too.
            io.grpc.ManagedChannel wrongChannel = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
                    .forAddress("127.0.0.1", server.port()).usePlaintext().build();
            MilvusServiceBlockingStub wrong = MilvusServiceGrpc.newBlockingStub(wrongChannel)
                    .withInterceptors(new WireHeaders(WireHeaders.basic("root", "wrong-password"), null));
            try {
                wrong.withDeadlineAfter(30, TimeUnit.SECONDS).checkHealth(CheckHealthRequest.getDefaultInstance());
            } catch (io.grpc.StatusRuntimeException expected) {
                assertThat(expected.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED);
            }
            server.awaitOpenConnections(1);
            assertThat(server.server().connections().idleClosedConnections()).isEqualTo(2);
            // The authenticated client's connection is the one left, and it still works.
            assertThat(root.checkHealth(CheckHealthRequest.getDefaultInstance()).getIsHealthy()).isTrue();
            assertThat(server.server().openConnections()).isEqualTo(1);
            wrongChannel.shutdownNow();
        }
    }

    @ParameterizedTest(name = "nativeTransport={0}")
    @ValueSource(booleans = {false, true})
    void connectionsAreRecycledAfterTheirMaximumAge(boolean nativeTransport) throws Exception {
        try (LoopbackServer server = LoopbackServer.start(dataDir, Map.of(
                "proxy.grpc.maxConnectionAgeMs", "1000", "proxy.grpc.maxConnectionAgeGraceMs", "10000",
                "proxy.grpc.nativeTransport", Boolean.toString(nativeTransport)))) {
            assertTransport(server, nativeTransport);
            assertThat(root(server).checkHealth(CheckHealthRequest.getDefaultInstance()).getIsHealthy()).isTrue();
            // GOAWAY after the age; the idle client then lets its connection go.
            server.awaitOpenConnections(0);
            // The next call simply connects again.
            assertThat(root(server).checkHealth(CheckHealthRequest.getDefaultInstance()).getIsHealthy()).isTrue();
            // The REST protocol switch, added to the same listening channel, accepts HTTP/1.1 on this transport too.
            assertThat(RestCalls.ok(server, "collections/list", "{}").isArray()).isTrue();
        }
    }
}
