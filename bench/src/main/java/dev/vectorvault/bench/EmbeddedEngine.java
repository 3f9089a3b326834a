package dev.vectorvault.bench;

import dev.vectorvault.catalog.Catalog;
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
import dev.vectorvault.query.Layouts;
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
import java.util.Comparator;
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
        Path dir = Files.createTempDirectory("vectorvault-bench-embedded-");
        MetaStore meta = MvMetaStore.inMemory();
        HybridClock clock = new HybridClock();
        // Nothing is dropped here and the index is FLAT (nothing to build), so the catalog's notices have nowhere to go.
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
        EmbeddedEngine engine = new EmbeddedEngine(dir, meta, executors, data, new EntityReader(catalog, data));
        try {
            catalog.createCollection(Database.DEFAULT, COLLECTION, schema(vectors[0].length), 1,
                    ConsistencyLevel.BOUNDED, Map.of());
            Indexes indexes = new Indexes(catalog);
            indexes.create(Database.DEFAULT, COLLECTION, MilvusMessages.VECTOR, MilvusMessages.VECTOR, "FLAT",
                    RequestedMetric.of(MetricType.L2), Map.of());
            indexes.load(Database.DEFAULT, COLLECTION);
            EntityWriter writer = new EntityWriter(catalog, data, clock);
            for (int from = 0; from < vectors.length; from += batchRows) {
                int to = Math.min(vectors.length, from + batchRows);
                List<Object> ids = new ArrayList<>(to - from);
                List<Object> column = new ArrayList<>(to - from);
                for (int row = from; row < to; row++) {
                    ids.add((long) row);
                    column.add(vectors[row]);
                }
                writer.insert(Database.DEFAULT, COLLECTION, "", new ColumnBatch(to - from,
                        Map.of(MilvusMessages.PRIMARY_KEY, ids, MilvusMessages.VECTOR, column), null));
            }
            return engine;
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
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

    private static CollectionSchema schema(int dim) {
        return new CollectionSchema("", List.of(
                new FieldSchema(0, MilvusMessages.PRIMARY_KEY, "", DataType.INT64, true, false, 0, 0, null, 0, false,
                        null, false, false),
                new FieldSchema(0, MilvusMessages.VECTOR, "", DataType.FLOAT_VECTOR, false, false, dim, 0, null, 0,
                        false, null, false, false)), false);
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
