package dev.vectorvault.index;

import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.io.ObjectStore;
import java.util.Locale;
import java.util.Map;

/**
 * The kinds that build nothing: the column is searched exactly ({@link FlatIndex} for float fields,
 * {@link BinaryColumn#search} for binary ones), with no parameters and no file. Milvus's FLAT and BIN_FLAT differ only
 * in the fields and metrics they take, so they are one class with two instances.
 */
final class ExactKind implements IndexKind {
    /** Milvus's FLAT on float (and float16, bfloat16, int8) vector fields. */
    static final ExactKind FLAT = new ExactKind("FLAT", "flat", false);
    /** Milvus's BIN_FLAT on BinaryVector fields; metrics HAMMING (default) and JACCARD. */
    static final ExactKind BIN_FLAT = new ExactKind("BIN_FLAT", "bin_flat", true);

    private final String name;
    private final String fileKind;
    private final boolean binary;

    private ExactKind(String name, String fileKind, boolean binary) {
        this.name = name;
        this.fileKind = fileKind;
        this.binary = binary;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean builds() {
        return false;
    }

    @Override
    public boolean binary() {
        return binary;
    }

    @Override
    public MetricType checkMetric(RequestedMetric requested) {
        return binary ? checkBinaryMetric(requested, name) : IndexKind.super.checkMetric(requested);
    }

    /**
     * HAMMING when none is named (Milvus's default for binary fields), else the named binary metric. SUBSTRUCTURE and
     * SUPERSTRUCTURE (Milvus's BIN_FLAT match tests) are refused by name: they answer which rows contain or are
     * contained in the query, not a ranking by distance, and this server does not run them.
     */
    static MetricType checkBinaryMetric(RequestedMetric requested, String kind) {
        if (!requested.isNamed()) {
            return MetricType.HAMMING;
        }
        String metricName = requested.name().trim().toUpperCase(Locale.ROOT);
        if (metricName.equals("SUBSTRUCTURE") || metricName.equals("SUPERSTRUCTURE")) {
            throw MilvusException.invalidParameter("metric type " + metricName + " is not supported by this server for "
                    + kind + ", supported: " + MetricType.binaryMetrics());
        }
        return requested.metric().filter(MetricType::binary).orElseThrow(() ->
                MilvusException.invalidParameter("metric type " + requested.name() + " not found or not supported"
                        + " for " + kind + ", supported: " + MetricType.binaryMetrics()));
    }

    @Override
    public IndexParams parse(Map<String, String> params) {
        return IndexParams.NONE;
    }

    @Override
    public SearchParams parseSearch(Map<String, String> params, int window) {
        return SearchParams.NONE;
    }

    @Override
    public VectorIndex build(FieldVectors vectors, MetricType metric, IndexParams params, int threads,
            BuildProgress progress) {
        throw new UnsupportedOperationException(name + " searches the column exactly; there is nothing to build");
    }

    @Override
    public VectorIndex read(ObjectStore store, String name, FieldVectors vectors, MetricType metric) {
        throw new UnsupportedOperationException(this.name + " has no index file");
    }

    @Override
    public String fileKind() {
        return fileKind;
    }

    @Override
    public int fileVersion() {
        return 0;
    }

    @Override
    public String toString() {
        return name;
    }
}
