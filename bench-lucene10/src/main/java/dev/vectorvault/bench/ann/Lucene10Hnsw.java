package dev.vectorvault.bench.ann;

import dev.vectorvault.index.MetricType;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.Version;

/**
 * Lucene 10's HNSW (float vectors, {@code Lucene99HnswVectorsFormat} with {@code M} as {@code maxConn} and
 * {@code efConstruction} as {@code beamWidth}) in a {@link ByteBuffersDirectory}, built and searched exactly as the
 * Java 17 benchmark's Lucene 9.12 engine does (one segment, {@code k = ef} straight on the leaf reader), here on the
 * Java 25 JDK where Lucene uses the Vector API. Its name says whether the Vector API module was
 * loaded, so a run that fell back to scalar code shows it.
 */
public final class Lucene10Hnsw implements AnnEngine {
    private static final String FIELD = "v";
    private static final double RAM_BUFFER_MB = 1_900;

    private ByteBuffersDirectory directory;
    private DirectoryReader reader;
    private LeafReader leaf;
    /** Every document (none is deleted): Lucene 10 takes this where 9.12 took a null filter. */
    private AcceptDocs allDocs;
    private ExecutorService mergeWorkers;

    /** The default codec with our graph parameters on every vector field. */
    static final class HnswCodec extends Lucene104Codec {
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
        return "Lucene " + Version.LATEST + " HNSW (Java " + Runtime.version().feature() + ", " + vectorization()
                + ")";
    }

    /**
     * Whether the Vector API module is loaded, which is what Lucene 10 needs (on Java 21+) to pick its Panama
     * distance code; Lucene confirms its choice itself in one log line at start ("Java vector incubator API
     * enabled"), which the run's output shows. Lucene's provider cannot be asked directly: it refuses callers from
     * outside Lucene.
     */
    static String vectorization() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() ? "jdk.incubator.vector loaded"
                : "no Vector API: scalar code";
    }

    @Override
    public Kind kind() {
        return Kind.GRAPH;
    }

    @Override
    public void build(Dataset data, BuildSettings settings) throws IOException {
        KnnVectorsFormat format;
        if (settings.threads() > 1) {
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
        allDocs = AcceptDocs.fromLiveDocs(null, leaf.maxDoc());
    }

    @Override
    public int[] search(float[] query, int k, int ef) throws IOException {
        TopDocs top = leaf.searchNearestVectors(FIELD, query, Math.max(k, ef), allDocs, Integer.MAX_VALUE);
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
