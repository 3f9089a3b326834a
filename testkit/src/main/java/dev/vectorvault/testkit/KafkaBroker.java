package dev.vectorvault.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Kafka broker for tests: Apache Kafka's own server ({@code org.apache.kafka:kafka_2.13}, 4.x) in KRaft
 * combined mode (one process is broker and controller, node id 1, a controller quorum of itself), in its own JVM on
 * free loopback ports, with its data in a temporary folder. Its storage is formatted by Kafka's storage tool with a
 * random cluster id; {@link #start} returns once the broker accepts clients. {@link #kill} is a SIGKILL,
 * {@link #restart} starts it again on the same ports and data; {@link #close} kills it and deletes the folder. No
 * broker outlives the test JVM (a watchdog shell per process, as {@link EtcdCluster} has).
 *
 * <p>Finding the broker: its jars are Maven dependencies that the build copies into a folder
 * ({@code server/target/kafka-broker}, see server/pom.xml); the {@code kafka.broker.lib} system property names it
 * (surefire sets it), else {@code target/kafka-broker} under the working directory. The broker JVM is the one running
 * the tests ({@code java.home}), with a small heap. Uses only the JDK.
 *
 * <pre>
 * try (KafkaBroker kafka = KafkaBroker.start()) {
 *     String brokers = kafka.bootstrapServers();   // "127.0.0.1:41234", for kafka.brokerList
 *     kafka.kill();                                // SIGKILL
 *     kafka.restart();                             // back on its data, waits until it accepts clients
 * }
 * </pre>
 */
public final class KafkaBroker implements AutoCloseable {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final Set<Integer> HANDED_OUT = new HashSet<>();
    /** Printed by the broker once it serves clients (kafka.server.KafkaRaftServer, "Kafka Server started"). */
    private static final String STARTED = "Kafka Server started";
    private static final long START_TIMEOUT_MS = 120_000;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "kafka-broker-cleanup"));
    }

    private final Path dir;
    private final Path lib;
    private final int brokerPort;
    private final int controllerPort;
    private final Path log;
    private Process process;
    private long startedMs;
    private long lastStartMs;

    private KafkaBroker(Path dir, Path lib, Flush flush) {
        this.dir = dir;
        this.lib = lib;
        this.flush = flush;
        this.brokerPort = freePort();
        this.controllerPort = freePort();
        this.log = dir.resolve("broker.log");
    }

    /** How often the broker forces its logs to disk. */
    public enum Flush {
        /**
         * After every message, the tests' setting: one broker with one replica per partition has no other copy, and a
         * kill -9 without it could lose the tail of {@code __transaction_state} while a data partition kept a
         * committed record, whose markers then never came (docs/durability.md).
         */
        EVERY_MESSAGE,
        /**
         * Kafka's default (the operating system writes the logs back; durability comes from replication), as
         * {@code bin/cluster} runs its broker: for benchmarks that compare with that deployment.
         */
        KAFKA_DEFAULT
    }

    private final Flush flush;

    /** Formats a new broker's storage in a temporary folder and starts it, forcing every message to disk. */
    public static KafkaBroker start() {
        return start(Flush.EVERY_MESSAGE);
    }

    /** Formats a new broker's storage in a temporary folder and starts it with the given flush policy. */
    public static KafkaBroker start(Flush flush) {
        Path lib = lib();
        Path dir;
        try {
            dir = Files.createTempDirectory("kafka-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KafkaBroker broker = new KafkaBroker(dir, lib, flush);
        try {
            broker.writeConfig();
            broker.format();
            broker.launch();
            broker.awaitReady();
            return broker;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    private static Path lib() {
        Path lib = Path.of(System.getProperty("kafka.broker.lib", "target/kafka-broker")).toAbsolutePath();
        boolean hasJars;
        try (Stream<Path> files = Files.list(lib)) {
            hasJars = files.anyMatch(p -> p.getFileName().toString().startsWith("kafka_2.13-"));
        } catch (IOException e) {
            hasJars = false;
        }
        if (!hasJars) {
            throw new IllegalStateException("no Kafka broker jars in " + lib + ": the server module's build copies"
                    + " them there (maven-dependency-plugin, execution kafka-broker-jars, at process-test-classes);"
                    + " run the tests through Maven, or point -Dkafka.broker.lib at a folder of kafka_2.13 and its"
                    + " dependencies");
        }
        return lib;
    }

    private void writeConfig() {
        Path data = dir.resolve("data");
        List<String> lines = new ArrayList<>(List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + data,
                "num.partitions=1",
                // One broker: every internal topic has one replica; few partitions keep the start fast and small.
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=4",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "share.coordinator.state.topic.num.partitions=1",
                "min.insync.replicas=1",
                "group.initial.rebalance.delay.ms=0",
                // A broker killed with SIGKILL can register again only once the session of its old self has expired
                // (9 s by default), which was most of each restart after a kill (kill() then restart()). 4 s still
                // leaves four heartbeats' slack (one a second) on a loaded machine.
                "broker.session.timeout.ms=4000",
                "broker.heartbeat.interval.ms=1000",
                // A small machine shared by several builds: few threads, a small cleaner buffer.
                "num.network.threads=2",
                "num.io.threads=2",
                "background.threads=2",
                "num.recovery.threads.per.data.dir=1",
                "log.cleaner.threads=1",
                "log.cleaner.dedupe.buffer.size=2097152"));
        if (flush == Flush.EVERY_MESSAGE) {
            lines.add("log.flush.interval.messages=1");
        }
        try {
            Files.createDirectories(data);
            Files.write(dir.resolve("server.properties"), lines, StandardCharsets.UTF_8);
            Files.write(dir.resolve("log4j2.properties"), List.of(
                    "rootLogger.level=INFO",
                    "rootLogger.appenderRef.stdout.ref=STDOUT",
                    "appender.stdout.type=Console",
                    "appender.stdout.name=STDOUT",
                    "appender.stdout.layout.type=PatternLayout",
                    "appender.stdout.layout.pattern=[%d] %p %m (%c)%n",
                    "logger.kafka.name=kafka",
                    "logger.kafka.level=INFO",
                    "logger.apache.name=org.apache.kafka",
                    "logger.apache.level=INFO"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kafka's storage tool: {@code format -t <random cluster id> -c server.properties}. */
    private void format() {
        List<String> command = java("kafka.tools.StorageTool");
        command.addAll(List.of("format", "-t", clusterId(), "-c", dir.resolve("server.properties").toString()));
        try {
            Process format = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            LIVE.add(format);
            boolean done = format.waitFor(START_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            LIVE.remove(format);
            if (!done) {
                format.destroyForcibly();
                throw new IllegalStateException("Kafka's storage format did not finish; its output:\n" + logTail());
            }
            if (format.exitValue() != 0) {
                throw new IllegalStateException("Kafka's storage format failed (exit " + format.exitValue()
                        + "); its output:\n" + logTail());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run Kafka's storage tool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** 16 random bytes in URL-safe base64 without padding, as Kafka's Uuid; never starting with '-' (an option). */
    private static String clusterId() {
        SecureRandom random = new SecureRandom();
        while (true) {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }

    private List<String> java(String mainClass) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx256m", "-Xms64m", "-XX:+UseSerialGC", "-Xss512k",
                "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"),
                "-cp", lib + File.separator + "*", mainClass));
        return command;
    }

    private void launch() {
        List<String> command = java("kafka.Kafka");
        command.add(dir.resolve("server.properties").toString());
        try {
            appendLog("---- vectorvault: starting the broker\n");
            startedMs = System.currentTimeMillis();
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            LIVE.add(process);
            watchdog(process.pid());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Kafka broker", e);
        }
    }

    private void appendLog(String line) throws IOException {
        Files.writeString(log, line, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    /** A shell that kills the broker once this JVM is gone, and ends by itself once the broker is gone. */
    private static void watchdog(long pid) throws IOException {
        long jvm = ProcessHandle.current().pid();
        new ProcessBuilder("sh", "-c", "while kill -0 " + jvm + " 2>/dev/null && kill -0 " + pid
                + " 2>/dev/null; do sleep 1; done; kill -9 " + pid + " 2>/dev/null")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
    }

    /** Waits until this launch logged that it serves clients and its port accepts connections. */
    private void awaitReady() {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        int launches = countLaunches();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker exited with " + process.exitValue()
                        + "; its log:\n" + logTail());
            }
            if (startedSince(launches) && accepts()) {
                lastStartMs = System.currentTimeMillis() - startedMs;
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the Kafka broker did not start within " + START_TIMEOUT_MS / 1000
                        + " s; its log:\n" + logTail());
            }
            sleep(100);
        }
    }

    private int countLaunches() {
        return (int) readLog().stream().filter(l -> l.startsWith("---- vectorvault: starting")).count();
    }

    /** Whether the broker started since the {@code launches}-th launch marker in the log. */
    private boolean startedSince(int launches) {
        int seen = 0;
        for (String line : readLog()) {
            if (line.startsWith("---- vectorvault: starting")) {
                seen++;
            } else if (seen == launches && line.contains(STARTED)) {
                return true;
            }
        }
        return false;
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", brokerPort), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code 127.0.0.1:<port>}, for {@code kafka.brokerList}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public int port() {
        return brokerPort;
    }

    /** Milliseconds the last start took, from launching the JVM to accepting clients (storage format not counted). */
    public long startMillis() {
        return lastStartMs;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** SIGKILL; returns when the process is gone. Its data stays for {@link #restart}. */
    public void kill() {
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

    /**
     * Deletes the transaction coordinator's state (the {@code __transaction_state} partitions) of a killed broker, as
     * an unclean stop can lose it while a data partition keeps a transaction's records: after {@link #restart} the
     * coordinator knows none of the transactions in flight at the kill, which then hang on their partitions.
     */
    public void forgetTransactions() {
        if (isRunning()) {
            throw new IllegalStateException("the Kafka broker is running: kill it first");
        }
        try (Stream<Path> partitions = Files.list(dir.resolve("data"))) {
            for (Path partition : partitions.filter(p -> p.getFileName().toString().startsWith("__transaction_state-"))
                    .toList()) {
                try (Stream<Path> files = Files.walk(partition)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a killed broker again on its ports and data, and waits until it accepts clients. */
    public void restart() {
        if (isRunning()) {
            throw new IllegalStateException("the Kafka broker is running");
        }
        launch();
        awaitReady();
    }

    /** The last lines of the broker's output (format and every start), for failure messages. */
    public String logTail() {
        List<String> lines = readLog();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private List<String> readLog() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public void close() {
        kill();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary folder left behind is harmless.
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
