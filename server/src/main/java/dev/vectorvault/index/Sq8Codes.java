package dev.vectorvault.index;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A segment's vectors in 8-bit scalar quantization (SQ8), one byte per dimension: per dimension the range
 * {@code [min, max]} of the segment's values is cut into 255 equal steps and each component is stored as its nearest
 * step. Rows are in the order the owning index scans them (list order for IVF_SQ8, ordinals for HNSW_SQ).
 *
 * <p>Distances are asymmetric: the float query against the decoded codes, never a quantized query. The decoded
 * component is {@code centre[d] + step[d] * s} with {@code s} the stored signed byte ({@code centre = min + 128 step}),
 * so a query's inner product with a row is {@code bias + sum(query[d] * step[d] * s)}: one multiply-add per dimension
 * on a sign-extended byte, the per-dimension scale folded into the query once per search ({@link Query}). L2 expands to
 * {@code |q|^2 - 2 q.y + |y|^2} with {@code |y|^2} kept per row; COSINE quantizes each vector divided by its norm (the
 * range then covers directions, not lengths) and divides by the decoded row's norm, kept per row as its inverse; IP
 * needs nothing per row. Distances follow {@link MetricType#distance} (smaller better, {@link MetricType#scoreOf} gives
 * the score), so an index ranks code distances and float distances alike.
 *
 * <p>Immutable; thread-safe.
 */
final class Sq8Codes {
    private static final int LEVELS = 255;

    final MetricType metric;
    final int dim;
    final int rows;
    /** Per dimension: the value of stored byte 0 and the width of one step. */
    final float[] centre;
    final float[] step;
    /** Row {@code r} at {@code [r * dim, (r + 1) * dim)}. */
    final byte[] codes;
    /** Per row: L2 the decoded squared norm, COSINE the inverse decoded norm (0 for a zero row), IP none. */
    private final float[] rowTerm;

    private Sq8Codes(MetricType metric, int dim, float[] centre, float[] step, byte[] codes) {
        this.metric = metric;
        this.dim = dim;
        this.rows = dim == 0 ? 0 : codes.length / dim;
        this.centre = centre;
        this.step = step;
        this.codes = codes;
        this.rowTerm = metric == MetricType.IP ? new float[0] : rowTerms();
    }

    /**
     * Trains the ranges on every vector and encodes them.
     *
     * @param order row {@code r} encodes ordinal {@code order[r]}; null for ordinal order
     */
    static Sq8Codes encode(VectorColumn.View vectors, MetricType metric, int[] order) {
        int dim = vectors.dim;
        int rows = vectors.size;
        float[] min = new float[dim];
        float[] max = new float[dim];
        java.util.Arrays.fill(min, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
        float[] vector = new float[dim];
        for (int r = 0; r < rows; r++) {
            read(vectors, metric, order == null ? r : order[r], vector);
            for (int d = 0; d < dim; d++) {
                min[d] = Math.min(min[d], vector[d]);
                max[d] = Math.max(max[d], vector[d]);
            }
        }
        float[] centre = new float[dim];
        float[] step = new float[dim];
        for (int d = 0; d < dim; d++) {
            if (rows == 0) {
                continue;
            }
            step[d] = (max[d] - min[d]) / LEVELS;
            centre[d] = min[d] + 128 * step[d];
        }
        byte[] codes = new byte[Math.multiplyExact(rows, dim)];
        for (int r = 0; r < rows; r++) {
            read(vectors, metric, order == null ? r : order[r], vector);
            for (int d = 0; d < dim; d++) {
                codes[r * dim + d] = quantize(vector[d], centre[d], step[d]);
            }
        }
        return new Sq8Codes(metric, dim, centre, step, codes);
    }

    /** A vector as it is quantized: unit length for COSINE (so the ranges cover directions), as stored otherwise. */
    private static void read(VectorColumn.View vectors, MetricType metric, int ordinal, float[] out) {
        vectors.decode(ordinal, out, 0);
        metric.prepareStored(out, 0, out.length, vectors.norm(ordinal));
    }

    private static byte quantize(float value, float centre, float step) {
        if (step == 0f) {
            return 0;
        }
        long level = Math.round((value - centre) / step);
        return (byte) Math.max(-128, Math.min(127, level));
    }

    private float[] rowTerms() {
        float[] terms = new float[rows];
        for (int r = 0; r < rows; r++) {
            double squared = 0;
            for (int d = 0; d < dim; d++) {
                double value = centre[d] + (double) step[d] * codes[r * dim + d];
                squared += value * value;
            }
            terms[r] = metric == MetricType.L2 ? (float) squared
                    : squared == 0 ? 0f : (float) (1 / Math.sqrt(squared));
        }
        return terms;
    }

    /** One search's query, prepared against the codes once. */
    static final class Query {
        final float[] scaled;
        final float bias;
        final float squaredNorm;

        private Query(float[] scaled, float bias, float squaredNorm) {
            this.scaled = scaled;
            this.bias = bias;
            this.squaredNorm = squaredNorm;
        }
    }

    /** @param prepared the query after {@link MetricType#prepareQuery} (unit length for COSINE) */
    Query prepare(float[] prepared) {
        float[] scaled = new float[dim];
        double bias = 0;
        double squaredNorm = 0;
        for (int d = 0; d < dim; d++) {
            scaled[d] = prepared[d] * step[d];
            bias += (double) prepared[d] * centre[d];
            squaredNorm += (double) prepared[d] * prepared[d];
        }
        return new Query(scaled, (float) bias, (float) squaredNorm);
    }

    /** The metric's distance from the query to row {@code row}'s decoded vector; smaller is better. */
    float distance(Query query, int row) {
        // Codes are signed bytes scaled per dimension: the Int8 vectors' widening kernel (SIMD where available).
        float dot = query.bias + NarrowKernels.dotInt8(query.scaled, 0, codes, row * dim, dim);
        return switch (metric) {
            case L2 -> Math.max(0f, query.squaredNorm - 2 * dot + rowTerm[row]);
            case COSINE -> -dot * rowTerm[row];
            default -> -dot;
        };
    }

    /** Heap bytes: the codes, the per-row terms and the two per-dimension arrays. */
    long memoryBytes() {
        return codes.length + 4L * rowTerm.length + 8L * dim + 48L;
    }

    // ------------------------------------------------------------------ persistence (a section of index bodies)

    /** Writes centre, step and the codes; the per-row terms are derived again on read. */
    void write(DataOutput out) throws IOException {
        IndexFile.writeFloats(out, centre);
        IndexFile.writeFloats(out, step);
        out.write(codes);
    }

    /** Reads what {@link #write} wrote, for {@code rows} rows of {@code dim} dimensions. */
    static Sq8Codes read(String file, DataInput in, MetricType metric, int dim, int rows) throws IOException {
        float[] centre = new float[dim];
        float[] step = new float[dim];
        IndexFile.readFloats(in, centre);
        IndexFile.readFloats(in, step);
        for (int d = 0; d < dim; d++) {
            if (!Float.isFinite(centre[d]) || !(step[d] >= 0f) || !Float.isFinite(step[d])) {
                throw new CorruptIndexException(file, "quantizer range of dimension " + d + " is not finite");
            }
        }
        byte[] codes = new byte[Math.multiplyExact(rows, dim)];
        in.readFully(codes);
        return new Sq8Codes(metric, dim, centre, step, codes);
    }
}
