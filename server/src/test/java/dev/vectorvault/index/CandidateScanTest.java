package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The exact scans of binary and sparse columns step through a filter's {@linkplain OrdinalFilter#candidates
 * candidates} only, and answer as the same filter tested on every ordinal (FLAT's candidate scan is in FlatIndexTest).
 */
class CandidateScanTest {
    @Test
    void binaryAndSparseScansAnswerFromTheCandidatesAsFromEveryOrdinal() {
        Random random = TestSeeds.random("binaryAndSparseScansAnswerFromTheCandidates");
        BinaryColumn binary = new BinaryColumn(64);
        SparseColumn sparse = new SparseColumn();
        for (int i = 0; i < 5_000; i++) {
            byte[] bits = new byte[8];
            random.nextBytes(bits);
            binary.append(bits);
            sparse.append(sparseVector(random));
        }
        for (int round = 0; round < 20; round++) {
            BitSet candidates = new BitSet();
            double density = round % 2 == 0 ? 0.01 : 0.5;
            for (int i = 0; i < 5_000; i++) {
                candidates.set(i, random.nextDouble() < density);
            }
            BitSet live = new BitSet();
            for (int i = 0; i < 5_000; i++) {
                live.set(i, random.nextDouble() < 0.8);
            }
            OrdinalFilter within = OrdinalFilter.within(candidates, live::get);
            OrdinalFilter plain = o -> candidates.get(o) && live.get(o);
            int k = 1 + random.nextInt(40);
            int limit = random.nextBoolean() ? Integer.MAX_VALUE : random.nextInt(5_000);
            byte[] bits = new byte[8];
            random.nextBytes(bits);
            String as = TestSeeds.describe("round " + round);
            for (MetricType metric : new MetricType[] {MetricType.HAMMING, MetricType.JACCARD}) {
                assertThat(binary.search(bits, metric, k, limit, within, Float.NaN, Float.NaN)).as(as)
                        .containsExactlyElementsOf(binary.search(bits, metric, k, limit, plain, Float.NaN, Float.NaN));
            }
            SparseVector query = sparseVector(random);
            assertThat(sparse.search(query, k, limit, within, Float.NaN, Float.NaN)).as(as)
                    .containsExactlyElementsOf(sparse.search(query, k, limit, plain, Float.NaN, Float.NaN));
            assertThat(sparse.search(query, k, limit, within, 0.1f, Float.NaN)).as(as)
                    .containsExactlyElementsOf(sparse.search(query, k, limit, plain, 0.1f, Float.NaN));
        }
    }

    private static SparseVector sparseVector(Random random) {
        long[] indices = random.ints(0, 50).distinct().limit(1 + random.nextInt(6)).sorted().asLongStream().toArray();
        float[] values = new float[indices.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        return SparseVector.of(indices, values);
    }
}
