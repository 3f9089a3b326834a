package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Index files written by an earlier release must always open: the files under {@code index-formats/} were written by
 * the version-1 code that still copied (and, for COSINE, normalised) the vectors into the index, over the seeded
 * vectors of {@link #column()}. Reading them checks the framing, the version-1 body readers and the fingerprint of the
 * vectors (computed now from the column, no longer from a copy), and the hits must be the ones that version returned
 * (recorded when the files were written; scores to within float rounding, since COSINE now divides by the stored norm
 * instead of reading a normalised copy).
 */
@Timeout(60)
class FrozenIndexFormatsTest {
    @TempDir
    Path dir;

    /** The vectors the frozen files were built over; must never change. */
    static VectorColumn column() {
        Random random = new Random(20261205L);
        VectorColumn column = new VectorColumn(8);
        for (int i = 0; i < 300; i++) {
            float[] vector = new float[8];
            for (int d = 0; d < 8; d++) {
                vector[d] = (float) (random.nextGaussian() * (1 + i % 7));
            }
            column.append(vector);
        }
        return column;
    }

    private static float[] query(VectorColumn column) {
        float[] query = new float[8];
        column.copyTo(17, query);
        query[0] += 0.25f;
        return query;
    }

    private Path resource(String name) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = FrozenIndexFormatsTest.class.getResourceAsStream("/index-formats/" + name)) {
            assertThat(in).as("test resource index-formats/" + name).isNotNull();
            Files.copy(in, file);
        }
        return file;
    }

    // Recorded from the version-1 code at commit 53506df when the files were written.
    private static final List<Integer> L2_ORDINALS = List.of(17, 245, 49, 73, 154);
    private static final float[] L2_SCORES = {0.0625f, 24.805363f, 27.375355f, 29.416256f, 31.881851f};
    private static final List<Integer> COSINE_ORDINALS = List.of(17, 73, 6, 75, 11);
    private static final float[] COSINE_SCORES = {0.9994489f, 0.82350385f, 0.7690111f, 0.7320093f, 0.7193442f};

    @Test
    void hnswVersionOneFilesOpenAndAnswerAsTheyDidWhenWritten() throws IOException {
        VectorColumn column = column();
        HnswIndex l2 = HnswIndex.read(resource("hnsw-v1-l2.idx"), column, MetricType.L2);
        assertHits(l2.search(query(column), 5, 32, OrdinalFilter.ACCEPT_ALL), L2_ORDINALS, L2_SCORES);
        assertThat(l2.params()).isEqualTo(new HnswParams(4, 20, 7));

        HnswIndex cosine = HnswIndex.read(resource("hnsw-v1-cosine.idx"), column, MetricType.COSINE);
        assertHits(cosine.search(query(column), 5, 32, OrdinalFilter.ACCEPT_ALL), COSINE_ORDINALS, COSINE_SCORES);
    }

    @Test
    void ivfFlatVersionOneFilesOpenAndAnswerAsTheyDidWhenWritten() throws IOException {
        VectorColumn column = column();
        IvfFlatIndex l2 = IvfFlatIndex.read(resource("ivf_flat-v1-l2.idx"), column, MetricType.L2);
        assertHits(l2.search(query(column), 5, 2, OrdinalFilter.ACCEPT_ALL), L2_ORDINALS, L2_SCORES);
        assertThat(l2.listCount()).isEqualTo(8);

        IvfFlatIndex cosine = IvfFlatIndex.read(resource("ivf_flat-v1-cosine.idx"), column, MetricType.COSINE);
        assertHits(cosine.search(query(column), 5, 2, OrdinalFilter.ACCEPT_ALL), COSINE_ORDINALS, COSINE_SCORES);
    }

    /**
     * Version 2 (the common little-endian frame, the body of version 1) is what this release writes; the files were
     * written at commit 07f5889 by {@code IvfFlatIndex.build(column(), metric, new IvfParams(8, 7), 1, NONE).write}.
     * Lists now hold ordinals only and read the column: same hits as when written.
     */
    @Test
    void ivfFlatVersionTwoFilesOpenAndAnswerAsTheyDidWhenWritten() throws IOException {
        VectorColumn column = column();
        IvfFlatIndex l2 = IvfFlatIndex.read(resource("ivf_flat-v2-l2.idx"), column, MetricType.L2);
        assertHits(l2.search(query(column), 5, 2, OrdinalFilter.ACCEPT_ALL), L2_ORDINALS, L2_SCORES);
        assertThat(l2.params()).isEqualTo(new IvfParams(8, 7));
        assertThat(l2.listCount()).isEqualTo(8);

        IvfFlatIndex cosine = IvfFlatIndex.read(resource("ivf_flat-v2-cosine.idx"), column, MetricType.COSINE);
        assertHits(cosine.search(query(column), 5, 2, OrdinalFilter.ACCEPT_ALL), COSINE_ORDINALS, COSINE_SCORES);
    }

    @Test
    void theKindsReadTheirFrozenFilesThroughTheRegistry() throws IOException {
        VectorColumn column = column();
        IndexKind hnsw = IndexKinds.of("HNSW").orElseThrow();
        java.nio.file.Path file = resource("hnsw-v1-cosine.idx");
        VectorIndex index = hnsw.read(dev.vectorvault.storage.io.LocalDisk.open(file.getParent()),
                file.getFileName().toString(), column, MetricType.COSINE);
        assertThat(index.kind()).isSameAs(hnsw);
        assertHits(index.search(query(column), 5, hnsw.parseSearch(java.util.Map.of("ef", "32"), 5),
                OrdinalFilter.ACCEPT_ALL), COSINE_ORDINALS, COSINE_SCORES);
        // Version 2 (the common frame) is written now; the version-1 files here must stay readable for good.
        assertThat(hnsw.fileVersion()).isEqualTo(2);
        assertThat(IndexKinds.of("IVF_FLAT").orElseThrow().fileVersion()).isEqualTo(2);
    }

    /** The binary rows the frozen BIN_IVF_FLAT files were built over (six clusters of 64 bits); must never change. */
    static BinaryColumn binaryColumn() {
        Random random = new Random(20261206L);
        BinaryColumn column = new BinaryColumn(64);
        byte[][] centers = new byte[6][8];
        for (byte[] center : centers) {
            random.nextBytes(center);
        }
        for (int i = 0; i < 300; i++) {
            byte[] row = centers[i % 6].clone();
            for (int flip = random.nextInt(8); flip > 0; flip--) {
                int bit = random.nextInt(64);
                row[bit / 8] ^= (byte) (1 << (bit % 8));
            }
            column.append(row);
        }
        return column;
    }

    /**
     * BIN_IVF_FLAT version 2 (the common frame), written at commit f2b2cf9 by
     * {@code BinaryIvfIndex.build(binaryColumn(), metric, new IvfParams(8, 7), 1, NONE).write}, before the index
     * arranged its column in list order: the same hits (ties by smaller ordinal), and every row still reads by its
     * ordinal through the arranged column.
     */
    @Test
    void binIvfFlatVersionTwoFilesOpenAndAnswerAsTheyDidWhenWritten() throws IOException {
        BinaryColumn column = binaryColumn();
        byte[] query = column.get(17);
        query[0] ^= 0x03;
        Path hammingFile = resource("bin_ivf_flat-v2-hamming.idx");
        var disk = dev.vectorvault.storage.io.LocalDisk.open(hammingFile.getParent());
        BinaryIvfIndex hamming = BinaryIvfIndex.read(disk, "bin_ivf_flat-v2-hamming.idx", column, MetricType.HAMMING);
        assertThat(hamming.listCount()).isEqualTo(8);
        assertHits(hamming.search(query, 5, 2, OrdinalFilter.ACCEPT_ALL), List.of(17, 23, 59, 197, 5),
                new float[] {2, 8, 8, 8, 9});
        BinaryColumn arranged = hamming.arrangedColumn().orElseThrow();
        for (int ordinal = 0; ordinal < column.size(); ordinal++) {
            assertThat(arranged.get(ordinal)).as("row %d", ordinal).isEqualTo(column.get(ordinal));
        }

        resource("bin_ivf_flat-v2-jaccard.idx");
        IndexKind kind = IndexKinds.of("BIN_IVF_FLAT").orElseThrow();
        VectorIndex jaccard = kind.read(disk, "bin_ivf_flat-v2-jaccard.idx", column, MetricType.JACCARD);
        assertHits(((BinaryIvfIndex) jaccard).search(query, 5, 2, OrdinalFilter.ACCEPT_ALL),
                List.of(17, 59, 197, 23, 5), new float[] {0.05405408f, 0.19512194f, 0.19999999f, 0.2051282f,
                    0.21951222f});
        assertThat(kind.fileVersion()).isEqualTo(BinaryIvfIndex.FILE_VERSION).isEqualTo(2);
    }

    private static void assertHits(List<SearchHit> hits, List<Integer> ordinals, float[] scores) {
        assertThat(hits.stream().map(SearchHit::ordinal).toList()).isEqualTo(ordinals);
        for (int i = 0; i < scores.length; i++) {
            assertThat(hits.get(i).score()).as("score of hit " + i)
                    .isCloseTo(scores[i], org.assertj.core.data.Offset.offset(Math.abs(scores[i]) * 1e-6f + 1e-6f));
        }
    }
}
