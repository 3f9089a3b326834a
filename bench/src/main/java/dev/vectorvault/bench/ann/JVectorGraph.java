package dev.vectorvault.bench.ann;

import dev.vectorvault.index.MetricType;
import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * JVector 4.0.2's in-memory graph ({@link GraphIndexBuilder}, full-precision vectors, no quantization), searched
 * with exact scores. JVector's degree is the bottom layer's, so it gets {@code 2M} (what hnswlib, Lucene and ours
 * allow on layer 0), with the hierarchy on and its default DiskANN pruning ({@code alpha} 1.2, neighbour overflow
 * 1.2). The beam is widened JVector's way: {@code rerankK = ef} candidates, of which the best {@code k} come back.
 *
 * <p>JVector's jar carries Java 11 classes with SIMD variants for Java 20+; on Java 17 it logs that it falls back to
 * its scalar code, as it does here.
 */
final class JVectorGraph implements AnnEngine {
    private static final float NEIGHBOUR_OVERFLOW = 1.2f;
    private static final float ALPHA = 1.2f;
    private static final VectorTypeSupport VECTORS = VectorizationProvider.getInstance().getVectorTypeSupport();

    private RandomAccessVectorValues vectors;
    private VectorSimilarityFunction similarity;
    private ImmutableGraphIndex graph;
    private GraphSearcher searcher;
    private ForkJoinPool pool;
    private long vectorBytes;

    @Override
    public String name() {
        return "JVector 4.0.2";
    }

    @Override
    public Kind kind() {
        return Kind.GRAPH;
    }

    @Override
    public void build(Dataset data, BuildSettings settings) throws IOException {
        List<VectorFloat<?>> list = new ArrayList<>(data.base().length);
        for (float[] row : data.base()) {
            list.add(VECTORS.createFloatVector(row.clone()));
        }
        vectors = new ListRandomAccessVectorValues(list, data.dim());
        vectorBytes = 4L * data.dim() * data.base().length;
        similarity = similarity(data.metric());
        pool = new ForkJoinPool(settings.threads());
        BuildScoreProvider scores = BuildScoreProvider.randomAccessScoreProvider(vectors, similarity);
        try (GraphIndexBuilder builder = new GraphIndexBuilder(scores, data.dim(), 2 * settings.m(),
                settings.efConstruction(), NEIGHBOUR_OVERFLOW, ALPHA, true, true, pool, pool)) {
            graph = builder.build(vectors);
        }
        searcher = new GraphSearcher(graph);
    }

    @Override
    public int[] search(float[] query, int k, int ef) {
        VectorFloat<?> q = VECTORS.createFloatVector(query);
        SearchResult result = searcher.search(DefaultSearchScoreProvider.exact(q, similarity, vectors), k,
                Math.max(k, ef), 0f, 0f, Bits.ALL);
        SearchResult.NodeScore[] nodes = result.getNodes();
        int[] ids = new int[nodes.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = nodes[i].node;
        }
        return ids;
    }

    @Override
    public long memoryBytes() {
        return graph.ramBytesUsed() + vectorBytes;
    }

    @Override
    public String memoryNote() {
        return "graph ramBytesUsed() + n x d x 4 for the vectors";
    }

    @Override
    public void close() throws IOException {
        if (searcher != null) {
            searcher.close();
        }
        if (graph != null) {
            graph.close();
        }
        if (pool != null) {
            pool.shutdownNow();
        }
        searcher = null;
        graph = null;
        vectors = null;
    }

    static VectorSimilarityFunction similarity(MetricType metric) {
        return switch (metric) {
            case L2 -> VectorSimilarityFunction.EUCLIDEAN;
            case COSINE -> VectorSimilarityFunction.COSINE;
            case IP -> VectorSimilarityFunction.DOT_PRODUCT;
            case BM25, HAMMING, JACCARD -> throw new IllegalArgumentException(metric + " does not score dense vectors");
        };
    }
}
