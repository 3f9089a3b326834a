package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.io.LocalDisk;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Binary vectors in the index layer against a bit-by-bit reference model: the HAMMING and JACCARD kernels, BIN_FLAT's
 * exact and range search, BIN_IVF_FLAT's recall against BIN_FLAT and its file round trip. Randomized; prints its seed,
 * replay with {@code -Dtests.seed=<seed>}.
 */
class BinaryVectorIndexTest {
    private static final long SEED = Long.getLong("tests.seed", new Random().nextLong());

    @TempDir
    Path dir;

    private static Random random(String test) {
        System.out.println("BinaryVectorIndexTest." + test + " seed " + SEED + " (replay with -Dtests.seed=" + SEED
                + ")");
        return new Random(SEED ^ test.hashCode());
    }

    /** The reference: bit i of a row is bit (7 - i % 8) of byte i / 8, as np.packbits writes it. */
    private static boolean bit(byte[] row, int i) {
        return (row[i / 8] >> (7 - i % 8) & 1) != 0;
    }

    private static double reference(MetricType metric, byte[] a, byte[] b) {
        int differ = 0;
        int both = 0;
        int either = 0;
        for (int i = 0; i < a.length * 8; i++) {
            boolean x = bit(a, i);
            boolean y = bit(b, i);
            differ += x != y ? 1 : 0;
            both += x && y ? 1 : 0;
            either += x || y ? 1 : 0;
        }
        return metric == MetricType.HAMMING ? differ : either == 0 ? 0 : 1 - (double) both / either;
    }

    private static byte[] row(Random random, int bytes) {
        byte[] row = new byte[bytes];
        random.nextBytes(row);
        return row;
    }

    /** A row near {@code center}: each bit flipped with probability {@code noise}. */
    private static byte[] near(Random random, byte[] center, double noise) {
        byte[] row = center.clone();
        for (int i = 0; i < row.length * 8; i++) {
            if (random.nextDouble() < noise) {
                row[i / 8] ^= (byte) (1 << (i % 8));
            }
        }
        return row;
    }

    @ParameterizedTest
    @EnumSource(value = MetricType.class, names = {"HAMMING", "JACCARD"})
    void kernelsEqualTheBitByBitModelForEveryLengthAndOffset(MetricType metric) {
        Random random = random("kernels" + metric);
        for (int trial = 0; trial < 2000; trial++) {
            int bytes = 1 + random.nextInt(40); // whole longs, tails, and both
            byte[] a = row(random, bytes);
            byte[] b = random.nextInt(10) == 0 ? new byte[bytes] : row(random, bytes);
            if (random.nextInt(10) == 0) {
                a = new byte[bytes];
            }
            int offset = random.nextInt(5);
            byte[] shifted = new byte[offset + bytes];
            System.arraycopy(b, 0, shifted, offset, bytes);
            assertThat((double) metric.distance(a, 0, shifted, offset, bytes)).as("seed %d", SEED)
                    .isCloseTo(reference(metric, a, b), org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    void binaryMetricsRefuseFloatVectorsAndFloatMetricsRefuseBinaryOnes() {
        assertThat(MetricType.HAMMING.dense()).isFalse();
        assertThat(MetricType.JACCARD.binary()).isTrue();
        assertThat(MetricType.denseMetrics()).containsExactly(MetricType.L2, MetricType.IP, MetricType.COSINE);
        assertThatThrownBy(() -> MetricType.L2.distance(new byte[1], 0, new byte[1], 0, 1))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new BinaryColumn(12)).hasMessageContaining("multiple of 8");
        assertThatThrownBy(() -> new BinaryColumn(16).append(new byte[3])).hasMessageContaining("has 2 bytes");
    }

    private static List<Double> sortedReference(MetricType metric, List<byte[]> rows, byte[] q) {
        List<Double> all = new ArrayList<>();
        rows.forEach(r -> all.add(reference(metric, q, r)));
        all.sort(Comparator.naturalOrder());
        return all;
    }

    @ParameterizedTest
    @EnumSource(value = MetricType.class, names = {"HAMMING", "JACCARD"})
    void binFlatEqualsBruteForceWithFiltersAndRanges(MetricType metric) {
        Random random = random("flat" + metric);
        int dim = 8 * (1 + random.nextInt(40));
        BinaryColumn column = new BinaryColumn(dim);
        List<byte[]> rows = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            byte[] r = row(random, dim / 8);
            rows.add(r);
            column.append(r);
        }
        for (int q = 0; q < 30; q++) {
            byte[] query = row(random, dim / 8);
            List<SearchHit> hits = column.search(query, metric, 10, column.size(), OrdinalFilter.ACCEPT_ALL,
                    Float.NaN, Float.NaN);
            List<Double> expected = sortedReference(metric, rows, query);
            assertThat(hits).hasSize(10);
            for (int i = 0; i < hits.size(); i++) {
                assertThat((double) hits.get(i).score()).as("seed %d dim %d rank %d", SEED, dim, i)
                        .isCloseTo(expected.get(i), org.assertj.core.data.Offset.offset(1e-6));
                assertThat((double) hits.get(i).score())
                        .isCloseTo(reference(metric, query, rows.get(hits.get(i).ordinal())),
                                org.assertj.core.data.Offset.offset(1e-6));
            }
            // Only even ordinals, and a range keeping range_filter <= d < radius, as Milvus does for distances.
            double median = expected.get(expected.size() / 2);
            float radius = (float) median;
            float rangeFilter = (float) expected.get(expected.size() / 10).doubleValue();
            List<SearchHit> ranged = column.search(query, metric, 1000, column.size(), o -> o % 2 == 0, radius,
                    rangeFilter);
            long inWindow = 0;
            for (int o = 0; o < rows.size(); o += 2) {
                float d = metric.distance(query, 0, rows.get(o), 0, dim / 8);
                if (d >= rangeFilter && d < radius) {
                    inWindow++;
                }
            }
            assertThat(ranged).as("seed %d", SEED).hasSize((int) inWindow);
            assertThat(ranged).allSatisfy(h -> {
                assertThat(h.ordinal() % 2).isZero();
                assertThat(h.score()).isGreaterThanOrEqualTo(rangeFilter).isLessThan(radius);
            });
        }
    }

    @ParameterizedTest
    @EnumSource(value = MetricType.class, names = {"HAMMING", "JACCARD"})
    void binIvfFlatReachesItsRecallAndIsExactWhenEveryListIsProbed(MetricType metric) {
        Random random = random("ivf" + metric);
        int dim = 256;
        List<byte[]> centers = new ArrayList<>();
        for (int c = 0; c < 32; c++) {
            centers.add(row(random, dim / 8));
        }
        BinaryColumn column = new BinaryColumn(dim);
        List<byte[]> rows = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            byte[] r = near(random, centers.get(random.nextInt(centers.size())), 0.1);
            rows.add(r);
            column.append(r);
        }
        IvfParams params = new IvfParams(32, IndexParams.DEFAULT_SEED);
        BinaryIvfIndex index = BinaryIvfIndex.build(column, metric, params, 2, (done, total) -> { });
        assertThat(index.listCount()).isEqualTo(32);
        int found = 0;
        int queries = 50;
        for (int q = 0; q < queries; q++) {
            byte[] query = near(random, centers.get(random.nextInt(centers.size())), 0.1);
            List<SearchHit> exact = column.search(query, metric, 10, column.size(), OrdinalFilter.ACCEPT_ALL,
                    Float.NaN, Float.NaN);
            float tenth = exact.get(9).score();
            List<SearchHit> approximate = index.search(query, 10, 4, OrdinalFilter.ACCEPT_ALL);
            // Ties at the tenth distance are equally right answers.
            found += (int) approximate.stream().filter(h -> h.score() <= tenth).count();
            List<SearchHit> all = index.search(query, 10, 32, OrdinalFilter.ACCEPT_ALL);
            assertThat(all.stream().map(SearchHit::score).toList()).as("seed %d: nprobe = nlist is exact", SEED)
                    .isEqualTo(exact.stream().map(SearchHit::score).toList());
        }
        double recall = found / (10.0 * queries);
        System.out.println("BIN_IVF_FLAT " + metric + " recall@10 nlist 32 nprobe 4: " + recall);
        assertThat(recall).as("seed %d: recall@10 at nprobe 4 of 32", SEED).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void binIvfFlatArrangesTheColumnInListOrderAndEveryOrdinalReadsTheSame() {
        Random random = random("arranged");
        BinaryColumn column = new BinaryColumn(128);
        List<byte[]> rows = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            rows.add(row(random, 16));
            column.append(rows.get(i));
        }
        BinaryIvfIndex index = BinaryIvfIndex.build(column, MetricType.HAMMING, new IvfParams(16, 7), 1,
                (done, total) -> { });
        BinaryColumn arranged = index.arrangedColumn().orElseThrow();
        assertThat(arranged).isNotSameAs(column);
        assertThat(arranged.size()).isEqualTo(column.size());
        for (int ordinal = 0; ordinal < rows.size(); ordinal++) {
            assertThat(arranged.get(ordinal)).as("seed %d ordinal %d", SEED, ordinal).isEqualTo(rows.get(ordinal));
        }
        assertThat(arranged.memoryBytes()).as("the rows once, at their width").isEqualTo(1000L * 16);
        assertThatThrownBy(() -> arranged.append(rows.get(0))).isInstanceOf(IllegalStateException.class);
        byte[] query = row(random, 16);
        for (int limit : new int[] {1000, 300}) {
            assertThat(arranged.search(query, MetricType.JACCARD, 10, limit, OrdinalFilter.ACCEPT_ALL, Float.NaN,
                    Float.NaN)).as("exact search by ordinal, first %d rows", limit)
                    .isEqualTo(column.search(query, MetricType.JACCARD, 10, limit, OrdinalFilter.ACCEPT_ALL,
                            Float.NaN, Float.NaN));
        }
        // Rebuilt over the arranged column (a changed index on a sealed segment): the same lists and answers.
        BinaryIvfIndex rebuilt = BinaryIvfIndex.build(arranged, MetricType.HAMMING, new IvfParams(16, 7), 1,
                (done, total) -> { });
        assertThat(rebuilt.arrangedColumn()).as("already in this order: not copied again").containsSame(arranged);
        OrdinalFilter even = ordinal -> ordinal % 2 == 0;
        for (int nprobe : new int[] {1, 4, 16}) {
            assertThat(rebuilt.search(query, 10, nprobe, even)).isEqualTo(index.search(query, 10, nprobe, even))
                    .allSatisfy(hit -> assertThat(hit.ordinal() % 2).isZero());
        }
        assertThatThrownBy(() -> column.arrangedAs(new int[] {0, 1})).isInstanceOf(IllegalArgumentException.class);
        int[] repeated = new int[1000];
        assertThatThrownBy(() -> column.arrangedAs(repeated)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void binIvfFlatFileReadsBackAndIsRefusedOverOtherRows() throws Exception {
        Random random = random("file");
        BinaryColumn column = new BinaryColumn(64);
        for (int i = 0; i < 500; i++) {
            column.append(row(random, 8));
        }
        BinaryIvfIndex built = BinaryIvfIndex.build(column, MetricType.JACCARD, new IvfParams(16, 7), 1,
                (done, total) -> { });
        LocalDisk store = LocalDisk.open(dir);
        IndexKind kind = IndexKinds.of("BIN_IVF_FLAT").orElseThrow();
        built.write(store, "b.idx");
        VectorIndex read = kind.read(store, "b.idx", column, MetricType.JACCARD);
        byte[] query = row(random, 8);
        SearchParams probes = kind.parseSearch(Map.of("nprobe", "3"), 10);
        assertThat(read.search(query, 10, probes, OrdinalFilter.ACCEPT_ALL))
                .isEqualTo(built.search(query, 10, probes, OrdinalFilter.ACCEPT_ALL));
        assertThatThrownBy(() -> kind.read(store, "b.idx", column, MetricType.HAMMING))
                .isInstanceOf(CorruptIndexException.class);
        BinaryColumn other = new BinaryColumn(64);
        for (int i = 0; i < 500; i++) {
            other.append(row(random, 8));
        }
        assertThatThrownBy(() -> kind.read(store, "b.idx", other, MetricType.JACCARD))
                .isInstanceOf(CorruptIndexException.class);
    }

    @Test
    void binaryKindsTakeOnlyBinaryMetricsAndAutoindexIsBinIvfFlat() {
        IndexKind flat = IndexKinds.of("BIN_FLAT").orElseThrow();
        assertThat(flat.binary()).isTrue();
        assertThat(flat.checkMetric(RequestedMetric.none())).isEqualTo(MetricType.HAMMING);
        assertThat(flat.checkMetric(RequestedMetric.parse("jaccard"))).isEqualTo(MetricType.JACCARD);
        assertThatThrownBy(() -> flat.checkMetric(RequestedMetric.parse("L2"))).isInstanceOf(MilvusException.class)
                .hasMessageContaining("supported: [HAMMING, JACCARD]");
        assertThatThrownBy(() -> flat.checkMetric(RequestedMetric.parse("SUBSTRUCTURE")))
                .isInstanceOf(MilvusException.class).hasMessageContaining("SUBSTRUCTURE is not supported");
        assertThatThrownBy(() -> IndexKinds.of("HNSW").orElseThrow().checkMetric(RequestedMetric.parse("HAMMING")))
                .isInstanceOf(MilvusException.class);
        assertThat(IndexKinds.forField("AUTOINDEX", false, true)).contains(IndexKinds.of("BIN_IVF_FLAT").get());
        assertThat(IndexKinds.forField("AUTOINDEX", false, false)).contains(IndexKinds.of("HNSW").get());
        assertThatThrownBy(() -> IndexKinds.of("BIN_IVF_FLAT").get().parse(Map.of("nlist", "0")))
                .isInstanceOf(MilvusException.class);
    }
}
