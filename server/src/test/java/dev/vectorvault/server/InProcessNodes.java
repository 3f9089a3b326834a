package dev.vectorvault.server;

import dev.vectorvault.config.ServerConfig;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Server nodes of one cluster test started in this JVM (where {@link ClusterProcesses} runs them as processes), and
 * the gRPC channels the test opened to them; {@link #close} shuts both. A node's keys that leave out its client,
 * internal or management port get a free one: two nodes on Milvus's default management port 9091 made every second
 * one log a bind error (and run without /healthz).
 */
final class InProcessNodes implements AutoCloseable {
    private final List<MilvusServer> nodes = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    /** Starts a node with {@code keys} (flat Milvus keys) plus the ports it was not given. */
    MilvusServer start(Map<String, String> keys) throws IOException {
        Map<String, String> all = new HashMap<>(keys);
        all.putIfAbsent("proxy.port", Integer.toString(ClusterProcesses.freePort()));
        all.putIfAbsent("proxy.internalPort", Integer.toString(ClusterProcesses.freePort()));
        all.putIfAbsent("common.metricsPort", "0"); // the kernel picks a free one as the management endpoint binds
        MilvusServer server = MilvusServer.start(ServerConfig.fromFlatKeys(all));
        nodes.add(server);
        return server;
    }

    /** A stub on a new plaintext channel to {@code server}, whose calls give up after {@code seconds}. */
    MilvusServiceBlockingStub stub(MilvusServer server, int seconds, ClientInterceptor... interceptors) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        channels.add(channel);
        return MilvusServiceGrpc.newBlockingStub(channel).withInterceptors(interceptors)
                .withDeadlineAfter(seconds, TimeUnit.SECONDS);
    }

    /** Closes every channel and node so far (a test that restarts its nodes on their folders and ports). */
    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
        channels.clear();
        nodes.forEach(MilvusServer::close);
        nodes.clear();
    }
}
