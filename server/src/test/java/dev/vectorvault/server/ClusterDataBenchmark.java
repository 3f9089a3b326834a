package dev.vectorvault.server;

import com.google.protobuf.ByteString;
import dev.vectorvault.testkit.EtcdCluster;
import dev.vectorvault.testkit.KafkaBroker;
import dev.vectorvault.testkit.S3Server;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.FlushRequest;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.PlaceholderGroup;
import io.milvus.grpc.PlaceholderType;
import io.milvus.grpc.PlaceholderValue;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.SearchRequest;
import io.milvus.grpc.SearchResults;
import io.milvus.grpc.VectorField;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster data path measured against the embedded mode in the same run (issue 12's benchmarks): insert rows/s
 * and search q/s through an embedded server and through clusters of 1, 2 and 3 node processes (etcd + Kafka +
 * s3proxy as processes), and the time a survivor takes to serve a collection loaded from object storage after its
 * owner is killed with SIGKILL. A program that prints a table: nothing is asserted, and it runs only when asked:
 * {@code mvn -B -o -pl server test -Dtest=ClusterDataBenchmark -Dbench.clusterData=true} (add
 * {@code -Dbench.rows=N -Dbench.dim=D -Dbench.seconds=S -Dbench.clients=C -Dbench.maxNodes=M}, and
 * {@code -Dbench.transactionsInFlight=K} for the nodes' {@code kafka.transactionsInFlight}, and
 * {@code -Dbench.brokerFlush=kafka-default} for a broker that does not force every message to disk, as
 * {@code bin/cluster} runs it).
 *
 * <p>Fairness between the setups: before its timed insert every setup (the embedded mode included) takes an untimed
 * warm-up insert of {@code -Dbench.warmupRows} rows (default 100,000) into a collection of its own, by the same
 * clients, so that the server JVMs and, in the cluster, the Kafka broker have compiled their insert paths before the
 * clock starts (the broker is otherwise cold: the embedded setup runs first and does not use it). 20,000 rows were not
 * enough: with C2 both the servers and the broker still spent more CPU per timed row (docs/benchmarks.md). Server
 * processes run with {@code -Dbench.serverJvm=production} (default): {@code bin/server}'s flags (the Vector API
 * module, the JVM's default collector and tiered JIT) with a fixed {@code -Xmx} of {@code -Dbench.nodeHeap} (default
 * 2g); {@code -Dbench.serverJvm=test} gives them the cluster tests' small heap, SerialGC and C1 only, as before. Per
 * setup the table gives the CPU time (user + system, {@code /proc/<pid>/stat}) each process of this run spent over the
 * timed insert, in µs per row: the server nodes, the broker, etcd, s3proxy (only this JVM's own child processes) and
 * this JVM (the clients). {@code -Dbench.jfrDir=D} records node 0 with JFR over each timed insert
 * ({@code D/<setup>.jfr}; a recording itself makes the JIT compile more, see docs/benchmarks.md "nodecpu"). The
 * server cell gives in parentheses the part its JIT compiler threads took; {@code -Dbench.threadCpu=true} prints node
 * 0's CPU per row by thread name (request threads, Kafka clients, collector, compiler), {@code -Dbench.perfDir=D}
 * samples node 0 with {@code perf record} over each timed insert ({@code D/<setup>.perf.data}, with the JIT's symbols
 * written to {@code /tmp/perf-<pid>.map}), and {@code -Dbench.serverJvmArgs="..."} adds JVM options to every server.
 * The warm-up collection is flushed before the timed insert, so a long warm-up's checkpoint does not fall into it.
 *
 * <p>{@code -Dbench.mode=load} measures instead what loading a collection from object storage takes, per size in
 * {@code -Dbench.loadRows} (comma-separated row counts): see {@link #printsLoadTimesFromObjectStorage}.
 */
@EnabledIfSystemProperty(named = "bench.clusterData", matches = "true")
class ClusterDataBenchmark {
    private static final int ROWS = Integer.getInteger("bench.rows", 20_000);
    private static final int DIM = Integer.getInteger("bench.dim", 64);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 10);
    private static final int BATCH = 500;
    private static final int CLIENTS = Integer.getInteger("bench.clients", 2);
    /** The largest cluster measured; {@code -Dbench.maxNodes=1} keeps a before/after comparison short. */
    private static final int MAX_NODES = Integer.getInteger("bench.maxNodes", 3);
    /** Rows inserted, untimed, into a collection of their own before each setup's timed insert. */
    private static final int WARMUP_ROWS = Integer.getInteger("bench.warmupRows", 100_000);
    private static final String JFR_DIR = System.getProperty("bench.jfrDir", "");
    /** Also print node 0's CPU per row by thread name ({@code -Dbench.threadCpu=true}). */
    private static final boolean THREAD_CPU = Boolean.getBoolean("bench.threadCpu");
    /** Samples node 0 with {@code perf record} over each timed insert into {@code D/<setup>.perf.data}. */
    private static final String PERF_DIR = System.getProperty("bench.perfDir", "");
    /**
     * The broker's flush policy: {@code every-message} (default; the tests' broker, one replica per partition) or
     * {@code kafka-default} (as {@code bin/cluster} runs it; the operating system writes the logs back).
     */
    private static final KafkaBroker.Flush BROKER_FLUSH = brokerFlush(System.getProperty("bench.brokerFlush",
            "every-message"));

    @TempDir
    Path dir;

    @Test
    @DisabledIfSystemProperty(named = "bench.mode", matches = "load")
    void printsInsertAndSearchThroughputWithOneTwoAndThreeNodesBesideTheEmbeddedMode() throws Exception {
        List<String> serverJvm = serverJvmOptions();
        List<String> table = new ArrayList<>();
        table.add(String.format("%-12s | %12s | %10s | %10s | %10s | %s", "setup", "insert rows/s", "vs embedded",
                "search q/s", "vs embedded", ProcessCpu.HEADER));
        try (EtcdCluster etcd = EtcdCluster.start(1, Files.createDirectories(dir.resolve("etcd")));
             KafkaBroker kafka = KafkaBroker.start(BROKER_FLUSH);
             S3Server s3 = S3Server.start(Files.createDirectories(dir.resolve("s3")))) {
            Measured embedded = null;
            String load = "";
            for (int nodes = 0; nodes <= MAX_NODES; nodes++) {
                Path setupDir = Files.createDirectories(dir.resolve("setup" + nodes));
                List<String> keys = nodes == 0 ? List.of() : clusterKeys("bench" + nodes, 2, kafka, s3);
                String setup = nodes == 0 ? "embedded" : nodes + " node" + (nodes > 1 ? "s" : "");
                try (ClusterProcesses cluster = new ClusterProcesses(setupDir, nodes == 0 ? null : etcd, keys,
                        serverJvm)) {
                    cluster.start(Math.max(1, nodes));
                    Measured measured = measure(cluster, setup.replace(' ', '-'));
                    if (nodes == 0) {
                        embedded = measured;
                    }
                    table.add(String.format("%-12s | %12.0f | %10.2f | %10.0f | %10.2f | %s", setup,
                            measured.insertRate(), measured.insertRate() / embedded.insertRate(),
                            measured.searchRate(), measured.searchRate() / embedded.searchRate(),
                            measured.cpuPerRow()));
                    if (nodes == 2) {
                        load = loadFromObjectStorage(cluster);
                    }
                }
            }
            System.out.println("ClusterDataBenchmark: " + ROWS + " rows x " + DIM + "-d float vectors, batches of "
                    + BATCH + ", " + CLIENTS + " client threads round-robin over the nodes, FLAT index, top-10 of 1"
                    + " query per search, " + SECONDS + " s of searches; untimed warm-up of " + WARMUP_ROWS
                    + " rows into another collection before each timed insert; server JVMs " + serverJvm
                    + "; broker flush " + BROKER_FLUSH.name().toLowerCase(Locale.ROOT).replace('_', '-')
                    + "; CPU in µs per inserted row over the timed insert (10 ms ticks: "
                    + String.format("%.2f", 10_000.0 / ROWS) + " µs per row per process); load average "
                    + Files.readString(Path.of("/proc/loadavg")).trim());
            table.forEach(line -> System.out.println("ClusterDataBenchmark: " + line));
            System.out.println("ClusterDataBenchmark: " + load);
        }
    }

    /**
     * Per size: a 2-node cluster (node JVMs with the options of {@code -Dbench.serverJvm}, default {@code bin/server}'s,
     * heap {@code -Dbench.nodeHeap}, default 2g, plus the space-separated {@code -Dbench.nodeJvmArgs}, where
     * {@code {node}} is the node's index; session TTL
     * {@code -Dbench.sessionTtl}, default 10 s: 2 s lapsed under a million-row insert on a loaded machine) inserts that many rows
     * into a 2-shard collection through its owner (node 0), flushes them to object storage and loads the collection
     * (FLAT). Then two loads from object storage, each on a node whose local object cache is empty:
     * <ol>
     * <li>takeover: node 0 killed with SIGKILL; the time until node 1 answers a search (session TTL, then node 1
     *     adopts the collection: its sealed segments from object storage, then the shards' Kafka tails), and the
     *     adoption's own time from node 1's log;</li>
     * <li>LoadCollection: a fresh node 2 joins, the collection is released and loaded again with 2 replicas; the time
     *     until node 2's read-only copy is built (node 2's log), and the copy's own build time.</li>
     * </ol>
     * With {@code -Dbench.jfrDir=D} every node records a flight recording, dumped to {@code D/<rows>-node<i>.jfr}
     * before the cluster stops.
     */
    @Test
    @EnabledIfSystemProperty(named = "bench.mode", matches = "load")
    void printsLoadTimesFromObjectStorage() throws Exception {
        String heap = System.getProperty("bench.nodeHeap", "2g");
        String jfrDir = System.getProperty("bench.jfrDir", "");
        int ttl = Integer.getInteger("bench.sessionTtl", 10);
        List<String> table = new ArrayList<>();
        table.add(String.format("%9s | %11s | %10s | %10s | %11s | %11s | %10s | %11s | %s", "rows", "object MB",
                "insert s", "segments", "takeover s", "minus TTL s", "adopt ms", "replica s", "copy ms"));
        try (EtcdCluster etcd = EtcdCluster.start(1, Files.createDirectories(dir.resolve("etcd")));
             KafkaBroker kafka = KafkaBroker.start();
             S3Server s3 = S3Server.start(Files.createDirectories(dir.resolve("s3")))) {
            for (String size : System.getProperty("bench.loadRows", "250000").split(",")) {
                int rows = Integer.parseInt(size.trim());
                String name = "load" + rows;
                List<String> jvm = new ArrayList<>(serverJvmOptions());
                for (String arg : System.getProperty("bench.nodeJvmArgs", "").trim().split("\\s+")) {
                    if (!arg.isEmpty()) {
                        jvm.add(arg);
                    }
                }
                if (!jfrDir.isEmpty()) {
                    jvm.add("-XX:StartFlightRecording=name=bench,settings=profile");
                }
                List<String> keys = clusterKeys(name, ttl, kafka, s3);
                Path setupDir = Files.createDirectories(dir.resolve(name));
                try (ClusterProcesses cluster = new ClusterProcesses(setupDir, etcd, keys, jvm)) {
                    cluster.start(2);
                    table.add(loadOnce(cluster, rows, s3.blobs().resolve(name), jfrDir, ttl));
                    System.out.println("ClusterDataBenchmark: " + table.get(table.size() - 1) + "; load average "
                            + Files.readString(Path.of("/proc/loadavg")).trim());
                }
            }
        }
        System.out.println("ClusterDataBenchmark: load from object storage, " + DIM + "-d float vectors, 2 shards,"
                + " node heap " + heap + ", session TTL " + ttl + " s; load average " + Files.readString(Path.of("/proc/loadavg")).trim());
        table.forEach(line -> System.out.println("ClusterDataBenchmark: " + line));
    }

    private static KafkaBroker.Flush brokerFlush(String value) {
        return switch (value) {
            case "every-message" -> KafkaBroker.Flush.EVERY_MESSAGE;
            case "kafka-default" -> KafkaBroker.Flush.KAFKA_DEFAULT;
            default -> throw new IllegalArgumentException("bench.brokerFlush is every-message or kafka-default, not "
                    + value);
        };
    }

    /**
     * A cluster on Kafka and s3proxy whose etcd root, topics and bucket are {@code name}'s alone, with
     * {@code -Dbench.transactionsInFlight} and {@code -Dbench.gatherTime} (the nodes'
     * {@code kafka.groupCommit.gatherTime}, to compare the group commit with and without its gathering wait) when set.
     */
    private static List<String> clusterKeys(String name, int sessionTtlSeconds, KafkaBroker kafka, S3Server s3) {
        String gather = System.getProperty("bench.gatherTime", "").trim();
        List<String> keys = ClusterProcesses.withTransactionsInFlight("bench.transactionsInFlight", List.of(
                "etcd.rootPath=" + name,
                "msgChannel.chanNamePrefix.cluster=" + name,
                "common.session.ttl=" + sessionTtlSeconds,
                "mq.type=kafka",
                "kafka.brokerList=" + kafka.bootstrapServers(),
                "common.storageType=remote",
                "minio.address=127.0.0.1",
                "minio.port=" + s3.port(),
                "minio.accessKeyID=" + S3Server.ACCESS_KEY,
                "minio.secretAccessKey=" + S3Server.SECRET_KEY,
                "minio.bucketName=" + name,
                "minio.rootPath=files"));
        if (gather.isEmpty()) {
            return keys;
        }
        List<String> all = new ArrayList<>(keys);
        all.add("kafka.groupCommit.gatherTime=" + Long.parseLong(gather));
        return List.copyOf(all);
    }

    private static String loadOnce(ClusterProcesses cluster, int rows, Path bucket, String jfrDir, int ttl)
            throws Exception {
        MilvusServiceBlockingStub owner = cluster.stub(0, 600);
        createCollection(owner, "c");
        int batch = Integer.getInteger("bench.loadBatch", 2_000);
        AtomicLong next = new AtomicLong();
        long started = System.nanoTime();
        runClients(client -> {
            for (long from = next.getAndAdd(batch); from < rows; from = next.getAndAdd(batch)) {
                SmallCollection.ok(cluster.stub(0, 600).insert(batch("c", from, (int) Math.min(batch, rows - from)))
                        .getStatus());
            }
        });
        double insertSeconds = (System.nanoTime() - started) / 1e9;
        SmallCollection.ok(owner.flush(FlushRequest.newBuilder().addCollectionNames("c").build()).getStatus());
        indexAndLoad(owner, 1);
        search(owner, new Random(0));
        long bytes;
        long segments;
        try (var files = Files.walk(bucket)) {
            List<Path> sealed = files.filter(Files::isRegularFile).toList();
            bytes = 0;
            for (Path file : sealed) {
                bytes += Files.size(file);
            }
            segments = sealed.stream().filter(f -> f.toString().contains("insert_log")).count();
        }
        System.out.println("ClusterDataBenchmark: " + rows + " rows inserted in " + String.format("%.1f s",
                insertSeconds) + ", " + bytes + " bytes in " + segments + " segment objects on object storage");

        cluster.kill(0);
        long killed = System.nanoTime();
        searchUntilAnswered(cluster, 1);
        double takeover = (System.nanoTime() - killed) / 1e9;
        long adoptMs = loggedMillis(cluster, 1, "event=collection_adopted");

        cluster.start(1); // node 2: nothing of the collection on its disk
        SmallCollection.ok(cluster.stub(1, 60).releaseCollection(io.milvus.grpc.ReleaseCollectionRequest.newBuilder()
                .setCollectionName("c").build()));
        long loadStarted = System.nanoTime();
        SmallCollection.ok(cluster.stub(1, 600).loadCollection(LoadCollectionRequest.newBuilder()
                .setCollectionName("c").setReplicaNumber(2).build()));
        long copyMs;
        while ((copyMs = loggedMillis(cluster, 2, "event=replica_copy_built")) < 0) {
            Thread.sleep(20);
        }
        double replica = (System.nanoTime() - loadStarted) / 1e9;
        search(cluster.stub(2, 60), new Random(2));
        if (!jfrDir.isEmpty()) {
            for (int node = 1; node <= 2; node++) {
                Path file = Files.createDirectories(Path.of(jfrDir)).resolve(rows + "-node" + node + ".jfr");
                new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        String.valueOf(cluster.pid(node)), "JFR.dump", "name=bench", "filename=" + file)
                        .inheritIO().start().waitFor(60, TimeUnit.SECONDS);
            }
        }
        return String.format("%9d | %11.1f | %10.1f | %10d | %11.2f | %11.2f | %10d | %11.2f | %d", rows,
                bytes / 1e6, insertSeconds, segments, takeover, takeover - ttl, adoptMs, replica, copyMs);
    }

    /** The {@code ms=} of the last log line of node {@code index} holding {@code event}; -1 before there is one. */
    private static long loggedMillis(ClusterProcesses cluster, int index, String event) throws java.io.IOException {
        long ms = -1;
        for (String line : Files.readAllLines(cluster.log(index))) {
            int at = line.indexOf(event);
            int field = line.indexOf(" ms=", Math.max(at, 0));
            if (at >= 0 && field >= 0) {
                ms = Long.parseLong(line.substring(field + 4).split("\\D", 2)[0]);
            }
        }
        return ms;
    }

    /**
     * The server JVMs' options: {@code bin/server}'s (the Vector API module; the JVM's default collector and tiered
     * JIT) with a fixed heap, so that the heap does not follow the machine's memory; or the cluster tests' own.
     */
    private static List<String> serverJvmOptions() {
        String kind = System.getProperty("bench.serverJvm", "production");
        List<String> options = new ArrayList<>(switch (kind) {
            case "production" -> List.of("--add-modules", "jdk.incubator.vector",
                    "-Xmx" + System.getProperty("bench.nodeHeap", "2g"));
            case "test" -> ClusterProcesses.TEST_JVM_OPTIONS;
            default -> throw new IllegalArgumentException("bench.serverJvm is production or test, not " + kind);
        });
        for (String arg : System.getProperty("bench.serverJvmArgs", "").trim().split("\\s+")) {
            if (!arg.isEmpty()) {
                options.add(arg);
            }
        }
        return options;
    }

    private static void createCollection(MilvusServiceBlockingStub stub, String name) {
        CollectionSchema schema = CollectionSchema.newBuilder().setName(name)
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(SmallCollection.pair("dim", String.valueOf(DIM))))
                .build();
        SmallCollection.ok(stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName(name)
                .setShardsNum(2).setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
    }

    private static void indexAndLoad(MilvusServiceBlockingStub stub, int replicas) {
        SmallCollection.ok(stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName("c")
                .setFieldName("v").addExtraParams(SmallCollection.pair("index_type", "FLAT"))
                .addExtraParams(SmallCollection.pair("metric_type", "L2")).build()));
        SmallCollection.ok(stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("c")
                .setReplicaNumber(replicas).build()));
    }

    /** What {@link #measure} found: insert rows/s, search q/s, and the processes' CPU per row over the insert. */
    private record Measured(double insertRate, double searchRate, String cpuPerRow) {}

    /**
     * Warms up, then inserts {@link #ROWS} rows (timed, with the processes' CPU), flushes, indexes, loads, then
     * searches for {@link #SECONDS}.
     */
    private static Measured measure(ClusterProcesses cluster, String setup) throws Exception {
        MilvusServiceBlockingStub first = cluster.stub(0, 120);
        if (WARMUP_ROWS > 0) {
            createCollection(first, "warmup");
            SmallCollection.ok(first.insert(batch("warmup", -1, 1)).getStatus()); // node 0 owns it too
            insertRows(cluster, "warmup", WARMUP_ROWS);
            SmallCollection.ok(first.flush(FlushRequest.newBuilder().addCollectionNames("warmup").build())
                    .getStatus());
        }
        createCollection(first, "c");
        SmallCollection.ok(first.insert(batch("c", -1, 1)).getStatus()); // node 0 owns it; untimed
        Path jfr = JFR_DIR.isEmpty() ? null : Files.createDirectories(Path.of(JFR_DIR)).resolve(setup + ".jfr");
        if (jfr != null) {
            jcmd(cluster.pid(0), "JFR.start", "name=insert", "settings=profile");
        }
        Process perf = PERF_DIR.isEmpty() ? null : new ProcessBuilder("perf", "record", "-F", "997", "-o",
                Files.createDirectories(Path.of(PERF_DIR)).resolve(setup + ".perf.data").toString(), "-p",
                String.valueOf(cluster.pid(0))).inheritIO().start();
        ProcessCpu cpu = ProcessCpu.start(cluster);
        Instant insertStarted = Instant.now();
        long started = System.nanoTime();
        insertRows(cluster, "c", ROWS);
        double insertRate = ROWS / ((System.nanoTime() - started) / 1e9);
        String cpuPerRow = cpu.perRow(ROWS);
        if (perf != null) {
            jcmd(cluster.pid(0), "Compiler.perfmap"); // names the compiled code for perf report
            perf.destroy();
            perf.waitFor(60, TimeUnit.SECONDS);
        }
        if (THREAD_CPU) {
            System.out.println("ClusterDataBenchmark: " + setup + " timed insert " + insertStarted + " to "
                    + Instant.now());
            cpu.serverThreadsPerRow(ROWS).forEach(line -> System.out.println("ClusterDataBenchmark: " + setup
                    + " server threads, CPU µs per row: " + line));
        }
        if (jfr != null) {
            jcmd(cluster.pid(0), "JFR.stop", "name=insert", "filename=" + jfr);
        }
        SmallCollection.ok(first.flush(FlushRequest.newBuilder().addCollectionNames("c").build()).getStatus());
        indexAndLoad(first, 1);
        for (int i = 0; i < 20; i++) { // warm-up through every node
            search(cluster.stub(i % cluster.size(), 60), new Random(i));
        }
        AtomicLong searches = new AtomicLong();
        long searchStart = System.nanoTime();
        long end = searchStart + TimeUnit.SECONDS.toNanos(SECONDS);
        runClients(client -> {
            Random random = new Random(client);
            for (int i = client; System.nanoTime() < end; i++) {
                search(cluster.stub(i % cluster.size(), 60), random);
                searches.incrementAndGet();
            }
        });
        double searchRate = searches.get() / ((System.nanoTime() - searchStart) / 1e9);
        return new Measured(insertRate, searchRate, cpuPerRow);
    }

    /** {@code rows} rows into {@code collection} by the clients, batch by batch round-robin over the nodes. */
    private static void insertRows(ClusterProcesses cluster, String collection, int rows) throws Exception {
        AtomicLong next = new AtomicLong();
        runClients(client -> {
            for (long from = next.getAndAdd(BATCH); from < rows; from = next.getAndAdd(BATCH)) {
                SmallCollection.ok(cluster.stub((int) (from / BATCH) % cluster.size(), 120)
                        .insert(batch(collection, from, (int) Math.min(BATCH, rows - from))).getStatus());
            }
        });
    }

    private static void jcmd(long pid, String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid)));
        line.addAll(List.of(command));
        new ProcessBuilder(line).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
    }

    /** Kills the owner (node 0) and times the first answered search through node 1: session TTL plus takeover. */
    private static String loadFromObjectStorage(ClusterProcesses cluster) throws Exception {
        cluster.kill(0);
        long killed = System.nanoTime();
        int refused = searchUntilAnswered(cluster, 1);
        double seconds = (System.nanoTime() - killed) / 1e9;
        double takeover = Math.max(0, seconds - 2);
        return String.format("owner of %d sealed rows killed: a survivor answered a search after %.2f s (session"
                        + " TTL 2 s, %d refused searches); the takeover part (minus the 2 s TTL) is %.2f s = %.1f s per"
                        + " million %d-d vectors if linear (extrapolated from %d rows)", ROWS, seconds, refused,
                takeover, takeover * 1_000_000 / ROWS, DIM, ROWS);
    }

    /** Searches through node {@code node} every 20 ms until one is answered; returns how many were refused. */
    private static int searchUntilAnswered(ClusterProcesses cluster, int node) throws InterruptedException {
        int refused = 0;
        while (true) {
            try {
                search(cluster.stub(node, 60), new Random(node));
                return refused;
            } catch (RuntimeException | AssertionError e) {
                refused++;
                Thread.sleep(20);
            }
        }
    }

    private interface Client {
        void run(int client) throws Exception;
    }

    private static void runClients(Client body) throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            Thread thread = new Thread(() -> {
                try {
                    body.run(client);
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("a client failed", failures.get(0));
        }
    }

    private static InsertRequest batch(String collection, long from, int count) {
        LongArray.Builder ids = LongArray.newBuilder();
        FloatArray.Builder vectors = FloatArray.newBuilder();
        Random random = new Random(from);
        for (long id = from; id < from + count; id++) {
            ids.addData(id);
            for (int d = 0; d < DIM; d++) {
                vectors.addData(random.nextFloat());
            }
        }
        return InsertRequest.newBuilder().setCollectionName(collection).setNumRows(count)
                .addFieldsData(FieldData.newBuilder().setFieldName("id").setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(ids)))
                .addFieldsData(FieldData.newBuilder().setFieldName("v").setType(DataType.FloatVector)
                        .setVectors(VectorField.newBuilder().setDim(DIM).setFloatVector(vectors)))
                .build();
    }

    private static void search(MilvusServiceBlockingStub stub, Random random) {
        ByteBuffer vector = ByteBuffer.allocate(4 * DIM).order(ByteOrder.LITTLE_ENDIAN);
        for (int d = 0; d < DIM; d++) {
            vector.putFloat(random.nextFloat());
        }
        PlaceholderValue value = PlaceholderValue.newBuilder().setTag("$0").setType(PlaceholderType.FloatVector)
                .addValues(ByteString.copyFrom(vector.array())).build();
        SearchResults results = stub.search(SearchRequest.newBuilder().setCollectionName("c")
                .setPlaceholderGroup(PlaceholderGroup.newBuilder().addPlaceholders(value).build().toByteString())
                .setDslType(io.milvus.grpc.DslType.BoolExprV1)
                .addSearchParams(SmallCollection.pair("anns_field", "v"))
                .addSearchParams(SmallCollection.pair("metric_type", "L2"))
                .addSearchParams(SmallCollection.pair("topk", "10")).build());
        SmallCollection.ok(results.getStatus());
    }
}
