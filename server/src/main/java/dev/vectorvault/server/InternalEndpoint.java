package dev.vectorvault.server;

import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The second gRPC endpoint of a cluster node ({@code proxy.internalPort}): the same MilvusService, reached only by
 * other nodes forwarding a collection's data calls to its owner. Its interceptors verify the forwarded identity
 * instead of a password and authorize again with this node's policy; it has no forwarding step, so a call is never
 * forwarded twice.
 *
 * <p>Plaintext: the port must be on a private network between the nodes (the calls are signed, not encrypted).
 */
final class InternalEndpoint implements AutoCloseable {
    private final Server server;

    private InternalEndpoint(Server server) {
        this.server = server;
    }

    /**
     * Starts on {@code port} (0 picks a free one). {@code interceptors} as the builder takes them: the last one runs
     * first.
     */
    static InternalEndpoint start(int port, ServerServiceDefinition service, int maxRecvBytes,
                                  List<ServerInterceptor> interceptors) throws IOException {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(port))
                // The entry nodes' channels ping every 10 s (OwnerChannels) to notice a dead owner.
                .permitKeepAliveTime(5, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .maxInboundMessageSize(maxRecvBytes)
                .addService(service);
        interceptors.forEach(builder::intercept);
        return new InternalEndpoint(builder.build().start());
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
