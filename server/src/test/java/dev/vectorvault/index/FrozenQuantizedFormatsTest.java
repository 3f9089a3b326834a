package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.storage.io.LocalDisk;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first format versions of the quantized kinds (ivf_sq8, ivf_pq and hnsw_sq version 2, in the common frame) must always
 * open: the files under {@code index-formats/} were written at the commit that introduced them, over
 * {@link FrozenIndexFormatsTest#column()}, by {@code IvfSq8Index.build(column, metric, new IvfParams(8, 7), 1, NONE)}
 * and {@code HnswSqIndex.build(column, metric, new HnswSqParams(new HnswParams(4, 20, 7), "SQ8", true, "FP32"), 1,
 * NONE)}; ivf_pq's version 2 by {@code IvfPqIndex.build(column, metric, new IvfPqParams(new IvfParams(8, 7), 4, 6), 1,
 * NONE)}. The hits below are what they answered then.
 */
@Timeout(60)
class FrozenQuantizedFormatsTest {
    @TempDir
    Path dir;

    private static float[] query(VectorColumn column) {
        float[] query = new float[8];
        column.copyTo(17, query);
        query[0] += 0.25f;
        return query;
    }

    private VectorIndex read(String indexType, String name, VectorColumn column, MetricType metric)
            throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/index-formats/" + name)) {
            assertThat(in).as("test resource index-formats/" + name).isNotNull();
            Files.copy(in, dir.resolve(name));
        }
        IndexKind kind = IndexKinds.of(indexType).orElseThrow();
        VectorIndex index = kind.read(LocalDisk.open(dir), name, column, metric);
        assertThat(index.kind()).isSameAs(kind);
        return index;
    }

    @Test
    void ivfSq8VersionTwoFilesOpenAndAnswerAsTheyDidWhenWritten() throws IOException {
        VectorColumn column = FrozenIndexFormatsTest.column();
        IvfSq8Index l2 = (IvfSq8Index) read("IVF_SQ8", "ivf_sq8-v2-l2.idx", column, MetricType.L2);
        assertThat(l2.params()).isEqualTo(new IvfParams(8, 7));
        assertThat(l2.listCount()).isEqualTo(8);
        // Code distances: near the exact ones (FrozenIndexFormatsTest), not equal; ordinal 274 ranks fifth here.
        assertHits(l2.search(query(column), 5, 2, OrdinalFilter.ACCEPT_ALL), List.of(17, 245, 49, 73, 274),
                new float[] {0.09880066f, 25.617115f, 27.64303f, 29.556042f, 31.823433f});
        IvfSq8Index cosine = (IvfSq8Index) read("IVF_SQ8", "ivf_sq8-v2-cosine.idx", column, MetricType.COSINE);
        assertHits(cosine.search(query(column), 5, 2, OrdinalFilter.ACCEPT_ALL), List.of(17, 73, 6, 75, 11),
                new float[] {0.9994269f, 0.8226735f, 0.77046233f, 0.7316719f, 0.7207588f});
    }

    @Test
    void ivfPqVersionTwoFilesOpenAndAnswerAsTheyDidWhenWritten() throws IOException {
        VectorColumn column = FrozenIndexFormatsTest.column();
        IvfPqIndex l2 = (IvfPqIndex) read("IVF_PQ", "ivf_pq-v2-l2.idx", column, MetricType.L2);
        assertThat(l2.params()).isEqualTo(new IvfPqParams(new IvfParams(8, 7), 4, 6));
        assertThat(l2.listCount()).isEqualTo(8);
        assertThat(l2.codebook().ksub).isEqualTo(64);
        // Four 2-dimension codes a vector: coarser than SQ8 (FrozenIndexFormatsTest has the exact distances).
        assertHits(l2.search(query(column), 5, 2, OrdinalFilter.ACCEPT_ALL), List.of(17, 245, 49, 7, 189),
                new float[] {0.4977533f, 21.606674f, 28.03652f, 29.90654f, 31.2626f});
        IvfPqIndex cosine = (IvfPqIndex) read("IVF_PQ", "ivf_pq-v2-cosine.idx", column, MetricType.COSINE);
        assertHits(cosine.search(query(column), 5, 2, OrdinalFilter.ACCEPT_ALL), List.of(17, 73, 75, 11, 250),
                new float[] {0.99780494f, 0.8118289f, 0.73927265f, 0.7291389f, 0.7250728f});
    }

    @Test
    void hnswSqVersionTwoFilesOpenAndAnswerAsTheyDidWhenWritten() throws IOException {
        VectorColumn column = FrozenIndexFormatsTest.column();
        HnswSqIndex l2 = (HnswSqIndex) read("HNSW_SQ", "hnsw_sq-v2-l2.idx", column, MetricType.L2);
        assertThat(l2.params()).isEqualTo(new HnswSqParams(new HnswParams(4, 20, 7), "SQ8", true, "FP32"));
        // refine_k 1 re-ranks the five best by code (274 among them); refine_k 2 re-ranks ten and finds FLAT's five.
        SearchParams one = l2.kind().parseSearch(Map.of("ef", "32"), 5);
        assertHits(l2.search(query(column), 5, one, OrdinalFilter.ACCEPT_ALL), List.of(17, 245, 49, 73, 274),
                new float[] {0.0625f, 24.805363f, 27.375355f, 29.416256f, 32.34862f});
        SearchParams two = l2.kind().parseSearch(Map.of("ef", "32", "refine_k", "2"), 5);
        assertHits(l2.search(query(column), 5, two, OrdinalFilter.ACCEPT_ALL), List.of(17, 245, 49, 73, 154),
                new float[] {0.0625f, 24.805363f, 27.375355f, 29.416256f, 31.881851f});
        HnswSqIndex cosine = (HnswSqIndex) read("HNSW_SQ", "hnsw_sq-v2-cosine.idx", column, MetricType.COSINE);
        assertHits(cosine.search(query(column), 5, two, OrdinalFilter.ACCEPT_ALL), List.of(17, 73, 6, 75, 11),
                new float[] {0.99944896f, 0.8235039f, 0.769011f, 0.7320093f, 0.7193442f});
    }

    private static void assertHits(List<SearchHit> hits, List<Integer> ordinals, float[] scores) {
        assertThat(hits.stream().map(SearchHit::ordinal).toList()).isEqualTo(ordinals);
        for (int i = 0; i < scores.length; i++) {
            assertThat(hits.get(i).score()).as("score of hit " + i)
                    .isCloseTo(scores[i], Offset.offset(Math.abs(scores[i]) * 1e-6f + 1e-6f));
        }
    }
}
