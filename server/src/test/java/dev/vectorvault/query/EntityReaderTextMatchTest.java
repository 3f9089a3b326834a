package dev.vectorvault.query;

import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.nullable;
import static dev.vectorvault.catalog.TestSchemas.varchar;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static dev.vectorvault.query.EntityFixture.DB;
import static dev.vectorvault.query.EntityFixture.batch;
import static dev.vectorvault.query.EntityFixture.failsWith;
import static dev.vectorvault.query.EntityFixture.keys;
import static dev.vectorvault.query.EntityFixture.query;
import static dev.vectorvault.query.EntityFixture.search;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.CollectionSchema;
import dev.vectorvault.catalog.ConsistencyLevel;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.index.RequestedMetric;
import dev.vectorvault.text.AnalyzerToken;
import dev.vectorvault.text.TextAnalyzer;
import dev.vectorvault.text.TextMatchIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code text_match} and {@code phrase_match} below the wire, in query, filtered search and delete-by-expression,
 * against a plain reference model over the live rows (the field's analyzer for tokens, every choice of positions
 * tried for slop): rows over several sealed segments (answered from their match indexes) and a growing one (scanned),
 * upserts, deletes, a restart (indexes loaded from their files) and writes after it; the match index files' life. Prints its seed; replay
 * with {@code -Dtests.seed=<seed>}.
 */
@Timeout(180)
class EntityReaderTextMatchTest {
    private static final long SEED = Long.getLong("tests.seed", new Random().nextLong());
    private static final String[] WORDS = ("rice wheat cook boil bake the and of salt water pot pan slowly quickly"
            + " Rice COOK fry steam a is").split(" ");

    @TempDir
    Path dir;

    private EntityFixture fx;
    private TextAnalyzer analyzer;
    /** Live rows: key to {text, tag}. */
    private final Map<Long, Object[]> live = new LinkedHashMap<>();

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    private static CollectionSchema schema(String analyzerParams) {
        FieldSchema text = nullable(varchar("text", 2000)).withText(true, analyzerParams, true);
        return new CollectionSchema("", List.of(int64Key("id"), text, field("tag", DataType.INT64),
                varchar("plain", 100), vector("dense", 2)), false);
    }

    private static String text(Random random) {
        int n = random.nextInt(10);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append(i == 0 ? "" : random.nextInt(4) == 0 ? ", " : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return out.toString();
    }

    private void insert(Random random, long from, int count) {
        List<Object> ids = new ArrayList<>();
        List<Object> texts = new ArrayList<>();
        List<Object> tags = new ArrayList<>();
        List<Object> plain = new ArrayList<>();
        List<Object> dense = new ArrayList<>();
        for (long k = from; k < from + count; k++) {
            String t = random.nextInt(25) == 0 ? null : text(random);
            long tag = random.nextInt(3);
            ids.add(k);
            texts.add(t);
            tags.add(tag);
            plain.add("p");
            dense.add(new float[] {k, 1});
            live.put(k, new Object[] {t, tag});
        }
        fx.writer.upsert(DB, "t", "", batch(count, "id", ids, "text", texts, "tag", tags, "plain", plain,
                "dense", dense));
    }

    // ------------------------------------------------------------------ the reference model

    private boolean textMatch(String text, String query) {
        List<String> doc = analyzer.terms(text);
        return analyzer.terms(query).stream().anyMatch(doc::contains);
    }

    private boolean phraseMatch(String text, String phrase, long slop) {
        List<AnalyzerToken> q = analyzer.analyze(phrase);
        if (q.size() <= 1) {
            return textMatch(text, phrase);
        }
        return choose(q, analyzer.analyze(text), 0, Long.MAX_VALUE, Long.MIN_VALUE, slop,
                q.get(q.size() - 1).position());
    }

    private static boolean choose(List<AnalyzerToken> q, List<AnalyzerToken> doc, int i, long min, long max,
                                  long slop, int last) {
        if (i == q.size()) {
            return max - min <= slop;
        }
        for (AnalyzerToken d : doc) {
            if (d.token().equals(q.get(i).token())) {
                long shifted = d.position() + (last - q.get(i).position());
                if (choose(q, doc, i + 1, Math.min(min, shifted), Math.max(max, shifted), slop, last)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A random filter and the reference test of it on (text, tag). */
    private record Filter(String text, java.util.function.BiPredicate<String, Long> test) {}

    private Filter randomFilter(Random random) {
        String words = text(random).replace(",", "");
        long slop = random.nextInt(3);
        long tag = random.nextInt(3);
        return switch (random.nextInt(5)) {
            case 0 -> new Filter("text_match(text, '" + words + "')", (t, g) -> t != null && textMatch(t, words));
            case 1 -> new Filter("phrase_match(text, '" + words + "', " + slop + ")",
                    (t, g) -> t != null && phraseMatch(t, words, slop));
            case 2 -> new Filter("TEXT_MATCH(text, '" + words + "') and tag == " + tag,
                    (t, g) -> t != null && textMatch(t, words) && g == tag);
            case 3 -> new Filter("not phrase_match(text, '" + words + "')",
                    (t, g) -> t != null && !phraseMatch(t, words, 0));
            default -> new Filter("phrase_match(text, '" + words + "', " + slop + ") or tag == " + tag,
                    (t, g) -> t != null && phraseMatch(t, words, slop) || g == tag);
        };
    }

    private List<Long> expected(Filter filter) {
        List<Long> keys = new ArrayList<>();
        live.forEach((k, row) -> {
            if (filter.test().test((String) row[0], (Long) row[1])) {
                keys.add(k);
            }
        });
        keys.sort(Comparator.naturalOrder());
        return keys;
    }

    private void checkQueriesAndSearches(Random random, int filters) {
        for (int i = 0; i < filters; i++) {
            Filter filter = randomFilter(random);
            List<Long> expected = expected(filter);
            assertThat(keys(fx.reader.query(query("t", filter.text(), List.of("id"), 16384, 0))))
                    .as("query %s (seed %s)", filter.text(), SEED).isEqualTo(new ArrayList<Object>(expected));
            // Filtered exact search: the nearest matching keys to x (no ties: x is between two keys).
            double x = random.nextInt(1500) + 0.3;
            List<Long> nearest = new ArrayList<>(expected);
            nearest.sort(Comparator.comparingDouble(k -> Math.abs(k - x)));
            ResultRows hits = fx.reader.search(search("t", new float[][] {{(float) x, 1}}, 7, filter.text()));
            assertThat(keys(hits)).as("search %s (seed %s)", filter.text(), SEED)
                    .isEqualTo(new ArrayList<Object>(nearest.subList(0, Math.min(7, nearest.size()))));
        }
    }

    @Test
    void matchFiltersEqualTheReferenceAcrossSegmentsUpsertsDeletesAndRestart() throws InterruptedException {
        System.out.println("EntityReaderTextMatchTest seed " + SEED + " (-Dtests.seed=" + SEED + ")");
        Random random = new Random(SEED);
        String params = random.nextBoolean() ? null : "{\"type\":\"english\"}";
        analyzer = TextAnalyzer.fromParams(params);
        fx = new EntityFixture(dir, 300);
        fx.catalog.createCollection(DB, "t", schema(params), 1, ConsistencyLevel.STRONG, Map.of());
        fx.indexes.create(DB, "t", "dense", "", "FLAT", RequestedMetric.parse("L2"), Map.of());
        fx.indexes.load(DB, "t");
        for (long start = 0; start < 1000; start += 250) {
            insert(random, start, 250);
        }
        insert(random, 100, 40); // upserts: new texts for existing keys
        List<Long> deleted = new ArrayList<>();
        for (long k = 5; k < 1000; k += 9) {
            deleted.add(k);
        }
        fx.writer.delete(DB, "t", "", "id in " + deleted, Map.of());
        deleted.forEach(live::remove);
        awaitIndexed(segmentCount() - 1); // every sealed segment; the last one grows
        checkQueriesAndSearches(random, 40);

        // Delete by expression, then the same filter matches nothing.
        Filter doomed = new Filter("text_match(text, 'boil') and tag == 1",
                (t, g) -> t != null && textMatch(t, "boil") && g == 1);
        List<Long> gone = expected(doomed);
        fx.writer.delete(DB, "t", "", doomed.text(), Map.of());
        gone.forEach(live::remove);
        assertThat(keys(fx.reader.query(query("t", doomed.text(), List.of("id"), 16384, 0)))).isEmpty();
        checkQueriesAndSearches(random, 10);

        fx.restart();
        checkQueriesAndSearches(random, 20);
        insert(random, 1000, 200);
        fx.writer.delete(DB, "t", "", "id in [1, 2, 1001]", Map.of());
        List.of(1L, 2L, 1001L).forEach(live::remove);
        checkQueriesAndSearches(random, 20);
    }

    /** How many segments of the collection have a finished match index over all their rows. */
    private int segmentsIndexed() {
        Collection collection = fx.catalog.collection(DB, "t");
        int textField = collection.schema().fields().indexOf(collection.schema().field("text").orElseThrow());
        return fx.data.read(Layouts.of(collection), view -> {
            int indexed = 0;
            for (int s = 0; s < view.segmentCount(); s++) {
                TextMatchIndex index = view.textMatchIndex(s, textField);
                if (index != null && index.rows() == view.segmentSize(s)) {
                    indexed++;
                }
            }
            return indexed;
        });
    }

    private int segmentCount() {
        return fx.data.read(Layouts.of(fx.catalog.collection(DB, "t")), view -> view.segmentCount());
    }

    /** Waits until at least {@code segments} segments answer from a match index (built or loaded in the background). */
    private void awaitIndexed(int segments) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (segmentsIndexed() < segments && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(segmentsIndexed()).as("segments with a match index").isGreaterThanOrEqualTo(segments);
    }

    private List<Path> matchFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".text_match-v1.idx")).sorted().toList();
        }
    }

    /**
     * The match index lives with its segment: built and written when the segment seals (every sealed segment, small
     * ones included), loaded from its file after a restart, rebuilt to the same bytes when the file is damaged, built
     * anew for a compacted segment and deleted with the segment it belonged to; filters equal the reference
     * throughout.
     */
    @Test
    void matchIndexFilesAreLoadedRebuiltWhenDamagedAndFollowCompaction() throws Exception {
        System.out.println("EntityReaderTextMatchTest seed " + SEED + " (-Dtests.seed=" + SEED + ")");
        Random random = new Random(SEED);
        String params = "{\"type\":\"english\"}";
        analyzer = TextAnalyzer.fromParams(params);
        fx = new EntityFixture(dir, 300);
        fx.catalog.createCollection(DB, "t", schema(params), 1, ConsistencyLevel.STRONG, Map.of());
        fx.indexes.create(DB, "t", "dense", "", "FLAT", RequestedMetric.parse("L2"), Map.of());
        fx.indexes.load(DB, "t");
        insert(random, 0, 950);
        fx.data.checkpoint(); // seals the growing segment of 50 rows too
        int segments = segmentCount();
        assertThat(segments).isEqualTo(4);
        awaitIndexed(segments);
        List<Path> files = matchFiles();
        assertThat(files).as("one file per sealed segment").hasSize(segments);
        checkQueriesAndSearches(random, 15);

        byte[] good = Files.readAllBytes(files.get(0));
        byte[] damaged = good.clone();
        damaged[damaged.length / 2] ^= 0x55;
        Files.write(files.get(0), damaged);
        fx.restart();
        awaitIndexed(segments);
        assertThat(Files.readAllBytes(files.get(0))).as("rebuilt and rewritten").isEqualTo(good);
        checkQueriesAndSearches(random, 15);

        // Most rows of the first segment go: the compacted segment gets an index of its own, the old file goes.
        List<Long> deleted = new ArrayList<>();
        for (long k = 0; k < 300; k++) {
            if (k % 4 != 0) {
                deleted.add(k);
            }
        }
        fx.writer.delete(DB, "t", "", "id in " + deleted, Map.of());
        deleted.forEach(live::remove);
        checkQueriesAndSearches(random, 10);
        fx.data.compact(Layouts.of(fx.catalog.collection(DB, "t")), java.util.Set.of());
        int compacted = segmentCount();
        awaitIndexed(compacted);
        fx.data.checkpoint();
        List<Path> after = matchFiles();
        assertThat(after).as("one file per segment after compaction").hasSize(compacted);
        assertThat(after.containsAll(files)).as("the compacted segment's old file is deleted").isFalse();
        checkQueriesAndSearches(random, 15);

        fx.restart();
        awaitIndexed(compacted);
        checkQueriesAndSearches(random, 15);
    }

    @Test
    void aFieldWithoutMatchIsRefusedAsInvalidParameter() {
        fx = new EntityFixture(dir, 300);
        fx.catalog.createCollection(DB, "t", schema(null), 1, ConsistencyLevel.STRONG, Map.of());
        fx.indexes.create(DB, "t", "dense", "", "FLAT", RequestedMetric.parse("L2"), Map.of());
        fx.indexes.load(DB, "t");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.query(query("t", "text_match(plain, 'p')",
                List.of("id"), 10, 0))).hasMessageContaining("field \"plain\" does not enable match");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.writer.delete(DB, "t", "", "phrase_match(tag, 'p')",
                Map.of())).hasMessageContaining("phrase match operation on non-string is unsupported");
    }
}
