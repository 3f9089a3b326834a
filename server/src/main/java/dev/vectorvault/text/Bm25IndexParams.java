package dev.vectorvault.text;

import dev.vectorvault.index.ParamReader;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The BM25 parameters of an index on a BM25 output field, as Milvus reads them: {@code bm25_k1} in [0, 3] (default
 * 1.2), {@code bm25_b} in [0, 1] (default 0.75) and {@code bm25_avgdl} (default 100), which Milvus's engine only
 * uses as a placeholder while building: searches use the collection's actual average length, here too.
 */
public final class Bm25IndexParams {
    public static final String K1 = "bm25_k1";
    public static final String B = "bm25_b";
    public static final String AVGDL = "bm25_avgdl";

    private Bm25IndexParams() {}

    /** {@code params} with the missing BM25 parameters set to Milvus's defaults, checked. */
    public static Map<String, String> withDefaults(Map<String, String> params) {
        Map<String, String> out = new LinkedHashMap<>(params);
        out.putIfAbsent(K1, "1.2");
        out.putIfAbsent(B, "0.75");
        out.putIfAbsent(AVGDL, "100");
        of(out);
        ParamReader.doubleParam(out, AVGDL, 100, Double.MIN_VALUE, Double.MAX_VALUE, true);
        return out;
    }

    /** The k1 and b of an index's (or a search's) params. */
    public static Bm25 of(Map<String, String> params) {
        float k1 = (float) ParamReader.doubleParam(params, K1, Bm25.DEFAULT_K1, 0, 3, true);
        float b = (float) ParamReader.doubleParam(params, B, Bm25.DEFAULT_B, 0, 1, true);
        return new Bm25(k1, b);
    }
}
