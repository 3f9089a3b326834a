package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Columns held at a narrow encoding's width: they read back exactly what was stored, cost 2 (or 1) bytes a component,
 * and FLAT, HNSW and IVF_FLAT over them answer as they answer over a float32 column of the same decoded values.
 * Prints its seed.
 */
@Timeout(120)
class NarrowColumnTest {
    private static final int DIM = 24;

    @TempDir
    Path dir;

    /** Random stored bytes of one vector of {@code encoding}, decoded; a tenth of the components special values. */
    private static float[] storedVector(Random random, VectorEncoding encoding, int dim) {
        byte[] bytes = new byte[dim * encoding.bytesPerComponent()];
        for (int i = 0; i < dim; i++) {
            int bits = switch (encoding) {
                case FLOAT16 -> random.nextInt(10) == 0
                        ? new int[] {0x0000, 0x8000, 0x0001, 0x03FF, 0x0400, 0x7BFF, 0xFBFF}[random.nextInt(7)]
                        : random.nextInt(0x7C00) | (random.nextBoolean() ? 0x8000 : 0);
                case BFLOAT16 -> random.nextInt(10) == 0
                        ? new int[] {0x0000, 0x8000, 0x0001, 0x807F, 0x0080}[random.nextInt(5)]
                        : (107 + random.nextInt(41)) << 7 | random.nextInt(128) | (random.nextBoolean() ? 0x8000 : 0);
                default -> random.nextInt(256);
            };
            int at = i * encoding.bytesPerComponent();
            bytes[at] = (byte) bits;
            if (encoding.bytesPerComponent() == 2) {
                bytes[at + 1] = (byte) (bits >>> 8);
            }
        }
        return encoding.decode(bytes);
    }

    /** Small integers are values of every encoding and keep every sum exact, whatever the summation order. */
    private static float[] smallIntegers(Random random, int dim) {
        return TestSeeds.smallIntegers(random, dim, 8);
    }

    @ParameterizedTest
    @EnumSource(value = VectorEncoding.class, names = {"FLOAT16", "BFLOAT16", "INT8"})
    void vectorsReadBackAsExactlyTheStoredBytesAcrossChunksAndArrangements(VectorEncoding encoding) {
        Random random = TestSeeds.random("narrowRoundTrip" + encoding);
        VectorColumn column = new VectorColumn(DIM, encoding, 2); // chunks of 4 vectors: boundaries crossed
        List<float[]> stored = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            float[] v = storedVector(random, encoding, DIM);
            stored.add(v);
            column.append(v);
        }
        int[] order = new int[50];
        for (int i = 0; i < 50; i++) {
            order[i] = (i * 7) % 50;
        }
        VectorColumn arranged = column.arrangedAs(order);
        assertThat(arranged.encoding()).isEqualTo(encoding);
        float[] out = new float[DIM];
        for (VectorColumn c : List.of(column, arranged)) {
            for (int i = 0; i < 50; i++) {
                c.copyTo(i, out);
                assertThat(encoding.encode(out)).as(TestSeeds.describe(encoding + " vector " + i))
                        .isEqualTo(encoding.encode(stored.get(i)));
                for (int d = 0; d < DIM; d++) {
                    // Signed zeros too: compare bits, not values.
                    assertThat(Float.floatToRawIntBits(out[d])).isEqualTo(Float.floatToRawIntBits(stored.get(i)[d]));
                }
                assertThat(c.norm(i)).isEqualTo(DistanceKernels.norm(stored.get(i), 0, DIM));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(VectorEncoding.class)
    void aColumnCostsItsEncodingsWidthPerComponentPlusANorm(VectorEncoding encoding) {
        VectorColumn column = new VectorColumn(128, encoding);
        int n = 4096; // whole chunks at every width: 512, 1024 or 2048 vectors of 128 components in 256 KiB
        Random random = TestSeeds.random("narrowMemory" + encoding);
        for (int i = 0; i < n; i++) {
            column.append(smallIntegers(random, 128));
        }
        assertThat(column.memoryBytes()).isEqualTo(n * (128L * encoding.bytesPerComponent() + 4));
        VectorColumn arranged = column.arrangedAs(java.util.stream.IntStream.range(0, n).map(i -> n - 1 - i).toArray());
        assertThat(arranged.memoryBytes()).isEqualTo(n * (128L * encoding.bytesPerComponent() + 4));
    }

    @Test
    void appendRoundsAsTheFilesRoundAndRefusesWhatWouldNotBeFinite() {
        VectorColumn bfloat16 = new VectorColumn(2, VectorEncoding.BFLOAT16);
        bfloat16.append(new float[] {1.0078125f + 0x1p-10f, -3f}); // bfloat16 truncates to 1.0078125
        float[] out = new float[2];
        bfloat16.copyTo(0, out);
        assertThat(out).containsExactly(1.0078125f, -3f);
        VectorColumn int8 = new VectorColumn(2, VectorEncoding.INT8);
        int8.append(new float[] {2.5f, 300f});
        int8.copyTo(0, out);
        assertThat(out).containsExactly(3f, 127f);
        VectorColumn float16 = new VectorColumn(2, VectorEncoding.FLOAT16);
        assertThatThrownBy(() -> float16.append(new float[] {70000f, 0f}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Float16Vector");
        assertThat(float16.size()).isZero();
    }

    private static VectorColumn[] columns(VectorEncoding encoding, List<float[]> vectors) {
        VectorColumn narrow = new VectorColumn(DIM, encoding);
        VectorColumn wide = new VectorColumn(DIM);
        for (float[] v : vectors) {
            narrow.append(v);
            wide.append(v);
        }
        return new VectorColumn[] {narrow, wide};
    }

    @ParameterizedTest
    @EnumSource(value = VectorEncoding.class, names = {"FLOAT16", "BFLOAT16", "INT8"})
    void flatOverANarrowColumnIsFlatOverFloat32OfTheDecodedValuesExactly(VectorEncoding encoding) {
        Random random = TestSeeds.random("narrowFlat" + encoding);
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            vectors.add(encoding == VectorEncoding.INT8 ? storedVector(random, encoding, DIM)
                    : encoding.rounded(TestSeeds.gaussian(random, DIM)));
        }
        VectorColumn[] columns = columns(encoding, vectors);
        List<float[]> integers = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            integers.add(smallIntegers(random, DIM));
        }
        VectorColumn[] integral = columns(encoding, integers);
        for (MetricType metric : MetricType.denseMetrics()) {
            for (int q = 0; q < 10; q++) {
                float[] query = TestSeeds.gaussian(random, DIM);
                // The scalar kernels sum in one order whatever the width, so scores agree to the bit.
                List<SearchHit> narrow = new FlatIndex(columns[0], metric, false).search(query, 20,
                        Integer.MAX_VALUE, OrdinalFilter.ACCEPT_ALL);
                List<SearchHit> wide = new FlatIndex(columns[1], metric, false).search(query, 20,
                        Integer.MAX_VALUE, OrdinalFilter.ACCEPT_ALL);
                assertThat(narrow).as(TestSeeds.describe(encoding + " " + metric)).isEqualTo(wide);
                // The SIMD kernels sum in other orders; over small integers every order is exact.
                float[] integralQuery = smallIntegers(random, DIM);
                assertThat(new FlatIndex(integral[0], metric).search(integralQuery, 20, 2500,
                        OrdinalFilter.ACCEPT_ALL)).as(TestSeeds.describe(encoding + " " + metric + " simd"))
                        .isEqualTo(new FlatIndex(integral[1], metric, false).search(integralQuery, 20, 2500,
                                OrdinalFilter.ACCEPT_ALL));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = VectorEncoding.class, names = {"FLOAT16", "BFLOAT16", "INT8"})
    void hnswAndIvfOverANarrowColumnAnswerAsOverFloat32OfTheSameValues(VectorEncoding encoding) {
        Random random = TestSeeds.random("narrowGraphs" + encoding);
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            vectors.add(smallIntegers(random, DIM));
        }
        for (MetricType metric : MetricType.denseMetrics()) {
            VectorColumn[] columns = columns(encoding, vectors);
            // One thread: the builds are deterministic, and every distance is exact, so the graphs are the same.
            HnswParams params = new HnswParams(16, 100, 7);
            HnswIndex narrowGraph = HnswIndex.build(columns[0], metric, params, 1, BuildProgress.NONE);
            HnswIndex wideGraph = HnswIndex.build(columns[1], metric, params, 1, BuildProgress.NONE);
            IvfFlatIndex narrowLists = IvfFlatIndex.build(columns[0], metric, new IvfParams(16, 7), 1,
                    BuildProgress.NONE);
            IvfFlatIndex wideLists = IvfFlatIndex.build(columns[1], metric, new IvfParams(16, 7), 1,
                    BuildProgress.NONE);
            VectorColumn arranged = narrowLists.arrangedColumn().orElseThrow();
            assertThat(arranged.encoding()).isEqualTo(encoding);
            assertThat(arranged.memoryBytes()).isEqualTo(2000L * (DIM * encoding.bytesPerComponent() + 4));
            for (int q = 0; q < 10; q++) {
                float[] query = smallIntegers(random, DIM);
                String what = TestSeeds.describe(encoding + " " + metric + " query " + q);
                List<SearchHit> narrowHits = narrowGraph.search(query, 10, 64, OrdinalFilter.ACCEPT_ALL);
                List<SearchHit> wideHits = wideGraph.search(query, 10, 64, OrdinalFilter.ACCEPT_ALL);
                if (metric == MetricType.COSINE) {
                    // The search walks with the normalised query, no longer integral: sums round, in another
                    // order on each width, so scores agree to rounding (and tied rows may swap).
                    assertThat(narrowHits).hasSameSizeAs(wideHits);
                    for (int i = 0; i < wideHits.size(); i++) {
                        assertThat(narrowHits.get(i).score()).as(what)
                                .isCloseTo(wideHits.get(i).score(), org.assertj.core.data.Offset.offset(1e-5f));
                    }
                } else {
                    assertThat(narrowHits).as(what).isEqualTo(wideHits);
                }
                assertThat(narrowLists.search(query, 10, 4, OrdinalFilter.ACCEPT_ALL)).as(what)
                        .isEqualTo(wideLists.search(query, 10, 4, OrdinalFilter.ACCEPT_ALL));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = VectorEncoding.class, names = {"FLOAT16", "BFLOAT16", "INT8"})
    void indexFilesWrittenOverFloat32ColumnsLoadOverNarrowColumnsOfTheSameValues(VectorEncoding encoding) {
        // Before columns were held narrow, a loaded narrow field's column held the decoded values as float32 and
        // its index files were written over that column: they must load over the narrow column of a restart.
        Random random = TestSeeds.random("narrowOldFiles" + encoding);
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            vectors.add(storedVector(random, encoding, DIM));
        }
        VectorColumn[] columns = columns(encoding, vectors);
        HnswIndex written = HnswIndex.build(columns[1], MetricType.L2, new HnswParams(8, 40, 3), 1,
                BuildProgress.NONE);
        written.write(dir.resolve("hnsw"));
        IvfFlatIndex lists = IvfFlatIndex.build(columns[1], MetricType.IP, new IvfParams(4, 3), 1, BuildProgress.NONE);
        lists.write(dir.resolve("ivf"));
        HnswIndex read = HnswIndex.read(dir.resolve("hnsw"), columns[0], MetricType.L2);
        IvfFlatIndex readLists = IvfFlatIndex.read(dir.resolve("ivf"), columns[0], MetricType.IP);
        float[] query = TestSeeds.gaussian(random, DIM);
        assertThat(read.search(query, 5, 40, OrdinalFilter.ACCEPT_ALL)).extracting(SearchHit::ordinal)
                .isEqualTo(written.search(query, 5, 40, OrdinalFilter.ACCEPT_ALL).stream().map(SearchHit::ordinal)
                        .toList());
        assertThat(readLists.listCount()).isEqualTo(lists.listCount());
        for (int c = 0; c < lists.listCount(); c++) {
            assertThat(readLists.listOrdinals(c)).isEqualTo(lists.listOrdinals(c));
        }
    }
}
