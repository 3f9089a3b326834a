package dev.vectorvault.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real S3-compatible server for tests: s3proxy (Maven Central's {@code org.gaul:s3proxy}) as its own process, on a
 * free loopback port, keeping its buckets as folders under a temporary folder (jclouds' {@code filesystem} backend),
 * AWS signature v4 (or v2) required with {@link #ACCESS_KEY} / {@link #SECRET_KEY}. {@link #kill} (SIGKILL) and
 * {@link #restart} keep the data and the port; {@link #relay} puts a {@link TcpRelay} in front to make it
 * unreachable. No process outlives the test JVM (a watchdog shell, as {@link EtcdCluster} has).
 *
 * <p>The jar comes from the build: the server module's {@code maven-dependency-plugin} copies s3proxy's
 * self-contained jar to {@code server/target/s3proxy/s3proxy.jar} (surefire passes its path as the system property
 * {@code s3proxy.jar}); {@link #start} says how to get it when it is missing. Uses only the JDK.
 *
 * <pre>
 * try (S3Server s3 = S3Server.start(); TcpRelay link = s3.relay()) {
 *     String endpoint = link.endpoint();  // give this to the client
 *     link.cut();                         // object storage unreachable
 * }
 * </pre>
 */
public final class S3Server implements AutoCloseable {
    /** The test identity s3proxy accepts (any S3 client's access key id). */
    public static final String ACCESS_KEY = "vectorvault-test";
    /** Its secret; test-only, never used outside tests. */
    public static final String SECRET_KEY = "vectorvault-test-secret-key";

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "s3-server-cleanup"));
    }

    private final Path dir;
    private final boolean ownsDir;
    private final int port;
    private final Path log;
    private volatile Process process;

    private S3Server(Path dir, boolean ownsDir, int port) {
        this.dir = dir;
        this.ownsDir = ownsDir;
        this.port = port;
        this.log = dir.resolve("s3proxy.log");
    }

    /** Starts s3proxy on a new temporary folder; returns once it answers HTTP. */
    public static S3Server start() {
        try {
            return start(Files.createTempDirectory("s3-test"), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As {@link #start()} with the buckets under {@code dir}, which is left in place on close. */
    public static S3Server start(Path dir) {
        return start(dir, false);
    }

    private static S3Server start(Path dir, boolean ownsDir) {
        Path jar = jar();
        S3Server server = new S3Server(dir, ownsDir, freePort());
        try {
            Files.createDirectories(dir.resolve("blobs"));
            server.writeProperties();
            server.launch(jar);
            server.awaitReady();
            return server;
        } catch (IOException e) {
            server.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * Where s3proxy's jar is: the {@code s3proxy.jar} system property, else the server module's build output seen
     * from the working folder (the repository root, or one of its modules).
     */
    public static Path jar() {
        String configured = System.getProperty("s3proxy.jar", "");
        List<Path> candidates = new ArrayList<>();
        if (!configured.isBlank()) {
            candidates.add(Path.of(configured));
        }
        candidates.add(Path.of("target/s3proxy/s3proxy.jar"));
        candidates.add(Path.of("server/target/s3proxy/s3proxy.jar"));
        candidates.add(Path.of("../server/target/s3proxy/s3proxy.jar"));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        throw new IllegalStateException("s3proxy's jar not found (looked at " + candidates + "): the object-storage"
                + " tests run a real s3proxy. The server module's build copies it from Maven Central"
                + " (org.gaul:s3proxy, classifier jar-with-dependencies): run `mvn -pl server generate-test-resources`"
                + " once online, or point -Ds3proxy.jar at it");
    }

    private Path properties() {
        return dir.resolve("s3proxy.properties");
    }

    private void writeProperties() throws IOException {
        Properties p = new Properties();
        p.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + port);
        p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
        p.setProperty("s3proxy.identity", ACCESS_KEY);
        p.setProperty("s3proxy.credential", SECRET_KEY);
        p.setProperty("jclouds.provider", "filesystem");
        p.setProperty("jclouds.filesystem.basedir", dir.resolve("blobs").toAbsolutePath().toString());
        try (Writer out = Files.newBufferedWriter(properties(), StandardCharsets.UTF_8)) {
            p.store(out, "s3proxy for tests");
        }
    }

    private void launch(Path jar) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // A small, quickly started JVM: it serves a handful of test requests at a time.
        List<String> command = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString(), "--properties", properties().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        try {
            Process started = builder.start();
            process = started;
            LIVE.add(started);
            watchdog(started.pid());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start s3proxy from " + jar, e);
        }
    }

    /** A shell that kills s3proxy once this JVM is gone, and ends by itself once s3proxy is gone. */
    private static void watchdog(long pid) throws IOException {
        long jvm = ProcessHandle.current().pid();
        new ProcessBuilder("sh", "-c", "while kill -0 " + jvm + " 2>/dev/null && kill -0 " + pid
                + " 2>/dev/null; do sleep 1; done; kill -9 " + pid + " 2>/dev/null")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
    }

    /** Waits (up to 60 s) until s3proxy answers an HTTP request (an unsigned one gets 403: it is up). */
    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!answers()) {
            Process p = process;
            if (!p.isAlive()) {
                throw new IllegalStateException("s3proxy exited with " + p.exitValue() + "; its log:\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy not answering after 60 s; its log:\n" + logTail());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private boolean answers() {
        try {
            HttpURLConnection http = (HttpURLConnection) URI.create(endpoint() + "/").toURL().openConnection();
            http.setConnectTimeout(500);
            http.setReadTimeout(2_000);
            try {
                return http.getResponseCode() > 0;
            } finally {
                http.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** The folder under which each bucket is a folder of its objects. */
    public Path blobs() {
        return dir.resolve("blobs");
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /**
     * SIGSTOP ({@code frozen} true) or SIGCONT: a frozen s3proxy accepts connections but answers nothing, as a stalled
     * object store does, until it is thawed (or its clients' request timeouts end their requests).
     */
    public void freeze(boolean frozen) {
        Process p = process;
        try {
            int exit = new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", Long.toString(p.pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill " + (frozen ? "-STOP" : "-CONT") + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot signal s3proxy", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** SIGKILL; returns when the process is gone. The data stays. */
    public void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(p);
    }

    /** Starts a killed server again on its data and port; returns once it answers. */
    public void restart() {
        if (isRunning()) {
            throw new IllegalStateException("s3proxy is running");
        }
        launch(jar());
        awaitReady();
    }

    /** A relay to this server (the caller closes it); {@link TcpRelay#cut} makes object storage unreachable. */
    public TcpRelay relay() {
        return TcpRelay.start("127.0.0.1", port);
    }

    /** The last lines of s3proxy's output, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        kill();
        if (ownsDir) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // A temporary folder left behind is harmless.
            }
        }
    }

    /** A port free now and not handed out before by this JVM. */
    private static synchronized int freePort() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
