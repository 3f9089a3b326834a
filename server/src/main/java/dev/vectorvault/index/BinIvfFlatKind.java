package dev.vectorvault.index;

import dev.vectorvault.storage.io.ObjectStore;
import java.util.Map;

/**
 * Milvus's BIN_IVF_FLAT ({@link BinaryIvfIndex}) on BinaryVector fields: build parameter {@code nlist} (default
 * {@value IvfParams#DEFAULT_NLIST}, range [1, 65536]), search parameter {@code nprobe} (default
 * {@value IvfFlatKind#DEFAULT_NPROBE}); metrics HAMMING (default) and JACCARD.
 */
final class BinIvfFlatKind implements IndexKind {
    static final BinIvfFlatKind INSTANCE = new BinIvfFlatKind();

    /** The lists to scan. */
    record Search(int nprobe) implements SearchParams {}

    private BinIvfFlatKind() {}

    @Override
    public String name() {
        return "BIN_IVF_FLAT";
    }

    @Override
    public boolean builds() {
        return true;
    }

    @Override
    public boolean binary() {
        return true;
    }

    @Override
    public MetricType checkMetric(RequestedMetric requested) {
        return ExactKind.checkBinaryMetric(requested, name());
    }

    @Override
    public IndexParams parse(Map<String, String> params) {
        return new IvfParams(ParamReader.intParam(params, "nlist", IvfParams.DEFAULT_NLIST, IvfParams.MIN_NLIST,
                IvfParams.MAX_NLIST), IndexParams.DEFAULT_SEED);
    }

    @Override
    public SearchParams parseSearch(Map<String, String> params, int window) {
        return new Search(ParamReader.intParam(params, "nprobe", IvfFlatKind.DEFAULT_NPROBE, 1,
                IvfFlatKind.MAX_NPROBE));
    }

    @Override
    public VectorIndex build(FieldVectors vectors, MetricType metric, IndexParams params, int threads,
            BuildProgress progress) {
        return BinaryIvfIndex.build((BinaryColumn) vectors, metric, (IvfParams) params, threads, progress);
    }

    @Override
    public VectorIndex read(ObjectStore store, String name, FieldVectors vectors, MetricType metric) {
        return BinaryIvfIndex.read(store, name, (BinaryColumn) vectors, metric);
    }

    @Override
    public String fileKind() {
        return BinaryIvfIndex.FILE_KIND;
    }

    @Override
    public int fileVersion() {
        return BinaryIvfIndex.FILE_VERSION;
    }

    @Override
    public String toString() {
        return name();
    }
}
