package dev.vectorvault.bench.ann;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.vectorvault.bench.MachineFacts;
import dev.vectorvault.bench.ServerChild;
import dev.vectorvault.bench.TextTable;
import dev.vectorvault.index.BuildProgress;
import dev.vectorvault.index.HnswIndex;
import dev.vectorvault.index.HnswParams;
import dev.vectorvault.index.OrdinalFilter;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.index.request.DescribeIndexReq;
import io.milvus.v2.service.index.response.DescribeIndexResp;
import io.milvus.v2.service.utility.request.FlushReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.SearchResp;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
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
 * writes, one segment big enough for the whole set), holds the data set in a collection with an HNSW index, and
 * closed-loop clients of the official Java SDK v2 ({@link MilvusClientV2}) send one top-10 query per call. The same
 * query stream also runs straight on an {@link HnswIndex} built in this JVM with the same parameters, so the
 * difference at one client is what the server, protobuf and gRPC add per query.
 *
 * <p>Its own JVM, started by {@link AnnBenchmark} with the SDK first on the classpath (see the bench pom), because the
 * SDK's {@code io.milvus.grpc} classes clash with the server's. The index is created with the collection, the rows
 * are inserted in batches of {@value #BATCH} and flushed, and the program waits until DescribeIndex reports every
 * row indexed before it measures. Client and server share the machine's cores, as on any single box.
 */
@Command(name = "bench-ann-e2e", mixinStandardHelpOptions = true,
        description = "End-to-end HNSW search through gRPC with the Java SDK v2 (started by bench-ann).")
public final class EndToEnd implements Callable<Integer> {
    static final int BATCH = 2_000;
    private static final String COLLECTION = "ann_e2e";

    @Option(names = "--dataset", required = true)
    String dataset;
    @Option(names = "--size", required = true)
    int size;
    @Option(names = "--queries", required = true)
    int queryCount;
    @Option(names = "--seed", required = true)
    long seed;
    @Option(names = "--m", required = true)
    int m;
    @Option(names = "--ef-construction", required = true)
    int efConstruction;
    @Option(names = "--ef", defaultValue = "64", description = "Search beam of every query (default 64).")
    int ef;
    @Option(names = "--seconds", defaultValue = "10")
    double seconds;
    @Option(names = "--cache", required = true)
    Path root;
    @Option(names = "--fashion-dir", required = true)
    Path fashionDir;
    @Option(names = "--server-jar", defaultValue = "server/target/vectorvault-server.jar")
    Path serverJar;

    public static void main(String[] args) {
        System.exit(new CommandLine(new EndToEnd()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ProgressLog log = new ProgressLog(System.err);
        PrintStream out = System.out;
        Dataset data = AnnBenchmark.loadFor(dataset, root, size, queryCount, seed, fashionDir);
        int[][] truth = GroundTruth.load(data, SweepRunner.K, root.resolve("data").resolve(data.cacheKey()));
        int segmentRows = Math.max(65_536, data.base().length);
        out.println();
        out.printf(Locale.ROOT, "== end to end: %s through gRPC (Java SDK v2 2.6.22, server in a child process),"
                + " HNSW M=%d efConstruction=%d, search ef=%d, top-10%n", data.name(), m, efConstruction, ef);
        try (ServerChild server = ServerChild.start(serverJar, "4g", Map.of("localStorage.syncWrites", "false",
                "localStorage.segmentRows", Integer.toString(segmentRows)))) {
            MilvusClientV2 client = new MilvusClientV2(ConnectConfig.builder()
                    .uri("http://127.0.0.1:" + server.port()).build());
            try {
                if (load(client, data, log, out)) {
                    measure(client, data, truth, log, out);
                }
            } finally {
                client.close();
            }
        }
        return 0;
    }

    /** Creates the collection with its HNSW index, inserts, flushes and waits for the index; false if refused. */
    private boolean load(MilvusClientV2 client, Dataset data, ProgressLog log, PrintStream out)
            throws InterruptedException {
        CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
        schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true)
                .autoID(false).build());
        schema.addField(AddFieldReq.builder().fieldName("vector").dataType(DataType.FloatVector)
                .dimension(data.dim()).build());
        IndexParam index = IndexParam.builder().fieldName("vector").indexType(IndexParam.IndexType.HNSW)
                .metricType(IndexParam.MetricType.valueOf(data.metric().name()))
                .extraParams(Map.of("M", m, "efConstruction", efConstruction)).build();
        try {
            client.createCollection(CreateCollectionReq.builder().collectionName(COLLECTION)
                    .collectionSchema(schema).indexParams(List.of(index)).build());
        } catch (RuntimeException e) {
            out.println("   not measured: the server refused a collection with an HNSW index: " + e.getMessage());
            return false;
        }
        long start = System.nanoTime();
        float[][] base = data.base();
        for (int from = 0; from < base.length; from += BATCH) {
            List<JsonObject> rows = new ArrayList<>(BATCH);
            for (int i = from; i < Math.min(base.length, from + BATCH); i++) {
                JsonObject row = new JsonObject();
                row.addProperty("id", (long) i);
                JsonArray vector = new JsonArray(base[i].length);
                for (float f : base[i]) {
                    vector.add(f);
                }
                row.add("vector", vector);
                rows.add(row);
            }
            client.insert(InsertReq.builder().collectionName(COLLECTION).data(rows).build());
        }
        double insertSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        client.flush(FlushReq.builder().collectionNames(List.of(COLLECTION)).build());
        long indexed = 0;
        String state = "?";
        long deadline = System.nanoTime() + 1_800_000_000_000L;
        while (System.nanoTime() < deadline) {
            DescribeIndexResp.IndexDesc desc = client.describeIndex(DescribeIndexReq.builder()
                    .collectionName(COLLECTION).fieldName("vector").build()).getIndexDescriptions().get(0);
            indexed = desc.getIndexedRows();
            state = String.valueOf(desc.getIndexState());
            if (indexed >= base.length || "Finished".equalsIgnoreCase(state)) {
                break;
            }
            Thread.sleep(500);
        }
        double indexSeconds = (System.nanoTime() - start) / 1e9;
        client.loadCollection(LoadCollectionReq.builder().collectionName(COLLECTION).build());
        log.note("e2e: inserted %,d rows in %.1f s; flush + index build %.1f s (state %s, %,d rows indexed)",
                base.length, insertSeconds, indexSeconds, state, indexed);
        out.printf(Locale.ROOT, "   load: insert %,d rows in batches of %,d: %.1f s; flush and index build until"
                + " DescribeIndex reports them indexed: %.1f s (state %s, indexed rows %,d)%n", base.length, BATCH,
                insertSeconds, indexSeconds, state, indexed);
        return true;
    }

    private void measure(MilvusClientV2 client, Dataset data, int[][] truth, ProgressLog log, PrintStream out)
            throws Exception {
        float[][] queries = data.queries();
        List<List<BaseVector>> requests = new ArrayList<>(queries.length);
        for (float[] query : queries) {
            requests.add(List.of(new FloatVec(query)));
        }
        ClosedLoop.Query grpc = q -> {
            SearchResp response = client.search(SearchReq.builder().collectionName(COLLECTION)
                    .data(requests.get(q)).topK(SweepRunner.K).searchParams(Map.of("ef", ef)).build());
            List<SearchResp.SearchResult> hits = response.getSearchResults().get(0);
            int[] ids = new int[hits.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = ((Number) hits.get(i).getId()).intValue();
            }
            return ids;
        };
        HnswIndex local = HnswIndex.build(Columns.of(data.base()), data.metric(),
                new HnswParams(m, efConstruction, seed), 1, BuildProgress.NONE);
        ClosedLoop.Query inProcess = q -> Columns.ordinals(
                local.search(queries[q], SweepRunner.K, ef, OrdinalFilter.ACCEPT_ALL));

        int[][] grpcAnswers = new int[queries.length][];
        int[][] localAnswers = new int[queries.length][];
        for (int q = 0; q < queries.length; q++) {
            grpcAnswers[q] = grpc.search(q);
            localAnswers[q] = inProcess.search(q);
        }
        double grpcRecall = Recall.of(grpcAnswers, truth, SweepRunner.K);
        double localRecall = Recall.of(localAnswers, truth, SweepRunner.K);

        TextTable table = new TextTable(2, "path", "clients", "q/s", "p50 us", "p99 us", "recall@10");
        ClosedLoop.Result local1 = ClosedLoop.run(inProcess, 1, queries.length, seconds);
        table.row(cells("HnswIndex.search in-process", local1, localRecall));
        log.note("e2e: in-process 1 client: %.0f q/s", local1.qps());
        ClosedLoop.Result grpc1 = ClosedLoop.run(grpc, 1, queries.length, seconds);
        table.row(cells("gRPC Search, Java SDK v2", grpc1, grpcRecall));
        log.note("e2e: gRPC 1 client: %.0f q/s", grpc1.qps());
        ClosedLoop.Result grpc8 = ClosedLoop.run(grpc, 8, queries.length, seconds);
        table.row(cells("gRPC Search, Java SDK v2", grpc8, grpcRecall));
        log.note("e2e: gRPC 8 clients: %.0f q/s", grpc8.qps());
        ClosedLoop.Result local8 = ClosedLoop.run(inProcess, 8, queries.length, seconds);
        table.row(cells("HnswIndex.search in-process", local8, localRecall));
        out.printf(Locale.ROOT, "   %,d x %d stored, %,d queries cycled, %.0f s per cell after %.0f s warm-up;"
                + " load average %.2f%n", data.base().length, data.dim(), queries.length, seconds,
                ClosedLoop.WARMUP_SECONDS, MachineFacts.loadAverage());
        table.print(out, "   ");
        out.printf(Locale.ROOT, "   per-query overhead of server + protobuf + gRPC at 1 client: p50 %+.0f us (%.2fx the"
                        + " in-process p50); throughput ratio gRPC/in-process %.2f at 1 client, %.2f at 8%n",
                grpc1.p50Micros() - local1.p50Micros(), grpc1.p50Micros() / local1.p50Micros(),
                grpc1.qps() / local1.qps(), grpc8.qps() / local8.qps());
    }

    private static String[] cells(String path, ClosedLoop.Result result, double recall) {
        return new String[] {path, Integer.toString(result.clients()),
                String.format(Locale.ROOT, "%,.0f", result.qps()),
                String.format(Locale.ROOT, "%,.0f", result.p50Micros()),
                String.format(Locale.ROOT, "%,.0f", result.p99Micros()),
                String.format(Locale.ROOT, "%.4f", recall)};
    }
}
