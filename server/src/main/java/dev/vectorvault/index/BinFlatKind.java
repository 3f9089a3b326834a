package dev.vectorvault.index;

import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.io.ObjectStore;
import java.util.Locale;
import java.util.Map;

/**
 * Milvus's BIN_FLAT on BinaryVector fields: exact search over the column ({@link BinaryColumn#search}), nothing built,
 * no parameters, no file; metrics HAMMING (default) and JACCARD.
 */
final class BinFlatKind implements IndexKind {
    static final BinFlatKind INSTANCE = new BinFlatKind();

    private BinFlatKind() {}

    @Override
    public String name() {
        return "BIN_FLAT";
    }

    @Override
    public boolean builds() {
        return false;
    }

    @Override
    public boolean binary() {
        return true;
    }

    @Override
    public MetricType checkMetric(RequestedMetric requested) {
        return checkBinaryMetric(requested, name());
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
        String name = requested.name().trim().toUpperCase(Locale.ROOT);
        if (name.equals("SUBSTRUCTURE") || name.equals("SUPERSTRUCTURE")) {
            throw MilvusException.invalidParameter("metric type " + name + " is not supported by this server for "
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
        throw new UnsupportedOperationException("BIN_FLAT searches the column exactly; there is nothing to build");
    }

    @Override
    public VectorIndex read(ObjectStore store, String name, FieldVectors vectors, MetricType metric) {
        throw new UnsupportedOperationException("BIN_FLAT has no index file");
    }

    @Override
    public String fileKind() {
        return "bin_flat";
    }

    @Override
    public int fileVersion() {
        return 0;
    }

    @Override
    public String toString() {
        return name();
    }
}
