package dev.vectorvault.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Part 1: insert throughput through the real server, durable versus buffered acknowledgement. Two servers run side by
 * side, each in its own temporary {@code localStorage.path}; every insert shape runs on both, and the two cells of a
 * shape sit next to each other in the round-robin so their ratio sees the same machine.
 */
final class InsertPhase {
    static final String DURABLE = "durable";
    static final String BUFFERED = "buffered";

    /** The measured cells, a durable and a buffered one per shape, plus how each server was configured. */
    record Result(List<CellTally> cells, String durableSettings, String bufferedSettings, long[] bytesPerRequest) {}

    private InsertPhase() {}

    static Result run(DataOptions options, List<InsertBatches> batchSets, Progress progress)
            throws IOException, InterruptedException {
        String durableSettings = "localStorage.syncWrites=true (default): each insert's WAL record is fsynced"
                + " before the reply";
        String bufferedSettings = "localStorage.syncWrites=false: the WAL record is in the page cache at the reply";
        try (BenchServer durable = BenchServer.start(DURABLE, durableSettings, serverKeys(true));
             BenchServer buffered = BenchServer.start(BUFFERED, bufferedSettings, serverKeys(false))) {
            List<InsertCell> cells = new ArrayList<>();
            int[][] shapes = {{1, 1}, {options.writers(), 1}, {options.writers(), options.writers()}};
            for (InsertBatches batches : batchSets) {
                for (int[] shape : shapes) {
                    String prefix = "ins_b" + batches.batchRows() + "_w" + shape[0] + "_c" + shape[1];
                    cells.add(new InsertCell(durable, DURABLE, prefix, batches, shape[0], shape[1], options.dim()));
                    cells.add(new InsertCell(buffered, BUFFERED, prefix, batches, shape[0], shape[1],
                            options.dim()));
                }
            }
            progress.note("insert: %d cells on 2 servers, %.1f s each, after %.1f s of warm-up", cells.size(),
                    options.seconds(), options.warmupSeconds());
            List<CellTally> tallies = RoundRobin.run(cells, options, progress, "insert");
            // Dropped before close: closing checkpoints every live collection into segment files, which is slow
            // and measures nothing.
            cells.forEach(InsertCell::dropCollections);
            long[] bytes = batchSets.stream().mapToLong(InsertBatches::bytesPerRequest).toArray();
            return new Result(tallies, durableSettings, bufferedSettings, bytes);
        }
    }

    /** Authentication off (protected mode: loopback clients only), so the numbers are the data path alone. */
    static Map<String, String> serverKeys(boolean syncWrites) {
        return Map.of("common.security.authorizationEnabled", "false",
                "localStorage.syncWrites", Boolean.toString(syncWrites));
    }
}
