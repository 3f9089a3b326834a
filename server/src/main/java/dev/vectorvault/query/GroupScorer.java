package dev.vectorvault.query;

import dev.vectorvault.common.MilvusException;

/**
 * How a grouped hybrid search scores a group from the fused scores of its hits ({@code rank_group_scorer}): the best
 * hit (the default), the sum, or the mean. Milvus's quirk is kept: the best-hit score starts at 0, so a group whose
 * fused scores are all negative scores 0.
 */
public enum GroupScorer {
    MAX, SUM, AVG;

    /** {@code rank_group_scorer} as Milvus reads it: absent means max; the names are matched exactly. */
    public static GroupScorer parse(String value) {
        if (value == null) {
            return MAX;
        }
        return switch (value) {
            case "max" -> MAX;
            case "sum" -> SUM;
            case "avg" -> AVG;
            default -> throw MilvusException.invalidParameter("input group scorer type: " + value
                    + " is not supported!");
        };
    }

    float score(float max, float sum, int size) {
        return switch (this) {
            case MAX -> max;
            case SUM -> sum;
            case AVG -> sum / (float) size;
        };
    }
}
