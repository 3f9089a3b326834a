package dev.vectorvault.bench;

import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.server.MilvusServer;
import dev.vectorvault.storage.MvMetaStore;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.milvus.grpc.CreateCredentialRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One server under test, started in this JVM on a free loopback port with an in-memory metadata store (or, for
 * {@code bin/bench-cluster}, a cluster-mode node with its metadata in etcd), plus the one
 * client channel that talks to it. Every stub handed out shares that channel: the connection is opened once, before
 * warm-up, so no measured call pays for a TCP or HTTP/2 handshake.
 *
 * <p>The server still opens a data folder under {@code localStorage.path} (default {@code ./data}) even with an
 * in-memory metadata store, so each one gets a fresh temporary folder, deleted on close: the benchmark neither writes
 * into the working directory nor lets three servers share one folder.
 */
final class BenchServer implements AutoCloseable {
    static final String ROOT = "root";
    static final String ROOT_PASSWORD = ServerConfig.DEFAULT_ROOT_PASSWORD;

    private final String label;
    private final String settings;
    private final ServerConfig config;
    private final Host server;
    private final ManagedChannel channel;
    /** The data folder this object deletes on close; null when a child process owns its own. */
    private final Path dataDir;

    private BenchServer(String label, String settings, ServerConfig config, Host server, ManagedChannel channel,
                        Path dataDir) {
        this.label = label;
        this.settings = settings;
        this.config = config;
        this.server = server;
        this.channel = channel;
        this.dataDir = dataDir;
    }

    /** Where the server under test runs: in this JVM, or as a child process started from a server jar. */
    private interface Host extends AutoCloseable {
        int port();

        int restPort();

        int managementPort();

        @Override
        void close();

        static Host of(MilvusServer server) {
            return new Host() {
                @Override
                public int port() {
                    return server.port();
                }

                @Override
                public int restPort() {
                    return server.restPort();
                }

                @Override
                public int managementPort() {
                    return server.managementPort();
                }

                @Override
                public void close() {
                    server.close();
                }
            };
        }

        /** A child answers REST on its gRPC port (the default) and has its management port off. */
        static Host of(ServerChild child) {
            return new Host() {
                @Override
                public int port() {
                    return child.port();
                }

                @Override
                public int restPort() {
                    return child.port();
                }

                @Override
                public int managementPort() {
                    return -1;
                }

                @Override
                public void close() {
                    child.close();
                }
            };
        }
    }

    /**
     * Starts a server with {@code proxy.port=0} plus {@code keys}; {@code settings} is how the report names the
     * configuration.
     */
    static BenchServer start(String label, String settings, Map<String, String> keys) throws IOException {
        Map<String, String> flat = new HashMap<>(keys);
        flat.put("proxy.port", "0");
        return start(label, settings, flat, false);
    }

    /**
     * Starts a cluster-mode node ({@code MilvusServer.start(ServerConfig)}, metadata in etcd) on fixed free ports, as
     * cluster nodes must be: the node announces its public and internal addresses to the others. Nodes given the same
     * {@code endpoints} and {@code rootPath} form one cluster; another {@code rootPath} on the same etcd is another,
     * independent cluster. {@code keys} adds further settings (authentication, say).
     */
    static BenchServer startClusterNode(String label, String settings, String endpoints, String rootPath,
                                        Map<String, String> keys) throws IOException {
        Map<String, String> flat = new HashMap<>(keys);
        flat.put("etcd.endpoints", endpoints);
        flat.put("etcd.rootPath", rootPath);
        flat.put("proxy.port", Integer.toString(freePort()));
        flat.put("proxy.internalPort", Integer.toString(freePort()));
        return start(label, settings, flat, true);
    }

    private static BenchServer start(String label, String settings, Map<String, String> keys, boolean cluster)
            throws IOException {
        Path dataDir = Files.createTempDirectory("vectorvault-bench-");
        Map<String, String> flat = new HashMap<>(keys);
        flat.put("localStorage.path", dataDir.toString());
        MilvusServer server;
        ServerConfig config;
        try {
            config = ServerConfig.fromFlatKeys(flat);
            server = cluster ? MilvusServer.start(config) : MilvusServer.start(config, MvMetaStore.inMemory());
        } catch (IOException | RuntimeException e) {
            deleteTree(dataDir);
            throw e;
        }
        return connected(label, settings, config, Host.of(server), dataDir);
    }

    /**
     * Starts the server of {@code jar} as a child process ({@link ServerChild}: its own data folder and JVM, with
     * {@code maxHeap}), so the client's threads, garbage and JIT do not share a JVM with it, and so two builds (an
     * older commit's jar against this one's) can be compared side by side. {@code keys} go to it as {@code --set}.
     */
    static BenchServer startProcess(String label, String settings, Path jar, String maxHeap, Map<String, String> keys)
            throws IOException {
        ServerChild child;
        try {
            child = ServerChild.start(jar, maxHeap, keys);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + jar, e);
        }
        // The child owns (and deletes) its data folder.
        return connected(label, settings, ServerConfig.fromFlatKeys(keys), Host.of(child), null);
    }

    private static BenchServer connected(String label, String settings, ServerConfig config, Host server,
                                         Path dataDir) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
        return new BenchServer(label, settings, config, server, channel, dataDir);
    }

    String label() {
        return label;
    }

    /** The port the RESTful API answers on (the gRPC port by default), -1 when it is off. */
    int restPort() {
        return server.restPort();
    }

    /** The bound management port ({@code /metrics}, {@code /healthz}), -1 when it is off. */
    int managementPort() {
        return server.managementPort();
    }

    String settings() {
        return settings;
    }

    ServerConfig config() {
        return config;
    }

    MilvusServiceGrpc.MilvusServiceBlockingStub blocking(String user, String password) {
        return MilvusServiceGrpc.newBlockingStub(channel).withInterceptors(new BasicAuthHeader(user, password));
    }

    /** A stub on a connection of its own (the caller closes the channel), as another application would have. */
    MilvusServiceGrpc.MilvusServiceBlockingStub blockingOnNewConnection(String user, String password,
                                                                        java.util.List<ManagedChannel> opened) {
        ManagedChannel own = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        opened.add(own);
        return MilvusServiceGrpc.newBlockingStub(own).withInterceptors(new BasicAuthHeader(user, password));
    }

    MilvusServiceGrpc.MilvusServiceStub async(String user, String password) {
        return MilvusServiceGrpc.newStub(channel).withInterceptors(new BasicAuthHeader(user, password));
    }

    /** Creates a user as root, the way the SDKs do (the password travels base64-encoded in the request body). */
    void createUser(String user, String password) {
        Status status = blocking(ROOT, ROOT_PASSWORD)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .createCredential(CreateCredentialRequest.newBuilder()
                        .setUsername(user)
                        .setPassword(Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8)))
                        .build());
        if (status.getCode() != 0) {
            throw new IllegalStateException("CreateCredential " + user + " on " + label + " failed: code "
                    + status.getCode() + " " + status.getReason());
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                server.close();
            } finally {
                // Also when a cluster node fails to close (etcd gone, say): its folder is ours either way.
                deleteTree(dataDir);
            }
        }
    }

    /** Deletes this server's data folder now, for a shutdown hook: the server is not closed first. */
    void deleteFolder() {
        deleteTree(dataDir);
    }

    /** A port free right now; another process could take it before the node binds it, which then fails loudly. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Best effort: a leftover temporary folder is not worth failing a finished run for. */
    static void deleteTree(Path root) {
        if (root == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("bench: could not delete " + root + ": " + e.getMessage());
        }
    }
}
