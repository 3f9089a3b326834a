package dev.vectorvault.bench;

import dev.vectorvault.index.IndexKind;
import dev.vectorvault.index.IndexKinds;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.OrdinalFilter;
import dev.vectorvault.index.SearchHit;
import dev.vectorvault.index.SearchParams;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.data.AnnIndex;
import dev.vectorvault.storage.data.CollectionLayout;
import dev.vectorvault.storage.data.DataExecutors;
import dev.vectorvault.storage.data.DataStore;
import dev.vectorvault.storage.data.IndexBuildSettings;
import dev.vectorvault.storage.data.IndexProgress;
import dev.vectorvault.storage.data.VectorIndexSpec;
import dev.vectorvault.storage.wal.Durability;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a collection's sealed segments really hold on the heap under one index type: a {@link DataStore} of its own
 * (temporary folder) takes the corpus as {@code [pk INT64, vector]} rows, checkpoints (segment files written), waits
 * until every sealed segment is indexed and, for a quantized index, until the segments have let their vectors go to
 * their files; then the used heap after full GCs, less the heap before the store opened, per vector. Everything a
 * segment keeps is counted (primary keys, partitions, insert times, vectors or codes, links), so the figure is the
 * store's memory per row, not only the index's. Recall@10 and q/s come from the segments' own indexes (merged by
 * score across segments, one search thread), the path a search takes below the server's request handling.
 */
final class SegmentMemory {
    /** One index type measured: heap bytes per vector, whether the vectors left the heap, recall and q/s per setting. */
    record Result(double heapPerVector, boolean vectorsStored, double buildSeconds, List<Measured> searches,
            double vectorReadsPerSecond) {}

    record Measured(String setting, double qps, double recall) {}

    private static final long COLLECTION = 1;
    private static final long PARTITION = 10;

    private SegmentMemory() {}

    /**
     * @param type     an index type, or null for none (segments searched exactly; only memory is measured)
     * @param settings search parameter sets to measure, by label
     */
    static Result measure(float[][] corpus, float[][] queries, java.util.Set<Integer>[] truth, int k,
            MetricType metric, String type, Map<String, String> params, Map<String, Map<String, String>> settings,
            int sealRows, int threads) throws IOException, InterruptedException {
        int dim = corpus[0].length;
        IndexKind kind = type == null ? null : IndexKinds.of(type).orElseThrow();
        VectorIndexSpec spec = kind == null ? null : new VectorIndexSpec(1, kind, metric, kind.parse(params));
        CollectionLayout layout = CollectionLayout.builder(COLLECTION, 0, new int[] {0, dim})
                .partitions(Set.of(PARTITION)).vectorIndexes(null, spec).build();
        Path dir = Files.createTempDirectory("bench-quant-");
        long before = usedHeapAfterGc();
        try (DataExecutors executors = new DataExecutors()) {
            MvMetaStore meta = MvMetaStore.open(dir.resolve("meta"));
            DataStore store = DataStore.open(dir.resolve("data"), Durability.OS_BUFFERED, meta,
                    id -> Optional.of(layout), sealRows, DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES,
                    new IndexBuildSettings(threads, 1000), executors);
            try {
                store.startBackgroundWork();
                long start = System.nanoTime();
                for (int from = 0; from < corpus.length; from += 1000) {
                    List<Object[]> rows = new ArrayList<>();
                    for (int i = from; i < Math.min(corpus.length, from + 1000); i++) {
                        rows.add(new Object[] {(long) i, corpus[i]});
                    }
                    store.put(layout, PARTITION, rows);
                }
                store.checkpoint();
                awaitIndexed(store, layout);
                boolean stored = kind != null && awaitStored(store, layout);
                double build = (System.nanoTime() - start) / 1e9;
                double perVector = (double) (usedHeapAfterGc() - before) / corpus.length;
                List<Measured> searches = new ArrayList<>();
                for (Map.Entry<String, Map<String, String>> setting : settings.entrySet()) {
                    SearchParams search = kind.parseSearch(setting.getValue(), k);
                    double found = 0;
                    for (int q = 0; q < queries.length; q++) {
                        for (long id : search(store, layout, metric, queries[q], k, search)) {
                            found += truth[q].contains((int) id) ? 1 : 0;
                        }
                    }
                    long timed = System.nanoTime();
                    for (float[] query : queries) {
                        search(store, layout, metric, query, k, search);
                    }
                    double qps = queries.length / ((System.nanoTime() - timed) / 1e9);
                    searches.add(new Measured(setting.getKey(), qps, found / ((double) k * queries.length)));
                }
                return new Result(perVector, stored, build, searches, vectorReadsPerSecond(store, layout));
            } finally {
                store.close();
                meta.close();
                deleteTree(dir);
            }
        }
    }

    /** The primary keys of the {@code k} best hits of every segment's index, merged by score. */
    private static List<Long> search(DataStore store, CollectionLayout layout, MetricType metric, float[] query, int k,
            SearchParams params) {
        return store.read(layout, view -> {
            record Hit(long id, float score) {}
            List<Hit> hits = new ArrayList<>();
            for (int s = 0; s < view.segmentCount(); s++) {
                AnnIndex index = view.annIndex(s, 1);
                if (index == null) {
                    throw new IllegalStateException("segment " + s + " has no index: raise the corpus or seal rows");
                }
                for (SearchHit hit : index.search(query, k, params, OrdinalFilter.ACCEPT_ALL)) {
                    hits.add(new Hit((Long) view.value(s, 0, hit.ordinal()), hit.score()));
                }
            }
            Comparator<Hit> order = Comparator.comparingDouble(Hit::score);
            hits.sort(metric.higherIsBetter() ? order.reversed() : order);
            return hits.stream().limit(k).map(Hit::id).toList();
        });
    }

    /**
     * Vector values read per second as a query's vector output field reads them ({@code view.value}), at seeded
     * random rows, one thread, after a warm-up pass: from the heap, or from the segment file once stored.
     */
    private static double vectorReadsPerSecond(DataStore store, CollectionLayout layout) {
        return store.read(layout, view -> {
            java.util.Random random = new java.util.Random(5);
            int reads = 20_000;
            int[] segments = new int[reads];
            int[] ordinals = new int[reads];
            for (int i = 0; i < reads; i++) {
                segments[i] = random.nextInt(view.segmentCount());
                ordinals[i] = random.nextInt(view.segmentSize(segments[i]));
            }
            double sum = 0;
            long start = 0;
            for (int pass = 0; pass < 2; pass++) {
                start = System.nanoTime();
                for (int i = 0; i < reads; i++) {
                    sum += ((float[]) view.value(segments[i], 1, ordinals[i]))[0];
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return sum == Double.MAX_VALUE ? 0 : reads / seconds; // the sum only keeps the reads from being elided
        });
    }

    private static void awaitIndexed(DataStore store, CollectionLayout layout) throws InterruptedException {
        IndexProgress progress = store.indexProgress(layout, 1);
        while (!progress.finished()) {
            if (!progress.failure().isEmpty()) {
                throw new IllegalStateException("index build failed: " + progress.failure());
            }
            Thread.sleep(100);
            progress = store.indexProgress(layout, 1);
        }
    }

    /** Whether every sealed segment let its vectors go within a minute of its index being ready. */
    private static boolean awaitStored(DataStore store, CollectionLayout layout) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            boolean all = store.read(layout, view -> {
                for (int s = 0; s < view.segmentCount(); s++) {
                    if (view.annIndex(s, 1) != null && view.vectors(s, 1).resident()) {
                        return false;
                    }
                }
                return true;
            });
            if (all) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
