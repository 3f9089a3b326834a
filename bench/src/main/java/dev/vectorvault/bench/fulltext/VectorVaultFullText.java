package dev.vectorvault.bench.fulltext;

import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.CatalogListener;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.CollectionSchema;
import dev.vectorvault.catalog.ConsistencyLevel;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.Database;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.catalog.FunctionSchema;
import dev.vectorvault.catalog.Indexes;
import dev.vectorvault.common.HybridClock;
import dev.vectorvault.index.RequestedMetric;
import dev.vectorvault.query.ColumnBatch;
import dev.vectorvault.query.EntityReader;
import dev.vectorvault.query.EntityWriter;
import dev.vectorvault.query.HybridSearchRequest;
import dev.vectorvault.query.Layouts;
import dev.vectorvault.query.Ranker;
import dev.vectorvault.query.ResultRows;
import dev.vectorvault.query.SearchRequest;
import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.data.DataExecutors;
import dev.vectorvault.storage.data.DataStore;
import dev.vectorvault.storage.data.IndexBuildSettings;
import dev.vectorvault.storage.data.IndexProgress;
import dev.vectorvault.storage.wal.Durability;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * VectorVault's full-text search below the wire: catalog, {@link DataStore} (its own folder, buffered writes),
 * {@link EntityWriter} and {@link EntityReader}, wired as {@code MilvusServer.start} wires them. A collection of
 * (Int64 id, VarChar text with the standard analyzer, sparse output of a BM25 function) with a SPARSE_INVERTED_INDEX
 * (metric BM25); an insert analyzes the text into term frequencies as the server does, segments seal at
 * {@code segmentRows} and are indexed in the background, and a search runs exactly the code a gRPC Search runs below
 * the protobuf decoding: analysis of the query, the BM25 statistics, each segment's index (the growing one exactly),
 * the merge and the result rows.
 */
final class VectorVaultFullText implements AutoCloseable {
    private static final String COLLECTION = "fulltext";
    private static final String DENSE = "dense";
    private final MetaStore meta;
    private final DataExecutors executors;
    private final DataStore data;
    private final Catalog catalog;
    private final EntityReader reader;
    private final EntityWriter writer;
    /** Width of the optional dense field (0: none), which {@link #hybridSearch} searches next to the text. */
    private final int denseDim;

    VectorVaultFullText(Path dir, int segmentRows, String algorithm) throws IOException {
        this(dir, segmentRows, algorithm, 0);
    }

    /**
     * With {@code denseDim > 0} the collection also has a FloatVector field of that width with an HNSW index (M 16,
     * efConstruction 100, L2), the layout of a LangChain-style hybrid collection (dense + BM25 function).
     */
    VectorVaultFullText(Path dir, int segmentRows, String algorithm, int denseDim) throws IOException {
        this.denseDim = denseDim;
        meta = MvMetaStore.inMemory();
        HybridClock clock = new HybridClock();
        catalog = new Catalog(meta, clock, new CatalogListener() {
            @Override
            public void collectionDropped(long collectionId) {}

            @Override
            public void partitionDropped(long collectionId, long partitionId) {}

            @Override
            public void indexesChanged(long collectionId) {}
        });
        executors = new DataExecutors();
        data = DataStore.open(dir, Durability.OS_BUFFERED, meta, new Layouts(catalog), segmentRows,
                DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES, IndexBuildSettings.defaults(), executors);
        data.startBackgroundWork();
        reader = new EntityReader(catalog, data);
        writer = new EntityWriter(catalog, data, clock);
        FieldSchema id = new FieldSchema(0, "id", "", DataType.INT64, true, false, 0, 0, null, 0, false, null, false,
                false);
        FieldSchema text = new FieldSchema(0, "text", "", DataType.VARCHAR, false, false, 0, 65_535, null, 0, false,
                null, false, false).withText(true, null, false);
        FieldSchema sparse = new FieldSchema(0, "sparse", "", DataType.SPARSE_FLOAT_VECTOR, false, false, 0, 0, null,
                0, false, null, false, false);
        List<FieldSchema> fields = new ArrayList<>(List.of(id, text, sparse));
        if (denseDim > 0) {
            fields.add(new FieldSchema(0, DENSE, "", DataType.FLOAT_VECTOR, false, false, denseDim, 0, null, 0, false,
                    null, false, false));
        }
        catalog.createCollection(Database.DEFAULT, COLLECTION, new CollectionSchema("", fields,
                false, List.of(new FunctionSchema("bm25", "", FunctionSchema.BM25, List.of("text"),
                        List.of("sparse"), Map.of()))), 1, ConsistencyLevel.STRONG, Map.of());
        Indexes indexes = new Indexes(catalog);
        indexes.create(Database.DEFAULT, COLLECTION, "sparse", "sparse", "SPARSE_INVERTED_INDEX",
                RequestedMetric.parse("BM25"), Map.of("inverted_index_algo", algorithm));
        if (denseDim > 0) {
            indexes.create(Database.DEFAULT, COLLECTION, DENSE, DENSE, "HNSW", RequestedMetric.parse("L2"),
                    Map.of("M", "16", "efConstruction", "100"));
        }
        indexes.load(Database.DEFAULT, COLLECTION);
    }

    /** Inserts the documents (ids = their positions) in batches, then waits for every sealed segment's index. */
    void insertAndIndex(List<String> documents, int batchRows) throws InterruptedException {
        insertAndIndex(documents, null, 0, batchRows);
    }

    /**
     * As above, with ids from {@code firstId}: a later insert must not reuse the ids of an earlier one, since an
     * insert replaces (deletes) the rows that hold its primary keys already.
     */
    void insertAndIndex(List<String> documents, long firstId, int batchRows) throws InterruptedException {
        insertAndIndex(documents, null, firstId, batchRows);
    }

    /** As above, with row i's dense vector {@code vectors[i]} when the collection has the dense field. */
    void insertAndIndex(List<String> documents, float[][] vectors, int batchRows) throws InterruptedException {
        insertAndIndex(documents, vectors, 0, batchRows);
    }

    private void insertAndIndex(List<String> documents, float[][] vectors, long firstId, int batchRows)
            throws InterruptedException {
        for (int from = 0; from < documents.size(); from += batchRows) {
            int to = Math.min(documents.size(), from + batchRows);
            List<Object> ids = new ArrayList<>(to - from);
            List<Object> texts = new ArrayList<>(to - from);
            List<Object> dense = new ArrayList<>(to - from);
            for (int row = from; row < to; row++) {
                ids.add(firstId + row);
                texts.add(documents.get(row));
                if (denseDim > 0) {
                    dense.add(vectors[row]);
                }
            }
            Map<String, List<Object>> columns = denseDim > 0 ? Map.of("id", ids, "text", texts, DENSE, dense)
                    : Map.of("id", ids, "text", texts);
            writer.insert(Database.DEFAULT, COLLECTION, "", new ColumnBatch(to - from, columns, null));
        }
        Collection collection = catalog.collection(Database.DEFAULT, COLLECTION);
        for (String field : denseDim > 0 ? List.of("sparse", DENSE) : List.of("sparse")) {
            IndexProgress progress = reader.indexProgress(collection, field);
            while (!progress.finished()) {
                Thread.sleep(5);
                progress = reader.indexProgress(collection, field);
            }
        }
    }

    /** The ids and scores of the {@code k} best rows for {@code text}. */
    Hits search(String text, int k) {
        return hits(reader.search(textSearch(text, k)));
    }

    /** The ids and L2 distances of the {@code k} nearest rows to {@code vector} in the dense field (HNSW, ef 64). */
    Hits denseSearch(float[] vector, int k) {
        return hits(reader.search(vectorSearch(vector, k)));
    }

    /**
     * A hybrid search as LangChain's Milvus retriever sends it: the text (BM25) and the vector (HNSW), each for its
     * {@code k} best, fused by RRF with k = 60, top {@code k} of the fused list.
     */
    Hits hybridSearch(String text, float[] vector, int k) {
        return hits(reader.hybridSearch(new HybridSearchRequest(Database.DEFAULT, COLLECTION, List.of(),
                List.of(new HybridSearchRequest.SubRequest(textSearch(text, k), -1),
                        new HybridSearchRequest.SubRequest(vectorSearch(vector, k), -1)),
                new Ranker.Rrf(60), k, 0, -1, List.of(), null, null)));
    }

    private static SearchRequest textSearch(String text, int k) {
        return new SearchRequest(Database.DEFAULT, COLLECTION, List.of(), "sparse", new float[0][], k, 0, "",
                Map.of(), List.of(), RequestedMetric.parse("BM25"), Float.NaN, Float.NaN, Map.of(), null, null,
                List.of(), List.of(text));
    }

    private static SearchRequest vectorSearch(float[] vector, int k) {
        return new SearchRequest(Database.DEFAULT, COLLECTION, List.of(), DENSE, new float[][] {vector}, k, 0, "",
                Map.of(), List.of(), RequestedMetric.parse("L2"), Float.NaN, Float.NaN, Map.of("ef", "64"), null,
                null, List.of());
    }

    private static Hits hits(ResultRows rows) {
        long[] ids = new long[rows.rows().size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (Long) rows.rows().get(i)[rows.primaryKeyField()];
        }
        return new Hits(ids, rows.scores().clone());
    }

    @Override
    public void close() {
        try {
            data.close();
        } finally {
            executors.close();
            meta.close();
        }
    }
}
