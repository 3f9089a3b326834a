package dev.vectorvault.bench;

import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.index.FlatIndex;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.OrdinalFilter;
import dev.vectorvault.index.SearchHit;
import dev.vectorvault.index.VectorColumn;
import io.milvus.grpc.SearchRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Part 2: FLAT search, top-10 L2, one query per call, over the same vectors held three ways:
 * <ul>
 *   <li>in a collection on a real server with buffered writes (durability does not change what a search reads),
 *       searched over gRPC;</li>
 *   <li>in an {@link EmbeddedEngine}: the server's own catalog, data store and {@code EntityReader}, called
 *       directly;</li>
 *   <li>in one bare {@link VectorColumn} under a {@link FlatIndex}.</li>
 * </ul>
 * The same query stream runs on all three, with the same client counts where it matters, so each layer's cost shows
 * as a difference: gRPC and protobuf (gRPC minus engine), the server's search code around the scan (engine minus
 * FlatIndex), and the scan itself.
 */
final class SearchPhase {
    /** Distinct query vectors cycled through by every search cell. */
    static final int QUERY_SET = 1_000;
    static final String GRPC_SEARCH = "gRPC Search";
    static final String FLAT_SEARCH = "FlatIndex.search";
    static final String ENGINE_SEARCH = "EntityReader.search (server code, no gRPC)";

    /**
     * The data set loaded three ways, each one pass with 1 writer in the largest batches: over gRPC into the server
     * (then flushed), through the server's EntityWriter in-process, and appended to a bare VectorColumn.
     */
    record Load(long rows, int batchRows, double grpcSeconds, double flushSeconds, double engineSeconds,
                double appendSeconds) {}

    record Result(Load load, RecallCheck grpcRecall, RecallCheck flatRecall, List<CellTally> cells,
                  String settings) {}

    /** The three searchers over the same vectors; see {@link #run}. */
    private record Searchers(VectorCollection grpc, EmbeddedEngine engine, FlatIndex flat) {}

    private SearchPhase() {}

    static Result run(DataOptions options, float[][] data, float[][] queries, InsertBatches loadBatches,
                      Progress progress) throws IOException, InterruptedException {
        Map<String, String> keys = InsertPhase.serverKeys(false);
        int segmentRows = ServerConfig.fromFlatKeys(keys).storage().segmentRows();
        String settings = String.format(Locale.ROOT, "localStorage.syncWrites=false, localStorage.segmentRows=%d"
                + " (default): %d segment(s), scanned one after the other per query", segmentRows,
                (options.rows() + segmentRows - 1) / segmentRows);
        try (BenchServer server = BenchServer.start("search", settings, keys)) {
            VectorCollection collection = new VectorCollection(
                    server.blocking(BenchServer.ROOT, BenchServer.ROOT_PASSWORD), "search_flat", options.dim());
            collection.create();
            double[] grpc = loadOverGrpc(collection, loadBatches, data.length);

            long start = System.nanoTime();
            try (EmbeddedEngine engine = EmbeddedEngine.load(data, segmentRows, loadBatches.batchRows())) {
                double engineSeconds = (System.nanoTime() - start) / 1e9;
                start = System.nanoTime();
                VectorColumn column = new VectorColumn(options.dim());
                for (float[] vector : data) {
                    column.append(vector);
                }
                double appendSeconds = (System.nanoTime() - start) / 1e9;
                Load load = new Load(data.length, loadBatches.batchRows(), grpc[0], grpc[1], engineSeconds,
                        appendSeconds);
                progress.note("search: loaded %,d rows: gRPC %.1f s (+ flush %.1f s), EntityWriter %.1f s,"
                        + " VectorColumn %.2f s", load.rows(), grpc[0], grpc[1], engineSeconds, appendSeconds);
                return measure(options, data, queries,
                        new Searchers(collection, engine, new FlatIndex(column, MetricType.L2)), load, settings,
                        progress);
            }
        }
    }

    /** Inserts every batch with one writer, then flushes; returns the seconds of both. */
    private static double[] loadOverGrpc(VectorCollection collection, InsertBatches batches, int expectedRows) {
        long start = System.nanoTime();
        long rows = 0;
        for (int i = 0; i < batches.count(); i++) {
            rows += collection.insert(batches.get(i));
        }
        double insertSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        collection.flush();
        double flushSeconds = (System.nanoTime() - start) / 1e9;
        if (rows != expectedRows) {
            throw new IllegalStateException("loaded " + rows + " rows, expected " + expectedRows);
        }
        return new double[] {insertSeconds, flushSeconds};
    }

    private static Result measure(DataOptions options, float[][] data, float[][] queries, Searchers searchers,
                                  Load load, String settings, Progress progress) throws InterruptedException {
        int k = DataOptions.TOP_K;
        VectorCollection collection = searchers.grpc();
        FlatIndex flat = searchers.flat();
        SearchRequest[] requests = new SearchRequest[queries.length];
        for (int q = 0; q < queries.length; q++) {
            requests[q] = MilvusMessages.search(collection.name(), queries[q], k);
        }
        ExactNeighbours exact = new ExactNeighbours(data);
        RecallCheck grpcRecall = RecallCheck.measure(exact, queries, options.checkQueries(), k, q -> {
            VectorCollection.Hits hits = collection.search(requests[q]);
            return new RecallCheck.Answer(hits.ids(), hits.scores());
        });
        RecallCheck flatRecall = RecallCheck.measure(exact, queries, options.checkQueries(), k,
                q -> answer(flat.search(queries[q], k, Integer.MAX_VALUE, OrdinalFilter.ACCEPT_ALL)));
        progress.note("search: recall@%d over %d queries: gRPC %.4f, FlatIndex %.4f", k, options.checkQueries(),
                grpcRecall.recall(), flatRecall.recall());

        ExecutorService sliceWorkers = Executors.newFixedThreadPool(Math.max(1, options.threads() - 1), r -> {
            Thread thread = new Thread(r, "bench-flat-slice");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<SearchCell> cells = new ArrayList<>();
            for (int clients : options.searchThreads()) {
                cells.add(new SearchCell(GRPC_SEARCH, SearchCell.Path.GRPC, clients,
                        q -> collection.search(requests[q]).ids().length, queries.length));
                cells.add(new SearchCell(FLAT_SEARCH, SearchCell.Path.IN_PROCESS, clients,
                        q -> flat.search(queries[q], k, Integer.MAX_VALUE, OrdinalFilter.ACCEPT_ALL).size(),
                        queries.length));
            }
            cells.add(new SearchCell(ENGINE_SEARCH, SearchCell.Path.IN_PROCESS, 1,
                    q -> searchers.engine().search(queries[q], k), queries.length));
            cells.add(new SearchCell("FlatIndex.searchBatch nq=1, parallelism " + options.threads(),
                    SearchCell.Path.IN_PROCESS, 1,
                    q -> flat.searchBatch(new float[][] {queries[q]}, k, Integer.MAX_VALUE,
                            OrdinalFilter.ACCEPT_ALL, sliceWorkers, options.threads()).get(0).size(),
                    queries.length));
            progress.note("search: %d cells, %.1f s each, after %.1f s of warm-up", cells.size(),
                    options.seconds(), options.warmupSeconds());
            List<CellTally> tallies = RoundRobin.run(cells, options, progress, "search");
            return new Result(load, grpcRecall, flatRecall, tallies, settings);
        } finally {
            sliceWorkers.shutdownNow();
        }
    }

    private static RecallCheck.Answer answer(List<SearchHit> hits) {
        long[] ids = new long[hits.size()];
        float[] scores = new float[hits.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = hits.get(i).ordinal();
            scores[i] = hits.get(i).score();
        }
        return new RecallCheck.Answer(ids, scores);
    }
}
