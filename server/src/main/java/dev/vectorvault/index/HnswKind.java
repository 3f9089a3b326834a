package dev.vectorvault.index;

import dev.vectorvault.storage.io.ObjectStore;
import java.util.Map;

/**
 * Milvus's HNSW ({@link HnswIndex}): build parameters {@code M} (default {@value HnswParams#DEFAULT_M}, Milvus's
 * range [2, 2048]) and {@code efConstruction} (default {@value HnswParams#DEFAULT_EF_CONSTRUCTION}, at least 1);
 * search parameter {@code ef} (default {@value #DEFAULT_EF}, at most {@value #MAX_EF}, never below topk + offset).
 */
final class HnswKind implements IndexKind {
    static final HnswKind INSTANCE = new HnswKind();
    /** The search beam when the request names none (ours). */
    static final int DEFAULT_EF = 64;
    /** Milvus's upper bound for {@code ef}. */
    static final int MAX_EF = 32_768;

    /** HNSW's search parameter: the beam, already raised to the result window. */
    record Search(int ef) implements SearchParams {}

    private HnswKind() {}

    @Override
    public String name() {
        return "HNSW";
    }

    @Override
    public boolean builds() {
        return true;
    }

    @Override
    public IndexParams parse(Map<String, String> params) {
        return new HnswParams(
                ParamReader.intParam(params, "M", HnswParams.DEFAULT_M, HnswParams.MIN_M, HnswParams.MAX_M),
                ParamReader.intParam(params, "efConstruction", HnswParams.DEFAULT_EF_CONSTRUCTION,
                        HnswParams.MIN_EF_CONSTRUCTION, HnswParams.MAX_EF_CONSTRUCTION),
                IndexParams.DEFAULT_SEED);
    }

    @Override
    public SearchParams parseSearch(Map<String, String> params, int window) {
        return new Search(Math.max(window, ParamReader.intParam(params, "ef", DEFAULT_EF, 1, MAX_EF)));
    }

    @Override
    public VectorIndex build(FieldVectors vectors, MetricType metric, IndexParams params, int threads,
            BuildProgress progress) {
        return HnswIndex.build((VectorColumn) vectors, metric, (HnswParams) params, threads, progress);
    }

    @Override
    public VectorIndex read(ObjectStore store, String name, FieldVectors vectors, MetricType metric) {
        return HnswIndex.read(store, name, (VectorColumn) vectors, metric);
    }

    @Override
    public String fileKind() {
        return HnswIndex.FILE_KIND;
    }

    @Override
    public int fileVersion() {
        return HnswIndex.FILE_VERSION;
    }

    @Override
    public String toString() {
        return name();
    }
}
