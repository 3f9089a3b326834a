package dev.vectorvault.index;

import dev.vectorvault.storage.io.ObjectStore;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Milvus's BIN_IVF_FLAT over a {@link BinaryColumn}: the rows are clustered into {@code nlist} lists around binary
 * centroids, and a search scans the rows of the {@code nprobe} lists whose centroids are nearest the query. Centroids
 * are trained by k-modes on a seeded sample ({@link #SAMPLE_PER_CENTROID} rows a list): rows are assigned by the
 * index's own metric and each centroid bit becomes the majority bit of its rows, so centroids stay packed bit vectors
 * compared by the same popcount kernel as the rows. As {@link IvfFlatIndex} does, the index arranges its segment's
 * column in list order ({@link BinaryColumn#arrangedAs}) and the segment keeps only that arrangement
 * ({@link #arrangedColumn}), so a probe reads one contiguous run of bytes and every row is held once; the index adds
 * the centroids ({@code nlist * dim / 8} bytes) and the arrangement's two ints per row. Immutable once built;
 * thread-safe to search.
 */
public final class BinaryIvfIndex implements VectorIndex {
    public static final String FILE_KIND = "bin_ivf_flat";
    /** The first version, in the common frame of {@link IndexFile} (versions below 2 are the old framing). */
    public static final int FILE_VERSION = 2;
    static final int SAMPLE_PER_CENTROID = 64;
    static final int ITERATIONS = 10;
    private static final int FINGERPRINT_SAMPLES = 64;

    /** The column in list order: list {@code c} is slots {@code [listStart[c], listStart[c + 1])}. */
    private final BinaryColumn arranged;
    private final BinaryColumn.View rows;
    private final MetricType metric;
    private final IvfParams params;
    private final byte[] centroids;
    private final int[] listStart;

    /** Lists over {@code column}'s rows; arranges the column in list order unless it already is. */
    private BinaryIvfIndex(BinaryColumn column, MetricType metric, IvfParams params, byte[] centroids,
                           int[][] lists) {
        this.metric = metric;
        this.params = params;
        this.centroids = centroids;
        this.listStart = new int[lists.length + 1];
        int[] order = IvfLists.order(lists, column.size(), listStart);
        this.arranged = column.isArrangedAs(order) ? column : column.arrangedAs(order);
        this.rows = arranged.view();
    }

    /** Clusters the rows the column holds now; a column with fewer rows than {@code nlist} gets a list per row. */
    public static BinaryIvfIndex build(BinaryColumn column, MetricType metric, IvfParams params, int threads,
                                       BuildProgress progress) {
        if (column == null || metric == null || params == null || progress == null) {
            throw new IllegalArgumentException("vectors, metric, params and progress are required");
        }
        if (!metric.binary()) {
            throw new IllegalArgumentException(metric + " does not compare binary vectors");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        BinaryColumn.View rows = column.view();
        int size = rows.size();
        int count = Math.min(params.nlist(), size);
        int width = rows.rowBytes();
        byte[] centroids = train(rows, metric, count, params.seed(), threads);
        int[] assignment = new int[size];
        AtomicLong done = new AtomicLong();
        Parallel.forRange(threads, size, (from, to) -> {
            for (int i = from; i < to; i++) {
                assignment[i] = nearest(metric, centroids, count, width, rows.data(), rows.offset(i));
                if ((i - from) % 1024 == 1023) {
                    progress.indexed(done.addAndGet(1024), size);
                }
            }
        });
        progress.indexed(size, size);
        return new BinaryIvfIndex(column, metric, params, centroids, IvfLists.fill(assignment, count));
    }

    /** k-modes: {@code count} centroids of {@code rowBytes} bytes each, from a seeded sample of the rows. */
    private static byte[] train(BinaryColumn.View rows, MetricType metric, int count, long seed, int threads) {
        int width = rows.rowBytes();
        byte[] centroids = new byte[count * width];
        if (count == 0) {
            return centroids;
        }
        SplittableRandom random = new SplittableRandom(seed);
        int sampleSize = (int) Math.min(rows.size(), (long) count * SAMPLE_PER_CENTROID);
        int[] sample = sample(rows.size(), sampleSize, random);
        // The sample is a random permutation prefix: its first `count` rows are distinct rows to start from.
        for (int c = 0; c < count; c++) {
            System.arraycopy(rows.data(), rows.offset(sample[c]), centroids, c * width, width);
        }
        int[] assignment = new int[sampleSize];
        int bits = width * 8;
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            byte[] current = centroids;
            Parallel.forRange(threads, sampleSize, (from, to) -> {
                for (int i = from; i < to; i++) {
                    assignment[i] = nearest(metric, current, count, width, rows.data(), rows.offset(sample[i]));
                }
            });
            int[] members = new int[count];
            int[] ones = new int[count * bits];
            for (int i = 0; i < sampleSize; i++) {
                int c = assignment[i];
                members[c]++;
                int from = rows.offset(sample[i]);
                for (int b = 0; b < width; b++) {
                    int value = rows.data()[from + b] & 0xFF;
                    while (value != 0) {
                        int bit = Integer.numberOfTrailingZeros(value);
                        ones[c * bits + b * 8 + bit]++;
                        value &= value - 1;
                    }
                }
            }
            byte[] next = new byte[count * width];
            for (int c = 0; c < count; c++) {
                if (members[c] == 0) {
                    // An empty list is re-seeded with a random sample row, so no list is wasted.
                    System.arraycopy(rows.data(), rows.offset(sample[random.nextInt(sampleSize)]), next, c * width,
                            width);
                    continue;
                }
                for (int bit = 0; bit < bits; bit++) {
                    if (2 * ones[c * bits + bit] > members[c]) {
                        next[c * width + bit / 8] |= (byte) (1 << (bit % 8));
                    }
                }
            }
            centroids = next;
        }
        return centroids;
    }

    /** {@code n} distinct ordinals below {@code size} in random order (a partial Fisher-Yates shuffle). */
    private static int[] sample(int size, int n, SplittableRandom random) {
        int[] all = new int[size];
        for (int i = 0; i < size; i++) {
            all[i] = i;
        }
        for (int i = 0; i < n; i++) {
            int j = i + random.nextInt(size - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, n);
    }

    private static int nearest(MetricType metric, byte[] centroids, int count, int width, byte[] data, int offset) {
        int best = 0;
        float bestDistance = Float.POSITIVE_INFINITY;
        for (int c = 0; c < count; c++) {
            float distance = metric.distance(data, offset, centroids, c * width, width);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = c;
            }
        }
        return best;
    }

    @Override
    public IndexKind kind() {
        return BinIvfFlatKind.INSTANCE;
    }

    @Override
    public MetricType metric() {
        return metric;
    }

    @Override
    public int size() {
        return rows.size();
    }

    /** The number of lists (at most nlist, at most the size). */
    public int listCount() {
        return listStart.length - 1;
    }

    @Override
    public List<SearchHit> search(float[] query, int k, SearchParams params, OrdinalFilter filter) {
        throw new IllegalArgumentException("a binary vector index is searched with binary vectors");
    }

    @Override
    public List<SearchHit> search(byte[] query, int k, SearchParams params, OrdinalFilter filter) {
        return search(query, k, ((BinIvfFlatKind.Search) params).nprobe(), filter);
    }

    /** The {@code k} nearest accepted rows among the {@code nprobe} lists nearest the query. */
    public List<SearchHit> search(byte[] query, int k, int nprobe, OrdinalFilter filter) {
        arranged.checkQuery(query, metric);
        if (k < 1 || nprobe < 1 || filter == null) {
            throw new IllegalArgumentException("k and nprobe must be at least 1 and a filter is required");
        }
        int width = rows.rowBytes();
        int listCount = listCount();
        int probes = Math.min(nprobe, listCount);
        TopK nearestLists = TopK.smallest(Math.max(1, probes));
        for (int c = 0; c < listCount; c++) {
            nearestLists.offer(c, metric.distance(query, 0, centroids, c * width, width));
        }
        TopK best = TopK.smallest(k);
        boolean all = filter == OrdinalFilter.ACCEPT_ALL;
        for (SearchHit list : nearestLists.drainBestFirst()) {
            int end = listStart[list.ordinal() + 1];
            for (int slot = listStart[list.ordinal()]; slot < end; slot++) {
                int ordinal = rows.ordinalAt(slot);
                if (all || filter.accept(ordinal)) {
                    best.offer(ordinal, rows.distanceAtSlot(metric, query, slot));
                }
            }
        }
        return best.drainBestFirst();
    }

    @Override
    public Optional<BinaryColumn> arrangedColumn() {
        return Optional.of(arranged);
    }

    /** Heap bytes beyond the rows: centroids, list bounds and the arranged column's two translation arrays. */
    @Override
    public long memoryBytes() {
        return centroids.length + 8L * rows.size() + 4L * listStart.length;
    }

    @Override
    public void write(ObjectStore store, String name) {
        IndexFile.write(store, name, FILE_KIND, FILE_VERSION, this::writeBody);
    }

    /**
     * Body of version 2: metric (wire name), dim, size, row fingerprint, nlist, seed, list count, the centroids'
     * bytes, then per list its length and ordinals.
     */
    private void writeBody(DataOutput out) throws IOException {
        out.writeUTF(metric.wireName());
        out.writeInt(rows.rowBytes() * 8);
        out.writeInt(rows.size());
        out.writeLong(fingerprint(rows));
        out.writeInt(params.nlist());
        out.writeLong(params.seed());
        out.writeInt(listCount());
        out.write(centroids);
        int[] order = rows.ordinalAt();
        for (int c = 0; c < listCount(); c++) {
            out.writeInt(listStart[c + 1] - listStart[c]);
            IndexFile.writeInts(out, order, listStart[c], listStart[c + 1]);
        }
    }

    /**
     * Loads an index written by {@link #write} over the same rows and metric.
     *
     * @throws CorruptIndexException when damaged, of an unknown version, or built over other rows or another metric
     */
    public static BinaryIvfIndex read(ObjectStore store, String name, BinaryColumn column, MetricType metric) {
        String file = store.describe(name);
        return IndexFile.read(store, name, FILE_KIND, FILE_VERSION, FILE_VERSION,
                (in, version) -> readBody(file, in, column, metric));
    }

    private static BinaryIvfIndex readBody(String file, DataInput in, BinaryColumn column, MetricType metric)
            throws IOException {
        BinaryColumn.View rows = column.view();
        String storedMetric = in.readUTF();
        int dim = in.readInt();
        int size = in.readInt();
        long fingerprint = in.readLong();
        if (!storedMetric.equals(metric.wireName()) || dim != rows.rowBytes() * 8 || size != rows.size()
                || fingerprint != fingerprint(rows)) {
            throw new CorruptIndexException(file, "built over other vectors or another metric (" + storedMetric
                    + ", dim " + dim + ", " + size + " rows)");
        }
        IvfParams params;
        try {
            params = new IvfParams(in.readInt(), in.readLong());
        } catch (IllegalArgumentException e) {
            throw new CorruptIndexException(file, e.getMessage());
        }
        int count = in.readInt();
        if (count < 0 || count > Math.min(params.nlist(), size)) {
            throw new CorruptIndexException(file, count + " lists for nlist " + params.nlist() + " and " + size
                    + " vectors");
        }
        byte[] centroids = new byte[count * rows.rowBytes()];
        in.readFully(centroids);
        int[][] lists = IvfLists.readOrdinals(file, in, count, size);
        return new BinaryIvfIndex(column, metric, params, centroids, lists);
    }

    /** A hash of up to 64 evenly spaced rows, so an index file is never loaded over other rows. */
    private static long fingerprint(BinaryColumn.View rows) {
        long hash = 1125899906842597L;
        int size = rows.size();
        int step = Math.max(1, size / FINGERPRINT_SAMPLES);
        int width = rows.rowBytes();
        for (int ordinal = 0; ordinal < size; ordinal += step) {
            int from = rows.offset(ordinal);
            for (int b = 0; b < width; b++) {
                hash = 31 * hash + rows.data()[from + b];
            }
        }
        return hash;
    }
}
