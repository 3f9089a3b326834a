package dev.vectorvault.index;

import dev.vectorvault.storage.io.ObjectStore;
import java.util.Map;

/**
 * Milvus's IVF_FLAT ({@link IvfFlatIndex}): build parameter {@code nlist} (default {@value IvfParams#DEFAULT_NLIST},
 * Milvus's range [1, 65536]); search parameter {@code nprobe} (default {@value #DEFAULT_NPROBE}, Knowhere's, at most
 * {@value #MAX_NPROBE}).
 */
final class IvfFlatKind implements IndexKind {
    static final IvfFlatKind INSTANCE = new IvfFlatKind();
    static final int DEFAULT_NPROBE = 8;
    static final int MAX_NPROBE = 65_536;

    /** IVF's search parameter: the lists to scan. */
    record Search(int nprobe) implements SearchParams {}

    private IvfFlatKind() {}

    @Override
    public String name() {
        return "IVF_FLAT";
    }

    @Override
    public boolean builds() {
        return true;
    }

    @Override
    public IndexParams parse(Map<String, String> params) {
        return new IvfParams(ParamReader.intParam(params, "nlist", IvfParams.DEFAULT_NLIST, IvfParams.MIN_NLIST,
                IvfParams.MAX_NLIST), IndexParams.DEFAULT_SEED);
    }

    @Override
    public SearchParams parseSearch(Map<String, String> params, int window) {
        return new Search(ParamReader.intParam(params, "nprobe", DEFAULT_NPROBE, 1, MAX_NPROBE));
    }

    @Override
    public VectorIndex build(FieldVectors vectors, MetricType metric, IndexParams params, int threads,
            BuildProgress progress) {
        return IvfFlatIndex.build((VectorColumn) vectors, metric, (IvfParams) params, threads, progress);
    }

    @Override
    public VectorIndex read(ObjectStore store, String name, FieldVectors vectors, MetricType metric) {
        return IvfFlatIndex.read(store, name, (VectorColumn) vectors, metric);
    }

    @Override
    public String fileKind() {
        return IvfFlatIndex.FILE_KIND;
    }

    @Override
    public int fileVersion() {
        return IvfFlatIndex.FILE_VERSION;
    }

    @Override
    public String toString() {
        return name();
    }
}
