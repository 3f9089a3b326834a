package dev.vectorvault.index;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A fingerprint of the vectors an index was built over (count, dimension and a CRC32C of up to 64 evenly spaced
 * vectors), stored in index files so that loading one over other vectors is refused rather than silently wrong.
 *
 * <p>Frozen by the format: version 1 files (written while indexes kept a copy of the vectors, COSINE ones normalised)
 * hash each sampled vector in the form {@link MetricType#prepareStored} gives it, big-endian. Indexes no longer copy
 * the vectors, so only the 64 samples are prepared here, into a scratch array.
 */
final class VectorFingerprint {
    private static final int SAMPLES = 64;

    private VectorFingerprint() {}

    static long of(VectorColumn.View vectors, MetricType metric) {
        int dim = vectors.dim;
        int size = vectors.size;
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocate(4 * dim);
        float[] sample = new float[dim];
        int samples = Math.min(SAMPLES, size);
        for (int s = 0; s < samples; s++) {
            int ordinal = (int) ((long) s * size / samples);
            vectors.decode(ordinal, sample, 0);
            metric.prepareStored(sample, 0, dim, vectors.norm(ordinal));
            buffer.clear();
            buffer.asFloatBuffer().put(sample, 0, dim);
            crc.update(buffer.array(), 0, buffer.capacity());
        }
        return ((long) size << 32) ^ ((long) dim << 48) ^ crc.getValue();
    }

    /**
     * Reads the header every index body starts with (metric wire name, dim, size, fingerprint) and refuses a file
     * built over other vectors or another metric.
     */
    static void checkHeader(String file, java.io.DataInput in, VectorColumn.View vectors, MetricType metric)
            throws java.io.IOException {
        String metricName = in.readUTF();
        int dim = in.readInt();
        int size = in.readInt();
        long fingerprint = in.readLong();
        if (!metricName.equals(metric.wireName()) || dim != vectors.dim || size != vectors.size
                || fingerprint != of(vectors, metric)) {
            throw new CorruptIndexException(file, "built over other vectors: " + metricName + " " + size + " x "
                    + dim + ", loading " + metric + " " + vectors.size + " x " + vectors.dim);
        }
    }
}
