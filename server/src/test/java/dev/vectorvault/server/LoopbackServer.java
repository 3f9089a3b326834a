package dev.vectorvault.server;

import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.storage.MvMetaStore;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A whole server on a free loopback port over an in-memory metadata store, and a plaintext channel to it. */
final class LoopbackServer implements AutoCloseable {
    private final MilvusServer server;
    private final ManagedChannel channel;

    private LoopbackServer(MilvusServer server, ManagedChannel channel) {
        this.server = server;
        this.channel = channel;
    }

    /** {@code keys} on top of {@code proxy.port=0} and {@code localStorage.path=dataDir}. */
    static LoopbackServer start(Path dataDir, Map<String, String> keys) throws Exception {
        Map<String, String> all = new HashMap<>(keys);
        all.put("proxy.port", "0");
        all.put("localStorage.path", dataDir.toString());
        MilvusServer server = MilvusServer.start(ServerConfig.fromFlatKeys(all), MvMetaStore.inMemory());
        return new LoopbackServer(server,
                NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build());
    }

    /** {@code proxy.port=0} over {@code dataDir}, the metadata on disk there too: a restart keeps the catalog. */
    static LoopbackServer startOnDisk(Path dataDir) throws Exception {
        MilvusServer server = MilvusServer.start(ServerConfig.fromFlatKeys(Map.of("proxy.port", "0",
                "localStorage.path", dataDir.toString())));
        return new LoopbackServer(server,
                NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build());
    }

    ManagedChannel channel() {
        return channel;
    }

    int port() {
        return server.port();
    }

    MilvusServer server() {
        return server;
    }

    /**
     * Waits until the server sees exactly {@code count} client TCP connections open (a test opens or closes raw
     * sockets; the server notices asynchronously). The test's timeout bounds the wait.
     */
    void awaitOpenConnections(int count) throws InterruptedException {
        while (server.openConnections() != count) {
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.close();
    }
}
