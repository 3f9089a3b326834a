package dev.vectorvault.acceptance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real server, started with {@code java -jar vectorvault-server.jar} from the server distribution that Maven
 * unpacks before the integration tests (system property {@code server.jar}), in its own JVM, on a free port and a
 * fresh data folder. Its output goes to {@code server.log} in that folder so tests can read it.
 * It can be stopped gracefully, killed with SIGKILL and restarted on the same data.
 */
public final class ServerProcess implements AutoCloseable {
    private final Path dataDir;
    private final Map<String, String> settings;
    private final int port;
    private final Path log;
    private Process process;

    private ServerProcess(Path dataDir, Map<String, String> settings) {
        this.dataDir = dataDir;
        this.settings = settings;
        if (Boolean.getBoolean("acceptance.cluster") && !settings.containsKey("etcd.endpoints")) {
            // The whole suite as one-node clusters: each data folder its own etcd root, so a server starts as fresh
            // as an embedded one, and a server started again on the same folder finds its metadata again.
            settings.put("etcd.endpoints", SharedEtcd.endpoints());
            settings.put("etcd.rootPath", "acceptance-"
                    + Integer.toHexString(dataDir.toAbsolutePath().normalize().toString().hashCode()));
            settings.putIfAbsent("proxy.internalPort", Integer.toString(freePort()));
        }
        this.port = freePort();
        this.log = dataDir.resolve("server.log");
    }

    /** Starts a server with authentication on plus {@code extra} settings (key, value, key, value, ...). */
    public static ServerProcess startWithAuth(Path dataDir, String... extra) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("common.security.authorizationEnabled", "true");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            settings.put(extra[i], extra[i + 1]);
        }
        return start(dataDir, settings);
    }

    /** The settings of a cluster node on {@code etcd} whose log is {@code kafka} ({@code mq.type: kafka}). */
    static Map<String, String> kafkaNode(dev.vectorvault.testkit.EtcdCluster etcd,
                                         dev.vectorvault.testkit.KafkaBroker kafka) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("etcd.endpoints", etcd.endpointsCsv());
        settings.put("proxy.internalPort", Integer.toString(freePort()));
        settings.put("mq.type", "kafka");
        settings.put("kafka.brokerList", kafka.bootstrapServers());
        return settings;
    }

    public static ServerProcess start(Path dataDir, Map<String, String> settings) {
        ServerProcess server = new ServerProcess(dataDir, new LinkedHashMap<>(settings));
        server.launch();
        return server;
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "http://127.0.0.1:" + port;
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    public void kill9() {
        process.destroyForcibly();
        waitForExit();
    }

    /** SIGTERM: the server shuts down cleanly. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            waitForExit();
        }
    }

    public void restart() {
        stop();
        launch();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            waitForExit();
        }
    }

    private void launch() {
        // Set by failsafe to the server distribution it unpacked (acceptance/pom.xml); never guessed from the layout.
        String jar = System.getProperty("server.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("server jar not found: " + jar
                    + " (run the acceptance tests through Maven: mvn -pl acceptance -am verify)");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "--add-modules", "jdk.incubator.vector", "-jar", jar,
                "--set", "proxy.port=" + port,
                // Several servers run at once: each takes a free management port rather than 9091.
                "--set", "common.metricsPort=0",
                "--set", "localStorage.path=" + dataDir.toAbsolutePath()));
        settings.forEach((k, v) -> command.addAll(List.of("--set", k + "=" + v)));
        try {
            Files.createDirectories(dataDir);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitListening(Duration.ofSeconds(60));
    }

    private void awaitListening(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited with " + process.exitValue() + ":\n" + log());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        // Not left running: a server that listens only after the test gave up would outlive the test (and, in
        // cluster mode, keep a session in the shared etcd).
        process.destroyForcibly();
        waitForExit();
        throw new IllegalStateException("server did not listen on " + port + " within " + timeout + ":\n" + log());
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One etcd for every server of this JVM when {@code -Dacceptance.cluster=true}; stopped when the JVM ends. */
    private static final class SharedEtcd {
        private static dev.vectorvault.testkit.EtcdCluster etcd;

        static synchronized String endpoints() {
            if (etcd == null) {
                etcd = dev.vectorvault.testkit.EtcdCluster.start(1);
                Runtime.getRuntime().addShutdownHook(new Thread(etcd::close, "acceptance-etcd"));
            }
            return etcd.endpointsCsv();
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
