package dev.vectorvault.index;

import dev.vectorvault.common.MilvusException;
import java.util.Arrays;
import java.util.Locale;

/**
 * How a {@link SparseInvertedIndex} walks its posting lists ({@code inverted_index_algo}). All three are exact here:
 * the pruning of the DAAT ones only skips rows that provably cannot enter the top k, and every remaining candidate
 * is scored with the same inner product as the exact search, so results equal brute force.
 */
public enum SparseAlgorithm {
    /** Term at a time: every posting of every query term is accumulated. */
    TAAT_NAIVE,
    /** Document at a time with WAND pivoting (Broder et al. 2003). */
    DAAT_WAND,
    /** Document at a time with MaxScore's essential/non-essential lists (Turtle and Flood 1995). Milvus's default. */
    DAAT_MAXSCORE;

    /** Milvus's {@code inverted_index_algo} value, case as given ignored; absent means {@link #DAAT_MAXSCORE}. */
    static SparseAlgorithm parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return DAAT_MAXSCORE;
        }
        try {
            return valueOf(raw.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw MilvusException.invalidParameter("sparse inverted index algo " + raw.trim()
                    + " not found or not supported, supported: " + Arrays.toString(values()).replace(",", ""));
        }
    }
}
