package dev.vectorvault.text;

/**
 * The BM25 formulas as Milvus computes them. A query token t weighs {@code qtf × idf(t)} with
 * {@code idf = ln(1 + (N − n_t + 0.5) / (n_t + 0.5))}; a document's value for t is
 * {@code tf·(k1+1) / (tf + k1·(1 − b + b·|d|/avgdl))} with {@code |d|} the sum of its term frequencies and avgdl
 * clamped to at least 1 (Milvus's engine does); the score is the sum over shared tokens of weight × value. Lucene's
 * {@code BM25Similarity} computes the same without the constant factor {@code (k1+1)}.
 */
public record Bm25(float k1, float b) {
    public static final float DEFAULT_K1 = 1.2f;
    public static final float DEFAULT_B = 0.75f;
    public static final Bm25 DEFAULTS = new Bm25(DEFAULT_K1, DEFAULT_B);

    public static double idf(long documents, long documentsWithTerm) {
        return Math.log(1 + (documents - documentsWithTerm + 0.5) / (documentsWithTerm + 0.5));
    }

    /** A document's value for one token: {@code tf} occurrences in a document of {@code length} tokens. */
    public float documentValue(float tf, float length, float avgdl) {
        float average = Math.max(1f, avgdl);
        return tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average));
    }
}
