package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.storage.io.LocalDisk;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPARSE_INVERTED_INDEX (each algorithm) and SPARSE_WAND against the exact search: at {@code drop_ratio_search} 0
 * the hits are the same (ordinals and scores), with and without a filter; above it the recall is reported. Prints
 * its seed; replay with {@code -Dtests.seed=<seed>}.
 */
@Timeout(120)
class SparseInvertedIndexTest {
    private static final long SEED = Long.getLong("tests.seed", new Random().nextLong());

    @TempDir
    Path dir;

    /** Rows with a Zipf-like choice of dimensions (a few common, many rare), as text embeddings have. */
    static SparseColumn column(Random random, int rows, int vocabulary) {
        SparseColumn column = new SparseColumn();
        for (int r = 0; r < rows; r++) {
            column.append(randomRow(random, vocabulary, 1 + random.nextInt(40)));
        }
        return column;
    }

    static SparseVector randomRow(Random random, int vocabulary, int entries) {
        java.util.TreeMap<Long, Float> row = new java.util.TreeMap<>();
        for (int i = 0; i < entries; i++) {
            long index = (long) Math.floor(Math.pow(random.nextDouble(), 3) * vocabulary);
            if (random.nextInt(50) == 0) {
                index = 0xFFFF_FFFEL - random.nextInt(1000); // some indices above 2^31, compared unsigned
            }
            // Values quantised to 1/8 so equal scores (ties) occur.
            row.put(index, (1 + random.nextInt(16)) / 8f);
        }
        long[] indices = row.keySet().stream().mapToLong(Long::longValue).toArray();
        float[] values = new float[indices.length];
        int i = 0;
        for (float v : row.values()) {
            values[i++] = v;
        }
        return SparseVector.of(indices, values);
    }

    private static IndexKind kind(String name) {
        return IndexKinds.of(name).orElseThrow();
    }

    private static List<SparseInvertedIndex> allIndexes(SparseColumn column) {
        List<SparseInvertedIndex> indexes = new ArrayList<>();
        for (String algo : List.of("TAAT_NAIVE", "DAAT_WAND", "DAAT_MAXSCORE")) {
            IndexKind inverted = kind("SPARSE_INVERTED_INDEX");
            indexes.add((SparseInvertedIndex) inverted.build(column, MetricType.IP,
                    inverted.parse(Map.of("inverted_index_algo", algo)), 1, (d, t) -> { }));
        }
        IndexKind wand = kind("SPARSE_WAND");
        indexes.add((SparseInvertedIndex) wand.build(column, MetricType.IP, wand.parse(Map.of()), 1, (d, t) -> { }));
        return indexes;
    }

    @Test
    void everyAlgorithmReturnsExactlyTheBruteForceHitsAtDropRatioZero() {
        System.out.println("SparseInvertedIndexTest seed " + SEED + " (replay with -Dtests.seed=" + SEED + ")");
        Random random = new Random(SEED);
        SparseColumn column = column(random, 3000, 2000);
        List<SparseInvertedIndex> indexes = allIndexes(column);
        assertThat(indexes.get(3).params().algorithm()).isEqualTo(SparseAlgorithm.DAAT_WAND);
        SearchParams exact = kind("SPARSE_INVERTED_INDEX").parseSearch(Map.of(), 10);
        for (int q = 0; q < 60; q++) {
            SparseVector query = randomRow(random, 2000, 1 + random.nextInt(30));
            int k = 1 + random.nextInt(50);
            int modulus = 1 + random.nextInt(4);
            OrdinalFilter filter = q % 2 == 0 ? OrdinalFilter.ACCEPT_ALL : o -> o % modulus == 0;
            List<SearchHit> expected = column.search(query, k, column.size(), filter, Float.NaN, Float.NaN);
            for (SparseInvertedIndex index : indexes) {
                assertThat(index.search(query, k, exact, filter))
                        .as("seed %d query %d algorithm %s", SEED, q, index.params().algorithm())
                        .isEqualTo(expected);
            }
        }
    }

    /**
     * With a floor (the k-th score of the segments searched before), every algorithm returns exactly the exact
     * search's top k among the rows scoring above it: floors at a hit's score (ties on it), next to it, and beyond
     * every score.
     */
    @Test
    void aFloorLeavesOutExactlyTheRowsAtOrBelowIt() {
        Random random = new Random(SEED ^ 0xF100L);
        SparseColumn column = column(random, 3000, 2000);
        List<SparseInvertedIndex> indexes = allIndexes(column);
        SearchParams exact = kind("SPARSE_INVERTED_INDEX").parseSearch(Map.of(), 10);
        for (int q = 0; q < 40; q++) {
            SparseVector query = randomRow(random, 2000, 1 + random.nextInt(30));
            int modulus = 1 + random.nextInt(4);
            OrdinalFilter filter = q % 2 == 0 ? OrdinalFilter.ACCEPT_ALL : o -> o % modulus == 0;
            List<SearchHit> all = column.search(query, column.size(), column.size(), filter, Float.NaN, Float.NaN);
            if (all.isEmpty()) {
                continue;
            }
            float at = all.get(random.nextInt(all.size())).score();
            for (float floor : new float[] {at, Math.nextDown(at), Math.nextUp(at), all.get(0).score(), 0}) {
                int k = 1 + random.nextInt(50);
                List<SearchHit> expected = all.stream().filter(h -> h.score() > floor).limit(k).toList();
                for (SparseInvertedIndex index : indexes) {
                    assertThat(index.search(query, k, exact, filter, floor))
                            .as("seed %d query %d algorithm %s floor %s k %d", SEED, q, index.params().algorithm(),
                                    floor, k)
                            .isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void dropRatioSearchTradesRecallForSpeed() {
        Random random = new Random(SEED ^ 0x5eed);
        SparseColumn column = column(random, 3000, 2000);
        SparseInvertedIndex index = allIndexes(column).get(2);
        SearchParams dropping = kind("SPARSE_INVERTED_INDEX").parseSearch(Map.of("drop_ratio_search", "0.3"), 10);
        int found = 0;
        int wanted = 0;
        for (int q = 0; q < 100; q++) {
            SparseVector query = randomRow(random, 2000, 10 + random.nextInt(20));
            Set<Integer> truth = new HashSet<>();
            column.search(query, 10, column.size(), OrdinalFilter.ACCEPT_ALL, Float.NaN, Float.NaN)
                    .forEach(h -> truth.add(h.ordinal()));
            for (SearchHit hit : index.search(query, 10, dropping, OrdinalFilter.ACCEPT_ALL)) {
                found += truth.contains(hit.ordinal()) ? 1 : 0;
            }
            wanted += truth.size();
        }
        double recall = (double) found / wanted;
        System.out.printf("SparseInvertedIndexTest seed %d: recall@10 at drop_ratio_search 0.3 = %.3f%n", SEED,
                recall);
        assertThat(recall).isGreaterThan(0.5).isLessThanOrEqualTo(1.0);
    }

    /**
     * A BM25 index derives its row lengths and frontiers when built or loaded (on the index-build or load thread),
     * so its first search does not; an IP index, which never searches term-weighted, derives nothing. Seen through
     * memoryBytes, which counts the derived arrays once they exist.
     */
    @Test
    void aBm25IndexIsReadyForItsFirstSearchWhenBuiltOrLoaded() throws IOException {
        SparseColumn column = column(new Random(SEED), 500, 300);
        LocalDisk disk = LocalDisk.open(dir);
        for (String algo : List.of("DAAT_WAND", "DAAT_MAXSCORE")) {
            IndexKind inverted = kind("SPARSE_INVERTED_INDEX");
            IndexParams params = inverted.parse(Map.of("inverted_index_algo", algo));
            VectorIndex ip = inverted.build(column, MetricType.IP, params, 1, (d, t) -> { });
            VectorIndex bm25 = inverted.build(column, MetricType.BM25, params, 1, (d, t) -> { });
            assertThat(bm25.memoryBytes()).as(algo).isGreaterThan(ip.memoryBytes() + 4L * column.size());
            String name = "bm25." + algo + ".idx";
            ((SparseInvertedIndex) ip).write(disk, name);
            assertThat(inverted.read(disk, name, column, MetricType.BM25).memoryBytes()).as(algo)
                    .isEqualTo(bm25.memoryBytes());
            assertThat(inverted.read(disk, name, column, MetricType.IP).memoryBytes()).as(algo)
                    .isEqualTo(ip.memoryBytes());
        }
    }

    @Test
    void anIndexFileLoadsOverTheSameRowsAndAnswersAlike() throws IOException {
        Random random = new Random(SEED);
        SparseColumn column = column(random, 500, 300);
        LocalDisk disk = LocalDisk.open(dir);
        SearchParams exact = kind("SPARSE_WAND").parseSearch(Map.of(), 10);
        for (SparseInvertedIndex index : allIndexes(column)) {
            String name = "s." + index.params().algorithm() + "." + index.kind().fileKind() + "-v2.idx";
            index.write(disk, name);
            VectorIndex read = index.kind().read(disk, name, column, MetricType.IP);
            assertThat(((SparseInvertedIndex) read).params()).isEqualTo(index.params());
            SparseVector query = randomRow(random, 300, 12);
            assertThat(read.search(query, 10, exact, OrdinalFilter.ACCEPT_ALL))
                    .isEqualTo(index.search(query, 10, exact, OrdinalFilter.ACCEPT_ALL));
        }
        SparseColumn other = column(new Random(SEED + 1), 500, 300);
        String name = "s.DAAT_WAND.sparse_wand-v2.idx";
        assertThatThrownBy(() -> kind("SPARSE_WAND").read(disk, name, other, MetricType.IP))
                .isInstanceOf(CorruptIndexException.class).hasMessageContaining("other rows");
    }

    @Test
    void parametersAreValidatedWithMilvussMessages() {
        IndexKind inverted = kind("SPARSE_INVERTED_INDEX");
        assertThatThrownBy(() -> inverted.parse(Map.of("inverted_index_algo", "BLOCK_MAX")))
                .hasMessageContaining("sparse inverted index algo BLOCK_MAX not found or not supported, supported:"
                        + " [TAAT_NAIVE DAAT_WAND DAAT_MAXSCORE]");
        assertThatThrownBy(() -> inverted.parse(Map.of("drop_ratio_build", "1")))
                .hasMessageContaining("drop_ratio_build");
        assertThat(inverted.parse(Map.of("drop_ratio_build", "0.2")))
                .isEqualTo(new SparseIndexParams(SparseAlgorithm.DAAT_MAXSCORE, 0.2));
        assertThatThrownBy(() -> inverted.parseSearch(Map.of("drop_ratio_search", "-0.1"), 10))
                .hasMessageContaining("drop_ratio_search");
        assertThatThrownBy(() -> inverted.parseSearch(Map.of("dim_max_score_ratio", "2"), 10))
                .hasMessageContaining("dim_max_score_ratio");
        assertThat(kind("SPARSE_WAND").parse(Map.of("inverted_index_algo", "TAAT_NAIVE")))
                .as("SPARSE_WAND forces DAAT_WAND").isEqualTo(new SparseIndexParams(SparseAlgorithm.DAAT_WAND, 0));
        assertThat(inverted.checkMetric(RequestedMetric.none())).isEqualTo(MetricType.IP);
        assertThatThrownBy(() -> inverted.checkMetric(RequestedMetric.parse("L2"))).hasMessageContaining("[IP]");
        assertThatThrownBy(() -> inverted.checkMetric(RequestedMetric.parse("BM25")))
                .hasMessageContaining("BM25 function");
        assertThat(IndexKinds.forField("AUTOINDEX", true)).contains(inverted);
    }
}
