package dev.vectorvault.index;

import com.carrotsearch.hppc.IntIntHashMap;
import dev.vectorvault.storage.io.ObjectStore;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An inverted index over a {@link SparseColumn} (Milvus's SPARSE_INVERTED_INDEX and SPARSE_WAND, metric IP): for
 * each dimension that any row holds, the ordinals holding it (ascending) with their values, and the largest value
 * (the list's upper bound for DAAT pruning). It keeps no copy of the rows: candidates are scored against the column
 * with {@link SparseVector#dot}, the exact search's own inner product, so an unpruned candidate scores exactly as in
 * brute force and at {@code drop_ratio_search} 0 the results are the same.
 *
 * <p>Immutable once built; any number of threads may search at once (all search state is per call).
 *
 * <h2>File format (kind {@code sparse_inverted_index} or {@code sparse_wand}, version 2 in the common frame)</h2>
 * Little-endian: int algorithm ordinal ({@link SparseAlgorithm}), double drop_ratio_build, int rows, long
 * fingerprint of the rows ({@link #fingerprint}), int list count, then per list (dimensions ascending, unsigned):
 * int dimension, int n, n ints ordinals (ascending, below rows), n floats values (finite, non-negative). Version 1
 * is the old big-endian framing no sparse index was ever written in, so the first version is 2.
 */
public final class SparseInvertedIndex implements VectorIndex {
    static final int FILE_VERSION = 2;
    /** Relative slack on pruning bounds: float sums in another order than the exact product can differ by ulps. */
    private static final float BOUND_SLACK = 1e-5f;

    private final SparseIndexKind kind;
    private final SparseColumn column;
    private final SparseIndexParams params;
    private final int size;
    private final int[] dimensions;
    private final int[][] ordinals;
    private final float[][] values;
    private final float[] maxValues;
    /** Term id → its list (its position in {@code dimensions}). */
    private final IntIntHashMap listOf;
    /** Row lengths for term-weighted searches; racy single-check init (any thread computes the same array). */
    private volatile float[] rowLengths;
    /** Per list, its (value, row length) frontier for WAND's term-weighted pruning ({@link #frontiers}). */
    private volatile float[][][] frontiers;
    /** Per list, its blocks' frontiers for block-max MaxScore ({@link #blockFrontiers}). */
    private volatile BlockFrontiers.View[] blockFrontiers;

    private SparseInvertedIndex(SparseIndexKind kind, SparseColumn column, SparseIndexParams params, int size,
                                int[] dimensions, int[][] ordinals, float[][] values) {
        this.kind = kind;
        this.column = column;
        this.params = params;
        this.size = size;
        this.dimensions = dimensions;
        this.ordinals = ordinals;
        this.values = values;
        this.maxValues = new float[dimensions.length];
        this.listOf = listsOf(dimensions);
        for (int l = 0; l < dimensions.length; l++) {
            float max = 0;
            for (float v : values[l]) {
                max = Math.max(max, v);
            }
            maxValues[l] = max;
        }
    }

    /**
     * Builds over the rows the column holds now: one pass counts each dimension's rows, a second fills the lists,
     * sized exactly, in row order (so each list comes out ascending without a sort).
     */
    static SparseInvertedIndex build(SparseIndexKind kind, SparseColumn column, SparseIndexParams params,
                                     BuildProgress progress) {
        int size = column.size();
        IntIntHashMap slots = new IntIntHashMap();
        for (int o = 0; o < size; o++) {
            SparseVector row = column.get(o);
            for (int i = 0; i < row.size(); i++) {
                slots.addTo(row.index(i), 1);
            }
        }
        int[] dimensions = slots.keys().toArray();
        sortUnsigned(dimensions);
        int[][] ordinals = new int[dimensions.length][];
        float[][] values = new float[dimensions.length][];
        for (int l = 0; l < dimensions.length; l++) {
            int n = slots.get(dimensions[l]);
            ordinals[l] = new int[n];
            values[l] = new float[n];
            slots.put(dimensions[l], l); // from here on the map gives each dimension's list
        }
        int[] filled = new int[dimensions.length];
        for (int o = 0; o < size; o++) {
            SparseVector row = column.get(o);
            for (int i = 0; i < row.size(); i++) {
                int l = slots.get(row.index(i));
                ordinals[l][filled[l]] = o;
                values[l][filled[l]++] = row.value(i);
            }
            if ((o & 1023) == 1023) {
                progress.indexed(o + 1, size);
            }
        }
        progress.indexed(size, size);
        return new SparseInvertedIndex(kind, column, params, size, dimensions, ordinals, values);
    }

    /** Term id → list for searches: term {@code dimensions[l]} owns list {@code l}; read-only once built. */
    private static IntIntHashMap listsOf(int[] dimensions) {
        IntIntHashMap lists = new IntIntHashMap(dimensions.length);
        for (int l = 0; l < dimensions.length; l++) {
            lists.put(dimensions[l], l);
        }
        return lists;
    }

    private static void sortUnsigned(int[] dimensions) {
        // Flipping the sign bit maps unsigned order onto signed order.
        for (int i = 0; i < dimensions.length; i++) {
            dimensions[i] ^= Integer.MIN_VALUE;
        }
        Arrays.sort(dimensions);
        for (int i = 0; i < dimensions.length; i++) {
            dimensions[i] ^= Integer.MIN_VALUE;
        }
    }

    @Override
    public IndexKind kind() {
        return kind;
    }

    @Override
    public MetricType metric() {
        return MetricType.IP;
    }

    @Override
    public int size() {
        return size;
    }

    public SparseIndexParams params() {
        return params;
    }

    /** Dense queries do not apply to a sparse field (refused before a search gets here). */
    @Override
    public List<SearchHit> search(float[] query, int k, SearchParams params, OrdinalFilter filter) {
        throw new IllegalArgumentException("a sparse vector index is searched with sparse vectors");
    }

    /**
     * The {@code k} best rows by inner product among those {@code filter} accepts, with a positive score (as
     * Milvus's engine, a row sharing no dimension with the query is no match). {@code drop_ratio_search} first drops
     * the query's smallest entries ({@link SparseVector#dropSmallest}); at 0 the hits equal the exact search's.
     */
    @Override
    public List<SearchHit> search(SparseVector query, int k, SearchParams searchParams, OrdinalFilter filter) {
        return search(query, k, searchParams, filter, Float.NEGATIVE_INFINITY);
    }

    /** As above, leaving out rows that score at or below {@code floor}, which the pruning starts from. */
    @Override
    public List<SearchHit> search(SparseVector query, int k, SearchParams searchParams, OrdinalFilter filter,
                                  float floor) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1: " + k);
        }
        SparseVector q = query.dropSmallest(((SparseIndexKind.Search) searchParams).dropRatio());
        List<Cursor> cursors = new ArrayList<>(q.size());
        for (int i = 0; i < q.size(); i++) {
            int list = listOf.getOrDefault(q.index(i), -1);
            if (list >= 0 && q.value(i) > 0) {
                cursors.add(new Cursor(ordinals[list], q.value(i) * maxValues[list]));
            }
        }
        TopK best = TopK.largest(k);
        switch (params.algorithm()) {
            case TAAT_NAIVE -> termAtATime(q, cursors, best, filter, floor);
            case DAAT_MAXSCORE -> maxScore(cursors, best, floor, o -> offer(q, o, best, filter, floor));
            case DAAT_WAND -> wand(cursors, best, floor, o -> offer(q, o, best, filter, floor));
        }
        return best.drainBestFirst();
    }

    /**
     * Term-weighted search (BM25): with TAAT_NAIVE term at a time over the posting lists, each query term adding
     * weight × scorer(stored value, row length) to its rows in ascending term order as
     * {@link SparseVector#weightedDot} does; with DAAT_MAXSCORE document at a time by {@link BlockMaxScore} (block-max
     * MaxScore, scored from the postings); with DAAT_WAND document at a time with WAND, each candidate scored by
     * {@link SparseVector#weightedDot} itself. Either way the scores and hits equal
     * {@link SparseColumn#searchTermWeighted}'s exactly.
     *
     * <p>The pruning needs bounds under this search's statistics (avgdl changes with every write, and k1 and b may
     * differ per search), so no bound is stored. Instead each list (for WAND) and each block of a list (for MaxScore)
     * keeps its <em>frontier</em> ({@link BlockFrontiers}), from which the bound of this search is computed.
     *
     * <p>Rows scoring at or below {@code floor} are left out, and the pruning starts from it.
     */
    @Override
    public List<SearchHit> searchTermWeighted(SparseVector weights, TermScorer scorer, int k, OrdinalFilter filter,
                                              float floor) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1: " + k);
        }
        float[] lengths = rowLengths();
        if (params.algorithm() == SparseAlgorithm.DAAT_MAXSCORE) {
            BlockFrontiers.View[] blocks = blockFrontiers();
            BlockMaxScore.TermCursor[] cursors = new BlockMaxScore.TermCursor[weights.size()];
            int held = 0;
            for (int i = 0; i < weights.size(); i++) {
                int list = listOf.getOrDefault(weights.index(i), -1);
                if (list >= 0) { // a term no row holds adds nothing
                    cursors[held] = new BlockMaxScore.TermCursor(held, ordinals[list], values[list],
                            ordinals[list].length, weights.value(i), scorer, lengths, blocks[list]);
                    held++;
                }
            }
            TopK best = TopK.largest(k);
            BlockMaxScore.search(held == cursors.length ? cursors : Arrays.copyOf(cursors, held), lengths, best,
                    filter, floor);
            return best.drainBestFirst();
        }
        if (params.algorithm() == SparseAlgorithm.DAAT_WAND) {
            float[][][] frontiers = frontiers();
            List<Cursor> cursors = new ArrayList<>(weights.size());
            for (int i = 0; i < weights.size(); i++) {
                int list = listOf.getOrDefault(weights.index(i), -1);
                float w = weights.value(i);
                if (list < 0 || !(w > 0)) {
                    continue; // a term no row holds, or one that cannot add to a score
                }
                float[][] frontier = frontiers[list];
                float largest = 0;
                for (int f = 0; f < frontier[0].length; f++) {
                    largest = Math.max(largest, scorer.value(frontier[0][f], frontier[1][f]));
                }
                cursors.add(new Cursor(ordinals[list], w * largest));
            }
            TopK best = TopK.largest(k);
            wand(cursors, best, floor, ordinal -> {
                if (filter == OrdinalFilter.ACCEPT_ALL || filter.accept(ordinal)) {
                    float score = weights.weightedDot(column.get(ordinal), scorer, lengths[ordinal]);
                    if (score > 0 && score > floor) {
                        best.offer(ordinal, score);
                    }
                }
            });
            return best.drainBestFirst();
        }
        float[] scores = new float[size];
        boolean[] touched = new boolean[size];
        for (int i = 0; i < weights.size(); i++) {
            int list = listOf.getOrDefault(weights.index(i), -1);
            if (list < 0) {
                continue;
            }
            float w = weights.value(i);
            int[] rows = ordinals[list];
            float[] stored = values[list];
            for (int p = 0; p < rows.length; p++) {
                int o = rows[p];
                scores[o] += w * scorer.value(stored[p], lengths[o]);
                touched[o] = true;
            }
        }
        TopK best = TopK.largest(k);
        for (int o = 0; o < size; o++) {
            if (touched[o] && scores[o] > 0 && scores[o] > floor && (filter == OrdinalFilter.ACCEPT_ALL || filter.accept(o))) {
                best.offer(o, scores[o]);
            }
        }
        return best.drainBestFirst();
    }

    /**
     * Per list, its frontier as {stored values, row lengths} ({@link BlockFrontiers#frontier}), for WAND's list
     * bounds. Computed on the first term-weighted search (racy single-check init, as {@link #rowLengths}: any thread
     * computes the same arrays).
     */
    private float[][][] frontiers() {
        float[][][] all = frontiers;
        if (all == null) {
            float[] lengths = rowLengths();
            all = new float[dimensions.length][][];
            for (int l = 0; l < dimensions.length; l++) {
                all[l] = BlockFrontiers.frontier(ordinals[l], values[l], 0, ordinals[l].length, lengths);
            }
            frontiers = all;
        }
        return all;
    }

    /** Per list, its blocks' frontiers, for {@link BlockMaxScore}; computed on first use as {@link #frontiers}. */
    private BlockFrontiers.View[] blockFrontiers() {
        BlockFrontiers.View[] all = blockFrontiers;
        if (all == null) {
            float[] lengths = rowLengths();
            all = new BlockFrontiers.View[dimensions.length];
            for (int l = 0; l < dimensions.length; l++) {
                all[l] = BlockFrontiers.of(ordinals[l], values[l], ordinals[l].length, lengths).view();
            }
            blockFrontiers = all;
        }
        return all;
    }

    /** Scores one candidate row of a document-at-a-time search and keeps it if good enough. */
    @FunctionalInterface
    interface Offer {
        void offer(int ordinal);
    }

    /**
     * Derives now what term-weighted (BM25) searches of this index's algorithm would derive on first use: the row
     * lengths, and the block frontiers (DAAT_MAXSCORE) or list frontiers (DAAT_WAND).
     */
    void deriveTermWeighted() {
        rowLengths();
        switch (params.algorithm()) {
            case DAAT_MAXSCORE -> blockFrontiers();
            case DAAT_WAND -> frontiers();
            default -> { } // TAAT_NAIVE reads the lists as they are
        }
    }

    /** Each row's length (sum of its values), computed on first use. */
    private float[] rowLengths() {
        float[] lengths = rowLengths;
        if (lengths == null) {
            lengths = new float[size];
            for (int o = 0; o < size; o++) {
                lengths[o] = column.get(o).sum();
            }
            rowLengths = lengths;
        }
        return lengths;
    }

    /** Scores one candidate exactly and offers it; rows already tested are never offered twice. */
    private void offer(SparseVector q, int ordinal, TopK best, OrdinalFilter filter, float floor) {
        if (filter != OrdinalFilter.ACCEPT_ALL && !filter.accept(ordinal)) {
            return;
        }
        float score = q.dot(column.get(ordinal));
        if (score > 0 && score > floor) {
            best.offer(ordinal, score);
        }
    }

    /** The score a candidate must beat: the floor until k rows are kept, then the larger of it and the k-th. */
    private static float threshold(TopK best, float floor) {
        return best.isFull() ? Math.max(floor, best.worstScore()) : floor;
    }

    /** Whether a row whose score is at most {@code bound} may still enter the results. */
    private static boolean mayEnter(float bound, float threshold) {
        return bound * (1 + BOUND_SLACK) >= threshold;
    }

    private void termAtATime(SparseVector q, List<Cursor> cursors, TopK best, OrdinalFilter filter, float floor) {
        boolean[] touched = new boolean[size];
        for (Cursor c : cursors) {
            for (int o : c.ordinals) {
                touched[o] = true;
            }
        }
        for (int o = 0; o < size; o++) {
            if (touched[o]) {
                offer(q, o, best, filter, floor);
            }
        }
    }

    /**
     * MaxScore: lists sorted by upper bound; the cheapest lists whose bounds together cannot reach the threshold are
     * non-essential, so only rows of the essential lists become candidates, and a candidate whose essential part
     * plus the non-essential bounds cannot reach the threshold is skipped unscored. Rows are visited in ascending
     * ordinal order, so a skipped row would also lose a tie against every kept row (ties go to smaller ordinals).
     */
    static void maxScore(List<Cursor> cursors, TopK best, float floor, Offer offer) {
        Cursor[] lists = cursors.toArray(new Cursor[0]);
        Arrays.sort(lists, (a, b) -> Float.compare(a.bound, b.bound));
        int n = lists.length;
        float[] prefix = new float[n + 1];
        for (int i = 0; i < n; i++) {
            prefix[i + 1] = prefix[i] + lists[i].bound;
        }
        int firstEssential = 0;
        while (firstEssential < n && !mayEnter(prefix[firstEssential + 1], floor)) {
            firstEssential++;
        }
        while (firstEssential < n) {
            int doc = Integer.MAX_VALUE;
            for (int i = firstEssential; i < n; i++) {
                doc = Math.min(doc, lists[i].doc());
            }
            if (doc == Integer.MAX_VALUE) {
                return;
            }
            float essentialBound = 0;
            for (int i = firstEssential; i < n; i++) {
                if (lists[i].doc() == doc) {
                    essentialBound += lists[i].bound;
                    lists[i].next();
                }
            }
            if (mayEnter(essentialBound + prefix[firstEssential], threshold(best, floor))) {
                offer.offer(doc);
                float threshold = threshold(best, floor);
                while (firstEssential < n && !mayEnter(prefix[firstEssential + 1], threshold)) {
                    firstEssential++;
                }
            }
        }
    }

    /**
     * WAND: cursors sorted by their current row; the pivot is the first cursor at which the summed upper bounds may
     * reach the threshold. If the first cursor is already at the pivot row, that row is scored; otherwise the cursors
     * before the pivot skip ahead to it, passing over rows that cannot enter the results.
     */
    private static void wand(List<Cursor> cursors, TopK best, float floor, Offer offer) {
        Cursor[] live = cursors.toArray(new Cursor[0]);
        int n = live.length;
        while (true) {
            sortByDoc(live, n);
            while (n > 0 && live[n - 1].doc() == Integer.MAX_VALUE) {
                n--;
            }
            if (n == 0) {
                return;
            }
            float threshold = threshold(best, floor);
            float bound = 0;
            int pivot = -1;
            for (int i = 0; i < n; i++) {
                bound += live[i].bound;
                if (mayEnter(bound, threshold)) {
                    pivot = i;
                    break;
                }
            }
            if (pivot < 0) {
                return;
            }
            int pivotDoc = live[pivot].doc();
            if (live[0].doc() == pivotDoc) {
                offer.offer(pivotDoc);
                for (int i = 0; i < n && live[i].doc() == pivotDoc; i++) {
                    live[i].next();
                }
            } else {
                for (int i = 0; i < pivot; i++) {
                    live[i].advanceTo(pivotDoc);
                }
            }
        }
    }

    /** Insertion sort by current row: query term counts are small and the order changes little per step. */
    private static void sortByDoc(Cursor[] cursors, int n) {
        for (int i = 1; i < n; i++) {
            Cursor c = cursors[i];
            int j = i - 1;
            while (j >= 0 && cursors[j].doc() > c.doc()) {
                cursors[j + 1] = cursors[j];
                j--;
            }
            cursors[j + 1] = c;
        }
    }

    /** A position in one posting list, with the list's bound (query weight × the list's largest value). */
    static final class Cursor {
        final int[] ordinals;
        final float bound;
        int position;

        Cursor(int[] ordinals, float bound) {
            this.ordinals = ordinals;
            this.bound = bound;
        }

        /** The current row, {@link Integer#MAX_VALUE} once exhausted. */
        int doc() {
            return position < ordinals.length ? ordinals[position] : Integer.MAX_VALUE;
        }

        void next() {
            position++;
        }

        /** Moves to the first row at or after {@code target} (binary search over the rest of the list). */
        void advanceTo(int target) {
            int found = Arrays.binarySearch(ordinals, position, ordinals.length, target);
            position = found >= 0 ? found : -found - 1;
        }
    }

    @Override
    public long memoryBytes() {
        long bytes = 64L + dimensions.length * 48L + listOf.ramBytesAllocated();
        for (int[] list : ordinals) {
            bytes += 8L * list.length;
        }
        // What BM25 searches derive on first use: row lengths, WAND's list frontiers, MaxScore's block frontiers.
        float[] lengths = rowLengths;
        if (lengths != null) {
            bytes += 16L + 4L * lengths.length;
        }
        float[][][] wand = frontiers;
        if (wand != null) {
            for (float[][] frontier : wand) {
                bytes += 3 * 16L + 4L * (frontier[0].length + frontier[1].length);
            }
        }
        BlockFrontiers.View[] blocks = blockFrontiers;
        if (blocks != null) {
            for (BlockFrontiers.View view : blocks) {
                bytes += 8L + view.memoryBytes();
            }
        }
        return bytes;
    }

    /** A cheap digest of the rows, so a file is never loaded over other rows than it was built from. */
    static long fingerprint(SparseColumn column, int rows) {
        long hash = 1125899906842597L;
        for (int o = 0; o < rows; o++) {
            hash = 31 * hash + column.get(o).hashCode();
        }
        return hash;
    }

    @Override
    public void write(ObjectStore store, String name) {
        IndexFile.write(store, name, kind.fileKind(), FILE_VERSION, this::writeBody);
    }

    private void writeBody(DataOutput out) throws IOException {
        out.writeInt(params.algorithm().ordinal());
        out.writeDouble(params.dropRatioBuild());
        out.writeInt(size);
        out.writeLong(fingerprint(column, size));
        out.writeInt(dimensions.length);
        for (int l = 0; l < dimensions.length; l++) {
            out.writeInt(dimensions[l]);
            out.writeInt(ordinals[l].length);
            IndexFile.writeInts(out, ordinals[l], 0, ordinals[l].length);
            IndexFile.writeFloats(out, values[l]);
        }
    }

    /**
     * Loads an index written by {@link #write} over the same rows.
     *
     * @throws CorruptIndexException when damaged, of another version, or built over other rows
     */
    static SparseInvertedIndex read(SparseIndexKind kind, ObjectStore store, String name, SparseColumn column) {
        String file = store.describe(name);
        return IndexFile.read(store, name, kind.fileKind(), FILE_VERSION, FILE_VERSION,
                (in, version) -> readBody(kind, file, in, column));
    }

    private static SparseInvertedIndex readBody(SparseIndexKind kind, String file, DataInput in, SparseColumn column)
            throws IOException {
        int algorithm = in.readInt();
        if (algorithm < 0 || algorithm >= SparseAlgorithm.values().length) {
            throw new CorruptIndexException(file, "unknown sparse algorithm " + algorithm);
        }
        double dropRatioBuild = in.readDouble();
        int size = in.readInt();
        if (size != column.size()) {
            throw new CorruptIndexException(file, "built over " + size + " rows, the segment has " + column.size());
        }
        if (in.readLong() != fingerprint(column, size)) {
            throw new CorruptIndexException(file, "built over other rows than the segment holds");
        }
        int lists = in.readInt();
        if (lists < 0) {
            throw new CorruptIndexException(file, "list count " + lists);
        }
        int[] dimensions = new int[lists];
        int[][] ordinals = new int[lists][];
        float[][] values = new float[lists][];
        for (int l = 0; l < lists; l++) {
            dimensions[l] = in.readInt();
            if (l > 0 && Integer.compareUnsigned(dimensions[l - 1], dimensions[l]) >= 0) {
                throw new CorruptIndexException(file, "dimensions out of order at list " + l);
            }
            int n = in.readInt();
            if (n < 1 || n > size) {
                throw new CorruptIndexException(file, "list " + l + " of " + n + " rows");
            }
            ordinals[l] = new int[n];
            values[l] = new float[n];
            IndexFile.readInts(in, ordinals[l], 0, n);
            IndexFile.readFloats(in, values[l]);
            for (int i = 0; i < n; i++) {
                if (ordinals[l][i] < 0 || ordinals[l][i] >= size || (i > 0 && ordinals[l][i - 1] >= ordinals[l][i])) {
                    throw new CorruptIndexException(file, "list " + l + " has ordinal " + ordinals[l][i]
                            + " out of order or range");
                }
                if (!(values[l][i] >= 0) || Float.isInfinite(values[l][i])) {
                    throw new CorruptIndexException(file, "list " + l + " has value " + values[l][i]);
                }
            }
        }
        return new SparseInvertedIndex(kind, column, new SparseIndexParams(SparseAlgorithm.values()[algorithm],
                dropRatioBuild), size, dimensions, ordinals, values);
    }
}
