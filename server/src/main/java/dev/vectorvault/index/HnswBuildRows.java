package dev.vectorvault.index;

/**
 * The layer-0 link rows of a graph being built, each stored directly in front of a copy of its node's vector, as
 * hnswlib lays out its level-0 block: a row is {@code 1 + 2M} ints (a count, then the neighbours), then the vector's
 * {@code dim} floats as their int bits. Expanding a node during the build then reads the link row that shares cache
 * lines with the vector loaded when the node was scored, instead of a line of a separate link array.
 *
 * <p>The copy of the vectors lives only while the graph is built: {@link #copyLinksInto} hands the rows to the
 * index's own {@code links0} layout and drops each chunk once copied. Extra build memory per vector: {@code 4 * dim}
 * bytes (512 at dim 128), plus, during that final copy, one chunk's worth of link rows. Columns of narrow encodings
 * (FLOAT16, BFLOAT16, INT8) keep only the link rows here and score through the column as before.
 *
 * <p>The vector part is written once, before any inserting thread starts, and only read afterwards; the link rows
 * follow the builder's locking rules.
 */
final class HnswBuildRows {
    /** Ints per chunk at most: a chunk stays far below the largest array the JVM allocates. */
    private static final int CHUNK_INTS = 1 << 26;
    private static final int INTS_PER_LINE = 16;

    private final VectorColumn.View vectors;
    private final MetricType metric;
    private final int dim;
    private final int stride0;
    /** Whether the vectors are copied in; false for narrow encodings, metrics without a dense kernel, and tests. */
    final boolean interleaved;
    final int recordInts;
    final int chunkShift;
    final int chunkMask;
    final int[][] chunks;

    HnswBuildRows(VectorColumn.View vectors, MetricType metric, int stride0, boolean interleave) {
        this.vectors = vectors;
        this.metric = metric;
        this.dim = vectors.dim;
        this.stride0 = stride0;
        this.interleaved = interleave && vectors.vectors != null
                && (metric == MetricType.L2 || metric == MetricType.IP || metric == MetricType.COSINE);
        this.recordInts = stride0 + (interleaved ? dim : 0);
        this.chunkShift = 31 - Integer.numberOfLeadingZeros(Math.max(1, CHUNK_INTS / recordInts));
        this.chunkMask = (1 << chunkShift) - 1;
        int size = vectors.size;
        int chunkCount = (int) (((long) size + chunkMask) >>> chunkShift);
        this.chunks = new int[chunkCount][];
        float[] vector = new float[dim];
        for (int c = 0; c < chunkCount; c++) {
            int first = c << chunkShift;
            int nodes = Math.min(size - first, 1 << chunkShift);
            int[] chunk = new int[nodes * recordInts];
            if (interleaved) {
                for (int i = 0; i < nodes; i++) {
                    vectors.decode(first + i, vector, 0);
                    int at = i * recordInts + stride0;
                    for (int d = 0; d < dim; d++) {
                        chunk[at + d] = Float.floatToRawIntBits(vector[d]);
                    }
                }
            }
            chunks[c] = chunk;
        }
    }

    int[] chunkOf(int node) {
        return chunks[node >>> chunkShift];
    }

    /** Where {@code node}'s record (its link row's count) starts in {@link #chunkOf}. */
    int baseOf(int node) {
        return (node & chunkMask) * recordInts;
    }

    /** The builder's distance between two nodes: the metric's {@link MetricType#distanceBetween}, bit for bit. */
    float distance(int a, int b) {
        if (!interleaved) {
            return metric.distanceBetween(vectors, a, b);
        }
        int[] chunkA = chunks[a >>> chunkShift];
        int atA = (a & chunkMask) * recordInts + stride0;
        int[] chunkB = chunks[b >>> chunkShift];
        int atB = (b & chunkMask) * recordInts + stride0;
        return switch (metric) {
            case L2 -> DistanceKernels.squaredL2Bits(chunkA, atA, chunkB, atB, dim);
            case IP -> -DistanceKernels.dotBits(chunkA, atA, chunkB, atB, dim);
            default -> -DistanceKernels.cosine(DistanceKernels.dotBits(chunkA, atA, chunkB, atB, dim),
                    vectors.norm(a), vectors.norm(b));
        };
    }

    /**
     * Reads one int in every cache line of each listed node's record (its link row and vector) and returns their
     * sum, which means nothing: as {@link VectorColumn.View#touch}, the independent loads let the misses overlap.
     */
    int touch(int[] nodes, int count) {
        if (!interleaved) {
            return (int) vectors.touch(nodes, count);
        }
        int sum = 0;
        for (int i = 0; i < count; i++) {
            int node = nodes[i];
            int[] chunk = chunks[node >>> chunkShift];
            int at = (node & chunkMask) * recordInts;
            for (int d = 0; d < recordInts; d += INTS_PER_LINE) {
                sum += chunk[at + d];
            }
            sum += chunk[at + recordInts - 1];
        }
        return sum;
    }

    /** Copies every link row into {@code links0} ({@code stride0} ints per node), dropping each chunk once copied. */
    void copyLinksInto(int[] links0) {
        for (int c = 0; c < chunks.length; c++) {
            int[] chunk = chunks[c];
            int first = c << chunkShift;
            int nodes = chunk.length / recordInts;
            for (int i = 0; i < nodes; i++) {
                System.arraycopy(chunk, i * recordInts, links0, (first + i) * stride0, stride0);
            }
            chunks[c] = null;
        }
    }
}
