package dev.vectorvault.bench;

import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.CatalogListener;
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
import dev.vectorvault.query.HybridSearchPaths;
import dev.vectorvault.query.HybridSearchRequest;
import dev.vectorvault.query.Layouts;
import dev.vectorvault.query.Ranker;
import dev.vectorvault.query.SearchRequest;
import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.data.DataExecutors;
import dev.vectorvault.storage.data.DataStore;
import dev.vectorvault.storage.data.IndexBuildSettings;
import dev.vectorvault.storage.wal.Durability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The server's own data path without the server around it: catalog, {@link DataStore} (buffered writes, its own
 * temporary folder), {@link EntityWriter} and {@link EntityReader}, wired as {@code MilvusServer.start} wires them
 * but called directly. A search here runs exactly the code a gRPC Search runs below the protobuf decoding (the
 * per-row filter, one FLAT scan per segment, the merge, the result rows), so gRPC Search minus this is what gRPC and
 * protobuf cost, and this minus a bare {@code FlatIndex.search} is what the server's search code adds to the scan.
 */
final class EmbeddedEngine implements AutoCloseable {
    private static final String COLLECTION = "embedded_flat";

    private final Path dir;
    private final MetaStore meta;
    /** The store's background threads: the engine owns them, as the server does, and stops them after the store. */
    private final DataExecutors executors;
    private final DataStore data;
    private final EntityReader reader;

    private EmbeddedEngine(Path dir, MetaStore meta, DataExecutors executors, DataStore data, EntityReader reader) {
        this.dir = dir;
        this.meta = meta;
        this.executors = executors;
        this.data = data;
        this.reader = reader;
    }

    /** Creates the collection (Int64 id, FloatVector vec, FLAT/L2, loaded) and inserts {@code vectors} into it. */
    static EmbeddedEngine load(float[][] vectors, int segmentRows, int batchRows) throws IOException {
        return load(new LinkedHashMap<>(Map.of(MilvusMessages.VECTOR, vectors)), "FLAT", Map.of(), segmentRows,
                batchRows);
    }

    /**
     * Creates the collection with an Int64 id and one FloatVector field per entry of {@code fields} (in order), each
     * indexed by {@code index} with {@code indexParams} (L2), loaded, inserts every field's rows (row i of each
     * together) and waits for the indexes of the sealed segments.
     */
    static EmbeddedEngine load(LinkedHashMap<String, float[][]> fields, String index, Map<String, String> indexParams,
                               int segmentRows, int batchRows) throws IOException {
        Path dir = Files.createTempDirectory("vectorvault-bench-embedded-");
        MetaStore meta = MvMetaStore.inMemory();
        HybridClock clock = new HybridClock();
        // Nothing is dropped here, so the catalog's notices have nowhere to go (the store builds indexes on its own).
        Catalog catalog = new Catalog(meta, clock, new CatalogListener() {
            @Override
            public void collectionDropped(long collectionId) {}

            @Override
            public void partitionDropped(long collectionId, long partitionId) {}

            @Override
            public void indexesChanged(long collectionId) {}
        });
        DataExecutors executors = new DataExecutors();
        DataStore data = DataStore.open(dir.resolve("data"), Durability.OS_BUFFERED, meta, new Layouts(catalog),
                segmentRows, DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES, IndexBuildSettings.defaults(), executors);
        data.startBackgroundWork();
        EntityReader reader = new EntityReader(catalog, data);
        EmbeddedEngine engine = new EmbeddedEngine(dir, meta, executors, data, reader);
        try {
            catalog.createCollection(Database.DEFAULT, COLLECTION, schema(fields), 1, ConsistencyLevel.BOUNDED,
                    Map.of());
            Indexes indexes = new Indexes(catalog);
            for (String field : fields.keySet()) {
                indexes.create(Database.DEFAULT, COLLECTION, field, field, index, RequestedMetric.of(MetricType.L2),
                        indexParams);
            }
            indexes.load(Database.DEFAULT, COLLECTION);
            EntityWriter writer = new EntityWriter(catalog, data, clock);
            int rows = fields.values().iterator().next().length;
            for (int from = 0; from < rows; from += batchRows) {
                int first = from;
                int to = Math.min(rows, from + batchRows);
                List<Object> ids = new ArrayList<>(to - from);
                for (int row = from; row < to; row++) {
                    ids.add((long) row);
                }
                Map<String, List<Object>> columns = new HashMap<>();
                columns.put(MilvusMessages.PRIMARY_KEY, ids);
                fields.forEach((field, vectors) -> columns.put(field,
                        List.<Object>of((Object[]) Arrays.copyOfRange(vectors, first, to))));
                writer.insert(Database.DEFAULT, COLLECTION, "", new ColumnBatch(to - from, columns, null));
            }
            Collection collection = catalog.collection(Database.DEFAULT, COLLECTION);
            for (String field : fields.keySet()) {
                while (!reader.indexProgress(collection, field).finished()) {
                    Thread.sleep(50);
                }
            }
            return engine;
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        } catch (InterruptedException e) {
            engine.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the indexes were built", e);
        }
    }

    /**
     * What DataRpc.hybridSearch hands to the reader for {@code queries[i]} on {@code fields[i]} (top {@code topK}
     * each), fused by RRF (k 60) into the top {@code topK}, with its sub-requests one after the other ({@code atOnce}
     * false) or as the server runs them; the number of rows returned.
     */
    int hybridSearch(List<String> fields, float[][][] queries, int topK, boolean atOnce) {
        List<HybridSearchRequest.SubRequest> subs = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            subs.add(new HybridSearchRequest.SubRequest(new SearchRequest(Database.DEFAULT, COLLECTION, List.of(),
                    fields.get(i), queries[i], topK, 0, "", Map.of(), List.of(), RequestedMetric.of(MetricType.L2),
                    Float.NaN, Float.NaN), -1));
        }
        return HybridSearchPaths.hybridSearch(reader, new HybridSearchRequest(Database.DEFAULT, COLLECTION, List.of(),
                subs, new Ranker.Rrf(60), topK, 0, -1, List.of(), null, null), atOnce).rows().size();
    }

    /** What DataRpc.search hands to the reader for a plain top-k request: no filter, partitions or output fields. */
    int search(float[] query, int topK) {
        return reader.search(new SearchRequest(Database.DEFAULT, COLLECTION, List.of(), MilvusMessages.VECTOR,
                new float[][] {query}, topK, 0, "", Map.of(), List.of(), RequestedMetric.of(MetricType.L2), Float.NaN,
                Float.NaN)).rows().size();
    }

    @Override
    public void close() {
        try {
            data.close();
        } finally {
            try {
                executors.close();
                meta.close();
            } finally {
                deleteTree(dir);
            }
        }
    }

    private static CollectionSchema schema(Map<String, float[][]> vectorFields) {
        List<FieldSchema> fields = new ArrayList<>();
        fields.add(new FieldSchema(0, MilvusMessages.PRIMARY_KEY, "", DataType.INT64, true, false, 0, 0, null, 0,
                false, null, false, false));
        vectorFields.forEach((name, vectors) -> fields.add(new FieldSchema(0, name, "", DataType.FLOAT_VECTOR, false,
                false, vectors[0].length, 0, null, 0, false, null, false, false)));
        return new CollectionSchema("", fields, false);
    }

    /** Best effort, as BenchServer does: a leftover temporary folder is not worth failing a finished run for. */
    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("bench: could not delete " + root + ": " + e.getMessage());
        }
    }
}
