package dev.vectorvault.index;

import dev.vectorvault.common.MilvusException;
import java.util.Map;

/** Reads integer index and search parameters from Milvus's string maps, with Milvus's messages. */
public final class ParamReader {
    private ParamReader() {}

    /**
     * An integer parameter in {@code [min, max]}, absent or blank giving {@code fallback}; Milvus's wording otherwise:
     * "param 'M' (4096) should be in range [2, 2048]".
     *
     * @throws MilvusException 1100 (invalid parameter) for a value that is not an integer or out of range
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

    /**
     * A decimal parameter in {@code [min, max)} (or {@code [min, max]} when {@code maxInclusive}), absent or blank
     * giving {@code fallback}: "param 'drop_ratio_search' (1.5) should be in range [0, 1)".
     *
     * @throws MilvusException 1100 (invalid parameter) for a value that is not a number or out of range
     */
    public static double doubleParam(Map<String, String> params, String name, double fallback, double min,
                                     double max, boolean maxInclusive) {
        String raw = params.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        double value;
        try {
            value = Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw MilvusException.invalidParameter("param '" + name + "' (" + raw + ") should be a number");
        }
        if (!(value >= min && (maxInclusive ? value <= max : value < max))) {
            throw MilvusException.invalidParameter("param '" + name + "' (" + raw.trim() + ") should be in range ["
                    + min + ", " + max + (maxInclusive ? "]" : ")"));
        }
        return value;
    }
}
