package dev.vectorvault.bench.fulltext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.CollectionStatistics;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.QueryBuilder;

/**
 * The peer: Lucene 9.12.3 with its defaults (an {@code FSDirectory} in its own folder, 16 MB RAM buffer, background
 * merges, {@link BM25Similarity} k1 1.2, b 0.75), the same Lucene analyzer our VarChar field uses, the text stored as
 * ours is and the id as a doc value. A query is the analyzer's tokens as SHOULD term clauses ({@link QueryBuilder},
 * a repeated token a repeated clause, as BM25's query tf), searched with {@link IndexSearcher#search(Query, int)},
 * which skips non-competitive documents (block-max WAND / MaxScore) as any Lucene application gets by default.
 */
final class LuceneBm25 implements AutoCloseable {
    private final FSDirectory directory;
    private final Analyzer analyzer;
    private DirectoryReader reader;
    private IndexSearcher searcher;
    private QueryBuilder queries;

    LuceneBm25(Path dir, Analyzer analyzer) throws IOException {
        this.directory = FSDirectory.open(dir);
        this.analyzer = analyzer;
    }

    /** Adds every document on this thread, commits, and opens the searcher. */
    void build(List<String> documents) throws IOException {
        IndexWriterConfig config = new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity());
        try (IndexWriter writer = new IndexWriter(directory, config)) {
            for (int i = 0; i < documents.size(); i++) {
                Document doc = new Document();
                doc.add(new NumericDocValuesField("id", i));
                doc.add(new TextField("text", documents.get(i), Field.Store.YES));
                writer.addDocument(doc);
            }
            writer.commit();
        }
        reader = DirectoryReader.open(directory);
        searcher = new IndexSearcher(reader);
        searcher.setSimilarity(new BM25Similarity());
        queries = new QueryBuilder(analyzer);
    }

    /** The text field's collection statistics (Lucene's N is its docCount, avgdl sumTotalTermFreq / docCount). */
    CollectionStatistics collectionStatistics() throws IOException {
        return searcher.collectionStatistics("text");
    }

    long docFreq(Term term) throws IOException {
        return reader.docFreq(term);
    }

    int segments() {
        return reader.leaves().size();
    }

    Hits search(String text, int k) {
        Query query = queries.createBooleanQuery("text", text, BooleanClause.Occur.SHOULD);
        if (query == null) {
            return new Hits(new long[0], new float[0]);
        }
        try {
            TopDocs top = searcher.search(query, k);
            long[] ids = new long[top.scoreDocs.length];
            float[] scores = new float[ids.length];
            List<LeafReaderContext> leaves = reader.leaves();
            for (int i = 0; i < ids.length; i++) {
                ScoreDoc hit = top.scoreDocs[i];
                LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(hit.doc, leaves));
                NumericDocValues values = leaf.reader().getNumericDocValues("id");
                values.advanceExact(hit.doc - leaf.docBase);
                ids[i] = values.longValue();
                scores[i] = hit.score;
            }
            return new Hits(ids, scores);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        if (reader != null) {
            reader.close();
        }
        directory.close();
    }
}
