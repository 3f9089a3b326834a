package dev.vectorvault.bench;

import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.CatalogListener;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.CollectionSchema;
import dev.vectorvault.catalog.ConsistencyLevel;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.Database;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.catalog.Indexes;
import dev.vectorvault.common.HybridClock;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.RequestedMetric;
import dev.vectorvault.query.ColumnBatch;
import dev.vectorvault.query.EntityReader;
import dev.vectorvault.query.EntityWriter;
import dev.vectorvault.query.Layouts;
import dev.vectorvault.query.QueryRequest;
import dev.vectorvault.query.SearchRequest;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.data.DataExecutors;
import dev.vectorvault.storage.data.DataStore;
import dev.vectorvault.storage.data.IndexBuildSettings;
import dev.vectorvault.storage.data.IndexProgress;
import dev.vectorvault.storage.wal.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Selective filters on one collection of N rows (default 1,000,000) without and then with scalar indexes, in the
 * same run over the same data: STL_SORT on an Int64 {@code price} (uniform over [0, 1,000,000)), INVERTED on a
 * VarChar {@code sku} (unique) and BITMAP on an Int32 {@code shop} (100 values). Each filter runs as a count query,
 * a query returning up to 100 rows and a filtered FLAT search (top 10); the table gives the median of R runs per
 * cell and the speed-up, and checks that both sides return the same answer. Embedded: the server's data path
 * ({@link EntityReader}) without gRPC, as {@code bench-data}'s embedded rows do.
 *   bin/bench-filter [--rows N] [--segment-rows N] [--runs R] [--seed S]
 */
public final class FilterBenchmark {
    private static final String DB = Database.DEFAULT;
    private static final String C = "bench_filter";
    private static final int DIM = 8;

    private FilterBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rows = 1_000_000;
        int segmentRows = 65_536;
        int runs = 9;
        long seed = 20261205L;
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--rows" -> rows = Integer.parseInt(value);
                case "--segment-rows" -> segmentRows = Integer.parseInt(value);
                case "--runs" -> runs = Integer.parseInt(value);
                case "--seed" -> seed = Long.parseLong(value);
                default -> {
                    System.err.println("usage: bin/bench-filter [--rows N] [--segment-rows N] [--runs R] [--seed S]");
                    System.exit(2);
                }
            }
        }
        System.out.printf(Locale.ROOT, "bench-filter: %,d rows, segments of %,d rows, %d runs per cell, seed %d%n",
                rows, segmentRows, runs, seed);
        MachineFacts.printHeader();

        Path dir = Files.createTempDirectory("vectorvault-bench-filter-");
        MvMetaStore meta = MvMetaStore.inMemory();
        DataExecutors executors = new DataExecutors();
        DataStore[] store = new DataStore[1];
        Catalog catalog = new Catalog(meta, new HybridClock(), new CatalogListener() {
            @Override
            public void collectionDropped(long collectionId) {}

            @Override
            public void partitionDropped(long collectionId, long partitionId) {}

            @Override
            public void indexesChanged(long collectionId) {
                store[0].indexesChanged(collectionId); // builds the scalar indexes, as the server's DataCleanup does
            }
        });
        DataStore data = DataStore.open(dir.resolve("data"), Durability.OS_BUFFERED, meta, new Layouts(catalog),
                segmentRows, DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES, IndexBuildSettings.defaults(), executors);
        store[0] = data;
        data.startBackgroundWork();
        try {
            run(catalog, data, rows, runs, seed);
        } finally {
            data.close();
            executors.close();
            meta.close();
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort
            }
        }
    }

    private static void run(Catalog catalog, DataStore data, int rows, int runs, long seed) throws Exception {
        Random random = new Random(seed);
        catalog.createCollection(DB, C, new CollectionSchema("", List.of(
                field("id", DataType.INT64, true, 0), field("vec", DataType.FLOAT_VECTOR, false, DIM),
                field("price", DataType.INT64, false, 0), field("sku", DataType.VARCHAR, false, 0),
                field("shop", DataType.INT32, false, 0)), false), 1, ConsistencyLevel.BOUNDED, Map.of());
        Indexes indexes = new Indexes(catalog);
        indexes.create(DB, C, "vec", "", "FLAT", RequestedMetric.of(MetricType.L2), Map.of());
        indexes.load(DB, C);
        EntityWriter writer = new EntityWriter(catalog, data, new HybridClock());
        long started = System.nanoTime();
        for (int from = 0; from < rows; from += 10_000) {
            int to = Math.min(rows, from + 10_000);
            List<Object> ids = new ArrayList<>();
            List<Object> vecs = new ArrayList<>();
            List<Object> prices = new ArrayList<>();
            List<Object> skus = new ArrayList<>();
            List<Object> shops = new ArrayList<>();
            for (int row = from; row < to; row++) {
                ids.add((long) row);
                float[] v = new float[DIM];
                for (int d = 0; d < DIM; d++) {
                    v[d] = random.nextFloat();
                }
                vecs.add(v);
                prices.add((long) random.nextInt(1_000_000));
                skus.add(String.format(Locale.ROOT, "sku-%07d", row));
                shops.add((long) random.nextInt(100));
            }
            writer.insert(DB, C, "", new ColumnBatch(to - from, Map.of("id", ids, "vec", vecs, "price", prices,
                    "sku", skus, "shop", shops), null));
        }
        System.out.printf(Locale.ROOT, "inserted %,d rows in %.1f s%n", rows, (System.nanoTime() - started) / 1e9);
        data.checkpoint();

        EntityReader reader = new EntityReader(catalog, data);
        float[] query = new float[DIM];
        Arrays.fill(query, 0.5f);
        String[] filters = {
            "price == 424242",
            "price in [1, 77777, 424242, 999998]",
            "1000 <= price < 1500",
            "sku == \"sku-0123456\"",
            "sku like \"sku-00123%\"",
            "shop == 7 and price < 10000",
            "price < 2000 or sku like \"sku-09999%\""};
        List<long[]> scanned = new ArrayList<>();
        List<String> scannedAnswers = new ArrayList<>();
        for (String filter : filters) {
            scanned.add(measure(reader, filter, query, runs, scannedAnswers));
        }
        started = System.nanoTime();
        indexes.create(DB, C, "price", "", "STL_SORT", RequestedMetric.none(), Map.of());
        indexes.create(DB, C, "sku", "", "INVERTED", RequestedMetric.none(), Map.of());
        indexes.create(DB, C, "shop", "", "BITMAP", RequestedMetric.none(), Map.of());
        Collection collection = catalog.collection(DB, C);
        for (String field : List.of("price", "sku", "shop")) {
            IndexProgress progress = reader.indexProgress(collection, field);
            while (!progress.finished()) {
                Thread.sleep(50);
                progress = reader.indexProgress(collection, field);
            }
        }
        System.out.printf(Locale.ROOT, "scalar indexes built (3 fields, every sealed segment) in %.1f s; rows in the"
                + " growing segment (%,d) are still scanned%n", (System.nanoTime() - started) / 1e9,
                growingRows(data, collection));
        System.out.printf(Locale.ROOT, "load average before the indexed runs: %.2f%n", MachineFacts.loadAverage());
        List<String> indexedAnswers = new ArrayList<>();
        TextTable table = new TextTable(2, "filter", "call", "matches", "scan ms p50", "indexed ms p50", "speed-up");
        for (int f = 0; f < filters.length; f++) {
            long[] before = scanned.get(f);
            long[] after = measure(reader, filters[f], query, runs, indexedAnswers);
            String[] calls = {"count(*)", "query limit 100", "search top 10"};
            for (int c = 0; c < 3; c++) {
                table.row(c == 0 ? filters[f] : "", calls[c], c == 0 ? String.valueOf(before[3]) : "",
                        ms(before[c]), ms(after[c]), String.format(Locale.ROOT, "%.1fx", (double) before[c] / after[c]));
            }
        }
        table.print(System.out, "");
        System.out.printf(Locale.ROOT, "load average at end: %.2f%n", MachineFacts.loadAverage());
        if (!scannedAnswers.equals(indexedAnswers)) {
            System.out.println("MISMATCH: indexed answers differ from the scan");
            System.exit(1);
        }
        System.out.println("answers: identical with and without the indexes (counts, rows, search hits)");
    }

    private static long growingRows(DataStore data, Collection collection) {
        return data.read(Layouts.of(collection), view -> {
            long growing = 0;
            for (int s = 0; s < view.segmentCount(); s++) {
                growing += view.scalarIndex(s, 2) == null ? view.segmentSize(s) : 0;
            }
            return growing;
        });
    }

    /** Median nanoseconds of count, query and search, and the match count. */
    private static long[] measure(EntityReader reader, String filter, float[] query, int runs, List<String> answers) {
        long[] count = {0};
        String[] answer = new String[3];
        long countNs = median(runs, () -> {
            count[0] = reader.query(new QueryRequest(DB, C, List.of(), filter, Map.of(), List.of("count(*)"), 0, 0))
                    .count();
            answer[0] = String.valueOf(count[0]);
            return count[0];
        });
        long queryNs = median(runs, () -> {
            var result = reader.query(new QueryRequest(DB, C, List.of(), filter, Map.of(), List.of("id"), 100, 0));
            answer[1] = result.rows().stream().map(r -> String.valueOf(r[0])).toList().toString();
            return result.rows().size();
        });
        long searchNs = median(runs, () -> {
            var result = reader.search(new SearchRequest(DB, C, List.of(), "vec", new float[][] {query}, 10, 0,
                    filter, Map.of(), List.of(), RequestedMetric.none(), Float.NaN, Float.NaN));
            answer[2] = result.rows().stream().map(r -> String.valueOf(r[0])).toList() + Arrays.toString(
                    result.scores());
            return result.rows().size();
        });
        answers.add(String.join(" ", answer));
        return new long[] {countNs, queryNs, searchNs, count[0]};
    }

    private static long median(int runs, LongSupplier call) {
        long sink = call.getAsLong(); // warm-up
        long[] times = new long[runs];
        for (int r = 0; r < runs; r++) {
            long t = System.nanoTime();
            sink += call.getAsLong();
            times[r] = System.nanoTime() - t;
        }
        if (sink == Long.MIN_VALUE) {
            System.out.print("");
        }
        Arrays.sort(times);
        return Math.max(1, times[runs / 2]);
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }

    private static FieldSchema field(String name, DataType type, boolean primaryKey, int dim) {
        return new FieldSchema(0, name, "", type, primaryKey, false, dim, type == DataType.VARCHAR ? 32 : 0, null, 0,
                false, null, false, false);
    }
}
