package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.io.LocalDisk;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * IVF_SQ8, IVF_PQ and HNSW_SQ against {@link FlatIndex} on clustered data, for every dense metric: recall@10 above stated
 * floors (quantization costs a little recall; refine wins it back), file round trips, and Milvus's parameter checks.
 */
@Timeout(180)
class QuantizedIndexTest {
    private static final int DIM = 32;
    private static final IndexKind IVF_SQ8 = IndexKinds.of("IVF_SQ8").orElseThrow();
    private static final IndexKind HNSW_SQ = IndexKinds.of("HNSW_SQ").orElseThrow();
    private static final IndexKind IVF_PQ = IndexKinds.of("IVF_PQ").orElseThrow();

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = MetricType.class, mode = EnumSource.Mode.EXCLUDE, names = {"BM25", "HAMMING", "JACCARD"})
    void ivfSq8FindsNinetyPercentOfTheTopTenProbingAQuarterOfTheLists(MetricType metric) {
        Random random = TestSeeds.random("ivfSq8Recall" + metric);
        ClusteredVectors data = ClusteredVectors.generate(random, 3000, 100, DIM, 20);
        VectorColumn column = data.column();
        VectorIndex index = IVF_SQ8.build(column, metric, IVF_SQ8.parse(Map.of("nlist", "32")), 2,
                BuildProgress.NONE);

        double quarter = recall(index, column, metric, data.queries, Map.of("nprobe", "8"));
        double all = recall(index, column, metric, data.queries, Map.of("nprobe", "32"));

        System.out.printf("IVF_SQ8 %s recall@10 nprobe 8/32: %.4f, 32/32: %.4f%n", metric, quarter, all);
        assertThat(quarter).as(TestSeeds.describe(metric + " recall at nprobe 8 of 32")).isGreaterThanOrEqualTo(0.88);
        assertThat(all).as(TestSeeds.describe(metric + " recall probing every list (codes only)"))
                .isGreaterThanOrEqualTo(0.93);
    }

    @ParameterizedTest
    @EnumSource(value = MetricType.class, mode = EnumSource.Mode.EXCLUDE, names = {"BM25", "HAMMING", "JACCARD"})
    void ivfPqFindsMostOfTheTopTenAtAnEighthOfTheMemoryOfSq8(MetricType metric) {
        Random random = TestSeeds.random("ivfPqRecall" + metric);
        ClusteredVectors data = ClusteredVectors.generate(random, 3000, 100, DIM, 20);
        VectorColumn column = data.column();
        VectorIndex coarse = IVF_PQ.build(column, metric, IVF_PQ.parse(Map.of("nlist", "32", "m", "4")), 2,
                BuildProgress.NONE);
        VectorIndex fine = IVF_PQ.build(column, metric, IVF_PQ.parse(Map.of("nlist", "32", "m", "16")), 2,
                BuildProgress.NONE);

        double quarter = recall(fine, column, metric, data.queries, Map.of("nprobe", "8"));
        double all = recall(fine, column, metric, data.queries, Map.of("nprobe", "32"));
        double fewer = recall(coarse, column, metric, data.queries, Map.of("nprobe", "32"));

        System.out.printf("IVF_PQ %s recall@10 m 16 nprobe 8/32: %.4f, 32/32: %.4f; m 4 32/32: %.4f%n", metric,
                quarter, all, fewer);
        // Probing every list leaves only the quantization error: 16 sub-quantizers of 2 dimensions (16 bytes a
        // vector) keep most of the top ten, 4 of 8 dimensions (4 bytes) fewer but far more than chance (10 of 3000).
        assertThat(all).as(TestSeeds.describe(metric + " m 16 probing every list")).isGreaterThanOrEqualTo(0.80);
        assertThat(quarter).as(TestSeeds.describe(metric + " m 16 at nprobe 8 of 32")).isGreaterThanOrEqualTo(0.75);
        assertThat(fewer).as(TestSeeds.describe(metric + " m 4 probing every list")).isGreaterThanOrEqualTo(0.35)
                .isLessThan(all);
    }

    @Test
    void pqCodesDecodeToCentroidsThatEncodeBackAndTheTableScoresTheDecodedVectors() {
        Random random = TestSeeds.random("pqCodebook");
        int rows = 1200;
        float[] data = new float[rows * DIM];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        for (int nbits : new int[] {1, 4, 8}) {
            PqCodebook codebook = PqCodebook.train(data, DIM, 8, nbits, new java.util.SplittableRandom(nbits), 2);
            assertThat(codebook.ksub).isEqualTo(1 << nbits);
            float[] query = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                query[d] = (float) random.nextGaussian();
            }
            float[] dot = codebook.dotTable(query);
            byte[] codes = new byte[8];
            byte[] again = new byte[8];
            float[] decoded = new float[DIM];
            float[] redecoded = new float[DIM];
            PqCodebook.Encoder encoder = codebook.encoder();
            for (int r = 0; r < 200; r++) {
                encoder.encode(data, r * DIM, codes, 0);
                codebook.decode(codes, 0, decoded);
                encoder.encode(decoded, 0, again, 0);
                codebook.decode(again, 0, redecoded);
                assertThat(redecoded).as("nbits %d row %d", nbits, r).containsExactly(decoded);
                double inner = 0;
                for (int d = 0; d < DIM; d++) {
                    inner += query[d] * decoded[d];
                }
                assertThat((double) codebook.lookup(dot, codes, 0)).isCloseTo(inner,
                        org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(inner))));
                // The code is the nearest centroid per sub-space: no other one is closer to the row's slice.
                for (int j = 0; j < 8; j++) {
                    double own = slice(data, r * DIM + j * 4, decoded, j * 4);
                    for (int k = 0; k < codebook.ksub; k++) {
                        byte[] other = codes.clone();
                        other[j] = (byte) k;
                        codebook.decode(other, 0, redecoded);
                        assertThat(slice(data, r * DIM + j * 4, redecoded, j * 4)).isGreaterThanOrEqualTo(own);
                    }
                }
            }
        }
    }

    /**
     * The component-major nearest-centroid search of PQ training and encoding picks the centroid the row-major scalar
     * scan picks (same sums, same order, ties to the smaller number), for sub-vectors shorter and longer than a SIMD
     * vector, centroid counts that do and do not fill whole vectors, and duplicated centroids (ties).
     */
    @Test
    void theComponentMajorNearestCentroidIsTheScalarScansIncludingTies() {
        Random random = TestSeeds.random("pqSubspaceNearest");
        for (int round = 0; round < 300; round++) {
            int subDim = 1 + random.nextInt(17);
            int ksub = 1 + random.nextInt(256);
            float[] centroids = new float[ksub * subDim];
            for (int i = 0; i < centroids.length; i++) {
                // Small integers half the time: many equal distances, so the tie rule is exercised.
                centroids[i] = round % 2 == 0 ? random.nextInt(3) - 1 : (float) random.nextGaussian();
            }
            if (ksub > 2) {
                System.arraycopy(centroids, 0, centroids, (ksub - 1) * subDim, subDim);
            }
            PqSubspace space = new PqSubspace(centroids, 0, ksub, subDim);
            float[] scratch = space.scratch();
            float[] x = new float[subDim + 3];
            for (int trial = 0; trial < 20; trial++) {
                for (int d = 0; d < x.length; d++) {
                    x[d] = round % 2 == 0 ? random.nextInt(3) - 1 : (float) random.nextGaussian();
                }
                int best = 0;
                float bestDistance = Float.POSITIVE_INFINITY;
                for (int k = 0; k < ksub; k++) {
                    float distance = DistanceKernels.squaredL2Scalar(x, 3, centroids, k * subDim, subDim);
                    if (distance < bestDistance) {
                        bestDistance = distance;
                        best = k;
                    }
                }
                assertThat(space.nearest(x, 3, scratch)).as(TestSeeds.describe("subDim " + subDim + " ksub " + ksub))
                        .isEqualTo(best);
                assertThat(space.nearestScalar(x, 3)).as(TestSeeds.describe("scalar, subDim " + subDim + " ksub "
                        + ksub)).isEqualTo(best);
            }
        }
    }

    /** Sub-spaces train in parallel, each from its own generator: the codebook is the same whatever the threads. */
    @Test
    void aPqCodebookDoesNotDependOnTheBuildThreads() {
        Random random = TestSeeds.random("pqCodebookThreads");
        float[] data = new float[3000 * DIM];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        long seed = random.nextLong();
        for (int m : new int[] {2, 16}) {
            float[] query = TestSeeds.gaussian(random, DIM);
            float[] one = PqCodebook.train(data, DIM, m, 6, new java.util.SplittableRandom(seed), 1).dotTable(query);
            for (int threads : new int[] {2, 3, 8}) {
                assertThat(PqCodebook.train(data, DIM, m, 6, new java.util.SplittableRandom(seed), threads)
                        .dotTable(query)).as(TestSeeds.describe("m " + m + " threads " + threads))
                        .containsExactly(one);
            }
        }
    }

    private static double slice(float[] a, int aOffset, float[] b, int bOffset) {
        double sum = 0;
        for (int d = 0; d < 4; d++) {
            double diff = a[aOffset + d] - b[bOffset + d];
            sum += diff * diff;
        }
        return sum;
    }

    @Test
    void ivfPqOnFewerVectorsThanCentroidsAndOnNoneStillAnswers() {
        Random random = TestSeeds.random("ivfPqSmall");
        ClusteredVectors data = ClusteredVectors.generate(random, 40, 5, DIM, 4);
        VectorColumn column = data.column();
        IvfPqIndex index = (IvfPqIndex) IVF_PQ.build(column, MetricType.IP, IVF_PQ.parse(Map.of("nlist", "4",
                "m", "8")), 1, BuildProgress.NONE);
        assertThat(index.codebook().ksub).as("one centroid per sample vector at most").isEqualTo(40);
        assertThat(index.search(data.queries.get(0), 50, 4, OrdinalFilter.ACCEPT_ALL)).hasSize(40);
        VectorColumn empty = new VectorColumn(DIM);
        IvfPqIndex none = (IvfPqIndex) IVF_PQ.build(empty, MetricType.L2, IVF_PQ.parse(Map.of("m", "8")), 1,
                BuildProgress.NONE);
        assertThat(none.search(data.queries.get(0), 10, 8, OrdinalFilter.ACCEPT_ALL)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = MetricType.class, mode = EnumSource.Mode.EXCLUDE, names = {"BM25", "HAMMING", "JACCARD"})
    void hnswSqReadsCodesAndRefineWinsBackTheRecall(MetricType metric) {
        Random random = TestSeeds.random("hnswSqRecall" + metric);
        ClusteredVectors data = ClusteredVectors.generate(random, 3000, 100, DIM, 20);
        VectorColumn column = data.column();
        Map<String, String> build = Map.of("M", "12", "efConstruction", "100");
        VectorIndex plain = HNSW_SQ.build(column, metric, HNSW_SQ.parse(build), 2, BuildProgress.NONE);
        Map<String, String> refined = new HashMap<>(build);
        refined.put("refine", "true");
        refined.put("refine_type", "fp32");
        VectorIndex refine = HNSW_SQ.build(column, metric, HNSW_SQ.parse(refined), 2, BuildProgress.NONE);

        double codesOnly = recall(plain, column, metric, data.queries, Map.of("ef", "64"));
        double reranked = recall(refine, column, metric, data.queries, Map.of("ef", "64", "refine_k", "3"));

        System.out.printf("HNSW_SQ %s recall@10 ef 64: %.4f, refine_k 3: %.4f%n", metric, codesOnly, reranked);
        assertThat(codesOnly).as(TestSeeds.describe(metric + " recall on codes")).isGreaterThanOrEqualTo(0.88);
        assertThat(reranked).as(TestSeeds.describe(metric + " recall with refine")).isGreaterThanOrEqualTo(0.97);
        // Refined scores are exact: the metric's own score of the float vectors, as FLAT reports them.
        FlatIndex flat = new FlatIndex(column, metric);
        float[] query = data.queries.get(0);
        List<SearchHit> hits = refine.search(query, 10, HNSW_SQ.parseSearch(Map.of("refine_k", "3"), 10),
                OrdinalFilter.ACCEPT_ALL);
        for (SearchHit hit : hits) {
            float exact = flat.search(query, 3000, Integer.MAX_VALUE, ordinal -> ordinal == hit.ordinal()).get(0)
                    .score();
            assertThat(hit.score()).isCloseTo(exact, org.assertj.core.data.Offset.offset(Math.abs(exact) * 1e-5f
                    + 1e-5f));
        }
    }

    @Test
    void filtersHoldForBothKinds() {
        Random random = TestSeeds.random("quantFilter");
        ClusteredVectors data = ClusteredVectors.generate(random, 2000, 20, DIM, 10);
        VectorColumn column = data.column();
        OrdinalFilter odd = ordinal -> ordinal % 2 == 1;
        for (IndexKind kind : List.of(IVF_SQ8, IVF_PQ, HNSW_SQ)) {
            VectorIndex index = kind.build(column, MetricType.L2, kind.parse(Map.of("nlist", "16", "m", "8")), 1,
                    BuildProgress.NONE);
            for (float[] query : data.queries) {
                List<SearchHit> hits = index.search(query, 10, kind.parseSearch(Map.of("nprobe", "16"), 10), odd);
                assertThat(hits).as(TestSeeds.describe(kind.name())).hasSize(10)
                        .allMatch(hit -> hit.ordinal() % 2 == 1);
            }
        }
    }

    @Test
    void filesRoundTripAndAnswerTheSame() throws IOException {
        Random random = TestSeeds.random("quantRoundTrip");
        ClusteredVectors data = ClusteredVectors.generate(random, 1500, 20, DIM, 10);
        VectorColumn column = data.column();
        LocalDisk disk = LocalDisk.open(dir);
        for (MetricType metric : MetricType.denseMetrics()) {
            for (IndexKind kind : List.of(IVF_SQ8, IVF_PQ, HNSW_SQ)) {
                VectorIndex built = kind.build(column, metric,
                        kind.parse(Map.of("nlist", "16", "refine", "true", "m", "8")), 2, BuildProgress.NONE);
                String name = kind.fileKind() + "-" + metric + ".idx";
                built.write(disk, name);
                VectorIndex read = kind.read(disk, name, column, metric);
                assertThat(read.kind()).isSameAs(kind);
                assertThat(read.memoryBytes()).isEqualTo(built.memoryBytes());
                SearchParams params = kind.parseSearch(Map.of("nprobe", "4", "ef", "32", "refine_k", "2"), 10);
                for (float[] query : data.queries) {
                    assertThat(read.search(query, 10, params, OrdinalFilter.ACCEPT_ALL))
                            .as(TestSeeds.describe(kind + " " + metric))
                            .isEqualTo(built.search(query, 10, params, OrdinalFilter.ACCEPT_ALL));
                }
                MetricType other = metric == MetricType.L2 ? MetricType.IP : MetricType.L2;
                assertThatThrownBy(() -> kind.read(disk, name, column, other))
                        .isInstanceOf(CorruptIndexException.class).hasMessageContaining("built over other vectors");
            }
        }
    }

    @Test
    void memoryPerVectorIsAQuarterOfTheFloatsPlusTheStructure() {
        Random random = TestSeeds.random("quantMemory");
        ClusteredVectors data = ClusteredVectors.generate(random, 2000, 1, DIM, 10);
        VectorColumn column = data.column();
        VectorIndex ivf = IVF_SQ8.build(column, MetricType.L2, IVF_SQ8.parse(Map.of("nlist", "16")), 1,
                BuildProgress.NONE);
        // DIM code bytes, a 4-byte row term and a 4-byte ordinal per vector, plus centroids and bounds.
        assertThat((double) ivf.memoryBytes() / column.size()).isBetween(DIM + 8.0, DIM + 8.0 + 2.0);
        VectorIndex pq = IVF_PQ.build(column, MetricType.L2, IVF_PQ.parse(Map.of("nlist", "16", "m", "8")), 1,
                BuildProgress.NONE);
        // 8 code bytes, a 4-byte row term and a 4-byte ordinal per vector, plus the codebook (256 centroids of DIM
        // floats), centroids and bounds.
        assertThat((double) (pq.memoryBytes() - 4L * 256 * DIM) / column.size()).isBetween(8 + 8.0, 8 + 8.0 + 2.0);
        VectorIndex hnsw = HnswKind.INSTANCE.build(column, MetricType.IP, HnswKind.INSTANCE.parse(Map.of()), 1,
                BuildProgress.NONE);
        VectorIndex hnswSq = HNSW_SQ.build(column, MetricType.IP, HNSW_SQ.parse(Map.of()), 1, BuildProgress.NONE);
        // IP keeps no per-row term: the graph plus DIM bytes per vector.
        assertThat(hnswSq.memoryBytes() - hnsw.memoryBytes()).isBetween((long) DIM * column.size(),
                (long) DIM * column.size() + 8L * DIM + 64);
    }

    @Test
    void milvusParametersAreCheckedWithMilvusMessages() {
        assertThat(HNSW_SQ.parse(Map.of())).isEqualTo(new HnswSqParams(new HnswParams(HnswParams.DEFAULT_M,
                HnswParams.DEFAULT_EF_CONSTRUCTION, IndexParams.DEFAULT_SEED), "SQ8", false, "FP32"));
        assertThat(HNSW_SQ.parse(Map.of("sq_type", "sq8", "refine", "TRUE", "refine_type", "FP32")))
                .isEqualTo(new HnswSqParams(new HnswParams(16, 200, IndexParams.DEFAULT_SEED), "SQ8", true, "FP32"));
        assertRefused(HNSW_SQ, Map.of("sq_type", "SQ6"), "sq_type SQ6 is not supported by this server,"
                + " supported: [SQ8]: invalid parameter");
        assertRefused(HNSW_SQ, Map.of("sq_type", "FP16"), "sq_type FP16 is not supported");
        assertRefused(HNSW_SQ, Map.of("sq_type", "SQ7"), "param 'sq_type' (SQ7) should be in [SQ4U, SQ6, SQ8,"
                + " BF16, FP16]");
        assertRefused(HNSW_SQ, Map.of("refine", "yes"), "param 'refine' (yes) should be a boolean");
        assertRefused(HNSW_SQ, Map.of("refine", "true", "refine_type", "BF16"),
                "refine_type BF16 is not supported by this server, supported: [FP32]");
        assertRefused(HNSW_SQ, Map.of("refine", "true", "refine_type", "SQ8"),
                "refine_type SQ8 must be more precise than sq_type SQ8");
        assertRefused(HNSW_SQ, Map.of("refine_type", "INT4"), "param 'refine_type' (INT4) should be in");
        assertRefused(HNSW_SQ, Map.of("M", "1"), "param 'M' (1) should be in range [2, 2048]");
        assertRefused(IVF_SQ8, Map.of("nlist", "0"), "param 'nlist' (0) should be in range [1, 65536]");
        assertThat(IVF_SQ8.parse(Map.of())).isEqualTo(new IvfParams(IvfParams.DEFAULT_NLIST, IndexParams.DEFAULT_SEED));

        assertThat(IVF_PQ.parse(Map.of("m", "8"))).isEqualTo(new IvfPqParams(new IvfParams(IvfParams.DEFAULT_NLIST,
                IndexParams.DEFAULT_SEED), 8, 8));
        assertThat(IVF_PQ.parse(Map.of("nlist", "64", "m", "4", "nbits", "4")))
                .isEqualTo(new IvfPqParams(new IvfParams(64, IndexParams.DEFAULT_SEED), 4, 4));
        assertRefused(IVF_PQ, Map.of("nlist", "16"), "parameter `m` not found");
        assertRefused(IVF_PQ, Map.of("m", "0"), "param 'm' (0) should be in range [1, 65536]");
        assertRefused(IVF_PQ, Map.of("m", "four"), "param 'm' (four) should be integer");
        assertRefused(IVF_PQ, Map.of("m", "4", "nbits", "25"), "param 'nbits' (25) should be in range [1, 24]");
        assertRefused(IVF_PQ, Map.of("m", "4", "nbits", "0"), "param 'nbits' (0) should be in range [1, 24]");
        assertRefused(IVF_PQ, Map.of("m", "4", "nbits", "16"), "nbits 16 is not supported by this server,"
                + " supported: [1, 8]");
        assertRefused(IVF_PQ, Map.of("m", "4", "nlist", "65537"), "param 'nlist' (65537) should be in range");
        IVF_PQ.checkDimension(IVF_PQ.parse(Map.of("m", "8")), 128);
        assertThatThrownBy(() -> IVF_PQ.checkDimension(IVF_PQ.parse(Map.of("m", "7")), 128))
                .isInstanceOf(MilvusException.class)
                .hasMessageContaining("dimension must be abled to be divided by `m`, dimension: 128, m: 7")
                .satisfies(e -> assertThat(((MilvusException) e).errorCode().code()).isEqualTo(1100));
        assertThat(IndexKinds.parseSearch(IVF_PQ, Map.of("nprobe", "3"), 10)).isEqualTo(new IvfFlatKind.Search(3));

        assertThat(HNSW_SQ.parseSearch(Map.of(), 10)).isEqualTo(new HnswSqKind.Search(HnswKind.DEFAULT_EF, 1.0));
        assertThat(HNSW_SQ.parseSearch(Map.of("ef", "5", "refine_k", "2.5"), 20))
                .isEqualTo(new HnswSqKind.Search(20, 2.5));
        assertThatThrownBy(() -> HNSW_SQ.parseSearch(Map.of("refine_k", "0.5"), 10))
                .isInstanceOf(MilvusException.class).hasMessageContaining("param 'refine_k' (0.5) should be in range");
        assertThatThrownBy(() -> IndexKinds.parseSearch(IVF_SQ8, Map.of("nprobe", "0"), 10))
                .isInstanceOf(MilvusException.class).hasMessageContaining("param 'nprobe' (0)");
    }

    private static void assertRefused(IndexKind kind, Map<String, String> params, String message) {
        assertThatThrownBy(() -> kind.parse(params)).as(kind + " " + params).isInstanceOf(MilvusException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((MilvusException) e).errorCode().code()).isEqualTo(1100));
    }

    private static double recall(VectorIndex index, VectorColumn column, MetricType metric, List<float[]> queries,
            Map<String, String> search) {
        FlatIndex flat = new FlatIndex(column, metric);
        SearchParams params = index.kind().parseSearch(search, 10);
        List<List<SearchHit>> exact = new ArrayList<>();
        List<List<SearchHit>> approximate = new ArrayList<>();
        for (float[] query : queries) {
            exact.add(flat.search(query, 10, Integer.MAX_VALUE, OrdinalFilter.ACCEPT_ALL));
            approximate.add(index.search(query, 10, params, OrdinalFilter.ACCEPT_ALL));
        }
        return ClusteredVectors.recall(exact, approximate);
    }
}
