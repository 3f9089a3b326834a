package dev.vectorvault.query;

import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.varchar;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static dev.vectorvault.query.EntityFixture.DB;
import static dev.vectorvault.query.EntityFixture.batch;
import static dev.vectorvault.query.EntityFixture.failsWith;
import static dev.vectorvault.query.EntityFixture.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vectorvault.catalog.CollectionSchema;
import dev.vectorvault.catalog.ConsistencyLevel;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.catalog.FunctionSchema;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.index.RequestedMetric;
import dev.vectorvault.index.SparseVector;
import dev.vectorvault.storage.data.CollectionLayout;
import dev.vectorvault.storage.data.IndexProgress;
import dev.vectorvault.text.TextAnalyzer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Full-text search (BM25 function output, raw text queries) below the wire against a brute-force BM25 over the live
 * texts, written independently of the search path (token strings, not term ids; statistics over the live rows):
 * inserts over several segments, upserts, deletes, a restart and writes after it, exact and indexed; and over many
 * small segments, pages against one search too deep to carry a score floor between segments. Prints its seed;
 * replay with {@code -Dtests.seed=<seed>}.
 */
@Timeout(180)
class EntityReaderBm25SearchTest {
    private static final long SEED = Long.getLong("tests.seed", new Random().nextLong());
    private static final String[] WORDS = ("apple banana cherry date elder fig grape honey iris jade kiwi lemon mango"
            + " nectar olive peach quince rasp straw tomato umbra vanilla walnut xigua yam zest Rice wheat Cook boil"
            + " bake fry steam roast grill").split(" ");
    private static final float K1 = 1.2f;
    private static final float B = 0.75f;

    /** Above every row count of the floor test: the search that never carries a floor. */
    private static final int DEEP = 4000;

    @TempDir
    Path dir;

    private EntityFixture fx;
    private final Map<Long, String> live = new LinkedHashMap<>();

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    private static CollectionSchema schema(String analyzerParams) {
        FieldSchema text = varchar("text", 2000).withText(true, analyzerParams, false);
        return new CollectionSchema("", List.of(int64Key("id"), text, field("sp", DataType.SPARSE_FLOAT_VECTOR),
                vector("dense", 2)), false,
                List.of(new FunctionSchema("bm25", "", FunctionSchema.BM25, List.of("text"), List.of("sp"), Map.of())));
    }

    private static String text(Random random) {
        int n = 1 + random.nextInt(12);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            // Skewed: a few words are frequent, most are rare (as in real text).
            out.append(i == 0 ? "" : random.nextBoolean() ? " " : ", ")
                    .append(WORDS[(int) (Math.pow(random.nextDouble(), 2) * WORDS.length)]);
        }
        return out.toString();
    }

    private void insert(Random random, long from, int count) {
        insertInto("", random, from, count);
    }

    private void insertInto(String partition, Random random, long from, int count) {
        List<Object> ids = new ArrayList<>();
        List<Object> texts = new ArrayList<>();
        List<Object> dense = new ArrayList<>();
        for (long k = from; k < from + count; k++) {
            String t = random.nextInt(40) == 0 ? "" : text(random);
            ids.add(k);
            texts.add(t);
            dense.add(new float[] {k, 1});
            live.put(k, t);
        }
        fx.writer.upsert(DB, "t", partition, batch(count, "id", ids, "text", texts, "dense", dense));
    }

    private void delete(List<Long> deleted) {
        fx.writer.delete(DB, "t", "", "id in " + deleted, Map.of());
        deleted.forEach(live::remove);
    }

    private static SearchRequest request(List<String> texts, int topK, String filter) {
        return new SearchRequest(DB, "t", List.of(), "sp", new float[0][], topK, 0, filter, Map.of(), List.of(),
                RequestedMetric.parse("BM25"), Float.NaN, Float.NaN, Map.of(), null, null, List.of(), texts);
    }

    /** Brute-force BM25 over the live texts, by token string; hits with a positive score, best first. */
    private List<Map.Entry<Long, Double>> bruteForce(String query, TextAnalyzer analyzer) {
        Map<Long, Map<String, Integer>> docs = new HashMap<>();
        long totalTokens = 0;
        Map<String, Integer> df = new HashMap<>();
        for (Map.Entry<Long, String> e : live.entrySet()) {
            Map<String, Integer> tf = new HashMap<>();
            for (String token : analyzer.terms(e.getValue())) {
                tf.merge(token, 1, Integer::sum);
                totalTokens++;
            }
            tf.keySet().forEach(t -> df.merge(t, 1, Integer::sum));
            docs.put(e.getKey(), tf);
        }
        double n = live.size();
        double avgdl = Math.max(1, totalTokens / n);
        Map<String, Integer> qtf = new HashMap<>();
        analyzer.terms(query).forEach(t -> qtf.merge(t, 1, Integer::sum));
        List<Map.Entry<Long, Double>> hits = new ArrayList<>();
        for (Map.Entry<Long, Map<String, Integer>> doc : docs.entrySet()) {
            double length = doc.getValue().values().stream().mapToInt(Integer::intValue).sum();
            double score = 0;
            for (Map.Entry<String, Integer> q : qtf.entrySet()) {
                Integer tf = doc.getValue().get(q.getKey());
                if (tf != null) {
                    int nt = df.get(q.getKey());
                    double idf = Math.log(1 + (n - nt + 0.5) / (nt + 0.5));
                    score += q.getValue() * idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avgdl));
                }
            }
            if (score > 0) {
                hits.add(Map.entry(doc.getKey(), score));
            }
        }
        hits.sort(Map.Entry.<Long, Double>comparingByValue(Comparator.reverseOrder()));
        return hits;
    }

    private void checkAgainstBruteForce(Random random, TextAnalyzer analyzer, int queries) {
        for (int q = 0; q < queries; q++) {
            checkAgainstBruteForce(text(random), 1 + random.nextInt(15), analyzer);
        }
    }

    private void checkAgainstBruteForce(String query, int topK, TextAnalyzer analyzer) {
        ResultRows rows = fx.reader.search(request(List.of(query), topK, ""));
        List<Map.Entry<Long, Double>> expected = bruteForce(query, analyzer);
        List<Object> got = keys(rows);
        assertThat(got).as("hits of '%s' (seed %s)", query, SEED).hasSize(Math.min(topK, expected.size()));
        Map<Long, Double> exact = new HashMap<>();
        expected.forEach(e -> exact.put(e.getKey(), e.getValue()));
        for (int i = 0; i < got.size(); i++) {
            double want = expected.get(i).getValue();
            assertThat((double) rows.scores()[i]).as("score %d of '%s' (seed %s)", i, query, SEED)
                    .isCloseTo(want, within(1e-4 * Math.max(1, want)));
            assertThat(exact.get((Long) got.get(i))).as("hit %d of '%s' is scored as returned (seed %s)", i,
                    query, SEED).isCloseTo(rows.scores()[i], within(1e-4 * Math.max(1, want)));
        }
    }

    private void awaitIndex() throws InterruptedException {
        var collection = fx.catalog.collection(DB, "t");
        long deadline = System.nanoTime() + 60_000_000_000L;
        IndexProgress progress = fx.reader.indexProgress(collection, "sp");
        while (!progress.finished() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            progress = fx.reader.indexProgress(collection, "sp");
        }
        assertThat(progress.finished()).as("index built: " + progress).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SPARSE_INVERTED_INDEX", "SPARSE_WAND", "AUTOINDEX"})
    void fullTextSearchEqualsBruteForceBm25AcrossUpsertsDeletesSegmentsAndRestart(String indexType)
            throws Exception {
        System.out.println("EntityReaderBm25SearchTest seed " + SEED + " (-Dtests.seed=" + SEED + ")");
        Random random = new Random(SEED);
        String params = random.nextBoolean() ? null : "{\"type\":\"english\"}";
        TextAnalyzer analyzer = TextAnalyzer.fromParams(params);
        fx = new EntityFixture(dir, 300);
        fx.catalog.createCollection(DB, "t", schema(params), 1, ConsistencyLevel.STRONG, Map.of());
        fx.indexes.create(DB, "t", "dense", "", "FLAT", RequestedMetric.parse("L2"), Map.of());
        fx.indexes.create(DB, "t", "sp", "", indexType, RequestedMetric.none(), Map.of());
        fx.indexes.load(DB, "t");
        for (long start = 0; start < 1200; start += 200) {
            insert(random, start, 200);
        }
        insert(random, 100, 50); // upserts: new texts for existing keys
        List<Long> deleted = new ArrayList<>();
        for (long k = 3; k < 1200; k += 7) {
            deleted.add(k);
        }
        delete(deleted);
        awaitIndex();
        checkAgainstBruteForce(random, analyzer, 40);

        fx.restart();
        checkAgainstBruteForce(random, analyzer, 20);
        insert(random, 1200, 150);
        delete(List.of(1L, 2L, 4L, 1201L));
        awaitIndex();
        checkAgainstBruteForce(random, analyzer, 20);
    }

    /**
     * The statistics are summed once and kept while the rows stay the same ({@link CorpusStatistics}); a stale N,
     * avgdl or n_t would change scores without any error. The same queries (so the kept n_t are read back) after
     * each kind of change must score as the brute force over the rows live then: rows appended to the growing
     * segment, a segment sealed and indexed, rows deleted, segments compacted, a partition's rows added then its
     * segments dropped with it, and the collection dropped and created again with other rows.
     */
    @Test
    void keptStatisticsFollowEveryChangeOfTheRows() throws Exception {
        System.out.println("EntityReaderBm25SearchTest seed " + SEED + " (-Dtests.seed=" + SEED + ")");
        Random random = new Random(SEED);
        TextAnalyzer analyzer = TextAnalyzer.fromParams(null);
        List<String> queries = new ArrayList<>();
        for (int q = 0; q < 12; q++) {
            queries.add(text(random));
        }
        Runnable check = () -> queries.forEach(query -> checkAgainstBruteForce(query, 10, analyzer));
        fx = new EntityFixture(dir, 300);
        createIndexedCollection();
        fx.catalog.createPartition(DB, "t", "p1");
        insert(random, 0, 250);
        check.run();
        insert(random, 250, 30); // the growing segment grows
        check.run();
        insert(random, 280, 400); // sealed (and indexed) segments, a new growing one
        awaitIndex();
        check.run();
        List<Long> deleted = new ArrayList<>();
        for (long k = 5; k < 680; k += 4) {
            deleted.add(k);
        }
        delete(deleted);
        check.run();
        fx.data.compact(Layouts.of(fx.catalog.collection(DB, "t")), java.util.Set.of());
        awaitIndex();
        check.run();
        insertInto("p1", random, 1000, 350);
        awaitIndex();
        check.run();
        fx.indexes.release(DB, "t");
        fx.catalog.dropPartition(DB, "t", "p1");
        fx.indexes.load(DB, "t");
        live.keySet().removeIf(k -> k >= 1000);
        check.run();
        fx.catalog.dropCollection(DB, "t");
        live.clear();
        createIndexedCollection();
        insert(random, 0, 120);
        check.run();
    }

    private void createIndexedCollection() {
        fx.catalog.createCollection(DB, "t", schema(null), 1, ConsistencyLevel.STRONG, Map.of());
        fx.indexes.create(DB, "t", "dense", "", "FLAT", RequestedMetric.parse("L2"), Map.of());
        fx.indexes.create(DB, "t", "sp", "", "SPARSE_INVERTED_INDEX", RequestedMetric.none(), Map.of());
        fx.indexes.load(DB, "t");
    }

    @Test
    void theOutputFieldIsComputedNeverSentNorReturned() {
        fx = new EntityFixture(dir, 300);
        createIndexedCollection();
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.writer.insert(DB, "t", "", batch(1, "id", List.of(1L),
                "text", List.of("a"), "dense", List.of(new float[] {1, 1}), "sp", List.of(SparseVector.EMPTY))))
                .hasMessageContaining("sp");
        fx.writer.insert(DB, "t", "", batch(2, "id", List.of(1L, 2L), "text", List.of("Cook rice", "boil rice rice"),
                "dense", List.of(new float[] {1, 1}, new float[] {2, 2})));
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(new SearchRequest(DB, "t", List.of(), "sp",
                new float[0][], 3, 0, "", Map.of(), List.of("sp"), RequestedMetric.none(), Float.NaN, Float.NaN,
                Map.of(), null, null, List.of(), List.of("rice"))))
                .hasMessageContaining("not allowed to retrieve raw data of field sp");
        ResultRows rows = fx.reader.search(request(List.of("RICE boil"), 5, ""));
        assertThat(keys(rows)).containsExactly(2L, 1L);
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(new SearchRequest(DB, "t", List.of(), "sp",
                new float[0][], 3, 0, "", Map.of(), List.of(), RequestedMetric.none(), Float.NaN, Float.NaN,
                Map.of(), null, null, List.of(SparseVector.EMPTY))))
                .hasMessageContaining("please provide varchar/text for BM25 Function based search");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(new SearchRequest(DB, "t", List.of(), "dense",
                new float[0][], 3, 0, "", Map.of(), List.of(), RequestedMetric.none(), Float.NaN, Float.NaN,
                Map.of(), null, null, List.of(), List.of("rice"))))
                .hasMessageContaining("search type VarChar");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(new SearchRequest(DB, "t", List.of(), "sp",
                new float[0][], 3, 0, "", Map.of(), List.of(), RequestedMetric.parse("IP"), Float.NaN, Float.NaN,
                Map.of(), null, null, List.of(), List.of("rice"))))
                .hasMessageContaining("metric type not match");
    }

    /** The catalog's BM25 function reaches the data layer: its output is posted as rows arrive, before a search. */
    @Test
    void theBm25OutputIsPostedAsRowsAreInsertedBeforeAnySearch() {
        fx = new EntityFixture(dir, 300);
        createIndexedCollection();
        insert(new Random(SEED), 0, 200);
        CollectionLayout layout = Layouts.of(fx.catalog.collection(DB, "t"));
        int sp = 2;
        assertThat(java.util.stream.IntStream.range(0, layout.fieldCount()).filter(layout::bm25Output).toArray())
                .containsExactly(sp);
        int posted = fx.data.read(layout, view -> view.sparseVectors(view.segmentCount() - 1, sp).postedRows());
        assertThat(posted).isEqualTo(200);
    }

    @Test
    void anEmptyCollectionAnswersNoHits() {
        fx = new EntityFixture(dir, 300);
        createIndexedCollection();
        assertThat(keys(fx.reader.search(request(List.of("rice"), 5, "")))).isEmpty();
    }

    private static SearchRequest pageRequest(String text, int topK, int offset, String filter, float radius,
                                             GroupBy groupBy) {
        return new SearchRequest(DB, "t", List.of(), "sp", new float[0][], topK, offset, filter, Map.of(),
                List.of("tag"), RequestedMetric.parse("BM25"), radius, Float.NaN, Map.of(), groupBy, null, List.of(),
                List.of(text));
    }

    /** (key, score, tag) of each hit, in order. */
    private static List<List<Object>> hits(ResultRows rows) {
        List<Object> keys = keys(rows);
        int tag = 2; // rows are aligned with the schema: id, text, tag, ...
        List<List<Object>> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            out.add(List.of(keys.get(i), rows.scores()[i], rows.rows().get(i)[tag]));
        }
        return out;
    }

    /** Milvus's group-by reduce over a best-first list, written out here: groups open in order, full ones skip. */
    private static List<List<Object>> grouped(List<List<Object>> bestFirst, int offset, int limit, int groupSize) {
        Map<Object, List<List<Object>>> groups = new LinkedHashMap<>();
        for (List<Object> hit : bestFirst) {
            List<List<Object>> group = groups.get(hit.get(2));
            if (group == null && groups.size() < offset + limit) {
                group = new ArrayList<>();
                groups.put(hit.get(2), group);
            }
            if (group != null && group.size() < groupSize) {
                group.add(hit);
            }
        }
        List<List<Object>> page = new ArrayList<>();
        groups.values().stream().skip(offset).forEach(page::addAll);
        return page;
    }

    /**
     * Full-text search over many small segments (sealed and indexed, and a growing one), where each segment's search
     * starts from the k-th score of the segments searched before it: every page (limit, offset, filter, deletions,
     * range) must equal, hit for hit and score for score, the same slice of one search deep enough (a limit above
     * the collection's size) that no segment ever starts from a floor; a group-by page (strict group size, so that
     * the search widens until every group is full or nothing is left) must equal the groups formed from that deep
     * list.
     */
    @ParameterizedTest
    @ValueSource(strings = {"DAAT_MAXSCORE", "DAAT_WAND", "TAAT_NAIVE"})
    void everyPageEqualsTheSliceOfASearchWithoutFloor(String algorithm) throws Exception {
        System.out.println("EntityReaderBm25SearchTest seed " + SEED + " (-Dtests.seed=" + SEED + ")");
        Random random = new Random(SEED);
        fx = new EntityFixture(dir, 90 + random.nextInt(40));
        FieldSchema text = varchar("text", 2000).withText(true, null, false);
        fx.catalog.createCollection(DB, "t", new CollectionSchema("", List.of(int64Key("id"), text,
                field("tag", DataType.INT64), field("sp", DataType.SPARSE_FLOAT_VECTOR), vector("dense", 2)), false,
                List.of(new FunctionSchema("bm25", "", FunctionSchema.BM25, List.of("text"), List.of("sp"),
                        Map.of()))), 1, ConsistencyLevel.STRONG, Map.of());
        fx.indexes.create(DB, "t", "dense", "", "FLAT", RequestedMetric.parse("L2"), Map.of());
        fx.indexes.create(DB, "t", "sp", "", "SPARSE_INVERTED_INDEX", RequestedMetric.none(),
                Map.of("inverted_index_algo", algorithm));
        fx.indexes.load(DB, "t");
        for (long start = 0; start < 1500; start += 250) {
            List<Object> ids = new ArrayList<>();
            List<Object> texts = new ArrayList<>();
            List<Object> tags = new ArrayList<>();
            List<Object> dense = new ArrayList<>();
            for (long k = start; k < start + 250; k++) {
                ids.add(k);
                texts.add(text(random));
                tags.add((long) random.nextInt(12));
                dense.add(new float[] {k, 1});
            }
            fx.writer.upsert(DB, "t", "", batch(250, "id", ids, "text", texts, "tag", tags, "dense", dense));
        }
        List<Long> deleted = new ArrayList<>();
        for (long k = random.nextInt(5); k < 1500; k += 3 + random.nextInt(9)) {
            deleted.add(k);
        }
        fx.writer.delete(DB, "t", "", "id in " + deleted, Map.of());
        awaitIndex();
        String[] filters = {"", "id > 400", "tag in [1, 2, 3, 5, 8]", "id < 300 or id > 1200"};
        Map<String, List<List<Object>>> deep = new HashMap<>();
        int compared = 0;
        for (int q = 0; q < 60; q++) {
            String query = text(random);
            String filter = filters[random.nextInt(filters.length)];
            float radius = random.nextInt(5) == 0 ? 0.5f + random.nextFloat() * 2 : Float.NaN;
            List<List<Object>> all = deep.computeIfAbsent(query + "|" + filter + "|" + radius,
                    key -> hits(fx.reader.search(pageRequest(query, DEEP, 0, filter, radius, null))));
            int topK = 1 + random.nextInt(12);
            int offset = random.nextInt(3) == 0 ? random.nextInt(15) : 0;
            List<List<Object>> page = hits(fx.reader.search(pageRequest(query, topK, offset, filter, radius, null)));
            assertThat(page).as("'%s' limit %d offset %d filter '%s' radius %s (seed %s)", query, topK, offset,
                    filter, radius, SEED).isEqualTo(all.subList(Math.min(offset, all.size()),
                    Math.min(offset + topK, all.size())));
            if (Float.isNaN(radius)) {
                int groupSize = 1 + random.nextInt(3);
                int groups = 1 + random.nextInt(5);
                List<List<Object>> groupPage = hits(fx.reader.search(pageRequest(query, groups, offset, filter,
                        Float.NaN, new GroupBy("tag", groupSize, true))));
                assertThat(groupPage).as("'%s' groups %d of %d offset %d filter '%s' (seed %s)", query, groups,
                        groupSize, offset, filter, SEED).isEqualTo(grouped(all, offset, groups, groupSize));
            }
            compared += page.size();
        }
        assertThat(compared).as("hits compared (seed %s)", SEED).isGreaterThan(100);
    }
}
