package dev.vectorvault.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The server under test as a child process, started from its own jar exactly as {@code bin/server} starts it, with a
 * fresh data folder (deleted on close) and its log in that folder. A separate process because the Milvus SDK and the
 * server both define {@code io.milvus.grpc} classes (the SDK's on shaded gRPC), which cannot share one classpath.
 * {@link #restart()} stops the process and starts a new one on the same data folder, which is how the benchmark
 * times a load after a restart.
 */
public final class ServerChild implements AutoCloseable {
    private static final long LISTEN_TIMEOUT_SECONDS = 600;
    /**
     * Extra JVM flags for every server child, split on spaces: a profiler on the server side of an end-to-end run,
     * e.g. {@code SERVER_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/server.jfr,settings=profile"}.
     */
    static final String EXTRA_FLAGS_VARIABLE = "SERVER_JAVA_OPTS";
    /**
     * Extra server settings for every server child, {@code key=value} pairs split on spaces, each passed as
     * {@code --set} after the benchmark's own (so they win): e.g.
     * {@code SERVER_SETTINGS="proxy.grpc.nativeTransport=true"} to run an end-to-end comparison on another server
     * configuration.
     */
    static final String EXTRA_SETTINGS_VARIABLE = "SERVER_SETTINGS";

    private final Path jar;
    private final String maxHeap;
    private final Map<String, String> settings;
    private final Path dataDir;
    private Process process;
    private int port;

    private ServerChild(Path jar, String maxHeap, Map<String, String> settings, Path dataDir) {
        this.jar = jar;
        this.maxHeap = maxHeap;
        this.settings = settings;
        this.dataDir = dataDir;
    }

    public static ServerChild start(Path jar, String maxHeap, Map<String, String> settings) throws IOException,
            InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException("server jar not built: " + jar);
        }
        ServerChild child = new ServerChild(jar, maxHeap, settings, Files.createTempDirectory("vectorvault-bench-ann-"));
        try {
            child.launch();
        } catch (IOException | InterruptedException | RuntimeException e) {
            child.close();
            throw e;
        }
        return child;
    }

    /**
     * Stops the server (SIGTERM, so it shuts down as an operator's stop would) and starts it again on the same data
     * folder, on a new port (the old one may linger in TIME_WAIT). Returns the seconds from the new process's start
     * until its gRPC port accepted a connection.
     */
    public double restart() throws IOException, InterruptedException {
        stop();
        long start = System.nanoTime();
        launch();
        return (System.nanoTime() - start) / 1e9;
    }

    private void launch() throws IOException, InterruptedException {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx" + maxHeap, "--add-modules",
                "jdk.incubator.vector"));
        String extra = System.getenv(EXTRA_FLAGS_VARIABLE);
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toString(), "--set", "proxy.port=" + port,
                "--set", "localStorage.path=" + dataDir.resolve("data")));
        settings.forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));
        String extraSettings = System.getenv(EXTRA_SETTINGS_VARIABLE);
        if (extraSettings != null && !extraSettings.isBlank()) {
            for (String setting : extraSettings.trim().split("\\s+")) {
                command.addAll(List.of("--set", setting));
            }
        }
        Path log = dataDir.resolve("server.log");
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LISTEN_TIMEOUT_SECONDS);
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("server exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("server did not listen on " + port + " within " + LISTEN_TIMEOUT_SECONDS
                            + " s; log " + log);
                }
                Thread.sleep(20);
            }
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public int port() {
        return port;
    }

    /** Pid of the server process, whose CPU time or heap the report may want. */
    public long pid() {
        return process.pid();
    }

    /** The heap limit the child runs with, as given to {@code -Xmx}. */
    String maxHeap() {
        return maxHeap;
    }

    private void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("bench-ann: could not delete " + dataDir + ": " + e.getMessage());
        }
    }
}
