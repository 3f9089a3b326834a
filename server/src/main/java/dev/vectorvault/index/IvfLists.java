package dev.vectorvault.index;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The inverted lists every IVF kind shares (IVF_FLAT, IVF_SQ8, IVF_PQ): k-means centroids and, per list, the ordinals nearest
 * to its centroid by the index's metric; how a query picks the lists to probe; and the lists' part of the file body.
 * The kinds differ only in what they scan inside a list (the column's floats, or 8-bit codes).
 *
 * @param centroids  {@code lists * dim} floats, unit length for COSINE ({@link KMeans})
 * @param ordinals   per list its ordinals, ascending; together every ordinal of the column once
 */
record IvfLists(float[] centroids, int[][] ordinals) {

    int count() {
        return ordinals.length;
    }

    /**
     * Clusters the vectors the view holds into {@code min(nlist, size)} lists.
     *
     * @param threads 1 or more, for k-means assignment and list filling
     */
    static IvfLists cluster(VectorColumn.View vectors, MetricType metric, IvfParams params, int threads,
            BuildProgress progress) {
        int size = vectors.size;
        int lists = Math.min(params.nlist(), size);
        if (lists == 0) {
            progress.indexed(0, 0);
            return new IvfLists(new float[0], new int[0][]);
        }
        float[] centroids = KMeans.train(vectors, metric, lists, params.seed(), threads);
        int[] assignment = new int[size];
        AtomicLong done = new AtomicLong();
        Parallel.forRange(threads, size, (from, to) -> {
            float[] scratch = new float[vectors.dim];
            for (int i = from; i < to; i++) {
                assignment[i] = nearestList(vectors, metric, centroids, lists, i, scratch);
                if ((i - from) % 1024 == 1023) {
                    progress.indexed(done.addAndGet(1024), size);
                }
            }
        });
        return new IvfLists(centroids, fill(assignment, lists));
    }

    /**
     * The list whose centroid is nearest to a stored vector, by the metric (the centroid in the query's role); the
     * vector is widened into {@code scratch} ({@code dim} floats) once and compared with every centroid from there.
     */
    private static int nearestList(VectorColumn.View vectors, MetricType metric, float[] centroids, int lists,
            int ordinal, float[] scratch) {
        int dim = vectors.dim;
        vectors.decode(ordinal, scratch, 0);
        float norm = vectors.norm(ordinal);
        int best = 0;
        float bestDistance = Float.POSITIVE_INFINITY;
        for (int c = 0; c < lists; c++) {
            // COSINE: -dot(centroid, v) / |v| ranks like -dot(centroid, v / |v|); the centroids are unit length.
            float distance = metric.distance(centroids, c * dim, scratch, 0, norm, dim);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = c;
            }
        }
        return best;
    }

    /** Ordinals per list, ascending within each list (binary IVF lists are filled the same way). */
    static int[][] fill(int[] assignment, int lists) {
        int[] counts = new int[lists];
        for (int list : assignment) {
            counts[list]++;
        }
        int[][] ordinals = new int[lists][];
        for (int c = 0; c < lists; c++) {
            ordinals[c] = new int[counts[c]];
        }
        int[] filled = new int[lists];
        for (int ordinal = 0; ordinal < assignment.length; ordinal++) {
            int list = assignment[ordinal];
            ordinals[list][filled[list]++] = ordinal;
        }
        return ordinals;
    }

    /**
     * The {@code nprobe} lists whose centroids rank best for a {@linkplain MetricType#prepareQuery prepared} query,
     * in a heap (any order); all lists when there are fewer.
     */
    static NodeHeap probe(float[] prepared, MetricType metric, float[] centroids, int dim, int nprobe) {
        int lists = dim == 0 ? 0 : centroids.length / dim;
        int probes = Math.min(nprobe, lists);
        NodeHeap nearest = NodeHeap.farthestOnTop(probes + 1);
        for (int c = 0; c < lists; c++) {
            // Centroids are unit length for COSINE, so the norm 1 makes the distance their inner product.
            float distance = metric.distance(prepared, 0, centroids, c * dim, 1f, dim);
            if (nearest.size() < probes || distance < nearest.topDistance()) {
                nearest.push(c, distance);
                if (nearest.size() > probes) {
                    nearest.pop();
                }
            }
        }
        return nearest;
    }

    /** The argument checks every IVF search makes before it probes. */
    static void requireSearch(int k, int nprobe, OrdinalFilter filter) {
        if (k < 1 || nprobe < 1) {
            throw new IllegalArgumentException("k and nprobe must be at least 1: k=" + k + " nprobe=" + nprobe);
        }
        if (filter == null) {
            throw new IllegalArgumentException("filter is required");
        }
    }

    /** Every ordinal in list order: list 0's, then list 1's, ... (the slot order of a list-ordered layout). */
    int[] order(int size) {
        int[] order = new int[size];
        int slot = 0;
        for (int[] list : ordinals) {
            System.arraycopy(list, 0, order, slot, list.length);
            slot += list.length;
        }
        return order;
    }

    // ------------------------------------------------------------------ persistence (a section of IVF bodies)

    /** List count, the centroids, then per list its length and ordinals (IVF_FLAT's version 1 layout). */
    void write(DataOutput out) throws IOException {
        out.writeInt(count());
        IndexFile.writeFloats(out, centroids);
        for (int[] list : ordinals) {
            out.writeInt(list.length);
            IndexFile.writeInts(out, list, 0, list.length);
        }
    }

    /** Reads what {@link #write} wrote, refusing lists that do not hold every ordinal of the column exactly once. */
    static IvfLists read(String file, DataInput in, int nlist, int size, int dim) throws IOException {
        int lists = in.readInt();
        if (lists < 0 || lists > Math.min(nlist, size)) {
            throw new CorruptIndexException(file, lists + " lists for nlist " + nlist + " and " + size + " vectors");
        }
        float[] centroids = new float[lists * dim];
        IndexFile.readFloats(in, centroids);
        return new IvfLists(centroids, readOrdinals(file, in, lists, size));
    }

    /**
     * Reads {@code lists} length-prefixed lists of ordinals that together hold each of {@code size} vectors exactly
     * once, refusing anything else as corrupt (binary IVF files store their lists the same way).
     */
    static int[][] readOrdinals(String file, java.io.DataInput in, int lists, int size) throws java.io.IOException {
        int[][] ordinals = new int[lists][];
        boolean[] seen = new boolean[size];
        int total = 0;
        for (int c = 0; c < lists; c++) {
            int length = in.readInt();
            if (length < 0 || length > size - total) {
                throw new CorruptIndexException(file, "list " + c + " of " + length + " entries overflows " + size);
            }
            ordinals[c] = new int[length];
            IndexFile.readInts(in, ordinals[c], 0, length);
            for (int ordinal : ordinals[c]) {
                if (ordinal < 0 || ordinal >= size || seen[ordinal]) {
                    throw new CorruptIndexException(file, "list " + c + " holds ordinal " + ordinal + " badly");
                }
                seen[ordinal] = true;
            }
            total += length;
        }
        if (total != size) {
            throw new CorruptIndexException(file, "lists hold " + total + " of " + size + " vectors");
        }
        return ordinals;
    }

    /**
     * The lists' ordinals back to back (the scan order an arranged column is built in); {@code listStart} (one longer
     * than {@code lists}) receives where each list starts, its last entry the total.
     */
    static int[] order(int[][] lists, int size, int[] listStart) {
        int[] order = new int[size];
        int slot = 0;
        for (int c = 0; c < lists.length; c++) {
            listStart[c] = slot;
            System.arraycopy(lists[c], 0, order, slot, lists[c].length);
            slot += lists[c].length;
        }
        listStart[lists.length] = slot;
        return order;
    }
}
