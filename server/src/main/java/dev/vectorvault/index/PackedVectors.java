package dev.vectorvault.index;

/**
 * A contiguous copy of a column's vectors, prepared for one metric, plus that metric as a distance where smaller is
 * better. Graph search jumps between unrelated vectors; one flat array keeps each vector in consecutive cache lines
 * and makes its address one multiplication. COSINE vectors are normalised once here, so every comparison is a plain
 * inner product (a zero vector stays zero, and scores 0 against anything, as in {@link FlatIndex}).
 *
 * <p>Distances: L2 is the squared distance; IP and COSINE are the negated inner product. {@link #score} turns a
 * distance back into Milvus's score. Immutable after construction; thread-safe.
 */
final class PackedVectors {
    final int size;
    final int dim;
    final float[] data;
    final MetricType metric;
    private final boolean l2;

    private PackedVectors(int size, int dim, float[] data, MetricType metric) {
        this.size = size;
        this.dim = dim;
        this.data = data;
        this.metric = metric;
        this.l2 = metric == MetricType.L2;
    }

    /** Copies the vectors that exist now (later appends are not part of the copy). */
    static PackedVectors copyOf(VectorColumn column, MetricType metric) {
        VectorColumn.View view = column.view();
        long floats = (long) view.size * view.dim;
        if (floats > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(view.size + " vectors of dim " + view.dim
                    + " exceed one index's capacity of " + (Integer.MAX_VALUE - 8) + " floats");
        }
        float[] data = new float[(int) floats];
        int dim = view.dim;
        for (int ordinal = 0; ordinal < view.size; ordinal++) {
            int chunk = ordinal >>> view.chunkShift;
            int slot = ordinal & view.chunkMask;
            System.arraycopy(view.vectors[chunk], slot * dim, data, ordinal * dim, dim);
            if (metric == MetricType.COSINE) {
                scale(data, ordinal * dim, dim, view.norms[chunk][slot]);
            }
        }
        return new PackedVectors(view.size, dim, data, metric);
    }

    /** The query as the distances expect it: a normalised copy for COSINE, the query itself otherwise. */
    float[] prepareQuery(float[] query) {
        VectorColumn.requireVector(query, dim, "query");
        if (metric != MetricType.COSINE) {
            return query;
        }
        float[] copy = query.clone();
        scale(copy, 0, dim, DistanceKernels.norm(copy, 0, dim));
        return copy;
    }

    float distance(float[] query, int ordinal) {
        return l2 ? DistanceKernels.squaredL2(query, 0, data, ordinal * dim, dim)
                : -DistanceKernels.dot(query, 0, data, ordinal * dim, dim);
    }

    /** Distance between two stored vectors. */
    float distanceBetween(int a, int b) {
        return l2 ? DistanceKernels.squaredL2(data, a * dim, data, b * dim, dim)
                : -DistanceKernels.dot(data, a * dim, data, b * dim, dim);
    }

    /** Milvus's score for a distance from this class. */
    float score(float distance) {
        return switch (metric) {
            case L2 -> distance;
            case IP -> -distance;
            // Normalised inputs can land a few ulps outside [-1, 1]; FlatIndex clamps too.
            case COSINE -> Math.max(-1f, Math.min(1f, -distance));
        };
    }

    long memoryBytes() {
        return 4L * data.length;
    }

    /** Divides a vector by its norm in place; a zero vector is left as it is. */
    static void scale(float[] values, int offset, int dim, float norm) {
        if (norm == 0f) {
            return;
        }
        float inverse = 1f / norm;
        for (int i = 0; i < dim; i++) {
            values[offset + i] *= inverse;
        }
    }
}
