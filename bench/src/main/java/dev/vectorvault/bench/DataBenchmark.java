package dev.vectorvault.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures VectorVault's data path in one run and prints it as four tables: inserts through the real server with
 * durable versus buffered acknowledgement, FLAT search through gRPC versus straight on the index, search latency,
 * and a correctness check. Servers run in this JVM on loopback ports with authentication off, an in-memory metadata
 * store and each its own temporary {@code localStorage.path} (deleted afterwards); the client uses the generated
 * {@code io.milvus.grpc} stubs with requests shaped as the SDKs shape them. The data is synthetic but clustered (see
 * {@link ClusteredVectors}): 100 k x 128-d by default.
 *
 * <p>How to read the tables:
 * <ol>
 *   <li><b>Insert throughput</b> - rows acknowledged per second for each shape (rows per request, concurrent
 *       writers, collections they write to), on a durable server ({@code localStorage.syncWrites=true}, the default:
 *       the WAL record is fsynced before the reply) and a buffered one ({@code false}). {@code durable/buffered} is
 *       the price of durability; {@code range} and {@code per-round} show how steady a figure is on this machine.
 *       With small batches the fsync dominates: compare the durable p50 with the disk line of the set-up, which is
 *       one bare 4 KiB append + fsync. Several writers can only share an fsync if the server lets them (group
 *       commit): compare "4 writers, 1 collection" with "4 writers, 4 collections". The CPU columns are the whole
 *       process's CPU per row and are steadier than rates on a shared machine. Below the tables: the one-pass loads of
 *       part 2's data through gRPC, through the server's {@code EntityWriter} in-process (no gRPC) and into a bare
 *       {@code VectorColumn}: how much of an insert is transport, how much validation + WAL + memory.</li>
 *   <li><b>Search throughput</b> - queries per second, one top-10 query per call, by closed-loop clients (each waits
 *       for its answer). gRPC rows go through the server ({@code Search} with a {@code PlaceholderGroup});
 *       {@code FlatIndex.search} rows scan one {@code VectorColumn} holding the same vectors, in this JVM;
 *       {@code EntityReader.search} is the server's own search code (per-row filter, a scan per segment, merge,
 *       result rows) called in-process on the same data ({@link EmbeddedEngine}). {@code vs FlatIndex} and
 *       {@code added} compare a row with the FlatIndex row of the same client count: what the layers above the scan
 *       cost per query. The {@code searchBatch} row splits each single query over all cores: the floor of one
 *       query's latency. {@code scan GB/s} against the machine's memory bandwidth says how close a row is to the
 *       ceiling of a one-query-at-a-time scan (performance anchors section 1.3).</li>
 *   <li><b>Latency, 1 client</b> - p50/p99/mean of single queries for each one-client row, then the layer
 *       differences: gRPC + protobuf (gRPC minus EntityReader), the server's search code (EntityReader minus
 *       FlatIndex), and both together.</li>
 *   <li><b>Correctness</b> - gRPC and in-process top-10 ids against a double-precision brute force on a query
 *       sample: recall@10 must be 1.0 for FLAT; the score error shows float32 rounding only.</li>
 * </ol>
 * Client threads, server threads and the JIT share the machine's cores, so with N clients on N cores the client
 * competes with the server: the numbers are what one box does, not a server's ceiling. Nothing here asserts a time:
 * the program measures and reports, and a person judges.
 *
 * <p>Options: {@code --rows --dim --seconds --threads --writers --batches --warmup --rounds --clusters --check --seed}
 * (see {@link DataOptions}); the report goes to standard output, progress to standard error, the servers' log to a
 * file.
 */
public final class DataBenchmark {
    private DataBenchmark() {}

    public static void main(String[] args) throws Exception {
        DataOptions options;
        try {
            options = DataOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench-data: " + e.getMessage());
            System.err.println(DataOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(DataOptions.USAGE);
            return;
        }
        // Its own log file, so a concurrent bin/bench does not write into the same one; before any server class
        // is loaded, because those create their loggers on load.
        if (System.getProperty("bench.serverLog") == null) {
            System.setProperty("bench.serverLog",
                    Path.of(System.getProperty("java.io.tmpdir"), "vectorvault-bench-data-server.log").toString());
        }
        String serverLog = ServerLogging.redirectToFile();
        Progress progress = new Progress(System.err);
        double loadAtStart = MachineFacts.loadAverage();
        String disk = MachineFacts.fsyncProbe(50);
        progress.note("disk: %s", disk);

        ClusteredVectors generator = new ClusteredVectors(options.clusters(), options.dim(), options.seed());
        float[][] data = generator.points(options.rows(), 0);
        float[][] queries = generator.points(Math.max(SearchPhase.QUERY_SET, options.checkQueries()), 1);
        List<InsertBatches> batchSets = new ArrayList<>();
        for (int batch : options.batches()) {
            batchSets.add(new InsertBatches(data, batch));
        }
        progress.note("generated %,d x %d vectors (%d clusters) and %,d queries; prebuilt %d batch sets",
                data.length, options.dim(), generator.clusters(), queries.length, batchSets.size());

        InsertPhase.Result insert = InsertPhase.run(options, batchSets, progress);
        InsertBatches loadBatches = batchSets.stream()
                .max((a, b) -> Integer.compare(a.batchRows(), b.batchRows())).orElseThrow();
        SearchPhase.Result search = SearchPhase.run(options, data, queries, loadBatches, progress);

        DataReport.Setup setup = new DataReport.Setup(options, MachineFacts.cpu(), MachineFacts.jvm(), disk,
                loadAtStart, serverLog, queries.length);
        new DataReport(setup, insert, search).print(System.out, progress.elapsedSeconds());
    }
}
