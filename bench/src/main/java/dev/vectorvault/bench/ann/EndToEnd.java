package dev.vectorvault.bench.ann;

import dev.vectorvault.bench.MachineFacts;
import dev.vectorvault.bench.ServerChild;
import dev.vectorvault.bench.TextTable;
import dev.vectorvault.index.BuildProgress;
import dev.vectorvault.index.HnswIndex;
import dev.vectorvault.index.HnswParams;
import dev.vectorvault.index.OrdinalFilter;
import dev.vectorvault.index.VectorColumn;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * End to end: the server, started as a child process from its jar ({@link ServerChild}: authentication off, buffered
 * writes, one segment big enough for the whole set), holds the data set in a collection with an HNSW index
 * ({@link SdkCollection}), and closed-loop clients of the official Java SDK v2 ({@link MilvusClientV2}) send one
 * top-10 query per call. The same queries also run straight on an {@link HnswIndex} built in this JVM with the same
 * parameters, so the difference is what the SDK, protobuf, gRPC and the server add per query.
 *
 * <p>One run answers issue 16's end-to-end targets ({@link EndToEndTargets}): the ef is the smallest on a ladder
 * whose in-process recall@10 reaches the target (0.95; {@link EfSweep}) unless one is given, and at that ef it
 * measures a GetVersion round trip through the SDK, the in-process index on 1 and 2 threads, and the SDK at 1 client
 * and 8 clients (8 {@code MilvusClientV2}, so 8 connections, as 8 application processes would have; one more row has
 * 8 threads sharing one client). For the scale runs it also reports the build time, the server's live heap per
 * vector, optionally the SDK's recall and q/s at every swept ef, and the time to serve searches again after the
 * server process is restarted on the same data.
 *
 * <p>Its own JVM, started by {@link AnnBenchmark} with the SDK first on the classpath (see the bench pom), because the
 * SDK's {@code io.milvus.grpc} classes clash with the server's. Client and server share the machine's cores, as on any
 * single box.
 */
@Command(name = "bench-ann-e2e", mixinStandardHelpOptions = true,
        description = "End-to-end HNSW search through gRPC with the Java SDK v2 (started by bench-ann).")
public final class EndToEnd implements Callable<Integer> {
    private static final int MANY_CLIENTS = 8;
    private static final long FIRST_SEARCH_WAIT_NANOS = 600_000_000_000L;

    @Option(names = "--dataset", required = true)
    String dataset;
    @Option(names = "--size", required = true, description = "Stored vectors (Fashion-MNIST: training images).")
    int size;
    @Option(names = "--queries", required = true)
    int queryCount;
    @Option(names = "--seed", required = true)
    long seed;
    @Option(names = "--m", required = true)
    int m;
    @Option(names = "--ef-construction", required = true)
    int efConstruction;
    @Option(names = "--threads", defaultValue = "1", description = "Build threads, in-process and in the server.")
    int threads;
    @Option(names = "--ef", description = "Search beam; default: the smallest swept ef reaching --recall in-process.")
    Integer ef;
    @Option(names = "--recall", defaultValue = "0.95")
    double recallTarget;
    @Option(names = "--seconds", defaultValue = "10", description = "Measured seconds per cell at the chosen ef.")
    double seconds;
    @Option(names = "--sweep-seconds", defaultValue = "1", description = "Measured seconds per swept ef.")
    double sweepSeconds;
    @Option(names = "--sdk-sweep", description = "Also search through the SDK (1 and 8 clients) at every swept ef.")
    boolean sdkSweep;
    @Option(names = "--restart", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Restart the server on the same data and time until it answers searches (default on).")
    boolean restart;
    @Option(names = "--server-heap", defaultValue = "4g", description = "-Xmx of the server child.")
    String serverHeap;
    @Option(names = "--cache", required = true)
    Path root;
    @Option(names = "--fashion-dir", required = true)
    Path fashionDir;
    @Option(names = "--server-jar", defaultValue = "server/target/vectorvault-server.jar")
    Path serverJar;

    private final ProgressLog log = new ProgressLog(System.err);
    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new EndToEnd()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String loadAtStart = MachineFacts.loadAverages();
        Dataset data = AnnBenchmark.loadFor(dataset, root, size, queryCount, seed, fashionDir);
        int[][] truth = GroundTruth.load(data, SweepRunner.K, root.resolve("data").resolve(data.cacheKey()));
        int rows = data.base().length;
        out.println();
        out.printf(Locale.ROOT, "== end to end: %s, %,d x %d stored, %,d queries, through gRPC (Java SDK v2 2.6.22,"
                + " server in a child process with -Xmx%s), HNSW M=%d efConstruction=%d, %d build thread(s), top-10%n",
                data.name(), rows, data.dim(), data.queries().length, serverHeap, m, efConstruction, threads);
        out.println("   machine: " + MachineFacts.cpu());
        out.println("   jdk (client and server child): " + MachineFacts.jvm());
        out.println("   uptime load average at start: " + loadAtStart);
        // One segment for every row: a checkpoint seals the growing segment, so none may start before the flush
        // (twice the rows' vector bytes, at least the default 256 MiB).
        long logMB = Math.max(256, 2L * rows * (4L * data.dim() + 64) >> 20);
        Map<String, String> settings = Map.of("localStorage.syncWrites", "false",
                "localStorage.segmentRows", Integer.toString(Math.max(65_536, rows)),
                "localStorage.checkpointMB", Long.toString(Math.min(1 << 20, logMB)),
                "indexNode.buildThreads", Integer.toString(threads));
        SdkCollection collection = new SdkCollection(data);
        try (ServerChild server = ServerChild.start(serverJar, serverHeap, settings)) {
            MilvusClientV2 client = connect(server);
            try {
                long emptyHeap = ServerHeap.usedAfterGc(server.pid());
                try {
                    collection.create(client, data, m, efConstruction);
                } catch (RuntimeException e) {
                    out.println("   not measured: the server refused a collection with an HNSW index: "
                            + e.getMessage());
                    return 0;
                }
                fill(client, collection, rows);
                reportMemory(server, client, collection, emptyHeap, rows, data.dim());
                HnswIndex local = buildInProcess(data);
                EfSweep.Outcome sweep = sweepInProcess(local, data, truth);
                int chosenEf = ef != null ? ef : sweep.chosenEf();
                double sdkRecall = EfSweep.recall(collection.search(client, chosenEf), queryCount(data), truth);
                measure(server, client, collection, local, data, truth, chosenEf, sdkRecall);
                if (sdkSweep) {
                    sweepSdk(server, client, collection, sweep, truth);
                }
                if (restart) {
                    client.close();
                    client = restartAndReload(server, collection, chosenEf, queryCount(data), truth);
                }
            } finally {
                client.close();
            }
        }
        out.println("   uptime load average at the end: " + MachineFacts.loadAverages());
        return 0;
    }

    private static MilvusClientV2 connect(ServerChild server) {
        return new MilvusClientV2(ConnectConfig.builder().uri("http://127.0.0.1:" + server.port()).build());
    }

    /** {@value #MANY_CLIENTS} clients, each with its own connection, as separate application processes would have. */
    private static List<MilvusClientV2> connectMany(ServerChild server) {
        List<MilvusClientV2> clients = new ArrayList<>();
        for (int c = 0; c < MANY_CLIENTS; c++) {
            clients.add(connect(server));
        }
        return clients;
    }

    private static int queryCount(Dataset data) {
        return data.queries().length;
    }

    /** Inserts, flushes, waits for the index and loads: the build time an application sees. */
    private void fill(MilvusClientV2 client, SdkCollection collection, int rows) throws InterruptedException {
        double insertSeconds = collection.insert(client);
        log.note("e2e: inserted %,d rows in %.1f s", rows, insertSeconds);
        SdkCollection.IndexWait index = collection.flushAndAwaitIndex(client);
        long start = System.nanoTime();
        client.loadCollection(LoadCollectionReq.builder().collectionName(SdkCollection.NAME).build());
        double loadSeconds = (System.nanoTime() - start) / 1e9;
        log.note("e2e: flush + index build %.1f s (state %s, %,d rows indexed), load %.1f s", index.seconds(),
                index.state(), index.indexedRows(), loadSeconds);
        out.printf(Locale.ROOT, "   build through the SDK: insert %,d rows in batches of %,d %.1f s; flush and index"
                + " build until DescribeIndex said %s (%,d rows indexed) %.1f s; LoadCollection %.1f s; total %.1f s%n",
                rows, SdkCollection.BATCH, insertSeconds, index.state(), index.indexedRows(), index.seconds(),
                loadSeconds, insertSeconds + index.seconds() + loadSeconds);
    }

    private HnswIndex buildInProcess(Dataset data) {
        VectorColumn column = Columns.of(data.base());
        long start = System.nanoTime();
        HnswIndex local = HnswIndex.build(column, data.metric(), new HnswParams(m, efConstruction, seed), threads,
                BuildProgress.NONE);
        double buildSeconds = (System.nanoTime() - start) / 1e9;
        log.note("e2e: in-process build %.1f s", buildSeconds);
        out.printf(Locale.ROOT, "   in-process HnswIndex.build (same parameters, %d thread(s)): %.1f s; its links"
                + " (memoryBytes) %.1f B per vector%n", threads, buildSeconds,
                (double) local.memoryBytes() / data.base().length);
        return local;
    }

    private static ClosedLoop.Query inProcess(HnswIndex local, Dataset data, int ef) {
        float[][] queries = data.queries();
        return q -> Columns.ordinals(local.search(queries[q], SweepRunner.K, ef, OrdinalFilter.ACCEPT_ALL));
    }

    private EfSweep.Outcome sweepInProcess(HnswIndex local, Dataset data, int[][] truth) throws Exception {
        EfSweep.Outcome sweep = EfSweep.run(e -> inProcess(local, data, e), queryCount(data), truth, recallTarget,
                sweepSeconds);
        out.printf(Locale.ROOT, "   in-process ef sweep (1 thread, %.1f s per point; load average %.2f):%n",
                sweepSeconds, MachineFacts.loadAverage());
        TextTable table = new TextTable(1, "ef", "recall@10", "q/s", "p50 us");
        for (EfSweep.Point point : sweep.points()) {
            table.row(Integer.toString(point.ef()), recall(point.recall()), qps(point.speed()),
                    micros(point.speed().p50Micros()));
        }
        table.print(out, "     ");
        if (ef != null) {
            out.printf(Locale.ROOT, "   ef %d as given (--e2e-ef); the sweep's choice for recall@10 >= %.2f: %s%n", ef,
                    recallTarget, sweep.reached() ? "ef " + sweep.chosenEf() : "none on the ladder");
        } else {
            out.printf(Locale.ROOT, "   chosen ef %d: %s%n", sweep.chosenEf(), sweep.reached()
                    ? String.format(Locale.ROOT, "the smallest swept ef with recall@10 >= %.2f", recallTarget)
                    : String.format(Locale.ROOT, "NO swept ef reached recall@10 %.2f; the largest swept is used",
                    recallTarget));
        }
        return sweep;
    }

    /**
     * The server's live heap grown by the collection (after full GCs) per row, measured once one search has made sure
     * the loaded segment and its index are in memory.
     */
    private void reportMemory(ServerChild server, MilvusClientV2 client, SdkCollection collection, long emptyHeap,
                              int rows, int dim) throws Exception {
        collection.search(client, SweepRunner.K).search(0);
        long loadedHeap = ServerHeap.usedAfterGc(server.pid());
        out.printf(Locale.ROOT, "   memory: server live heap after full GC %,.1f MiB empty, %,.1f MiB loaded and"
                        + " searched: %.1f B per vector (the vector itself %d B)%n", emptyHeap / 1048576.0,
                loadedHeap / 1048576.0, (double) (loadedHeap - emptyHeap) / rows, 4 * dim);
    }

    private void measure(ServerChild server, MilvusClientV2 client, SdkCollection collection, HnswIndex local,
                         Dataset data, int[][] truth, int chosenEf, double sdkRecall) throws Exception {
        int queries = queryCount(data);
        ClosedLoop.Query inProcess = inProcess(local, data, chosenEf);
        double localRecall = EfSweep.recall(inProcess, queries, truth);
        ClosedLoop.Query version = q -> {
            client.getServerVersion();
            return null;
        };
        List<MilvusClientV2> clients = connectMany(server);
        try {
            TextTable table = new TextTable(2, "path", "clients", "q/s", "p50 us", "p99 us", "recall@10");
            ClosedLoop.Result getVersion = cell(table, "GetVersion, Java SDK v2", version, 1, queries, Double.NaN);
            ClosedLoop.Result local1 = cell(table, "HnswIndex.search in-process", inProcess, 1, queries,
                    localRecall);
            ClosedLoop.Result local2 = cell(table, "HnswIndex.search in-process", inProcess, 2, queries,
                    localRecall);
            ClosedLoop.Query sdk = collection.search(client, chosenEf);
            ClosedLoop.Result sdk1 = cell(table, "Search, Java SDK v2", sdk, 1, queries, sdkRecall);
            ClosedLoop.Result sdk8 = ClosedLoop.run(c -> collection.search(clients.get(c), chosenEf), MANY_CLIENTS,
                    queries, ClosedLoop.WARMUP_SECONDS, seconds);
            row(table, "Search, Java SDK v2, a client each", sdk8, sdkRecall);
            cell(table, "Search, Java SDK v2, one shared client", sdk, MANY_CLIENTS, queries, sdkRecall);
            out.printf(Locale.ROOT, "   at ef %d: %.1f s per cell after %.0f s warm-up, queries cycled; load average"
                    + " %.2f after the cells%n", chosenEf, seconds, ClosedLoop.WARMUP_SECONDS,
                    MachineFacts.loadAverage());
            table.print(out, "     ");
            out.println("   issue 16 end-to-end targets (same-run figures above):");
            new EndToEndTargets(getVersion, local1, local2, sdk1, sdk8).print(out, "     ");
        } finally {
            clients.forEach(MilvusClientV2::close);
        }
    }

    private ClosedLoop.Result cell(TextTable table, String path, ClosedLoop.Query query, int clients, int queries,
                                   double recall) throws Exception {
        ClosedLoop.Result result = ClosedLoop.run(query, clients, queries, seconds);
        row(table, path, result, recall);
        return result;
    }

    private void row(TextTable table, String path, ClosedLoop.Result result, double recall) {
        log.note("e2e: %s, %d client(s): %.0f q/s, p50 %.0f us", path, result.clients(), result.qps(),
                result.p50Micros());
        table.row(path, Integer.toString(result.clients()), qps(result), micros(result.p50Micros()),
                micros(result.p99Micros()), Double.isNaN(recall) ? "-" : recall(recall));
    }

    /** Recall@10 and q/s through the SDK at every ef the in-process sweep visited, next to the in-process figures. */
    private void sweepSdk(ServerChild server, MilvusClientV2 client, SdkCollection collection,
                          EfSweep.Outcome sweep, int[][] truth) throws Exception {
        List<MilvusClientV2> clients = connectMany(server);
        try {
            TextTable table = new TextTable(1, "ef", "in-process recall@10", "in-process q/s 1 thread",
                    "SDK recall@10", "SDK q/s 1 client", "SDK p50 us", "SDK q/s 8 clients");
            for (EfSweep.Point point : sweep.points()) {
                int e = point.ef();
                ClosedLoop.Query sdk = collection.search(client, e);
                double recall = EfSweep.recall(sdk, collection.queryCount(), truth);
                ClosedLoop.Result one = ClosedLoop.run(c -> sdk, 1, collection.queryCount(), 0.5, sweepSeconds);
                ClosedLoop.Result eight = ClosedLoop.run(c -> collection.search(clients.get(c), e), MANY_CLIENTS,
                        collection.queryCount(), 0.5, sweepSeconds);
                log.note("e2e: SDK sweep ef %d: recall %.4f, %.0f q/s at 1 client, %.0f at 8", e, recall, one.qps(),
                        eight.qps());
                table.row(Integer.toString(e), recall(point.recall()), qps(point.speed()), recall(recall), qps(one),
                        micros(one.p50Micros()), qps(eight));
            }
            out.printf(Locale.ROOT, "   recall@10 vs q/s, in-process and through the SDK (%.1f s per point; load"
                    + " average %.2f):%n", sweepSeconds, MachineFacts.loadAverage());
            table.print(out, "     ");
        } finally {
            clients.forEach(MilvusClientV2::close);
        }
    }

    /**
     * Stops the server, starts it on the same data folder and times each step until a search answers: the process
     * until its port listens, the SDK's connect, LoadCollection (the load state survives a restart, so this may find
     * the collection loaded already) and the first search; then checks the recall is what it was.
     */
    private MilvusClientV2 restartAndReload(ServerChild server, SdkCollection collection, int chosenEf,
                                            int queries, int[][] truth) throws Exception {
        double listenSeconds = server.restart();
        long connectStart = System.nanoTime();
        MilvusClientV2 client = connect(server);
        double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
        long loadStart = System.nanoTime();
        client.loadCollection(LoadCollectionReq.builder().collectionName(SdkCollection.NAME).build());
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        long searchStart = System.nanoTime();
        ClosedLoop.Query search = collection.search(client, chosenEf);
        int failures = 0;
        while (true) {
            try {
                search.search(0);
                break;
            } catch (RuntimeException notYet) {
                if (System.nanoTime() - searchStart > FIRST_SEARCH_WAIT_NANOS) {
                    throw notYet;
                }
                failures++;
                Thread.sleep(50);
            }
        }
        double firstSearchSeconds = (System.nanoTime() - searchStart) / 1e9;
        double totalSeconds = listenSeconds + connectSeconds + loadSeconds + firstSearchSeconds;
        double recall = EfSweep.recall(search, queries, truth);
        log.note("e2e: restart: %.1f s until a search answered", totalSeconds);
        out.printf(Locale.ROOT, "   restart on the same data (SIGTERM, then a new process): its port listened after"
                        + " %.2f s, SDK connect %.2f s, LoadCollection %.2f s, first search %.3f s (%d refused"
                        + " before it); from the new process's start to the first answer %.2f s; recall@10 after"
                        + " the restart %.4f%n", listenSeconds, connectSeconds, loadSeconds, firstSearchSeconds,
                failures, totalSeconds, recall);
        return client;
    }

    private static String recall(double recall) {
        return String.format(Locale.ROOT, "%.4f", recall);
    }

    private static String qps(ClosedLoop.Result result) {
        return String.format(Locale.ROOT, "%,.0f", result.qps());
    }

    private static String micros(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }
}
