package dev.vectorvault.index;

import dev.vectorvault.storage.io.ObjectStore;
import java.util.Map;

/**
 * Milvus's FLAT: exact search over the column ({@link FlatIndex}), nothing built, no parameters, no file.
 */
final class FlatKind implements IndexKind {
    static final FlatKind INSTANCE = new FlatKind();

    private FlatKind() {}

    @Override
    public String name() {
        return "FLAT";
    }

    @Override
    public boolean builds() {
        return false;
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
        throw new UnsupportedOperationException("FLAT searches the column exactly; there is nothing to build");
    }

    @Override
    public VectorIndex read(ObjectStore store, String name, FieldVectors vectors, MetricType metric) {
        throw new UnsupportedOperationException("FLAT has no index file");
    }

    @Override
    public String fileKind() {
        return "flat";
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
