package dev.vectorvault.query;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.catalog.FunctionSchema;
import dev.vectorvault.catalog.IndexDefinition;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.index.ParamReader;
import dev.vectorvault.index.SparseVector;
import dev.vectorvault.index.TermScorer;
import dev.vectorvault.index.TermStatistics;
import dev.vectorvault.storage.data.CollectionView;
import dev.vectorvault.text.Bm25;
import dev.vectorvault.text.Bm25IndexParams;
import dev.vectorvault.text.TextAnalyzer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A full-text search on a BM25 function's output field: the query texts analyzed with the input field's analyzer,
 * and per view the statistics BM25 needs, summed from per-segment statistics that each segment keeps current as
 * its rows are appended and deleted ({@link TermStatistics}; a compacted or reloaded segment starts from its rows).
 *
 * <p><b>Statistics rule.</b> N is the number of live rows of the collection (every partition, rows with an empty
 * text included, deleted rows excluded), avgdl their total token count / N, and n_t the live rows containing t.
 * Milvus keeps the same sums per shard, adding rows as they are written; how it treats deleted rows is not
 * documented. With one shard per collection here, a collection's scores equal the formulas over its live rows.
 */
final class Bm25Search {
    private final Bm25 bm25;
    private final double dropRatio;
    private final Map<String, SparseVector> termFrequencies = new HashMap<>();
    /** The query terms of every text of the request, ascending unsigned (the terms whose n_t is counted). */
    private final int[] terms;
    private final Map<Integer, Integer> position = new HashMap<>();

    private Bm25Search(Bm25 bm25, double dropRatio, TextAnalyzer analyzer, List<String> texts) {
        this.bm25 = bm25;
        this.dropRatio = dropRatio;
        java.util.TreeSet<Long> all = new java.util.TreeSet<>();
        for (String text : texts) {
            SparseVector tf = termFrequencies.computeIfAbsent(text, analyzer::termFrequencies);
            for (int i = 0; i < tf.size(); i++) {
                all.add(Integer.toUnsignedLong(tf.index(i)));
            }
        }
        this.terms = all.stream().mapToInt(Long::intValue).toArray();
        for (int i = 0; i < terms.length; i++) {
            position.put(terms[i], i);
        }
    }

    /**
     * The search of {@code texts} on {@code field}, the output of {@code function}, with the index's k1 and b. A
     * search may name {@code bm25_k1}/{@code bm25_b}: with the TAAT_NAIVE algorithm they override the index's, as in
     * Milvus; with the DAAT algorithms they must equal them (Milvus's message otherwise).
     */
    static Bm25Search prepare(Collection collection, FunctionSchema function, IndexDefinition index,
                              Map<String, String> searchParams, List<String> texts) {
        FieldSchema input = collection.schema().field(function.inputField()).orElseThrow();
        Bm25 built = Bm25IndexParams.of(index.params());
        Bm25 bm25 = built;
        if (searchParams.containsKey(Bm25IndexParams.K1) || searchParams.containsKey(Bm25IndexParams.B)) {
            Map<String, String> merged = new HashMap<>(index.params());
            merged.putAll(searchParams);
            Bm25 asked = Bm25IndexParams.of(merged);
            String algorithm = index.indexType().equals("SPARSE_WAND") ? "DAAT_WAND"
                    : index.params().getOrDefault("inverted_index_algo", "DAAT_MAXSCORE");
            if (!asked.equals(built) && !"TAAT_NAIVE".equals(algorithm)) {
                throw MilvusException.invalidParameterAsIs("search time k1/b must equal load time config for"
                        + " DAAT_WAND or DAAT_MAXSCORE algorithm.");
            }
            bm25 = asked;
        }
        double dropRatio = ParamReader.doubleParam(searchParams, "drop_ratio_search", 0, 0, 1, false);
        return new Bm25Search(bm25, dropRatio, TextAnalyzer.fromParams(input.analyzerParams()), texts);
    }

    /**
     * N, the total token count and n_t of the request's terms over the live rows of {@code view}: the sums of each
     * segment's statistics, which the segment keeps current as rows are added and deleted ({@link TermStatistics}),
     * kept per collection while its rows are unchanged ({@link CorpusStatistics}).
     */
    Statistics statistics(CollectionView view, int field) {
        return CorpusStatistics.of(view, field).statistics(view, field, terms);
    }

    /**
     * The query of one text under {@code stats}: weights {@code qtf × idf} per term and the document side; null when
     * the view holds no tokens at all (Milvus answers no hits without searching then).
     */
    Query query(String text, Statistics stats) {
        if (stats.rows() == 0 || stats.tokens() <= 0) {
            return null;
        }
        SparseVector tf = termFrequencies.get(text);
        long[] indices = new long[tf.size()];
        float[] weights = new float[tf.size()];
        for (int i = 0; i < tf.size(); i++) {
            long n = stats.df()[position.get(tf.index(i))];
            indices[i] = Integer.toUnsignedLong(tf.index(i));
            weights[i] = (float) (tf.value(i) * Bm25.idf(stats.rows(), n));
        }
        SparseVector w = SparseVector.of(indices, weights).dropSmallest(dropRatio);
        float avgdl = (float) (stats.tokens() / stats.rows());
        return new Query(w, (stored, length) -> bm25.documentValue(stored, length, avgdl));
    }

    record Statistics(long rows, double tokens, long[] df) {}

    /** One text's weighted query terms and the document side of the score. */
    record Query(SparseVector weights, TermScorer scorer) {}
}
