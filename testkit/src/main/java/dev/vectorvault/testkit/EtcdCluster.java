package dev.vectorvault.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real etcd processes for tests: 1 or 3 members of one cluster on free loopback ports, each with its data in a
 * temporary folder. Starts when {@link #start} returns healthy; members can be killed with SIGKILL and restarted on
 * their old data. {@link #close} kills every process and deletes the data. No process outlives the test JVM: each
 * member has a watchdog shell that kills it once the JVM is gone (even after {@code kill -9} of the JVM), and a
 * shutdown hook covers a normal JVM exit.
 *
 * <p>Needs Debian's {@code etcd-server} ({@code /usr/bin/etcd}, or the {@code etcd.binary} system property); without
 * it {@link #start} fails with a message saying how to install it. Uses only the JDK, so the acceptance module can
 * copy it unchanged.
 *
 * <pre>
 * try (EtcdCluster etcd = EtcdCluster.start(3)) {
 *     String endpoints = etcd.endpointsCsv();   // "http://127.0.0.1:41234,http://127.0.0.1:41236,..."
 *     etcd.kill(0);                             // SIGKILL member 0
 *     etcd.restart(0);                          // back on its data, waits until healthy
 * }
 * </pre>
 */
public final class EtcdCluster implements AutoCloseable {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final Set<Integer> HANDED_OUT = new java.util.HashSet<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "etcd-cluster-cleanup"));
    }

    private final Path dir;
    private final boolean ownsDir;
    private final List<Member> members;
    private final String initialCluster;
    private final String token = "vv-test-" + UUID.randomUUID();
    private volatile String etcdctlUser = "";

    private record Member(String name, int clientPort, int peerPort, Path dataDir, Path log, Process[] process) {}

    private EtcdCluster(Path dir, boolean ownsDir, int size) {
        this.dir = dir;
        this.ownsDir = ownsDir;
        List<Member> list = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            list.add(new Member("m" + i, freePort(), freePort(), dir.resolve("m" + i), dir.resolve("m" + i + ".log"),
                    new Process[1]));
        }
        this.members = List.copyOf(list);
        StringBuilder cluster = new StringBuilder();
        for (Member m : members) {
            cluster.append(cluster.length() == 0 ? "" : ",").append(m.name()).append("=http://127.0.0.1:")
                    .append(m.peerPort());
        }
        this.initialCluster = cluster.toString();
    }

    /** Starts {@code size} members (1 or 3) in a new temporary folder and waits until the cluster is healthy. */
    public static EtcdCluster start(int size) {
        try {
            return start(size, Files.createTempDirectory("etcd-test"), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Like {@link #start(int)} with the data under {@code dir}, which is left in place on close. */
    public static EtcdCluster start(int size, Path dir) {
        return start(size, dir, false);
    }

    private static EtcdCluster start(int size, Path dir, boolean ownsDir) {
        Path binary = binary();
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("etcd is not installed at " + binary + ": the etcd tests need a real etcd."
                    + " Install Debian's etcd-server (sudo apt-get install -y etcd-server; .ci/run does this) or"
                    + " point -Detcd.binary at an etcd 3.4+ binary");
        }
        if (size < 1) {
            throw new IllegalArgumentException("an etcd cluster needs at least one member");
        }
        EtcdCluster cluster = new EtcdCluster(dir, ownsDir, size);
        try {
            for (int i = 0; i < size; i++) {
                cluster.launch(i, "new");
            }
            cluster.awaitHealthy();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private static Path binary() {
        return Path.of(System.getProperty("etcd.binary", "/usr/bin/etcd"));
    }

    private static Path etcdctlBinary() {
        return binary().resolveSibling("etcdctl");
    }

    private void launch(int index, String state) {
        Member m = members.get(index);
        List<String> command = List.of(binary().toString(),
                "--name", m.name(),
                "--data-dir", m.dataDir().toString(),
                "--listen-client-urls", "http://127.0.0.1:" + m.clientPort(),
                "--advertise-client-urls", "http://127.0.0.1:" + m.clientPort(),
                "--listen-peer-urls", "http://127.0.0.1:" + m.peerPort(),
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + m.peerPort(),
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", state,
                "--initial-cluster-token", token,
                // Fast elections keep member-failure tests short.
                "--heartbeat-interval", "50",
                "--election-timeout", "500",
                "--logger", "zap");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(m.log().toFile()));
        // etcd 3.4 refuses to start on some architectures unless this is set, and must not see a stray value here.
        builder.environment().remove("ETCD_UNSUPPORTED_ARCH");
        builder.environment().keySet().removeIf(key -> key.startsWith("ETCD_"));
        try {
            Process process = builder.start();
            m.process()[0] = process;
            LIVE.add(process);
            watchdog(process.pid());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary(), e);
        }
    }

    /** A shell that kills the etcd process once this JVM is gone, and ends by itself once etcd is gone. */
    private static void watchdog(long etcdPid) throws IOException {
        long jvm = ProcessHandle.current().pid();
        new ProcessBuilder("sh", "-c", "while kill -0 " + jvm + " 2>/dev/null && kill -0 " + etcdPid
                + " 2>/dev/null; do sleep 1; done; kill -9 " + etcdPid + " 2>/dev/null")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
    }

    /** Waits (up to 30 s) until every running member reports healthy (it sees a leader). */
    public void awaitHealthy() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 0; i < members.size(); i++) {
            if (!isRunning(i) && members.get(i).process()[0] != null) {
                continue;
            }
            while (!healthy(i)) {
                Process process = members.get(i).process()[0];
                if (!process.isAlive()) {
                    throw new IllegalStateException("etcd member " + i + " exited with " + process.exitValue()
                            + "; its log:\n" + logTail(i));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("etcd member " + i + " not healthy after 30 s; its log:\n"
                            + logTail(i));
                }
                sleep(50);
            }
        }
    }

    private boolean healthy(int index) {
        try {
            HttpURLConnection http = (HttpURLConnection) URI.create("http://127.0.0.1:"
                    + members.get(index).clientPort() + "/health").toURL().openConnection();
            http.setConnectTimeout(500);
            http.setReadTimeout(2_000);
            try (InputStream in = http.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("\"health\":\"true\"");
            } finally {
                http.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** Client URLs, one per member ({@code http://127.0.0.1:port}), killed members included. */
    public List<String> endpoints() {
        return members.stream().map(m -> "http://127.0.0.1:" + m.clientPort()).toList();
    }

    /** The endpoints comma-separated, as {@code etcd.endpoints} takes them. */
    public String endpointsCsv() {
        return String.join(",", endpoints());
    }

    public int size() {
        return members.size();
    }

    public int clientPort(int member) {
        return members.get(member).clientPort();
    }

    public boolean isRunning(int member) {
        Process process = members.get(member).process()[0];
        return process != null && process.isAlive();
    }

    /** SIGKILL of one member; returns when the process is gone. */
    public void kill(int member) {
        Process process = members.get(member).process()[0];
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(process);
    }

    /** Starts a killed member again on its data and waits until the cluster is healthy. */
    public void restart(int member) {
        if (isRunning(member)) {
            throw new IllegalStateException("etcd member " + member + " is running");
        }
        launch(member, "existing");
        awaitHealthy();
    }

    /**
     * Switches etcd authentication on with user {@code root} (etcd requires it for {@code auth enable}), who may do
     * everything. Later {@link #etcdctl} calls authenticate as root.
     */
    public void enableAuth(String rootPassword) {
        etcdctl("user", "add", "root:" + rootPassword);
        etcdctl("auth", "enable");
        etcdctlUser = "root:" + rootPassword;
    }

    /** Runs {@code etcdctl} (v3 API) against the running members; returns its output, fails on a non-zero exit. */
    public String etcdctl(String... args) {
        List<String> command = new ArrayList<>(List.of(etcdctlBinary().toString(),
                "--endpoints", String.join(",", runningEndpoints()), "--command-timeout", "10s"));
        if (!etcdctlUser.isEmpty()) {
            command.add("--user");
            command.add(etcdctlUser);
        }
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(key -> key.startsWith("ETCD"));
        builder.environment().put("ETCDCTL_API", "3");
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(20, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("etcdctl " + String.join(" ", args) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private List<String> runningEndpoints() {
        List<String> running = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            if (isRunning(i)) {
                running.add(endpoints().get(i));
            }
        }
        return running;
    }

    /** Relays in front of every member, to cut one client off from the whole cluster. */
    public EtcdLink link() {
        List<TcpRelay> relays = new ArrayList<>();
        for (Member m : members) {
            relays.add(TcpRelay.start("127.0.0.1", m.clientPort()));
        }
        return new EtcdLink(relays);
    }

    /** The last lines of a member's log, for failure messages. */
    public String logTail(int member) {
        try {
            List<String> lines = Files.readAllLines(members.get(member).log());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < members.size(); i++) {
            kill(i);
        }
        if (ownsDir) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // A temporary folder left behind is harmless.
            }
        }
    }

    /** A port free now and not handed out before by this JVM (the kernel may return a just-closed port again). */
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

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
