package dev.vectorvault.query;

import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.CatalogListener;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.CollectionSchema;
import dev.vectorvault.catalog.ConsistencyLevel;
import dev.vectorvault.catalog.Database;
import dev.vectorvault.catalog.Indexes;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.HybridClock;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.index.RequestedMetric;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.data.DataExecutors;
import dev.vectorvault.storage.data.DataStore;
import dev.vectorvault.storage.data.IndexBuildSettings;
import dev.vectorvault.storage.wal.Durability;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ThrowableAssert;

/**
 * Catalog, indexes, data store, writer and reader wired as {@code MilvusServer} wires them, on a temporary folder.
 * {@link #restart()} closes everything (the data store checkpoints) and opens it again.
 */
final class EntityFixture implements AutoCloseable {
    static final String DB = Database.DEFAULT;

    private final Path dir;
    private final int segmentRows;
    /** Shared by every store this fixture opens; closed with the fixture, as the server closes its own. */
    private final DataExecutors executors = new DataExecutors();
    MvMetaStore meta;
    Catalog catalog;
    Indexes indexes;
    DataStore data;
    EntityWriter writer;
    EntityReader reader;
    /** The data store's clock (insert times, TTL expiry); tests of a TTL move it by hand. */
    java.util.function.LongSupplier clock = System::currentTimeMillis;

    EntityFixture(Path dir, int segmentRows) {
        this.dir = dir;
        this.segmentRows = segmentRows;
        open();
    }

    private void open() {
        HybridClock clock = new HybridClock();
        meta = MvMetaStore.open(dir.resolve("meta"));
        Forwarder cleanup = new Forwarder();
        catalog = new Catalog(meta, clock, cleanup);
        data = DataStore.open(dir.resolve("data"), Durability.FSYNC, meta, new Layouts(catalog), segmentRows,
                DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES, IndexBuildSettings.defaults(), executors);
        cleanup.data = data;
        data.useClock(() -> this.clock.getAsLong());
        data.startBackgroundWork();
        indexes = new Indexes(catalog);
        writer = new EntityWriter(catalog, data, clock);
        reader = new EntityReader(catalog, data);
    }

    void restart() {
        closeStores();
        open();
    }

    /** Creates a collection with a FLAT index of this metric on its (first) vector field, loaded. */
    Collection createLoaded(String name, CollectionSchema schema, String metric) {
        Collection c = catalog.createCollection(DB, name, schema, 1, ConsistencyLevel.STRONG, Map.of());
        indexes.create(DB, name, c.schema().vectorFields().get(0).name(), "", "FLAT", RequestedMetric.parse(metric),
                Map.of());
        indexes.load(DB, name);
        return catalog.collection(DB, name);
    }

    private void closeStores() {
        try {
            data.close();
        } finally {
            meta.close();
        }
    }

    @Override
    public void close() {
        try {
            closeStores();
        } finally {
            executors.close();
        }
    }

    /** Forwards catalog drops and index changes to the data store, as the server's DataCleanup does. */
    private static final class Forwarder implements CatalogListener {
        volatile DataStore data;

        @Override
        public void collectionDropped(long collectionId) {
            data.collectionDropped(collectionId);
        }

        @Override
        public void partitionDropped(long collectionId, long partitionId) {
            data.partitionDropped(collectionId, partitionId);
        }

        @Override
        public void indexesChanged(long collectionId) {
            data.indexesChanged(collectionId);
        }
    }

    // ------------------------------------------------------------------ building batches and requests

    /** A column batch from alternating names and value lists. */
    static ColumnBatch batch(int rows, Object... namesAndColumns) {
        Map<String, List<Object>> columns = new LinkedHashMap<>();
        for (int i = 0; i < namesAndColumns.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<Object> column = (List<Object>) namesAndColumns[i + 1];
            columns.put((String) namesAndColumns[i], column);
        }
        return new ColumnBatch(rows, columns, null);
    }

    static ColumnBatch withDynamic(ColumnBatch batch, List<Map<String, Object>> dynamicRows) {
        return new ColumnBatch(batch.rowCount(), batch.columns(), dynamicRows);
    }

    /** A list that may hold nulls. */
    static List<Object> values(Object... values) {
        return new ArrayList<>(Arrays.asList(values));
    }

    static SearchRequest search(String collection, float[][] queries, int topK, String filter) {
        return new SearchRequest(DB, collection, List.of(), "", queries, topK, 0, filter, Map.of(), List.of(),
                RequestedMetric.none(), Float.NaN, Float.NaN);
    }

    static QueryRequest query(String collection, String filter, List<String> outputFields, long limit,
                              long offset) {
        return new QueryRequest(DB, collection, List.of(), filter, Map.of(), outputFields, limit, offset);
    }

    static AbstractThrowableAssert<?, ? extends Throwable> failsWith(ErrorCode code,
                                                                     ThrowableAssert.ThrowingCallable call) {
        return Assertions.assertThatThrownBy(call).isInstanceOf(MilvusException.class)
                .satisfies(e -> Assertions.assertThat(((MilvusException) e).errorCode()).as("error code")
                        .isEqualTo(code));
    }

    /** A vector of {@code dim} standard normal components. */
    static float[] gaussian(java.util.Random random, int dim) {
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
            v[d] = (float) random.nextGaussian();
        }
        return v;
    }

    /** Waits (up to 2 minutes) until every segment's index on {@code field} is built or loaded; fails otherwise. */
    void awaitIndex(dev.vectorvault.catalog.Collection collection, String field) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        dev.vectorvault.storage.data.IndexProgress progress = reader.indexProgress(collection, field);
        while (!progress.finished() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            progress = reader.indexProgress(collection, field);
        }
        Assertions.assertThat(progress.finished()).as("index on %s finished: %s", field, progress).isTrue();
    }

    /** The primary keys of result rows, in order. */
    static List<Object> keys(ResultRows rows) {
        return rows.rows().stream().map(r -> r[rows.primaryKeyField()]).toList();
    }
}
