package dev.vectorvault.bench;

import dev.vectorvault.testkit.EtcdCluster;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What cluster mode costs, measured against the embedded server in the same run. A real 3-member etcd is started in a
 * temporary folder ({@link EtcdCluster}); every cluster below lives in it under its own {@code etcd.rootPath}. Three
 * parts, each printed as a table:
 * <ol>
 *   <li><b>Change latency</b> ({@link ChangeLatency}): a password reset and a privilege revoke, sent to node 0, on the
 *       embedded server and on a cluster of 1, 2, then 3 nodes (the same cluster, grown node by node). In cluster
 *       mode such a call returns only once every live node has applied the change, so this is what that guarantee
 *       costs.</li>
 *   <li><b>Auth on/off on a cluster node</b>: two single-node clusters, authentication ON and OFF, measured exactly as
 *       {@code bin/bench} measures two embedded servers ({@link ThroughputComparison}).</li>
 *   <li><b>Warm login + RBAC check, cluster node vs embedded</b>: the privileged call of {@code bin/bench-rbac}
 *       ({@code GetLoadState} by a user whose role grants it) on the auth-ON cluster node and on an embedded auth-ON
 *       server, interleaved the same way (1 in flight alternating call by call, N in flight in ABBA windows).</li>
 * </ol>
 * Everything runs in this JVM (client and every node) next to the etcd processes, so on a small machine they compete
 * for the same cores. The program asserts nothing; it stops every node and etcd at the end and on failure.
 */
@Command(name = "bench-cluster", mixinStandardHelpOptions = true,
        description = "Cluster mode vs embedded: change latency with 1..3 nodes, auth on/off on a node, warm RBAC.")
public final class ClusterBenchmark implements Callable<Integer> {
    private static final String LOAD_USER = "bench_load";
    private static final String LOAD_PASSWORD = "Bench-load-password-1";
    private static final Map<String, String> AUTH_ON = Map.of("common.security.authorizationEnabled", "true");
    private static final Map<String, String> AUTH_OFF = Map.of("common.security.authorizationEnabled", "false");

    @Option(names = "--changes", description = "measured changes of each kind per setup (default ${DEFAULT-VALUE})")
    int changes = 100;
    @Option(names = "--nodes", description = "largest cluster for the change latency, 1..3 (default ${DEFAULT-VALUE})")
    int nodes = 3;
    @Option(names = "--seconds", description = "measured seconds per side and load, over all rounds, for the"
            + " throughput comparisons (default ${DEFAULT-VALUE})")
    double seconds = 12;
    @Option(names = "--rounds", description = "slices the measured time is cut into (default ${DEFAULT-VALUE})")
    int rounds = 24;
    @Option(names = "--warmup", description = "warm-up seconds before each throughput comparison"
            + " (default ${DEFAULT-VALUE})")
    double warmup = 16;
    @Option(names = "--inflight", description = "calls in flight for the concurrent load (default ${DEFAULT-VALUE})")
    int inflight = 16;
    @Option(names = "--grants", description = "unrelated grants the RBAC user's role also holds"
            + " (default ${DEFAULT-VALUE})")
    int grants = 50;
    @Option(names = "--quick", description = "under 2 minutes: --changes 50 --seconds 6 --rounds 12 --warmup 6")
    boolean quick;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClusterBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (quick) {
            changes = 50;
            seconds = 6;
            rounds = 12;
            warmup = 6;
        }
        OptionChecks.atLeast("changes", changes, 1);
        OptionChecks.atLeast("rounds", rounds, 1);
        OptionChecks.atLeast("inflight", inflight, 1);
        if (nodes < 1 || nodes > 3) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--nodes must be 1, 2 or 3");
        }
        // Before the first server class is touched: the server classes create their loggers when loaded.
        String serverLog = ServerLogging.redirectToFile();
        Progress progress = new Progress(System.err);
        double loadAtStart = MachineFacts.loadAverage();
        BenchOptions throughputOptions = new BenchOptions(OptionChecks.atLeast("seconds", seconds, 0.1),
                OptionChecks.atLeast("warmup", warmup, 0), rounds, inflight, 1, false, false);
        Path etcdDir = Files.createTempDirectory("vectorvault-bench-etcd-");
        List<BenchServer> started = new CopyOnWriteArrayList<>();
        // Interrupted (Ctrl-C, SIGTERM): no finally runs, the JVM's exit stops the nodes and EtcdCluster's own hook
        // kills etcd; this one removes the folders they leave behind.
        Thread cleanup = new Thread(() -> {
            started.forEach(BenchServer::deleteFolder);
            BenchServer.deleteTree(etcdDir);
        }, "bench-cluster-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try (EtcdCluster etcd = EtcdCluster.start(3, etcdDir)) {
            try {
                measure(etcd.endpointsCsv(), started, serverLog, loadAtStart, throughputOptions, progress);
            } finally {
                // Nodes before etcd (try-with-resources closes etcd before any finally of this try runs): each node
                // revokes its lease and writes its last state on the way out, which needs etcd.
                for (int i = started.size() - 1; i >= 0; i--) {
                    closeQuietly(started.get(i));
                }
            }
        } finally {
            BenchServer.deleteTree(etcdDir);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook runs and finds nothing left to delete.
            }
        }
        return 0;
    }

    private void measure(String endpoints, List<BenchServer> started, String serverLog, double loadAtStart,
                         BenchOptions throughputOptions, Progress progress) throws Exception {
        progress.note("etcd: 3 members at %s", endpoints);

        BenchServer embedded = track(started, BenchServer.start("embedded ON",
                "embedded (in-memory metadata), authorizationEnabled=true", AUTH_ON));
        BenchServer clusterOff = track(started, BenchServer.startClusterNode("cluster OFF",
                "1-node cluster (etcd.rootPath=bench-off), authorizationEnabled=false", endpoints, "bench-off",
                AUTH_OFF));
        BenchServer clusterOn = track(started, BenchServer.startClusterNode("cluster ON",
                "1-node cluster (etcd.rootPath=bench-on), authorizationEnabled=true", endpoints, "bench-on",
                AUTH_ON));

        progress.note("part 2: auth on/off on a cluster node");
        clusterOn.createUser(LOAD_USER, LOAD_PASSWORD);
        List<ThroughputComparison.LoadResult> onOff = new ThroughputComparison(clusterOff, clusterOn, LOAD_USER,
                LOAD_PASSWORD, throughputOptions, progress).run();
        // The report only needs the servers' names, which outlive them.
        BenchReport onOffReport = new BenchReport(throughputOptions, serverLog, loadAtStart,
                List.of(clusterOff, clusterOn));
        close(started, clusterOff);

        progress.note("part 3: warm login + RBAC check, cluster node vs embedded");
        RbacBenchmark.setUp(embedded, grants);
        RbacBenchmark.setUp(clusterOn, grants);
        List<ThroughputComparison.LoadResult> rbac = new WarmRbacComparison(embedded, clusterOn,
                throughputOptions, progress).run();
        close(started, clusterOn);

        progress.note("part 1: change latency, %d changes of each kind per setup", changes);
        List<ChangeLatency.Result[]> latencies = new ArrayList<>();
        ChangeLatency embeddedTarget = ChangeLatency.prepare(embedded);
        BenchServer node0 = track(started, BenchServer.startClusterNode("cluster node 0",
                "node 0 of the growing cluster (etcd.rootPath=bench-changes)", endpoints, "bench-changes",
                AUTH_ON));
        ChangeLatency clusterTarget = ChangeLatency.prepare(node0);
        for (int n = 1; n <= nodes; n++) {
            if (n > 1) {
                track(started, BenchServer.startClusterNode("cluster node " + (n - 1),
                        "node " + (n - 1) + " of the growing cluster", endpoints, "bench-changes", AUTH_ON));
            }
            String size = n + (n == 1 ? " node" : " nodes");
            latencies.add(ChangeLatency.interleaved(embeddedTarget, "embedded (beside " + size + ")", clusterTarget,
                    "cluster, " + size, changes, progress));
        }

        print(System.out, loadAtStart, serverLog, throughputOptions, onOffReport, onOff, rbac, latencies,
                progress.elapsedSeconds());
    }

    private static BenchServer track(List<BenchServer> started, BenchServer server) {
        started.add(server);
        return server;
    }

    private static void close(List<BenchServer> started, BenchServer server) {
        started.remove(server);
        server.close();
    }

    private static void closeQuietly(BenchServer server) {
        try {
            server.close();
        } catch (RuntimeException e) {
            System.err.println("bench-cluster: closing " + server.label() + " failed: " + e);
        }
    }

    private void print(PrintStream out, double loadAtStart, String serverLog, BenchOptions options,
                       BenchReport onOffReport, List<ThroughputComparison.LoadResult> onOff,
                       List<ThroughputComparison.LoadResult> rbac, List<ChangeLatency.Result[]> latencies,
                       double runSeconds) {
        out.println();
        out.println("VectorVault cluster benchmark (bin/bench-cluster)");
        out.println("=================================================");
        out.println("cpu         " + MachineFacts.cpu());
        out.printf(Locale.ROOT, "load        1-min load average %.1f at start, %.1f at end%n", loadAtStart,
                MachineFacts.loadAverage());
        out.println("jvm         " + MachineFacts.jvm());
        out.println("etcd        3 members (/usr/bin/etcd) on loopback, data in a temporary folder; every node, the"
                + " client and the embedded server in this one JVM");
        out.printf(Locale.ROOT, "schedule    throughput: warm-up %.0f s, %d rounds, %.2f s per side, round and load;"
                + " changes: %d of each kind per setup%n", options.warmupSeconds(), options.rounds(),
                options.sliceNanos() / 1e9, changes);
        out.printf(Locale.ROOT, "duration    %.0f s; server log %s%n", runSeconds, serverLog);

        out.println();
        out.println("## 1. Change latency, milliseconds (client-side round trip; sent to node 0, which answers once"
                + " every node has applied it)");
        ChangeLatency.print(out, latencies);

        out.println();
        out.println("## 2. Auth on/off on a cluster node (two 1-node clusters, GetVersion, as bin/bench)");
        onOffReport.printThroughput(out, onOff);
        onOffReport.printLatency(out, onOff.get(0), null);

        out.println();
        out.printf(Locale.ROOT, "## 3. Warm login + RBAC check: GetLoadState by a user whose role grants it (%d grants),"
                + " cluster node vs embedded%n", grants + 1);
        WarmRbacComparison.print(out, rbac);
        out.flush();
    }
}
