package dev.vectorvault.query;

import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.nullable;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.catalog.TestSchemas.varchar;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static dev.vectorvault.query.EntityFixture.DB;
import static dev.vectorvault.query.EntityFixture.batch;
import static dev.vectorvault.query.EntityFixture.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.ConsistencyLevel;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.RequestedMetric;
import dev.vectorvault.storage.data.IndexProgress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Group-by search against a plain reference implementation (brute force in double precision, then Milvus's grouping
 * rules: groups in the order of their best hit, the first {@code offset} groups skipped, {@code limit} groups kept,
 * each with its {@code group_size} best hits) on FLAT, IVF_FLAT and HNSW, over sealed segments, the growing one,
 * deletes, filters and a nullable group field. Prints its seed; replay with {@code -Dtests.seed=<seed>}.
 */
@Timeout(180)
class EntityReaderGroupBySearchTest {
    private static final int DIM = 8;
    private static final int ROWS = 3000;
    private static final long SEED = seed();
    private static final List<String> GROUP_FIELDS = List.of("grp", "cat", "flag", "small");

    @TempDir
    Path dir;

    private EntityFixture fx;
    /** The model: live key → vector and group values. */
    private final Map<Long, float[]> live = new LinkedHashMap<>();
    private final Map<String, Map<Long, Object>> groupValues = new LinkedHashMap<>();

    private static long seed() {
        String property = System.getProperty("tests.seed");
        return property == null || property.isBlank() ? new Random().nextLong() : Long.parseLong(property.trim());
    }

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    /**
     * 3000 rows over two sealed 1200-row segments (indexed) and a growing one, every 7th deleted: {@code grp}
     * nullable Int64 with 40 values, {@code cat} VarChar with 6, {@code flag} Bool, {@code small} Int32 with 3 values
     * of which one is on 3 rows only, so strict groups must be looked for far from the query.
     */
    private void populate(String indexType, Map<String, String> buildParams, Random random) throws Exception {
        fx = new EntityFixture(dir, 1200);
        fx.catalog.createCollection(DB, "g", schema(int64Key("id"), vector("vec", DIM),
                nullable(field("grp", DataType.INT64)), varchar("cat", 16), field("flag", DataType.BOOL),
                field("small", DataType.INT32), field("score", DataType.DOUBLE)), 1, ConsistencyLevel.STRONG,
                Map.of());
        fx.indexes.create(DB, "g", "vec", "", indexType, RequestedMetric.of(MetricType.L2), buildParams);
        fx.indexes.load(DB, "g");
        GROUP_FIELDS.forEach(f -> groupValues.put(f, new LinkedHashMap<>()));
        for (long start = 0; start < ROWS; start += 300) {
            List<Object> ids = new ArrayList<>();
            List<Object> vecs = new ArrayList<>();
            List<Object> grp = new ArrayList<>();
            List<Object> cat = new ArrayList<>();
            List<Object> flag = new ArrayList<>();
            List<Object> small = new ArrayList<>();
            List<Object> score = new ArrayList<>();
            for (long k = start; k < start + 300; k++) {
                float[] v = new float[DIM];
                for (int d = 0; d < DIM; d++) {
                    v[d] = (float) random.nextGaussian();
                }
                Long g = random.nextInt(20) == 0 ? null : (long) random.nextInt(40);
                String c = "c" + random.nextInt(6);
                boolean b = random.nextBoolean();
                long s = k % 1000 == 7 ? 2 : random.nextInt(2);
                ids.add(k);
                vecs.add(v);
                grp.add(g);
                cat.add(c);
                flag.add(b);
                small.add(s);
                score.add(random.nextDouble());
                live.put(k, v);
                groupValues.get("grp").put(k, g);
                groupValues.get("cat").put(k, c);
                groupValues.get("flag").put(k, b);
                groupValues.get("small").put(k, s);
            }
            fx.writer.insert(DB, "g", "", batch(300, "id", ids, "vec", vecs, "grp", grp, "cat", cat, "flag", flag,
                    "small", small, "score", score));
        }
        List<Long> deleted = new ArrayList<>();
        for (long k = 3; k < ROWS; k += 7) {
            deleted.add(k);
            live.remove(k);
        }
        fx.writer.delete(DB, "g", "", "id in " + deleted, Map.of());
        Collection collection = fx.catalog.collection(DB, "g");
        long deadline = System.nanoTime() + 120_000_000_000L;
        IndexProgress progress = fx.reader.indexProgress(collection, "vec");
        while (!progress.finished() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            progress = fx.reader.indexProgress(collection, "vec");
        }
        assertThat(progress.finished()).as("index built").isTrue();
    }

    private static SearchRequest request(float[][] queries, int limit, int offset, String filter,
                                         Map<String, String> searchParams, GroupBy groupBy) {
        return new SearchRequest(DB, "g", List.of(), "", queries, limit, offset, filter, Map.of(), List.of(),
                RequestedMetric.none(), Float.NaN, Float.NaN, searchParams).withGroupBy(groupBy);
    }

    /** The reference: the groups of a brute-force ranking, each a list of keys, best first. */
    private List<List<Long>> reference(float[] query, long minKey, String field, int offset, int limit,
                                       int groupSize) {
        List<Long> ranked = live.keySet().stream().filter(k -> k > minKey)
                .sorted(Comparator.comparingDouble(k -> squaredL2(query, live.get(k)))).toList();
        Map<Object, List<Long>> groups = new LinkedHashMap<>();
        Object nullGroup = new Object();
        for (long key : ranked) {
            Object value = Objects.requireNonNullElse(groupValues.get(field).get(key), nullGroup);
            List<Long> group = groups.get(value);
            if (group == null) {
                if (groups.size() == offset + limit) {
                    continue;
                }
                group = new ArrayList<>();
                groups.put(value, group);
            }
            if (group.size() < groupSize) {
                group.add(key);
            }
        }
        return new ArrayList<>(groups.values()).subList(Math.min(offset, groups.size()), groups.size());
    }

    private static double squaredL2(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
        }
        return sum;
    }

    /** The returned rows of one query cut into groups by their group value (consecutive equal values). */
    private static List<List<Long>> groupsOf(ResultRows rows, int from, int count) {
        List<List<Long>> groups = new ArrayList<>();
        Object current = new Object();
        for (int i = from; i < from + count; i++) {
            Object value = rows.groupValues().get(i);
            if (groups.isEmpty() || !Objects.equals(value, current)) {
                groups.add(new ArrayList<>());
                current = value;
            }
            groups.get(groups.size() - 1).add((Long) rows.rows().get(i)[rows.primaryKeyField()]);
        }
        return groups;
    }

    /**
     * FLAT and IVF_FLAT probing every list are exact, so the groups must equal the reference: exactly for a strict
     * search; for a non-strict one the same groups, each holding a best-first prefix of the reference group.
     */
    @ParameterizedTest
    @ValueSource(strings = {"FLAT", "IVF_FLAT"})
    void exactIndexesGiveTheReferenceGroups(String type) throws Exception {
        System.out.println("EntityReaderGroupBySearchTest." + type + " tests.seed=" + SEED);
        Random random = new Random(SEED ^ type.hashCode());
        populate(type, type.equals("IVF_FLAT") ? Map.of("nlist", "8") : Map.of(), random);
        Map<String, String> searchParams = type.equals("IVF_FLAT") ? Map.of("nprobe", "8") : Map.of();
        for (int round = 0; round < 60; round++) {
            String field = GROUP_FIELDS.get(random.nextInt(GROUP_FIELDS.size()));
            int limit = 1 + random.nextInt(8);
            int offset = random.nextInt(3);
            int groupSize = 1 + random.nextInt(4);
            boolean strict = random.nextBoolean();
            long minKey = random.nextInt(4) == 0 ? random.nextInt(ROWS) : -1;
            float[][] queries = new float[1 + random.nextInt(2)][DIM];
            for (float[] q : queries) {
                for (int d = 0; d < DIM; d++) {
                    q[d] = (float) random.nextGaussian();
                }
            }
            String what = "seed " + SEED + " round " + round + " field " + field + " limit " + limit + " offset "
                    + offset + " group_size " + groupSize + " strict " + strict + " id > " + minKey;
            ResultRows rows = fx.reader.search(request(queries, limit, offset, minKey < 0 ? "" : "id > " + minKey,
                    searchParams, new GroupBy(field, groupSize, strict)));
            assertThat(rows.groupValues()).as(what).hasSize(rows.rows().size());
            int from = 0;
            for (int q = 0; q < queries.length; q++) {
                List<List<Long>> expected = reference(queries[q], minKey, field, offset, limit, groupSize);
                List<List<Long>> actual = groupsOf(rows, from, rows.perQuery()[q]);
                if (strict) {
                    assertThat(actual).as(what).isEqualTo(expected);
                } else {
                    assertThat(actual).as(what).hasSameSizeAs(expected);
                    for (int g = 0; g < actual.size(); g++) {
                        assertThat(actual.get(g)).as(what).isNotEmpty();
                        assertThat(expected.get(g)).as(what).startsWith(actual.get(g).toArray(new Long[0]));
                    }
                }
                for (int i = from; i < from + rows.perQuery()[q]; i++) {
                    Long key = (Long) rows.rows().get(i)[rows.primaryKeyField()];
                    assertThat(rows.groupValues().get(i)).as(what).isEqualTo(groupValues.get(field).get(key));
                }
                from += rows.perQuery()[q];
            }
        }
    }

    /**
     * HNSW is approximate, so its groups are checked for the rules (distinct groups, at most group_size hits each,
     * full groups when strict and the data has them, groups ordered by their best hit) and for agreement with the
     * reference.
     */
    @Test
    void hnswGroupsFollowTheRulesAndAgreeWithTheReference() throws Exception {
        System.out.println("EntityReaderGroupBySearchTest.HNSW tests.seed=" + SEED);
        Random random = new Random(SEED ^ 77);
        populate("HNSW", Map.of("M", "8", "efConstruction", "64"), random);
        double agreeing = 0;
        double total = 0;
        for (int round = 0; round < 40; round++) {
            String field = GROUP_FIELDS.get(random.nextInt(GROUP_FIELDS.size()));
            int limit = 1 + random.nextInt(8);
            int groupSize = 1 + random.nextInt(4);
            float[] query = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                query[d] = (float) random.nextGaussian();
            }
            String what = "seed " + SEED + " round " + round + " field " + field;
            ResultRows rows = fx.reader.search(request(new float[][] {query}, limit, 0, "", Map.of("ef", "32"),
                    new GroupBy(field, groupSize, true)));
            List<List<Long>> expected = reference(query, -1, field, 0, limit, groupSize);
            List<List<Long>> actual = groupsOf(rows, 0, rows.perQuery()[0]);
            assertThat(actual).as(what).hasSameSizeAs(expected);
            Set<Object> seen = new HashSet<>();
            double previousBest = -1;
            for (int g = 0; g < actual.size(); g++) {
                List<Long> group = actual.get(g);
                assertThat(seen.add(groupValues.get(field).get(group.get(0)))).as(what + " distinct groups").isTrue();
                assertThat(group).as(what).hasSizeLessThanOrEqualTo(groupSize).allSatisfy(k ->
                        assertThat(live).containsKey(k));
                long members = live.keySet().stream().filter(k -> Objects.equals(groupValues.get(field).get(k),
                        groupValues.get(field).get(group.get(0)))).count();
                assertThat(group).as(what + " strict").hasSize((int) Math.min(groupSize, members));
                double best = squaredL2(query, live.get(group.get(0)));
                assertThat(best).as(what + " groups by best hit").isGreaterThanOrEqualTo(previousBest);
                previousBest = best;
                for (int i = 1; i < group.size(); i++) {
                    assertThat(squaredL2(query, live.get(group.get(i))))
                            .isGreaterThanOrEqualTo(squaredL2(query, live.get(group.get(i - 1))));
                }
                total++;
                if (g < expected.size() && expected.get(g).equals(group)) {
                    agreeing++;
                }
            }
        }
        assertThat(agreeing / total).as("groups equal to the reference (seed " + SEED + ")")
                .isGreaterThanOrEqualTo(0.8);
    }

    @Test
    void limitCountsGroupsAndTopksCountsHits() throws Exception {
        populate("FLAT", Map.of(), new Random(SEED));
        ResultRows rows = fx.reader.search(request(new float[][] {new float[DIM]}, 2, 0, "", Map.of(),
                new GroupBy("flag", 3, true)));
        assertThat(rows.perQuery()).containsExactly(6);
        assertThat(rows.groupValues()).containsOnly(true, false);
        assertThat(new HashSet<>(rows.groupValues().subList(0, 3))).hasSize(1);
        // Only two flag values exist: a larger limit gives the two groups, an offset past them nothing.
        assertThat(fx.reader.search(request(new float[][] {new float[DIM]}, 5, 0, "", Map.of(),
                new GroupBy("flag", 1, false))).perQuery()).containsExactly(2);
        assertThat(fx.reader.search(request(new float[][] {new float[DIM]}, 5, 2, "", Map.of(),
                new GroupBy("flag", 1, false))).perQuery()).containsExactly(0);
    }

    /**
     * Segment one: two near rows of group 1 and a farther row of group 2; segment two: a far row of group 3. The first
     * round (two hits per segment) sees groups 1 and 3, but an unseen row of segment one (group 2) ranks before group
     * 3's row, so the search must widen rather than answer groups 1 and 3.
     */
    @Test
    void aGroupWhoseBestRowWasNotYetFetchedIsNotSkipped() {
        fx = new EntityFixture(dir, 3);
        fx.createLoaded("w", schema(int64Key("id"), vector("vec", 1), field("g", DataType.INT64)), "L2");
        fx.writer.insert(DB, "w", "", batch(3, "id", List.of(1L, 2L, 3L), "vec", List.of(new float[] {1},
                new float[] {2}, new float[] {3}), "g", List.of(1L, 1L, 2L)));
        fx.writer.insert(DB, "w", "", batch(1, "id", List.of(4L), "vec", List.of(new float[] {10}), "g",
                List.of(3L)));
        ResultRows rows = fx.reader.search(new SearchRequest(DB, "w", List.of(), "", new float[][] {{0}}, 2, 0, "",
                Map.of(), List.of(), RequestedMetric.none(), Float.NaN, Float.NaN, Map.of())
                .withGroupBy(new GroupBy("g", 1, false)));
        assertThat(EntityFixture.keys(rows)).containsExactly(1L, 3L);
        assertThat(rows.groupValues()).containsExactly(1L, 2L);
    }

    @Test
    void nullIsAGroupOfItsOwn() throws Exception {
        populate("FLAT", Map.of(), new Random(SEED));
        ResultRows rows = fx.reader.search(request(new float[][] {new float[DIM]}, 41, 0, "", Map.of(),
                new GroupBy("grp", 1, false)));
        assertThat(rows.groupValues()).contains((Object) null).doesNotHaveDuplicates();
    }

    @Test
    void unsupportedGroupFieldsAndSizesAreRefusedWithMilvusMessages() throws Exception {
        fx = new EntityFixture(dir, 400);
        fx.createLoaded("e", schema(int64Key("id"), vector("vec", DIM), field("f", DataType.FLOAT),
                field("d", DataType.DOUBLE), field("j", DataType.JSON),
                dev.vectorvault.catalog.TestSchemas.array("a", DataType.INT64, 4, 0)), "L2");
        float[][] q = {new float[DIM]};
        for (String[] c : new String[][] {{"f", "Float"}, {"d", "Double"}, {"a", "Array"}, {"vec", "FloatVector"}}) {
            failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(search("e", q, new GroupBy(c[0], 1, false))))
                    .hasMessage("unsupported data type " + c[1] + " for group by operator: invalid parameter");
        }
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(search("e", q, new GroupBy("j", 1, false))))
                .hasMessageContaining("group by a JSON field is not supported");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(search("e", q, new GroupBy("nope", 1, false))))
                .hasMessage("groupBy field not found in schema: invalid parameter");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(search("e", q, new GroupBy("id", 11, false))))
                .hasMessage("input group size:11 exceeds configured max group size:10: invalid parameter");
        SearchRequest range = new SearchRequest(DB, "e", List.of(), "", q, 3, 0, "", Map.of(), List.of(),
                RequestedMetric.none(), 10f, Float.NaN, Map.of()).withGroupBy(new GroupBy("id", 1, false));
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(range))
                .hasMessage("Not allowed to do range-search when doing search-group-by: invalid parameter");
    }

    @Test
    void groupParametersAreReadAsMilvusReadsThem() {
        assertThat(GroupBy.fromParams(Map.of("group_size", "3"), Map.of())).isNull();
        assertThat(GroupBy.fromParams(Map.of("group_by_field", "doc"), Map.of()))
                .isEqualTo(new GroupBy("doc", 1, false));
        assertThat(GroupBy.fromParams(Map.of("group_by_field", "doc", "group_size", "2", "strict_group_size",
                "true"), Map.of())).isEqualTo(new GroupBy("doc", 2, true));
        // Inside the params JSON, where a user may put it, it is not ignored either.
        assertThat(GroupBy.fromParams(Map.of(), Map.of("group_by_field", "doc"))).isEqualTo(new GroupBy("doc", 1,
                false));
        failsWith(ErrorCode.PARAMETER_INVALID, () -> GroupBy.fromParams(Map.of("group_by_field", "doc",
                "group_size", "0"), Map.of()))
                .hasMessage("input group size:0 is negative, failed to do search_groupby: invalid parameter");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> GroupBy.fromParams(Map.of("group_by_field", "doc",
                "group_size", "x"), Map.of())).hasMessageContaining("failed to parse input group size:x");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> GroupBy.fromParams(Map.of("group_by_field", "doc",
                "strict_group_size", "maybe"), Map.of()))
                .hasMessageContaining("failed to parse input strict group size:maybe");
    }

    private static SearchRequest search(String collection, float[][] queries, GroupBy groupBy) {
        return new SearchRequest(DB, collection, List.of(), "", queries, 3, 0, "", Map.of(), List.of(),
                RequestedMetric.none(), Float.NaN, Float.NaN, Map.of()).withGroupBy(groupBy);
    }
}
