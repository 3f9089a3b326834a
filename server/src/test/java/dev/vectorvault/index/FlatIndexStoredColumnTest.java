package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The exact search of a {@linkplain VectorColumn#stored stored} column (what a range search or an exhaustive group-by
 * runs on a field a quantized index serves) answers exactly what the scan of the same vectors held on the heap
 * answers, hit for hit and score for score, and reads the column a window at a time, never whole.
 */
@Timeout(120)
class FlatIndexStoredColumnTest {
    private static final int ROWS = 3_000;
    private static final int WINDOW_ROWS = 257;

    private static VectorColumn randomColumn(Random random, int dim, VectorEncoding encoding) {
        VectorColumn column = new VectorColumn(dim, encoding);
        for (int r = 0; r < ROWS; r++) {
            float[] vector = encoding == VectorEncoding.INT8 ? TestSeeds.smallIntegers(random, dim, 100)
                    : TestSeeds.gaussian(random, dim);
            // Some duplicates, so that equal scores are ordered alike by both paths.
            if (r > 0 && random.nextInt(20) == 0) {
                column.copyTo(random.nextInt(r), vector);
            }
            column.append(vector);
        }
        return column;
    }

    @ParameterizedTest
    @EnumSource(value = MetricType.class, names = {"L2", "IP", "COSINE"})
    void topKRangeFilteredAndBatchSearchesOfAStoredColumnEqualTheResidentScan(MetricType metric) throws Exception {
        Random random = TestSeeds.random("storedColumnEqualsResident-" + metric);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (VectorEncoding encoding : VectorEncoding.values()) {
                int dim = 2 + random.nextInt(70);
                VectorColumn resident = randomColumn(random, dim, encoding);
                WindowedVectors windows = new WindowedVectors(resident, WINDOW_ROWS);
                VectorColumn stored = VectorColumn.stored(dim, encoding, ROWS, windows);
                FlatIndex onHeap = new FlatIndex(resident, metric);
                FlatIndex fromStore = new FlatIndex(stored, metric);
                String what = TestSeeds.describe(metric + " " + encoding + " dim " + dim);
                for (int round = 0; round < 4; round++) {
                    float[] query = encoding == VectorEncoding.INT8 ? TestSeeds.smallIntegers(random, dim, 100)
                            : TestSeeds.gaussian(random, dim);
                    int limit = random.nextBoolean() ? Integer.MAX_VALUE : random.nextInt(ROWS);
                    OrdinalFilter filter = random.nextBoolean() ? OrdinalFilter.ACCEPT_ALL
                            : ordinal -> Integer.hashCode(ordinal * 31 + 7) % 3 != 0;
                    for (int k : new int[] {1, 10, 100, ROWS + 5}) {
                        assertThat(fromStore.search(query, k, limit, filter)).as(what + " k " + k)
                                .isEqualTo(onHeap.search(query, k, limit, filter));
                    }
                    List<SearchHit> ranked = onHeap.search(query, ROWS, Integer.MAX_VALUE, OrdinalFilter.ACCEPT_ALL);
                    // A window from the 20th to the 600th best score: range_filter is the better bound.
                    float rangeFilter = ranked.get(20).score();
                    float radius = ranked.get(600).score();
                    for (float[] bounds : new float[][] {{radius, rangeFilter}, {radius, Float.NaN}}) {
                        assertThat(fromStore.rangeSearch(query, ROWS, limit, filter, bounds[0], bounds[1]))
                                .as(what + " range").isEqualTo(onHeap.rangeSearch(query, ROWS, limit, filter,
                                        bounds[0], bounds[1]));
                    }
                    float[][] batch = {query, TestSeeds.gaussian(random, dim), query};
                    if (encoding == VectorEncoding.INT8) {
                        batch[1] = TestSeeds.smallIntegers(random, dim, 100);
                    }
                    assertThat(fromStore.searchBatch(batch, 17, limit, filter, pool, 2)).as(what + " batch")
                            .isEqualTo(onHeap.searchBatch(batch, 17, limit, filter, pool, 2));
                    assertThat(fromStore.rangeSearchBatch(batch, 50, limit, filter, radius, rangeFilter, pool, 2))
                            .as(what + " batch range").isEqualTo(onHeap.rangeSearchBatch(batch, 50, limit, filter,
                                    radius, rangeFilter, pool, 2));
                }
                assertThat(windows.windowRows()).as(what).isNotEmpty().allSatisfy(rows ->
                        assertThat(rows).isBetween(1, WINDOW_ROWS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Per search, each window is read once and handed on before the next; only {@code [0, limit)} is read. */
    @Test
    void aSearchReadsTheRowsBelowItsLimitOnceAWindowAtATime() {
        Random random = TestSeeds.random("storedColumnWindows");
        VectorColumn resident = randomColumn(random, 16, VectorEncoding.FLOAT32);
        WindowedVectors windows = new WindowedVectors(resident, WINDOW_ROWS);
        FlatIndex index = new FlatIndex(VectorColumn.stored(16, VectorEncoding.FLOAT32, ROWS, windows),
                MetricType.L2);

        index.rangeSearch(TestSeeds.gaussian(random, 16), 10, 1_000, OrdinalFilter.ACCEPT_ALL, 1e9f, Float.NaN);

        assertThat(windows.windowRows()).containsExactly(257, 257, 257, 229);
    }
}
