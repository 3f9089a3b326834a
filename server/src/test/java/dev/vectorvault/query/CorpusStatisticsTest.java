package dev.vectorvault.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.index.BinaryColumn;
import dev.vectorvault.index.SparseColumn;
import dev.vectorvault.index.SparseVector;
import dev.vectorvault.index.VectorColumn;
import dev.vectorvault.storage.data.AnnIndex;
import dev.vectorvault.storage.data.CollectionView;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * BM25 statistics kept between searches ({@link CorpusStatistics}) over a hand-made view whose segments change
 * between searches: after every change the kept statistics must equal a count over the rows live then, including
 * the case a check of row counts alone would miss: a segment replaced by one with as many rows and deletions (a
 * compacted or reloaded copy).
 */
class CorpusStatisticsTest {
    private static final int FIELD = 0;
    private static final int[] TERMS = {1, 2, 3, 7, 40, -5};

    private final Random random = new Random(11);
    private final FakeView view = new FakeView();

    @Test
    void keptStatisticsFollowAppendsDeletesAndAddedOrDroppedSegments() {
        view.add(column(50));
        assertCounted();
        view.columns.get(0).append(row());
        assertCounted();
        view.add(column(30));
        assertCounted();
        view.delete(1, 4);
        view.delete(0, 10);
        assertCounted();
        view.columns.remove(0);
        view.deleted.remove(0);
        assertCounted();
        view.columns.clear();
        view.deleted.clear();
        assertCounted();
    }

    @Test
    void aSegmentReplacedByOneWithAsManyRowsAndDeletionsIsCountedAgain() {
        view.add(column(40));
        view.add(column(40));
        view.delete(1, 3);
        assertCounted();
        SparseColumn copy = new SparseColumn();
        for (int o = 0; o < 40; o++) {
            copy.append(SparseVector.of(new long[] {1, 40}, new float[] {1, 9})); // other terms, other lengths
        }
        view.columns.set(0, copy);
        assertCounted();
    }

    /** The kept statistics (asked twice, so the second answer is the kept one) equal a count over the live rows. */
    private void assertCounted() {
        CorpusStatistics kept = CorpusStatistics.of(view, FIELD);
        for (int pass = 0; pass < 2; pass++) {
            Bm25Search.Statistics statistics = kept.statistics(view, FIELD, TERMS);
            long rows = 0;
            double tokens = 0;
            long[] df = new long[TERMS.length];
            for (int s = 0; s < view.segmentCount(); s++) {
                for (int o = 0; o < view.segmentSize(s); o++) {
                    if (!view.isLive(s, o)) {
                        continue;
                    }
                    SparseVector row = view.sparseVectors(s, FIELD).get(o);
                    rows++;
                    tokens += row.sum();
                    for (int t = 0; t < TERMS.length; t++) {
                        for (int i = 0; i < row.size(); i++) {
                            df[t] += row.index(i) == TERMS[t] ? 1 : 0;
                        }
                    }
                }
            }
            assertThat(statistics.rows()).as("N, pass %d", pass).isEqualTo(rows);
            assertThat(statistics.tokens()).as("tokens, pass %d", pass).isEqualTo(tokens);
            assertThat(statistics.df()).as("n_t, pass %d", pass).containsExactly(df);
        }
    }

    private SparseColumn column(int rows) {
        SparseColumn column = new SparseColumn();
        for (int o = 0; o < rows; o++) {
            column.append(row());
        }
        return column;
    }

    /** 1-4 distinct terms among the test's (and one never asked), term frequencies 1-3. */
    private SparseVector row() {
        long[] pool = {1, 2, 3, 7, 40, 99, Integer.toUnsignedLong(-5)};
        int n = 1 + random.nextInt(4);
        java.util.TreeSet<Long> picked = new java.util.TreeSet<>();
        while (picked.size() < n) {
            picked.add(pool[random.nextInt(pool.length)]);
        }
        long[] indices = picked.stream().mapToLong(Long::longValue).toArray();
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = 1 + random.nextInt(3);
        }
        return SparseVector.of(indices, values);
    }

    /** Segments of one sparse field, with tombstones; keeps reader state as a collection's data does. */
    private static final class FakeView implements CollectionView {
        final List<SparseColumn> columns = new ArrayList<>();
        final List<BitSet> deleted = new ArrayList<>();
        private final Map<Object, Object> state = new HashMap<>();

        void add(SparseColumn column) {
            columns.add(column);
            deleted.add(new BitSet());
        }

        void delete(int segment, int ordinal) {
            deleted.get(segment).set(ordinal);
        }

        @Override
        public int segmentCount() {
            return columns.size();
        }

        @Override
        public int segmentSize(int segment) {
            return columns.get(segment).size();
        }

        @Override
        public int deletedCount(int segment) {
            return deleted.get(segment).cardinality();
        }

        @Override
        public boolean isLive(int segment, int ordinal) {
            return !deleted.get(segment).get(ordinal);
        }

        @Override
        public long partition(int segment, int ordinal) {
            return 0;
        }

        @Override
        public Object value(int segment, int field, int ordinal) {
            return columns.get(segment).get(ordinal);
        }

        @Override
        public VectorColumn vectors(int segment, int field) {
            return null;
        }

        @Override
        public SparseColumn sparseVectors(int segment, int field) {
            return columns.get(segment);
        }

        @Override
        public BinaryColumn binaryVectors(int segment, int field) {
            return null;
        }

        @Override
        public AnnIndex annIndex(int segment, int field) {
            return null;
        }

        @Override
        public <T> T readerState(Object key, Class<T> type, Supplier<T> create) {
            return type.cast(state.computeIfAbsent(key, k -> create.get()));
        }

        @Override
        public long locate(Object primaryKey) {
            return -1;
        }
    }
}
