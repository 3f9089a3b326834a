package dev.vectorvault.index;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Similarity metrics with Milvus's names and score semantics, each carrying its own behaviour (after JVector's
 * {@code VectorSimilarityFunction}): its wire name, the direction of "better", the exact score Milvus reports, the
 * distance that graph and list searches order candidates by, and how a vector is prepared for that distance. Nothing
 * outside this type decides anything by metric.
 *
 * <p>Two numbers per comparison, on purpose:
 * <ul>
 *   <li>{@link #score} is what a client sees, computed the same way by every index (FLAT, HNSW, IVF) so one vector
 *       gets one score whichever path found it: L2 is the squared distance (no square root, as in Milvus), smaller is
 *       better; IP the inner product, larger is better; COSINE the cosine in [-1, 1], larger is better, 0 when either
 *       vector is the zero vector.</li>
 *   <li>{@link #distance} is the search's internal order, smaller always better, against a query passed through
 *       {@link #prepareQuery}. COSINE prepares the query by normalising it and divides each inner product by the
 *       stored vector's norm (kept per vector by {@link VectorColumn}), so stored vectors are never copied or
 *       normalised. {@link #scoreOf} turns a distance back into the score; for COSINE it agrees with {@link #score}
 *       to within float rounding (a few ulps).</li>
 * </ul>
 * Stateless and thread-safe.
 */
public enum MetricType {
    /** Squared Euclidean distance (no square root, as in Milvus); smaller is better. */
    L2 {
        @Override
        public boolean higherIsBetter() {
            return false;
        }

        @Override
        float score(KernelPath kernels, float[] query, float queryNorm, float[] data, int offset, float norm,
                int dim) {
            return kernels.squaredL2(query, 0, data, offset, dim);
        }

        @Override
        float distance(float[] prepared, int preparedOffset, float[] data, int offset, float norm, int dim) {
            return DistanceKernels.squaredL2(prepared, preparedOffset, data, offset, dim);
        }

        @Override
        float score(KernelPath kernels, float[] query, float queryNorm, VectorColumn.View vectors, int slot) {
            return vectors.squaredL2At(kernels, query, slot);
        }

        @Override
        float distance(float[] prepared, VectorColumn.View vectors, int ordinal) {
            return vectors.squaredL2(prepared, ordinal);
        }

        @Override
        float distanceBetween(VectorColumn.View vectors, int a, int b) {
            return vectors.squaredL2Between(a, b);
        }

        @Override
        float scoreOf(float distance) {
            return distance;
        }
    },
    /** Inner product; larger is better. Equals cosine only for unit-length vectors. */
    IP {
        @Override
        public boolean higherIsBetter() {
            return true;
        }

        @Override
        float score(KernelPath kernels, float[] query, float queryNorm, float[] data, int offset, float norm,
                int dim) {
            return kernels.dot(query, 0, data, offset, dim);
        }

        @Override
        float distance(float[] prepared, int preparedOffset, float[] data, int offset, float norm, int dim) {
            return -DistanceKernels.dot(prepared, preparedOffset, data, offset, dim);
        }

        @Override
        float score(KernelPath kernels, float[] query, float queryNorm, VectorColumn.View vectors, int slot) {
            return vectors.dotAt(kernels, query, slot);
        }

        @Override
        float distance(float[] prepared, VectorColumn.View vectors, int ordinal) {
            return -vectors.dot(prepared, ordinal);
        }

        @Override
        float distanceBetween(VectorColumn.View vectors, int a, int b) {
            return -vectors.dotBetween(a, b);
        }

        @Override
        float scoreOf(float distance) {
            return -distance;
        }
    },
    /** Cosine similarity in [-1, 1]; larger is better. Defined as 0 when either vector is the zero vector. */
    COSINE {
        @Override
        public boolean higherIsBetter() {
            return true;
        }

        @Override
        float score(KernelPath kernels, float[] query, float queryNorm, float[] data, int offset, float norm,
                int dim) {
            return DistanceKernels.cosine(kernels.dot(query, 0, data, offset, dim), queryNorm, norm);
        }

        @Override
        float[] prepareQuery(float[] query) {
            float[] copy = query.clone();
            normalise(copy, 0, query.length, DistanceKernels.norm(copy, 0, copy.length));
            return copy;
        }

        @Override
        void prepareStored(float[] values, int offset, int dim, float norm) {
            normalise(values, offset, dim, norm);
        }

        /** The query is unit length; dividing by the stored norm makes it the cosine, zero vectors score 0. */
        @Override
        float distance(float[] prepared, int preparedOffset, float[] data, int offset, float norm, int dim) {
            return norm == 0f ? 0f : -DistanceKernels.dot(prepared, preparedOffset, data, offset, dim) / norm;
        }

        @Override
        float score(KernelPath kernels, float[] query, float queryNorm, VectorColumn.View vectors, int slot) {
            return DistanceKernels.cosine(vectors.dotAt(kernels, query, slot), queryNorm, vectors.normAt(slot));
        }

        @Override
        float distance(float[] prepared, VectorColumn.View vectors, int ordinal) {
            float norm = vectors.norm(ordinal);
            return norm == 0f ? 0f : -vectors.dot(prepared, ordinal) / norm;
        }

        @Override
        float distanceBetween(VectorColumn.View vectors, int a, int b) {
            return -DistanceKernels.cosine(vectors.dotBetween(a, b), vectors.norm(a), vectors.norm(b));
        }

        /** Rounding can carry a normalised product a few ulps past 1; clamped as {@link #score} clamps. */
        @Override
        float scoreOf(float distance) {
            return Math.max(-1f, Math.min(1f, -distance));
        }
    },
    /**
     * BM25 relevance of a text to the sparse term-frequency vector a BM25 function stored (Milvus's metric of BM25
     * output fields); larger is better. Scored by {@code text.Bm25}, never by the dense kernels below.
     */
    BM25 {
        @Override
        public boolean higherIsBetter() {
            return true;
        }

        @Override
        float score(KernelPath kernels, float[] query, float queryNorm, float[] data, int offset, float norm,
                int dim) {
            throw denseUse();
        }

        @Override
        float distance(float[] prepared, int preparedOffset, float[] data, int offset, float norm, int dim) {
            throw denseUse();
        }

        @Override
        float distance(float[] prepared, VectorColumn.View vectors, int ordinal) {
            throw denseUse();
        }

        @Override
        float distanceBetween(VectorColumn.View vectors, int a, int b) {
            throw denseUse();
        }

        @Override
        float scoreOf(float distance) {
            return -distance;
        }

        private UnsupportedOperationException denseUse() {
            return new UnsupportedOperationException("BM25 scores sparse term vectors, not dense vectors");
        }
    },
    /**
     * Hamming distance between two packed binary vectors: the number of differing bits; smaller is better. Scores
     * binary fields only ({@link BinaryKernels}), never the dense kernels.
     */
    HAMMING {
        @Override
        public boolean higherIsBetter() {
            return false;
        }

        @Override
        float distance(byte[] query, int queryOffset, byte[] data, int offset, int bytes) {
            return BinaryKernels.hamming(query, queryOffset, data, offset, bytes);
        }

        @Override
        float score(KernelPath kernels, float[] query, float queryNorm, float[] data, int offset, float norm,
                int dim) {
            throw floatUse(this);
        }

        @Override
        float distance(float[] prepared, int preparedOffset, float[] data, int offset, float norm, int dim) {
            throw floatUse(this);
        }

        @Override
        float distance(float[] prepared, VectorColumn.View vectors, int ordinal) {
            throw floatUse(this);
        }

        @Override
        float distanceBetween(VectorColumn.View vectors, int a, int b) {
            throw floatUse(this);
        }

        @Override
        float scoreOf(float distance) {
            return distance;
        }
    },
    /**
     * Jaccard distance between two packed binary vectors, {@code 1 - |a AND b| / |a OR b|} in [0, 1]; smaller is
     * better. Binary fields only, as {@link #HAMMING}.
     */
    JACCARD {
        @Override
        public boolean higherIsBetter() {
            return false;
        }

        @Override
        float distance(byte[] query, int queryOffset, byte[] data, int offset, int bytes) {
            return BinaryKernels.jaccard(query, queryOffset, data, offset, bytes);
        }

        @Override
        float score(KernelPath kernels, float[] query, float queryNorm, float[] data, int offset, float norm,
                int dim) {
            throw floatUse(this);
        }

        @Override
        float distance(float[] prepared, int preparedOffset, float[] data, int offset, float norm, int dim) {
            throw floatUse(this);
        }

        @Override
        float distance(float[] prepared, VectorColumn.View vectors, int ordinal) {
            throw floatUse(this);
        }

        @Override
        float distanceBetween(VectorColumn.View vectors, int a, int b) {
            throw floatUse(this);
        }

        @Override
        float scoreOf(float distance) {
            return distance;
        }
    };

    /** Milvus's default metric for a vector index that names none. */
    public static final MetricType DEFAULT = COSINE;

    private static final List<String> WIRE_NAMES = Arrays.stream(values()).map(MetricType::wireName).toList();

    /** Whether a larger score means a closer match. */
    public abstract boolean higherIsBetter();

    /** The name Milvus uses on the wire and in stored index definitions ({@code "L2"}, {@code "IP"}, ...). */
    public String wireName() {
        return name();
    }

    /** The metric a wire name means, ignoring case; empty for an unknown or blank name. */
    public static Optional<MetricType> fromWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String upper = name.trim().toUpperCase(Locale.ROOT);
        for (MetricType metric : values()) {
            if (metric.wireName().equals(upper)) {
                return Optional.of(metric);
            }
        }
        return Optional.empty();
    }

    /**
     * Milvus's normalisation of a score for the weighted reranker of a hybrid search ({@code norm_score}, and the
     * distance side of a mix of distances and similarities): COSINE {@code (1 + s) / 2}; IP {@code 1/2 + atan(s)/pi};
     * a distance (L2) {@code 1 - 2 atan(s)/pi}; BM25 {@code 2 atan(s)/pi}, so that larger is better for every metric. Computed step by step in
     * float32 as Milvus computes it ({@code getNormalizeFunc}), so a fused score equals Milvus's to the last bit.
     */
    public float rerankNormalised(float score) {
        float pi = (float) Math.PI;
        float atan = (float) Math.atan(score);
        return switch (this) {
            case COSINE -> (1 + score) * 0.5f;
            case IP -> 0.5f + atan / pi;
            case L2 -> 1f - 2 * atan / pi;
            case BM25 -> 2 * atan / pi;
            // Milvus normalises every other distance as it does L2.
            case HAMMING, JACCARD -> 1f - 2 * atan / pi;
        };
    }

    /** Whether this metric compares dense float vectors (L2, IP, COSINE: not BM25, not the binary metrics). */
    public boolean dense() {
        return this != BM25 && !binary();
    }

    /** Whether this metric compares packed binary vectors (HAMMING, JACCARD). */
    public boolean binary() {
        return this == HAMMING || this == JACCARD;
    }

    /** The metrics of binary vector indexes, in declaration order. */
    public static List<MetricType> binaryMetrics() {
        return Arrays.stream(values()).filter(MetricType::binary).toList();
    }

    /**
     * The distance between two packed binary vectors of {@code bytes} bytes (a binary metric's score, smaller is
     * better).
     *
     * @throws UnsupportedOperationException for a metric that does not compare binary vectors
     */
    float distance(byte[] query, int queryOffset, byte[] data, int offset, int bytes) {
        throw new UnsupportedOperationException(this + " does not compare binary vectors");
    }

    private static UnsupportedOperationException floatUse(MetricType metric) {
        return new UnsupportedOperationException(metric + " compares binary vectors, not float vectors");
    }

    /** The metrics of dense vector indexes, in declaration order. */
    public static List<MetricType> denseMetrics() {
        return Arrays.stream(values()).filter(MetricType::dense).toList();
    }

    /** Every wire name, in declaration order, for error messages. */
    public static List<String> wireNames() {
        return WIRE_NAMES;
    }

    /**
     * Milvus's score of a stored vector ({@code data[offset..offset+dim)}, Euclidean norm {@code norm}) for the raw
     * query (norm {@code queryNorm}); see the class comment for the units and direction.
     */
    abstract float score(KernelPath kernels, float[] query, float queryNorm, float[] data, int offset, float norm,
            int dim);

    /**
     * {@link #score} of the vector at {@code slot} of a column, whatever its encoding (the scans of FLAT and IVF over
     * narrow columns; float32 columns are scanned through the array form above).
     *
     * @throws UnsupportedOperationException for a metric that does not compare dense vectors
     */
    float score(KernelPath kernels, float[] query, float queryNorm, VectorColumn.View vectors, int slot) {
        throw new UnsupportedOperationException(this + " does not compare dense vectors");
    }

    /** {@link #score} on the default (Vector API when usable) kernels. */
    float score(float[] query, float queryNorm, float[] data, int offset, float norm, int dim) {
        return score(KernelPath.AUTO, query, queryNorm, data, offset, norm, dim);
    }

    /** The query as {@link #distance} expects it: a normalised copy for COSINE, the query itself otherwise. */
    float[] prepareQuery(float[] query) {
        return query;
    }

    /**
     * Brings a vector in place into the form this metric compares directly: unit length for COSINE (a zero vector
     * stays zero), unchanged otherwise. Used for k-means samples and centroids, never for a segment's own vectors.
     */
    void prepareStored(float[] values, int offset, int dim, float norm) {
        // Only COSINE compares a normalised form.
    }

    /**
     * Search order from a {@linkplain #prepareQuery prepared} query (or a centroid, at {@code preparedOffset}) to a
     * stored vector with Euclidean norm {@code norm}; smaller is better.
     */
    abstract float distance(float[] prepared, int preparedOffset, float[] data, int offset, float norm, int dim);

    /**
     * {@link #distance} to a vector of a column. Only COSINE reads the stored norm: for L2 and IP the norm array is
     * never touched, which matters because in a graph walk each read is a cache miss of its own.
     */
    abstract float distance(float[] prepared, VectorColumn.View vectors, int ordinal);

    /** Search order between two vectors of a column (graph construction); smaller is better. */
    abstract float distanceBetween(VectorColumn.View vectors, int a, int b);

    /** Milvus's score for a {@link #distance}. */
    abstract float scoreOf(float distance);

    /** Divides a vector by its norm in place; a zero vector is left as it is. */
    static void normalise(float[] values, int offset, int dim, float norm) {
        if (norm == 0f) {
            return;
        }
        float inverse = 1f / norm;
        for (int i = 0; i < dim; i++) {
            values[offset + i] *= inverse;
        }
    }
}
