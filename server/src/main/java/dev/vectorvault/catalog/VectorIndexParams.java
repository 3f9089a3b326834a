package dev.vectorvault.catalog;

import dev.vectorvault.common.MilvusException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The build parameters of an approximate (ANN) vector index, resolved from an {@link IndexDefinition}: its user
 * parameters checked against Milvus's ranges, absent ones defaulted. {@code AUTOINDEX} is HNSW with the defaults;
 * FLAT and scalar indexes have none (they search exactly).
 *
 * <p>Defaults (ours, the common hnswlib / ann-benchmarks setting): {@code M} 16, {@code efConstruction} 200; IVF's
 * {@code nlist} 128 (Knowhere's default).
 *
 * @param type           {@code HNSW} or {@code IVF_FLAT}
 * @param m              HNSW's {@code M}, in [2, 2048]; 0 for IVF_FLAT
 * @param efConstruction HNSW's {@code efConstruction}, in [1, 2147483647]; 0 for IVF_FLAT
 * @param nlist          IVF_FLAT's {@code nlist}, in [1, 65536]; 0 for HNSW
 */
public record VectorIndexParams(String type, int m, int efConstruction, int nlist) {
    public static final String HNSW = "HNSW";
    public static final String IVF_FLAT = "IVF_FLAT";
    public static final int DEFAULT_M = 16;
    public static final int DEFAULT_EF_CONSTRUCTION = 200;
    public static final int DEFAULT_NLIST = 128;

    /** Empty for indexes that search exactly (FLAT, scalar indexes). */
    public static Optional<VectorIndexParams> of(IndexDefinition index) {
        return of(index.indexType(), index.params());
    }

    /**
     * @throws MilvusException 1100 (invalid parameter) for a parameter that is not an integer or out of range
     */
    static Optional<VectorIndexParams> of(String indexType, Map<String, String> params) {
        String type = indexType.toUpperCase(Locale.ROOT);
        return switch (type) {
            case "HNSW", "AUTOINDEX" -> Optional.of(new VectorIndexParams(HNSW,
                    intParam(params, "M", DEFAULT_M, 2, 2048),
                    intParam(params, "efConstruction", DEFAULT_EF_CONSTRUCTION, 1, Integer.MAX_VALUE), 0));
            case "IVF_FLAT" -> Optional.of(new VectorIndexParams(IVF_FLAT, 0, 0,
                    intParam(params, "nlist", DEFAULT_NLIST, 1, 65_536)));
            default -> Optional.empty();
        };
    }

    /**
     * An integer index or search parameter in {@code [min, max]}, absent or blank giving {@code fallback}; Milvus's
     * wording otherwise: "param 'M' (4096) should be in range [2, 2048]".
     */
    public static int intParam(Map<String, String> params, String name, int fallback, int min, int max) {
        String raw = params.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw MilvusException.invalidParameter("param '" + name + "' (" + raw + ") should be integer");
        }
        if (value < min || value > max) {
            throw MilvusException.invalidParameter("param '" + name + "' (" + value + ") should be in range ["
                    + min + ", " + max + "]");
        }
        return (int) value;
    }
}
