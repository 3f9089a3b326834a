package dev.vectorvault.index;

import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.io.ObjectStore;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Milvus's HNSW_SQ ({@link HnswSqIndex}). Build parameters: HNSW's {@code M} and {@code efConstruction} (HNSW's
 * defaults and ranges here); {@code sq_type} (Milvus takes {@value #SQ_TYPES_TEXT}, default SQ8; only SQ8 is built
 * here, the others are refused, never built as SQ8); {@code refine} ({@code true}/{@code false}, default false);
 * {@code refine_type} (Milvus takes {@value #REFINE_TYPES_TEXT}, more precise than {@code sq_type}; only FP32 is
 * built here, and it is what {@code refine} alone means). Search parameters: HNSW's {@code ef}, and {@code refine_k}
 * (a float in [1, float max), default 1: the graph's best {@code ceil(refine_k * k)} candidates are re-ranked).
 */
final class HnswSqKind implements IndexKind {
    static final HnswSqKind INSTANCE = new HnswSqKind();
    static final String SQ_TYPES_TEXT = "SQ4U, SQ6, SQ8, BF16, FP16";
    static final String REFINE_TYPES_TEXT = "SQ6, SQ8, BF16, FP16, FP32";
    private static final List<String> SQ_TYPES = List.of("SQ4U", "SQ6", "SQ8", "BF16", "FP16");
    private static final List<String> REFINE_TYPES = List.of("SQ6", "SQ8", "BF16", "FP16", "FP32");
    /** Refine types no more precise than SQ8 codes: Milvus refuses them over SQ8. */
    private static final List<String> NOT_FINER_THAN_SQ8 = List.of("SQ6", "SQ8");

    /** HNSW_SQ's search parameters: the beam (raised to the result window) and the re-rank factor. */
    record Search(int ef, double refineK) implements SearchParams {}

    private HnswSqKind() {}

    @Override
    public String name() {
        return "HNSW_SQ";
    }

    @Override
    public boolean builds() {
        return true;
    }

    @Override
    public IndexParams parse(Map<String, String> params) {
        HnswParams graph = (HnswParams) HnswKind.INSTANCE.parse(params);
        String sqType = choice(params, "sq_type", HnswSqParams.SQ8, SQ_TYPES);
        if (!sqType.equals(HnswSqParams.SQ8)) {
            throw MilvusException.invalidParameter("sq_type " + sqType + " is not supported by this server,"
                    + " supported: [SQ8]");
        }
        boolean refine = bool(params, "refine", false);
        String refineType = choice(params, "refine_type", HnswSqParams.FP32, REFINE_TYPES);
        if (refine && NOT_FINER_THAN_SQ8.contains(refineType)) {
            throw MilvusException.invalidParameter("refine_type " + refineType + " must be more precise than sq_type "
                    + sqType);
        }
        if (refine && !refineType.equals(HnswSqParams.FP32)) {
            throw MilvusException.invalidParameter("refine_type " + refineType + " is not supported by this server,"
                    + " supported: [FP32]");
        }
        return new HnswSqParams(graph, sqType, refine, HnswSqParams.FP32);
    }

    /** An upper-cased value out of Milvus's list, absent or blank giving {@code fallback}. */
    private static String choice(Map<String, String> params, String name, String fallback, List<String> allowed) {
        String raw = params.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        String value = raw.trim().toUpperCase(Locale.ROOT);
        if (!allowed.contains(value)) {
            throw MilvusException.invalidParameter("param '" + name + "' (" + raw + ") should be in " + allowed);
        }
        return value;
    }

    private static boolean bool(Map<String, String> params, String name, boolean fallback) {
        String raw = params.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw MilvusException.invalidParameter("param '" + name + "' (" + raw
                    + ") should be a boolean");
        };
    }

    @Override
    public SearchParams parseSearch(Map<String, String> params, int window) {
        int ef = ((HnswKind.Search) HnswKind.INSTANCE.parseSearch(params, window)).ef();
        double refineK = ParamReader.doubleParam(params, "refine_k", 1, 1, Float.MAX_VALUE, false);
        return new Search(ef, refineK);
    }

    @Override
    public VectorIndex build(FieldVectors vectors, MetricType metric, IndexParams params, int threads,
            BuildProgress progress) {
        return HnswSqIndex.build((VectorColumn) vectors, metric, (HnswSqParams) params, threads, progress);
    }

    @Override
    public VectorIndex read(ObjectStore store, String name, FieldVectors vectors, MetricType metric) {
        return HnswSqIndex.read(store, name, (VectorColumn) vectors, metric);
    }

    @Override
    public String fileKind() {
        return HnswSqIndex.FILE_KIND;
    }

    @Override
    public int fileVersion() {
        return HnswSqIndex.FILE_VERSION;
    }

    @Override
    public String toString() {
        return name();
    }
}
