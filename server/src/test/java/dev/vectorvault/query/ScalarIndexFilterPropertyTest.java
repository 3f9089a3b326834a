package dev.vectorvault.query;

import static dev.vectorvault.catalog.TestSchemas.array;
import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.nullable;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.catalog.TestSchemas.varchar;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static dev.vectorvault.query.EntityFixture.DB;
import static dev.vectorvault.query.EntityFixture.batch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.ConsistencyLevel;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.RequestedMetric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scalar indexes change how a filter is answered, never what it answers: random data (nulls, -0.0, strings beyond
 * the BMP, arrays) and random filters (comparisons both ways round, ranges, in / not in, like prefixes, array
 * contains, is null, combined by and / or / not with parts no index answers) give the same query rows, counts and
 * filtered search hits (HNSW, pre-filtered) before and after STL_SORT, INVERTED, BITMAP and AUTOINDEX indexes are
 * built on the sealed segments, and again after a restart loads them from their files. The search's {@code ef} is
 * above a segment's size, so the graph walk is exact: with the indexes a selective filter's segment is searched
 * exactly over its bit set instead of walked, and only exact answers are the same both ways (FilteredSearchPropertyTest
 * tests that switch). Prints its seed; replay with {@code -Dtests.seed=<seed>}.
 */
@Timeout(300)
class ScalarIndexFilterPropertyTest {
    private static final long SEED = Long.getLong("tests.seed", new Random().nextLong());
    private static final int DIM = 4;
    private static final int ROWS = 4000;
    private static final int FILTERS = Integer.getInteger("tests.filters", 150);
    private static final String[] STRINGS = {"k1", "k10", "k2", "k23", "k3", "a", "b\uD83D\uDE00", "b\uE000", "",
        "k", "k1x"};

    @TempDir
    Path dir;

    private EntityFixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void indexedAnswersEqualFullScanAnswers() throws Exception {
        System.out.println("ScalarIndexFilterPropertyTest tests.seed=" + SEED);
        Random random = new Random(SEED);
        fx = new EntityFixture(dir, 1100); // three sealed segments of 1100 rows and a growing one
        fx.catalog.createCollection(DB, "p", schema(int64Key("id"), vector("vec", DIM),
                nullable(field("i", DataType.INT32)), nullable(field("f", DataType.DOUBLE)),
                nullable(varchar("s", 16)), nullable(field("b", DataType.BOOL)),
                nullable(array("arr", DataType.INT64, 5, 0)), field("n", DataType.INT64)), 1,
                ConsistencyLevel.STRONG, Map.of());
        fx.indexes.create(DB, "p", "vec", "", "HNSW", RequestedMetric.of(MetricType.L2), Map.of("M", "8"));
        fx.indexes.load(DB, "p");
        insert(random);
        fx.writer.delete(DB, "p", "", "id % 9 == 4", Map.of());
        Collection plain = fx.catalog.collection(DB, "p");
        fx.awaitIndex(plain, "vec");

        List<String> filters = new ArrayList<>();
        for (int i = 0; i < FILTERS; i++) {
            filters.add(condition(random, 3));
        }
        float[][] queries = new float[filters.size()][];
        for (int q = 0; q < queries.length; q++) {
            queries[q] = EntityFixture.gaussian(random, DIM);
        }
        List<String> scanned = answers(filters, queries);

        fx.indexes.create(DB, "p", "i", "", "STL_SORT", RequestedMetric.none(), Map.of());
        fx.indexes.create(DB, "p", "f", "", "AUTOINDEX", RequestedMetric.none(), Map.of());
        fx.indexes.create(DB, "p", "s", "", "INVERTED", RequestedMetric.none(), Map.of());
        fx.indexes.create(DB, "p", "b", "", "BITMAP", RequestedMetric.none(), Map.of());
        fx.indexes.create(DB, "p", "arr", "", "INVERTED", RequestedMetric.none(), Map.of());
        Collection indexed = fx.catalog.collection(DB, "p");
        for (String field : List.of("i", "f", "s", "b", "arr")) {
            fx.awaitIndex(indexed, field);
        }
        assertThat(sealedSegmentsWithIndex(indexed, "i")).isEqualTo(3);
        assertThat(sealedSegmentsWithIndex(indexed, "arr")).isEqualTo(3);
        compare(filters, scanned, answers(filters, queries));

        fx.data.checkpoint();
        fx.restart();
        Collection reopened = fx.catalog.collection(DB, "p");
        for (String field : List.of("i", "f", "s", "b", "arr")) {
            fx.awaitIndex(reopened, field);
        }
        assertThat(sealedSegmentsWithIndex(reopened, "s")).isEqualTo(3);
        compare(filters, scanned, answers(filters, queries));
    }

    private void compare(List<String> filters, List<String> scanned, List<String> indexed) {
        for (int i = 0; i < filters.size(); i++) {
            assertThat(indexed.get(i)).as("filter %s (seed %d)", filters.get(i), SEED).isEqualTo(scanned.get(i));
        }
    }

    private int sealedSegmentsWithIndex(Collection collection, String field) {
        int f = collection.schema().fields().indexOf(collection.schema().field(field).orElseThrow());
        return fx.data.read(Layouts.of(collection), view -> {
            int count = 0;
            for (int s = 0; s < view.segmentCount(); s++) {
                count += view.scalarIndex(s, f) != null ? 1 : 0;
            }
            return count;
        });
    }

    /** Per filter: the matching keys of a query, its count, and the keys and scores of a filtered top-10 search. */
    private List<String> answers(List<String> filters, float[][] queries) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < filters.size(); i++) {
            String filter = filters.get(i);
            ResultRows rows = fx.reader.query(EntityFixture.query("p", filter, List.of("id"), 16384, 0));
            ResultRows count = fx.reader.query(EntityFixture.query("p", filter, List.of("count(*)"), 0, 0));
            ResultRows hits = fx.reader.search(new dev.vectorvault.query.SearchRequest(DB, "p", List.of(), "",
                    new float[][] {queries[i]}, 10, 0, filter, Map.of(), List.of(), RequestedMetric.none(),
                    Float.NaN, Float.NaN, Map.of("ef", "4096")));
            out.add(EntityFixture.keys(rows) + " count=" + count.count() + " hits=" + EntityFixture.keys(hits)
                    + Arrays.toString(hits.scores()));
        }
        return out;
    }

    private void insert(Random random) {
        for (int start = 0; start < ROWS; start += 500) {
            List<Object> ids = new ArrayList<>();
            List<Object> vecs = new ArrayList<>();
            List<Object> is = new ArrayList<>();
            List<Object> fs = new ArrayList<>();
            List<Object> ss = new ArrayList<>();
            List<Object> bs = new ArrayList<>();
            List<Object> arrs = new ArrayList<>();
            List<Object> ns = new ArrayList<>();
            for (int k = start; k < start + 500; k++) {
                ids.add((long) k);
                vecs.add(EntityFixture.gaussian(random, DIM));
                is.add(random.nextInt(10) == 0 ? null : (long) (random.nextInt(41) - 20));
                fs.add(random.nextInt(10) == 0 ? null : pick(random, -0.0, 0.0, 1.5, -2.25, 3.0, 7.75, 1e9));
                ss.add(random.nextInt(10) == 0 ? null : STRINGS[random.nextInt(STRINGS.length)]);
                bs.add(random.nextInt(10) == 0 ? null : random.nextBoolean());
                if (random.nextInt(10) == 0) {
                    arrs.add(null);
                } else {
                    List<Object> arr = new ArrayList<>();
                    int length = random.nextInt(5);
                    for (int e = 0; e < length; e++) {
                        arr.add((long) random.nextInt(7));
                    }
                    arrs.add(arr);
                }
                ns.add((long) random.nextInt(100));
            }
            fx.writer.insert(DB, "p", "", batch(500, "id", ids, "vec", vecs, "i", is, "f", fs, "s", ss, "b", bs,
                    "arr", arrs, "n", ns));
        }
    }

    private static Object pick(Random random, Object... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static String condition(Random random, int depth) {
        if (depth > 0 && random.nextInt(3) > 0) {
            return switch (random.nextInt(4)) {
                case 0 -> "(" + condition(random, depth - 1) + " and " + condition(random, depth - 1) + ")";
                case 1 -> "(" + condition(random, depth - 1) + " or " + condition(random, depth - 1) + ")";
                case 2 -> "not (" + condition(random, depth - 1) + ")";
                default -> "(" + condition(random, depth - 1) + " && " + condition(random, depth - 1) + " || "
                        + condition(random, depth - 1) + ")";
            };
        }
        return atom(random);
    }

    private static String atom(Random random) {
        String[] ops = {"==", "!=", "<", "<=", ">", ">="};
        String op = ops[random.nextInt(ops.length)];
        int c = random.nextInt(41) - 20;
        String str = "\"" + STRINGS[random.nextInt(STRINGS.length)] + "\"";
        return switch (random.nextInt(22)) {
            case 0 -> "i " + op + " " + c;
            case 1 -> c + " " + op + " i";
            case 2 -> "i " + op + " " + (c + 0.5);
            case 3 -> (c - 5) + " < i <= " + (c + 5);
            case 4 -> (c + 5) + " >= i > " + (c - 5);
            case 5 -> "i in [" + c + ", " + (c + 3) + ", " + (c * 2) + "]";
            case 6 -> "i not in [" + c + ", " + (c + 1) + "]";
            case 7 -> "f " + op + " " + pick(random, "0", "-0.0", "1.5", "3", "-3", "1000000000", "2.5");
            case 8 -> "f in [0, 1.5, 7.75]";
            case 9 -> "s " + op + " " + str;
            case 10 -> "s like \"" + pick(random, "k1", "k", "b", "", "k2", "zz") + "%\"";
            case 11 -> "s in [" + str + ", \"k3\", \"a\"]";
            case 12 -> "b == " + random.nextBoolean();
            case 13 -> "b != " + random.nextBoolean();
            case 14 -> "array_contains(arr, " + random.nextInt(8) + ")";
            case 15 -> "array_contains_any(arr, [" + random.nextInt(8) + ", " + random.nextInt(8) + "])";
            case 16 -> "array_contains_all(arr, [" + random.nextInt(8) + ", " + random.nextInt(8) + "])";
            case 17 -> pick(random, "i", "f", "s", "b", "arr") + (random.nextBoolean() ? " is null" : " is not null");
            case 18 -> "n % 7 == " + random.nextInt(7);
            case 19 -> "n " + op + " " + random.nextInt(100);
            case 20 -> "s like \"%" + pick(random, "1", "x", "") + "\"";
            default -> "i + 1 " + op + " " + c;
        };
    }
}
