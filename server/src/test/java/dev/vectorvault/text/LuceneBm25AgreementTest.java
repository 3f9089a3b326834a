package dev.vectorvault.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vectorvault.index.SparseVector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our BM25 (Milvus's formulas over term ids) gives Lucene's {@link BM25Similarity} scores on the same corpus with the
 * same analyzer, once Milvus's statistic rules are applied. The one difference: Milvus's document side keeps the
 * factor (k1 + 1) that Lucene dropped in 8.0, so our score = Lucene's × (k1 + 1). Lucene stores document lengths
 * lossily (one byte) from about 40 tokens on, so the corpus keeps documents short; every document has a token
 * (Lucene's N counts documents with the field; ours counts every live row). Prints its seed
 * ({@code -Dtests.seed=<seed>}).
 */
class LuceneBm25AgreementTest {
    private static final long SEED = Long.getLong("tests.seed", new Random().nextLong());
    private static final String[] WORDS = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi"
            + " omicron pi rho sigma tau upsilon phi chi psi omega Running runs ran the a of").split(" ");

    @ParameterizedTest
    @CsvSource({"1.2, 0.75, ", "0.9, 0.4, {\"type\":\"english\"}", "2.0, 1.0, ", "1.5, 0.0, {\"type\":\"english\"}"})
    void topTenAndScoresEqualLuceneBm25TimesKOnePlusOne(float k1, float b, String params) throws Exception {
        System.out.println("LuceneBm25AgreementTest seed " + SEED + " (-Dtests.seed=" + SEED + ")");
        Random random = new Random(SEED);
        TextAnalyzer analyzer = TextAnalyzer.fromParams(params);
        List<String> corpus = new ArrayList<>();
        while (corpus.size() < 400) {
            StringBuilder text = new StringBuilder();
            int n = 1 + random.nextInt(14);
            for (int i = 0; i < n; i++) {
                text.append(WORDS[(int) (Math.pow(random.nextDouble(), 1.5) * WORDS.length)]).append(' ');
            }
            if (!analyzer.terms(text.toString()).isEmpty()) {
                corpus.add(text.toString());
            }
        }
        BM25Similarity similarity = new BM25Similarity(k1, b);
        try (ByteBuffersDirectory directory = new ByteBuffersDirectory()) {
            try (IndexWriter writer = new IndexWriter(directory,
                    new IndexWriterConfig(analyzer.lucene()).setSimilarity(similarity))) {
                for (int i = 0; i < corpus.size(); i++) {
                    Document doc = new Document();
                    doc.add(new TextField("text", corpus.get(i), Field.Store.NO));
                    doc.add(new StoredField("row", i));
                    writer.addDocument(doc);
                }
            }
            try (DirectoryReader reader = DirectoryReader.open(directory)) {
                IndexSearcher searcher = new IndexSearcher(reader);
                searcher.setSimilarity(similarity);
                Bm25 bm25 = new Bm25(k1, b);
                List<SparseVector> rows = corpus.stream().map(analyzer::termFrequencies).toList();
                for (int q = 0; q < 50; q++) {
                    String query = WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)];
                    BooleanQuery.Builder lucene = new BooleanQuery.Builder();
                    for (String token : analyzer.terms(query)) {
                        lucene.add(new TermQuery(new Term("text", token)), BooleanClause.Occur.SHOULD);
                    }
                    ScoreDoc[] top = searcher.search(lucene.build(), 10).scoreDocs;
                    Map<Integer, Float> ours = ourScores(rows, analyzer.termFrequencies(query), bm25);
                    List<Float> ourTop = ours.values().stream().sorted((x, y) -> Float.compare(y, x)).limit(10)
                            .toList();
                    assertThat(top).as("hits of '%s' (seed %s)", query, SEED).hasSize(ourTop.size());
                    for (int i = 0; i < top.length; i++) {
                        int row = reader.storedFields().document(top[i].doc).getField("row").numericValue()
                                .intValue();
                        float expected = top[i].score * (k1 + 1);
                        assertThat(ours.get(row)).as("row %d for '%s' (seed %s)", row, query, SEED)
                                .isCloseTo(expected, within(1e-4f * Math.max(1, expected)));
                        assertThat(ourTop.get(i)).isCloseTo(expected, within(1e-4f * Math.max(1, expected)));
                    }
                }
            }
        }
    }

    /** Milvus's scoring: statistics over every row, query weights qtf × idf, document side with (k1 + 1). */
    private static Map<Integer, Float> ourScores(List<SparseVector> rows, SparseVector query, Bm25 bm25) {
        double tokens = 0;
        Map<Integer, Long> df = new HashMap<>();
        for (SparseVector row : rows) {
            tokens += row.sum();
            for (int i = 0; i < row.size(); i++) {
                df.merge(row.index(i), 1L, Long::sum);
            }
        }
        float avgdl = (float) (tokens / rows.size());
        long[] indices = new long[query.size()];
        float[] weights = new float[query.size()];
        for (int i = 0; i < query.size(); i++) {
            indices[i] = Integer.toUnsignedLong(query.index(i));
            weights[i] = (float) (query.value(i) * Bm25.idf(rows.size(), df.getOrDefault(query.index(i), 0L)));
        }
        SparseVector w = SparseVector.of(indices, weights);
        Map<Integer, Float> scores = new HashMap<>();
        for (int r = 0; r < rows.size(); r++) {
            float score = w.weightedDot(rows.get(r), (tf, length) -> bm25.documentValue(tf, length, avgdl),
                    rows.get(r).sum());
            if (score > 0) {
                scores.put(r, score);
            }
        }
        return scores;
    }
}
