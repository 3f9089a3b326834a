package dev.vectorvault.index;

import dev.vectorvault.storage.io.ObjectStore;
import java.util.Map;

/**
 * Milvus's IVF_SQ8 ({@link IvfSq8Index}): IVF_FLAT's parameters with IVF_FLAT's ranges and defaults, build parameter
 * {@code nlist} and search parameter {@code nprobe} (the same {@link IvfFlatKind.Search}).
 */
final class IvfSq8Kind implements IndexKind {
    static final IvfSq8Kind INSTANCE = new IvfSq8Kind();

    private IvfSq8Kind() {}

    @Override
    public String name() {
        return "IVF_SQ8";
    }

    @Override
    public boolean builds() {
        return true;
    }

    @Override
    public IndexParams parse(Map<String, String> params) {
        return IvfFlatKind.INSTANCE.parse(params);
    }

    @Override
    public SearchParams parseSearch(Map<String, String> params, int window) {
        return IvfFlatKind.INSTANCE.parseSearch(params, window);
    }

    @Override
    public VectorIndex build(FieldVectors vectors, MetricType metric, IndexParams params, int threads,
            BuildProgress progress) {
        return IvfSq8Index.build((VectorColumn) vectors, metric, (IvfParams) params, threads, progress);
    }

    @Override
    public VectorIndex read(ObjectStore store, String name, FieldVectors vectors, MetricType metric) {
        return IvfSq8Index.read(store, name, (VectorColumn) vectors, metric);
    }

    @Override
    public String fileKind() {
        return IvfSq8Index.FILE_KIND;
    }

    @Override
    public int fileVersion() {
        return IvfSq8Index.FILE_VERSION;
    }

    @Override
    public String toString() {
        return name();
    }
}
