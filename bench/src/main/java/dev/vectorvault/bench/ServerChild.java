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
 */
public final class ServerChild implements AutoCloseable {
    private final Process process;
    private final Path dataDir;
    private final int port;

    private ServerChild(Process process, Path dataDir, int port) {
        this.process = process;
        this.dataDir = dataDir;
        this.port = port;
    }

    public static ServerChild start(Path jar, String maxHeap, Map<String, String> settings) throws IOException,
            InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException("server jar not built: " + jar);
        }
        Path dataDir = Files.createTempDirectory("vectorvault-bench-ann-");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx" + maxHeap, "--add-modules", "jdk.incubator.vector", "-jar", jar.toString(),
                "--set", "proxy.port=" + port, "--set", "localStorage.path=" + dataDir.resolve("data")));
        settings.forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));
        Path log = dataDir.resolve("server.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        ServerChild child = new ServerChild(process, dataDir, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!process.isAlive()) {
                String text = Files.readString(log);
                child.close();
                throw new IOException("server exited with " + process.exitValue() + ":\n" + text);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return child;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    child.close();
                    throw new IOException("server did not listen on " + port + " within 60 s");
                }
                Thread.sleep(100);
            }
        }
    }

    public int port() {
        return port;
    }

    /** Pid of the server process, whose CPU time the report may want. */
    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
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
