package dev.vectorvault.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One insert shape on one server: {@code writers} synchronous clients sending prebuilt batches of one size, either
 * all into one collection or each into its own. The server serialises writes per collection (the WAL append, and its
 * fsync, happen under a per-collection lock; see {@code DataStore.durably}) while different collections share a log
 * force, so "4 writers, 1 collection" and "4 writers, 4 collections" differ on purpose.
 *
 * <p>A collection takes at most the whole data set once: when its batches run out it is dropped and recreated, outside
 * the timed window, so no cell measures a collection larger than {@code --rows} or re-inserts existing keys (which
 * the server would turn into replacements).
 */
final class InsertCell implements Cell {
    /** A collection and the index of its next batch; writers sharing a collection share the counter. */
    private static final class Target {
        final VectorCollection collection;
        final AtomicInteger nextBatch = new AtomicInteger();

        Target(VectorCollection collection) {
            this.collection = collection;
        }
    }

    private final String name;
    private final InsertBatches batches;
    private final int writers;
    private final Target[] targets;

    /**
     * @param server      where to insert; its collections are named {@code prefix + "_" + i}
     * @param durability  how the report names the server's setting ("durable", "buffered")
     * @param collections 1 (shared by all writers) or {@code writers} (one each)
     */
    InsertCell(BenchServer server, String durability, String prefix, InsertBatches batches, int writers,
               int collections, int dim) {
        if (collections != 1 && collections != writers) {
            throw new IllegalArgumentException("collections must be 1 or the number of writers");
        }
        this.batches = batches;
        this.writers = writers;
        this.name = String.format(Locale.ROOT, "insert %-8s batch %,6d  %d writer%s  %d collection%s", durability,
                batches.batchRows(), writers, writers == 1 ? " " : "s", collections, collections == 1 ? " " : "s");
        this.targets = new Target[collections];
        for (int c = 0; c < collections; c++) {
            targets[c] = new Target(new VectorCollection(
                    server.blocking(BenchServer.ROOT, BenchServer.ROOT_PASSWORD), prefix + "_" + c, dim));
            targets[c].collection.create();
        }
    }

    @Override
    public String name() {
        return name;
    }

    int batchRows() {
        return batches.batchRows();
    }

    int writers() {
        return writers;
    }

    int collections() {
        return targets.length;
    }

    @Override
    public ClientLoop.Result run(long nanos, LatencySamples latencies) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        long rows = 0;
        long errors = 0;
        long timed = 0;
        long cpu = 0;
        String firstError = null;
        while (System.nanoTime() < deadline) {
            recreateFullCollections();
            ClientLoop.Result part = ClientLoop.run(writers, deadline, this::insertNextBatch, latencies);
            rows += part.window().calls();
            errors += part.window().errors();
            timed += part.window().nanos();
            cpu = cpu < 0 || part.window().cpuNanos() < 0 ? -1 : cpu + part.window().cpuNanos();
            firstError = firstError == null ? part.firstError() : firstError;
        }
        return new ClientLoop.Result(new Window(rows, errors, timed, cpu), firstError);
    }

    /** Drops this cell's collections; called once the measurement is over, to give the server's memory back. */
    void dropCollections() {
        for (Target target : targets) {
            target.collection.drop();
        }
    }

    private long insertNextBatch(int writer) {
        Target target = targets[writer % targets.length];
        int batch = target.nextBatch.getAndIncrement();
        if (batch >= batches.count()) {
            return -1;
        }
        return target.collection.insert(batches.get(batch));
    }

    private void recreateFullCollections() {
        List<Target> full = new ArrayList<>();
        for (Target target : targets) {
            if (target.nextBatch.get() >= batches.count()) {
                full.add(target);
            }
        }
        for (Target target : full) {
            target.collection.drop();
            target.collection.create();
            target.nextBatch.set(0);
        }
    }
}
