package dev.vectorvault.bench.ann;

import dev.vectorvault.index.MetricType;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * Lucene 9.12.3's HNSW ({@code Lucene99HnswVectorsFormat} with the same {@code M} as {@code maxConn} and
 * {@code efConstruction} as {@code beamWidth}), in a {@link ByteBuffersDirectory} on the heap.
 *
 * <p>One graph, as ours is: the writer's RAM buffer is large enough that all documents flush as one segment, and a
 * {@code forceMerge(1)} afterwards covers the case where they do not. Documents are added in order on one thread and
 * never deleted, so a document id equals the data set's ordinal. Searches go straight to the segment's
 * {@link LeafReader#searchNearestVectors} with {@code k = ef}, Lucene's way of widening the beam, and keep the best
 * {@code k}: that is the graph search without {@code KnnFloatVectorQuery}'s query-rewrite machinery, which would
 * charge Lucene for work our index does not do.
 *
 * <p>Lucene 9.12 uses the Vector API only on Java 21-22; on this benchmark's Java 17 its distance code is scalar.
 */
final class LuceneHnsw implements AnnEngine {
    private static final String FIELD = "v";
    /** Below Lucene's per-writer-thread hard limit of 1,945 MiB. */
    private static final double RAM_BUFFER_MB = 1_900;

    private ByteBuffersDirectory directory;
    private DirectoryReader reader;
    private LeafReader leaf;
    private ExecutorService mergeWorkers;

    /** The default codec with our graph parameters on every vector field. */
    static final class HnswCodec extends Lucene912Codec {
        private final KnnVectorsFormat format;

        HnswCodec(KnnVectorsFormat format) {
            this.format = format;
        }

        @Override
        public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return format;
        }
    }

    @Override
    public String name() {
        return "Lucene 9.12.3 HNSW";
    }

    @Override
    public Kind kind() {
        return Kind.GRAPH;
    }

    @Override
    public void build(Dataset data, BuildSettings settings) throws IOException {
        KnnVectorsFormat format;
        if (settings.threads() > 1) {
            // Only merges use the workers; indexing on one thread builds the flushed graph on that thread.
            mergeWorkers = Executors.newFixedThreadPool(settings.threads());
            format = new Lucene99HnswVectorsFormat(settings.m(), settings.efConstruction(), settings.threads(),
                    mergeWorkers);
        } else {
            format = new Lucene99HnswVectorsFormat(settings.m(), settings.efConstruction());
        }
        directory = new ByteBuffersDirectory();
        IndexWriterConfig config = new IndexWriterConfig()
                .setCodec(new HnswCodec(format))
                .setRAMBufferSizeMB(RAM_BUFFER_MB)
                .setMaxBufferedDocs(IndexWriterConfig.DISABLE_AUTO_FLUSH)
                .setMergeScheduler(new SerialMergeScheduler())
                .setUseCompoundFile(false);
        VectorSimilarityFunction similarity = similarity(data.metric());
        try (IndexWriter writer = new IndexWriter(directory, config)) {
            for (float[] vector : data.base()) {
                Document doc = new Document();
                doc.add(new KnnFloatVectorField(FIELD, vector, similarity));
                writer.addDocument(doc);
            }
            writer.forceMerge(1);
            writer.commit();
        }
        reader = DirectoryReader.open(directory);
        if (reader.leaves().size() != 1) {
            throw new IllegalStateException("expected one segment, got " + reader.leaves().size());
        }
        leaf = reader.leaves().get(0).reader();
    }

    @Override
    public int[] search(float[] query, int k, int ef) throws IOException {
        TopDocs top = leaf.searchNearestVectors(FIELD, query, Math.max(k, ef), null, Integer.MAX_VALUE);
        ScoreDoc[] docs = top.scoreDocs;
        int[] ids = new int[Math.min(k, docs.length)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = docs[i].doc;
        }
        return ids;
    }

    @Override
    public long memoryBytes() {
        long bytes = 0;
        try {
            for (String file : directory.listAll()) {
                bytes += directory.fileLength(file);
            }
        } catch (IOException e) {
            return -1;
        }
        return bytes;
    }

    @Override
    public String memoryNote() {
        return "index files in the ByteBuffersDirectory: vectors + graph";
    }

    @Override
    public void close() throws IOException {
        if (reader != null) {
            reader.close();
        }
        if (directory != null) {
            directory.close();
        }
        if (mergeWorkers != null) {
            mergeWorkers.shutdownNow();
        }
        reader = null;
        leaf = null;
        directory = null;
    }

    static VectorSimilarityFunction similarity(MetricType metric) {
        return switch (metric) {
            case L2 -> VectorSimilarityFunction.EUCLIDEAN;
            case COSINE -> VectorSimilarityFunction.COSINE;
            case IP -> VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
            case BM25, HAMMING, JACCARD -> throw new IllegalArgumentException(metric + " does not score dense vectors");
        };
    }
}
