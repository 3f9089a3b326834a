package dev.vectorvault.bench;

import com.google.protobuf.ByteString;
import io.milvus.grpc.DslType;
import io.milvus.grpc.GetVersionRequest;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.PlaceholderGroup;
import io.milvus.grpc.PlaceholderType;
import io.milvus.grpc.PlaceholderValue;
import io.milvus.grpc.SearchRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a call runs (issue 16 item 1), side by side in one run: two servers in this JVM from the same build, one with
 * {@code proxy.grpc.inlineCostLimit=0} (every call handed from the transport thread to the pool, as before) and one
 * with the default (cheap reads of a proven connection run on the transport thread). Authentication on, as shipped.
 * <ol>
 *   <li>GetVersion, one call at a time, alternating call by call between the two servers: p50, p99, calls/s.</li>
 *   <li>A small search (FLAT over {@code --rows} x 128, top 10, one query), alternating the same way.</li>
 *   <li>The mix: on each server in turn, small searches from one client while one client inserts batches of 2,000
 *   rows and another runs large FLAT searches (each client on its own connection) ({@code --big-nq} queries over {@code --big-rows} rows, estimated far
 *   above the limit, so they run on the pool): the small searches' p50 and p99 must stay near their quiet values.</li>
 * </ol>
 * <p>Where the servers run: by default both in this JVM. {@code --process true} starts this build's server jar twice as
 * child processes (the same two settings), so the client's threads and garbage do not share a JVM with them.
 * {@code --server-jars old=A.jar,new=B.jar} starts two given jars as child processes with the same settings
 * (authentication on, defaults otherwise): an older commit's build against this one, interleaved call by call, as
 * issue 16 asks for GetVersion. The mix then runs on each in turn, as above.
 * <pre>bin/bench-calls [--seconds S] [--rounds N] [--warm-up S] [--rows N] [--big-rows N] [--big-nq N] [--seed N]
 *     [--process true | --server-jars LABEL=JAR,LABEL=JAR] [--server-heap 2g]</pre>
 */
public final class CallPathBenchmark {
    private static final int DIM = 128;
    private static final long STUCK_SECONDS = 120;
    private static final Map<String, String> AUTH = Map.of("common.security.authorizationEnabled", "true",
            "common.metricsPort", "-1");

    private CallPathBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>(Map.of("seconds", "5", "rounds", "3", "rows", "20000",
                "big-rows", "100000", "big-nq", "20", "seed", "42", "process", "false", "server-jars", "",
                "server-heap", "2g", "warm-up", "2"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--") || !options.containsKey(args[i].substring(2))) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + options.keySet());
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        double seconds = Double.parseDouble(options.get("seconds"));
        int rounds = Integer.parseInt(options.get("rounds"));
        int rows = Integer.parseInt(options.get("rows"));
        int bigRows = Integer.parseInt(options.get("big-rows"));
        int bigNq = Integer.parseInt(options.get("big-nq"));
        long seed = Long.parseLong(options.get("seed"));
        System.err.println("bench-calls: seed " + seed + "; server log " + ServerLogging.redirectToFile());
        Random random = new Random(seed);
        float[][] small = vectors(random, rows);
        float[][] big = vectors(random, bigRows);
        List<SearchRequest> smallSearches = new ArrayList<>();
        for (int q = 0; q < 64; q++) {
            smallSearches.add(search("small", vectors(random, 1), 10));
        }
        SearchRequest bigSearch = search("big", vectors(random, bigNq), 10);
        InsertRequest growing = MilvusMessages.insert(vectors(random, 2_000), 0, 2_000);

        try (BenchServer pool = first(options); BenchServer inline = second(options)) {
            List<BenchServer> servers = List.of(pool, inline);
            for (BenchServer server : servers) {
                MilvusServiceBlockingStub stub = server.blocking(BenchServer.ROOT, BenchServer.ROOT_PASSWORD);
                fill(new VectorCollection(stub, "small", DIM), small);
                fill(new VectorCollection(stub, "big", DIM), big);
            }
            MilvusServiceBlockingStub poolStub = stub(pool);
            MilvusServiceBlockingStub inlineStub = stub(inline);
            GetVersionRequest version = GetVersionRequest.getDefaultInstance();
            long slice = (long) (seconds * 1e9);
            // Warm-up (both sides' JIT): on a loaded machine the default 2 s leaves the servers interpreting.
            alternate(i -> poolStub.getVersion(version), i -> inlineStub.getVersion(version),
                    (long) (Double.parseDouble(options.get("warm-up")) * 1e9));
            LatencySamples[] getVersion = {new LatencySamples(), new LatencySamples()};
            LatencySamples[] searches = {new LatencySamples(), new LatencySamples()};
            long[][] counts = new long[2][2];
            for (int r = 0; r < rounds; r++) {
                System.err.printf("bench-calls: alternating round %d of %d%n", r + 1, rounds);
                long[] v = alternate(i -> poolStub.getVersion(version),
                        i -> inlineStub.getVersion(version), slice, getVersion);
                long[] s = alternate(i -> poolStub.search(smallSearches.get(i % 64)),
                        i -> inlineStub.search(smallSearches.get(i % 64)), slice, searches);
                for (int side = 0; side < 2; side++) {
                    counts[0][side] += v[side];
                    counts[1][side] += s[side];
                }
            }
            LatencySamples[] mixed = {new LatencySamples(), new LatencySamples()};
            long[][] background = new long[2][2];
            for (int r = 0; r < rounds; r++) {
                for (int side : r % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0}) {
                    System.err.printf("bench-calls: mix round %d of %d on %s%n", r + 1, rounds,
                            servers.get(side).label());
                    long[] done = mix(servers.get(side), smallSearches, bigSearch, growing, slice, mixed[side]);
                    background[side][0] += done[0];
                    background[side][1] += done[1];
                }
            }

            System.out.printf(Locale.ROOT, "%nbench-calls: %s, %s, load average %.1f; %d rounds of %.1f s; small = FLAT"
                            + " %d x %d, big = FLAT %d x %d searched with nq %d%n", MachineFacts.cpu(),
                    MachineFacts.jvm(), MachineFacts.loadAverage(), rounds, seconds, rows, DIM, bigRows, DIM, bigNq);
            for (BenchServer server : servers) {
                System.out.printf("  %s: %s%n", server.label(), server.settings());
            }
            System.out.println();
            String a = pool.label();
            String b = inline.label();
            TextTable table = new TextTable(1, "call", a + " p50 µs", b + " p50 µs", "p50 ratio " + b + "/" + a,
                    a + " p99 µs", b + " p99 µs", a + " calls", b + " calls");
            row(table, "GetVersion (alternating)", getVersion, counts[0]);
            row(table, "small search (alternating)", searches, counts[1]);
            row(table, "small search during the mix", mixed, new long[] {mixed[0].size(), mixed[1].size()});
            table.print(System.out, "");
            System.out.printf(Locale.ROOT, "%nDuring the mix: %s side %d large searches and %d rows inserted;"
                            + " %s side %d large searches and %d rows inserted.%n", a, background[0][0],
                    background[0][1], b, background[1][0], background[1][1]);
        }
    }

    /** The first side: every call on the pool (inlineCostLimit=0), or the first of {@code --server-jars}. */
    private static BenchServer first(Map<String, String> options) throws IOException {
        Map<String, String> pooled = new HashMap<>(AUTH);
        pooled.put("proxy.grpc.inlineCostLimit", "0");
        return side(options, 0, "pool", "inlineCostLimit=0", pooled);
    }

    /** The second side: the default settings (cheap calls inline), or the second of {@code --server-jars}. */
    private static BenchServer second(Map<String, String> options) throws IOException {
        return side(options, 1, "inline", "default", AUTH);
    }

    private static BenchServer side(Map<String, String> options, int index, String label, String settings,
                                    Map<String, String> keys) throws IOException {
        String heap = options.get("server-heap");
        String jars = options.get("server-jars");
        if (!jars.isEmpty()) {
            String[] given = jars.split(",");
            if (given.length != 2) {
                throw new IllegalArgumentException("--server-jars takes two jars, LABEL=JAR,LABEL=JAR: " + jars);
            }
            String entry = given[index];
            int eq = entry.indexOf('=');
            String name = eq < 0 ? (index == 0 ? "a" : "b") : entry.substring(0, eq);
            Path jar = Path.of(eq < 0 ? entry : entry.substring(eq + 1));
            // Both jars get the same settings: an older build may not know this one's keys.
            return BenchServer.startProcess(name, "child process of " + jar + ", default settings", jar, heap, AUTH);
        }
        if (Boolean.parseBoolean(options.get("process"))) {
            Path jar = Path.of("server", "target", "vectorvault-server.jar");
            return BenchServer.startProcess(label, "child process of " + jar + ", " + settings, jar, heap, keys);
        }
        return BenchServer.start(label, settings + ", in this JVM", keys);
    }

    private static MilvusServiceBlockingStub stub(BenchServer server) {
        return server.blocking(BenchServer.ROOT, BenchServer.ROOT_PASSWORD);
    }

    private static void fill(VectorCollection collection, float[][] rows) {
        collection.create();
        for (int from = 0; from < rows.length; from += 2_000) {
            collection.insert(MilvusMessages.insert(rows, from, Math.min(rows.length, from + 2_000)));
        }
        collection.flush();
    }

    private interface Call {
        void run(int i);
    }

    /** One call on each side in turn, call by call, so drift in the machine's state hits both alike. */
    private static long[] alternate(Call first, Call second, long sliceNanos, LatencySamples... latencies) {
        long[] calls = new long[2];
        long end = System.nanoTime() + 2 * sliceNanos;
        for (int i = 0; System.nanoTime() < end; i++) {
            long t0 = System.nanoTime();
            first.run(i);
            long t1 = System.nanoTime();
            second.run(i);
            long t2 = System.nanoTime();
            if (latencies.length == 2) {
                latencies[0].add(t1 - t0);
                latencies[1].add(t2 - t1);
            }
            calls[0]++;
            calls[1]++;
        }
        return calls;
    }

    /** Small searches in the foreground while an inserter and a large searcher run; returns {large searches, rows}. */
    private static long[] mix(BenchServer server, List<SearchRequest> smallSearches, SearchRequest bigSearch,
                              InsertRequest growing, long sliceNanos, LatencySamples latencies) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong bigDone = new AtomicLong();
        AtomicLong inserted = new AtomicLong();
        AtomicLong nextKey = new AtomicLong(10_000_000);
        // Each client on its own connection, as separate applications are.
        List<io.grpc.ManagedChannel> channels = new ArrayList<>();
        MilvusServiceBlockingStub big = server.blockingOnNewConnection(BenchServer.ROOT, BenchServer.ROOT_PASSWORD,
                channels);
        MilvusServiceBlockingStub writes = server.blockingOnNewConnection(BenchServer.ROOT,
                BenchServer.ROOT_PASSWORD, channels);
        Thread searcher = new Thread(() -> {
            while (!stop.get()) {
                big.withDeadlineAfter(STUCK_SECONDS, TimeUnit.SECONDS).search(bigSearch);
                bigDone.incrementAndGet();
            }
        }, "large-searches");
        Thread inserter = new Thread(() -> {
            while (!stop.get()) {
                long first = nextKey.getAndAdd(growing.getNumRows());
                InsertRequest batch = withKeys(growing, first).toBuilder().setCollectionName("big").build();
                writes.withDeadlineAfter(STUCK_SECONDS, TimeUnit.SECONDS).insert(batch);
                inserted.addAndGet(batch.getNumRows());
            }
        }, "inserts");
        searcher.start();
        inserter.start();
        MilvusServiceBlockingStub small = stub(server);
        long end = System.nanoTime() + sliceNanos;
        for (int i = 0; System.nanoTime() < end; i++) {
            long t0 = System.nanoTime();
            small.search(smallSearches.get(i % 64));
            latencies.add(System.nanoTime() - t0);
        }
        stop.set(true);
        searcher.join();
        inserter.join();
        channels.forEach(io.grpc.ManagedChannel::shutdownNow);
        return new long[] {bigDone.get(), inserted.get()};
    }

    private static InsertRequest withKeys(InsertRequest batch, long first) {
        io.milvus.grpc.LongArray.Builder keys = io.milvus.grpc.LongArray.newBuilder();
        for (int i = 0; i < batch.getNumRows(); i++) {
            keys.addData(first + i);
        }
        InsertRequest.Builder out = batch.toBuilder();
        out.setFieldsData(0, batch.getFieldsData(0).toBuilder().setScalars(
                batch.getFieldsData(0).getScalars().toBuilder().setLongData(keys)));
        return out.build();
    }

    private static void row(TextTable table, String name, LatencySamples[] sides, long[] calls) {
        double p50Pool = sides[0].percentileMicros(50);
        double p50Inline = sides[1].percentileMicros(50);
        table.row(name, fmt(p50Pool), fmt(p50Inline), String.format(Locale.ROOT, "%.2f", p50Inline / p50Pool),
                fmt(sides[0].percentileMicros(99)), fmt(sides[1].percentileMicros(99)), Long.toString(calls[0]),
                Long.toString(calls[1]));
    }

    private static String fmt(double micros) {
        return String.format(Locale.ROOT, "%.0f", micros);
    }

    private static float[][] vectors(Random random, int count) {
        float[][] out = new float[count][DIM];
        for (float[] v : out) {
            for (int d = 0; d < DIM; d++) {
                v[d] = random.nextFloat() * 2 - 1;
            }
        }
        return out;
    }

    private static SearchRequest search(String collection, float[][] queries, int topK) {
        PlaceholderValue.Builder values = PlaceholderValue.newBuilder().setTag("$0")
                .setType(PlaceholderType.FloatVector);
        for (float[] query : queries) {
            ByteBuffer bytes = ByteBuffer.allocate(query.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(query);
            values.addValues(ByteString.copyFrom(bytes.array()));
        }
        return SearchRequest.newBuilder()
                .setCollectionName(collection)
                .setDsl("")
                .setDslType(DslType.BoolExprV1)
                .setPlaceholderGroup(PlaceholderGroup.newBuilder().addPlaceholders(values).build().toByteString())
                .setNq(queries.length)
                .addSearchParams(MilvusMessages.pair("topk", Integer.toString(topK)))
                .addSearchParams(MilvusMessages.pair("anns_field", MilvusMessages.VECTOR))
                .addSearchParams(MilvusMessages.pair("metric_type", "L2"))
                .addSearchParams(MilvusMessages.pair("params", "{}"))
                .build();
    }
}
