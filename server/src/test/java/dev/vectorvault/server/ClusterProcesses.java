package dev.vectorvault.server;

import dev.vectorvault.testkit.EtcdCluster;
import dev.vectorvault.testkit.KafkaBroker;
import dev.vectorvault.testkit.S3Server;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.milvus.grpc.ListDatabasesRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Server nodes of one cluster as separate processes (each its own JVM, data folder and ports, all sharing the given
 * etcd and the {@code --set} keys passed in), to kill with SIGKILL and restart on the same folder and ports. Logs of
 * every run of a node are appended to {@code node<i>.log}, so its node id (kept in its data folder) stays findable.
 */
final class ClusterProcesses implements AutoCloseable {
    private static final Pattern STARTED = Pattern.compile("event=cluster_node_started node=(\\d+)");
    /**
     * The cluster tests' node JVMs: a small heap, SerialGC and C1 only, so that many nodes start quickly side by side
     * on a small machine. Not how {@code bin/server} runs a node.
     */
    static final List<String> TEST_JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final Path dir;
    private final EtcdCluster etcd;
    private final List<String> sharedKeys;
    private final List<String> jvmOptions;
    private final List<int[]> ports = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<MilvusServiceBlockingStub> stubs = new ArrayList<>();

    /**
     * {@code sharedKeys}: the {@code key=value} settings every node gets besides its ports and data folder;
     * {@code etcd} null starts embedded servers.
     */
    ClusterProcesses(Path dir, EtcdCluster etcd, List<String> sharedKeys) {
        this(dir, etcd, sharedKeys, TEST_JVM_OPTIONS);
    }

    /**
     * As above, with the node JVMs' options instead of the tests' small heap, SerialGC and C1 only (a benchmark that
     * loads a million vectors needs a larger heap, or a flight recording); {@code {node}} in an option becomes the
     * node's index.
     */
    ClusterProcesses(Path dir, EtcdCluster etcd, List<String> sharedKeys, List<String> jvmOptions) {
        this.dir = dir;
        this.etcd = etcd;
        this.sharedKeys = List.copyOf(sharedKeys);
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /**
     * Nodes (none started yet) on {@code engines}' etcd, Kafka and s3proxy, with the keys of
     * {@link #onKafkaAndS3(KafkaBroker, int, String, int)}.
     */
    static ClusterProcesses onEngines(Path dir, RealEngines engines, String bucket, int sessionTtlSeconds) {
        return new ClusterProcesses(dir, engines.etcd,
                onKafkaAndS3(engines.kafka, engines.s3.port(), bucket, sessionTtlSeconds));
    }

    /**
     * The keys of a cluster on Milvus's own engines: the log on {@code kafka} (four DML channels), sealed segments in
     * {@code bucket} of the s3proxy listening on {@code s3Port}, sessions that lapse {@code sessionTtlSeconds} after
     * a node dies.
     */
    static List<String> onKafkaAndS3(KafkaBroker kafka, int s3Port, String bucket, int sessionTtlSeconds) {
        return withTransactionsInFlight("tests.transactionsInFlight", List.of(
                "common.session.ttl=" + sessionTtlSeconds,
                "cluster.changeAckTimeoutMs=2000",
                "mq.type=kafka",
                "kafka.brokerList=" + kafka.bootstrapServers(),
                "kafka.readTimeout=5",
                "rootCoord.dmlChannelNum=4",
                "common.storageType=remote",
                "minio.address=127.0.0.1",
                "minio.port=" + s3Port,
                "minio.accessKeyID=" + S3Server.ACCESS_KEY,
                "minio.secretAccessKey=" + S3Server.SECRET_KEY,
                "minio.bucketName=" + bucket,
                "minio.rootPath=files"));
    }

    /**
     * {@code keys} plus {@code kafka.transactionsInFlight} from the system property {@code property} when it is set
     * (the server's default otherwise).
     */
    static List<String> withTransactionsInFlight(String property, List<String> keys) {
        String value = System.getProperty(property, "").trim();
        if (value.isEmpty()) {
            return keys;
        }
        List<String> all = new java.util.ArrayList<>(keys);
        all.add("kafka.transactionsInFlight=" + Integer.parseInt(value));
        return List.copyOf(all);
    }

    /** Starts {@code count} more nodes and waits until each serves. */
    void start(int count) throws Exception {
        int first = processes.size();
        for (int i = 0; i < count; i++) {
            int index = processes.size();
            ports.add(new int[] {freePort(), freePort()});
            processes.add(launch(index));
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", ports.get(index)[0]).usePlaintext()
                    .build();
            channels.add(channel);
            stubs.add(MilvusServiceGrpc.newBlockingStub(channel));
        }
        for (int i = first; i < processes.size(); i++) {
            awaitServing(i);
        }
    }

    int size() {
        return processes.size();
    }

    /** A stub of node {@code index} whose calls give up after {@code seconds}. */
    MilvusServiceBlockingStub stub(int index, int seconds) {
        return stubs.get(index).withDeadlineAfter(seconds, TimeUnit.SECONDS);
    }

    int clientPort(int index) {
        return ports.get(index)[0];
    }

    /** SIGKILL: no checkpoint, no lease revocation, no goodbye to Kafka. */
    void kill(int index) throws InterruptedException {
        Process process = processes.get(index);
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    long pid(int index) {
        return processes.get(index).pid();
    }

    boolean isAlive(int index) {
        return processes.get(index).isAlive();
    }

    /** Starts a killed node again on its folder and ports; does not wait for it (see {@link #awaitServing}). */
    void restart(int index) throws IOException {
        processes.set(index, launch(index));
    }

    void awaitServing(int index) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                reconnectNow(index);
                stub(index, 5).listDatabases(ListDatabasesRequest.getDefaultInstance());
                return;
            } catch (StatusRuntimeException e) {
                if (System.nanoTime() > deadline || !processes.get(index).isAlive()) {
                    throw new AssertionError("node " + index + " does not serve; its log: " + logTail(index), e);
                }
                Thread.sleep(100);
            }
        }
    }

    /** Whether node {@code index} answers a call within {@code seconds} now. */
    boolean serves(int index, int seconds) {
        reconnectNow(index);
        try {
            return stub(index, seconds).listDatabases(ListDatabasesRequest.getDefaultInstance()).getStatus()
                    .getCode() == 0;
        } catch (StatusRuntimeException e) {
            return false;
        }
    }

    /**
     * Ends the reconnect backoff of node {@code index}'s channel. While its node is down the channel waits longer
     * after each refused connection (1 s, 1.6 s, 2.6 s, ... up to two minutes) and fails calls at once meanwhile, so
     * a node restarted after a kill seemed not to serve for seconds after it did.
     */
    private void reconnectNow(int index) {
        channels.get(index).resetConnectBackoff();
    }

    /** The cluster node id of node {@code index}, from the log of its first run. */
    long nodeId(int index) throws IOException {
        Matcher m = STARTED.matcher(Files.readString(log(index)));
        if (!m.find()) {
            throw new AssertionError("node " + index + " has not logged its node id: " + logTail(index));
        }
        return Long.parseLong(m.group(1));
    }

    /** The index of the node that owns the only collection with an owner record in etcd, if any. */
    OptionalLong ownerIndex() throws IOException {
        String[] lines = etcd.etcdctl("get", "--prefix", "by-dev/meta/root-coord/cluster/collection-owner/").split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].contains("collection-owner/")) {
                long owner = Long.parseLong(lines[i + 1].trim());
                for (int n = 0; n < processes.size(); n++) {
                    if (nodeId(n) == owner) {
                        return OptionalLong.of(n);
                    }
                }
            }
        }
        return OptionalLong.empty();
    }

    String logTail(int index) {
        try {
            String text = Files.readString(log(index));
            return "\n--- node " + index + " ---\n" + text.substring(Math.max(0, text.length() - 4000));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    String logTails() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < processes.size(); i++) {
            out.append(logTail(i));
        }
        return out.toString();
    }

    Path log(int index) {
        return dir.resolve("node" + index + ".log");
    }

    private Process launch(int index) throws IOException {
        Path data = Files.createDirectories(dir.resolve("node" + index));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        jvmOptions.forEach(option -> command.add(option.replace("{node}", String.valueOf(index))));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.vectorvault.Main"));
        List<String> keys = new ArrayList<>(List.of(
                "proxy.port=" + ports.get(index)[0],
                "proxy.internalPort=" + ports.get(index)[1],
                "localStorage.path=" + data));
        if (etcd != null) { // without etcd: the embedded mode
            keys.add("etcd.endpoints=" + etcd.endpointsCsv());
        }
        keys.addAll(sharedKeys);
        for (String key : keys) {
            command.add("--set");
            command.add(key);
        }
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(index).toFile())).start();
    }

    /** A port free now (the nodes of in-process cluster tests take theirs here too). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
        processes.forEach(Process::destroyForcibly);
        for (Process process : processes) {
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
