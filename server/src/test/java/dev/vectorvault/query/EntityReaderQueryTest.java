package dev.vectorvault.query;

import static dev.vectorvault.catalog.TestSchemas.dynamicSchema;
import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.catalog.TestSchemas.varchar;
import static dev.vectorvault.catalog.TestSchemas.varcharKey;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static dev.vectorvault.query.EntityFixture.DB;
import static dev.vectorvault.query.EntityFixture.batch;
import static dev.vectorvault.query.EntityFixture.failsWith;
import static dev.vectorvault.query.EntityFixture.keys;
import static dev.vectorvault.query.EntityFixture.query;
import static dev.vectorvault.query.EntityFixture.values;
import static dev.vectorvault.query.EntityFixture.withDynamic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.ErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class EntityReaderQueryTest {
    @TempDir
    Path dir;

    private EntityFixture fx;
    private EntityReader reader;
    /** Live keys: the even numbers 0..198, inserted in a shuffled order; multiples of 3 in partition p1. */
    private final List<Long> keys = new ArrayList<>();

    @BeforeEach
    void setUp() {
        fx = new EntityFixture(dir, 16);
        reader = fx.reader;
        // id, vec, age, name, $meta
        fx.createLoaded("q", dynamicSchema(int64Key("id"), vector("vec", 2), field("age", DataType.INT32),
                varchar("name", 20)), "L2");
        fx.catalog.createPartition(DB, "q", "p1");
        for (long k = 0; k < 200; k += 2) {
            keys.add(k);
        }
        List<Long> shuffled = new ArrayList<>(keys);
        Collections.shuffle(shuffled, new Random(42));
        for (int i = 0; i < shuffled.size(); i += 10) {
            for (long k : shuffled.subList(i, i + 10)) {
                insert(k);
            }
        }
    }

    private void insert(long k) {
        fx.writer.insert(DB, "q", k % 3 == 0 ? "p1" : "", withDynamic(batch(1, "id", values(k), "vec",
                values(new float[] {k, 1}), "age", values(k % 50), "name", values("n" + k)),
                List.of(Map.of("color", k % 4 == 0 ? "red" : "blue", "rank", k))));
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private List<Long> where(java.util.function.Predicate<Long> p) {
        return keys.stream().filter(p).sorted().toList();
    }

    private ResultRows run(String filter, List<String> output, long limit, long offset) {
        return reader.query(query("q", filter, output, limit, offset));
    }

    @Test
    void countStarCountsMatchingRows() {
        assertThat(run("", List.of("count(*)"), 0, 0).count()).isEqualTo(100);
        assertThat(run("", List.of("COUNT(*)"), 0, 0).count()).isEqualTo(100);
        assertThat(run("age < 10", List.of("count(*)"), 0, 0).count()).isEqualTo(where(k -> k % 50 < 10).size());
        assertThat(reader.query(new QueryRequest(DB, "q", List.of("p1"), "", Map.of(), List.of("count(*)"), 0, 0))
                .count()).isEqualTo(where(k -> k % 3 == 0).size());
        fx.writer.delete(DB, "q", "", "id in [0, 2, 4]", Map.of());
        assertThat(run("", List.of("count(*)"), 0, 0).count()).isEqualTo(97);
        assertThat(run("id in [0, 6, 6, 7]", List.of("count(*)"), 0, 0).count()).isEqualTo(1);
    }

    @Test
    void countStarWithOtherOutputFieldsIsRefused() {
        failsWith(ErrorCode.PARAMETER_INVALID, () -> run("", List.of("count(*)", "age"), 0, 0))
                .hasMessageContaining("count entities with other output fields is not supported");
    }

    @Test
    void limitAndOffsetPageThroughRowsInPrimaryKeyOrder() {
        List<Object> paged = new ArrayList<>();
        for (int offset = 0; offset < 120; offset += 7) {
            paged.addAll(keys(run("", List.of(), 7, offset)));
        }
        assertThat(paged).isEqualTo(new ArrayList<Object>(where(k -> true)));
        assertThat(keys(run("", List.of(), 10, 100))).isEmpty();
        assertThat(keys(run("age >= 40", List.of(), 3, 2))).isEqualTo(new ArrayList<Object>(
                where(k -> k % 50 >= 40).subList(2, 5)));
        assertThat(keys(run("age >= 40", List.of(), 0, 0))).as("a filter without limit returns all matches")
                .isEqualTo(new ArrayList<Object>(where(k -> k % 50 >= 40)));
    }

    @Test
    void varcharKeysAreOrderedAsStrings() {
        fx.createLoaded("names", schema(varcharKey("name", 10), vector("v", 2)), "L2");
        fx.writer.insert(DB, "names", "", batch(4, "name", values("b", "a10", "a9", "A"), "v",
                values(new float[2], new float[2], new float[2], new float[2])));
        assertThat(keys(reader.query(query("names", "", List.of(), 10, 0)))).containsExactly("A", "a10", "a9", "b");
    }

    @Test
    void exactKeyLookupsReturnTheLiveRowsSorted() {
        assertThat(keys(run("id in [8, 2, 999, 2, 3]", List.of(), 0, 0))).containsExactly(2L, 8L);
        assertThat(keys(run("id == 6", List.of("name"), 0, 0))).containsExactly(6L);
        assertThat(keys(run("id in [6, 8, 10] and age > 7", List.of(), 0, 0))).containsExactly(8L, 10L);
        failsWith(ErrorCode.PARAMETER_INVALID, () -> run("id in {ids}", List.of(), 0, 0))
                .hasMessageContaining("template variable {ids} is not found");
        assertThat(keys(reader.query(new QueryRequest(DB, "q", List.of(), "id in {ids}", Map.of("ids",
                List.of(4L, 12L)), List.of(), 0, 0)))).containsExactly(4L, 12L);
        assertThat(keys(reader.query(new QueryRequest(DB, "q", List.of("p1"), "id in [2, 6, 12]", Map.of(),
                List.of(), 0, 0)))).as("only keys in the partition").containsExactly(6L, 12L);
        assertThat(keys(run("id in [2, 4, 6]", List.of(), 2, 1))).containsExactly(4L, 6L);
        fx.writer.delete(DB, "q", "", "id == 8", Map.of());
        assertThat(keys(run("id in [8, 2]", List.of(), 0, 0))).containsExactly(2L);
    }

    @Test
    void anEmptyFilterNeedsALimit() {
        failsWith(ErrorCode.PARAMETER_INVALID, () -> run("", List.of(), 0, 0))
                .hasMessageContaining("empty expression should be used with limit");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> run("  ", List.of("age"), 0, 5));
        assertThat(keys(run("", List.of(), 3, 0))).containsExactly(0L, 2L, 4L);
    }

    @Test
    void theQueryWindowIsBounded() {
        failsWith(ErrorCode.PARAMETER_INVALID, () -> run("", List.of(), 16_384, 1))
                .hasMessageContaining("(offset+limit) should be in range [1, 16384]");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> run("", List.of(), 16_385, 0));
        assertThat(keys(run("", List.of(), 16_384, 0))).hasSize(100);
    }

    @Test
    void rowsComeBackWholeAndOutputFieldsSayWhatToShow() {
        ResultRows all = run("id == 4", List.of("*"), 0, 0);
        assertThat(all.output().fields()).extracting(FieldSchema::name)
                .containsExactly("id", "vec", "age", "name", "$meta");
        assertThat(all.output().names()).containsExactly("id", "vec", "age", "name", "$meta");
        assertThat(all.output().dynamicKeys()).isNull();
        assertThat(all.rows().get(0)).containsExactly(4L, new float[] {4, 1}, 4L, "n4",
                Map.of("color", "red", "rank", 4L));

        ResultRows some = run("id == 4", List.of("name", "color"), 0, 0);
        assertThat(some.output().fields()).extracting(FieldSchema::name).containsExactly("id", "name", "$meta");
        assertThat(some.output().names()).containsExactly("id", "name", "color");
        assertThat(some.output().dynamicKeys()).containsExactly("color");

        ResultRows meta = run("id == 4", List.of("$meta"), 0, 0);
        assertThat(meta.output().names()).containsExactly("id", "$meta");
        assertThat(meta.output().dynamicKeys()).isNull();
    }

    @Test
    void filtersSeeDynamicKeys() {
        assertThat(keys(run("color == 'red' and id < 20", List.of(), 0, 0))).containsExactly(0L, 4L, 8L, 12L, 16L);
        assertThat(keys(run("$meta['rank'] >= 194", List.of(), 0, 0))).containsExactly(194L, 196L, 198L);
    }

    @Test
    void partitionsRestrictTheRows() {
        ResultRows p1 = reader.query(new QueryRequest(DB, "q", List.of("p1"), "id < 20", Map.of(), List.of(), 0,
                0));
        assertThat(keys(p1)).containsExactly(0L, 6L, 12L, 18L);
        ResultRows both = reader.query(new QueryRequest(DB, "q", List.of("p1", "_default"), "id < 8", Map.of(),
                List.of(), 0, 0));
        assertThat(keys(both)).containsExactly(0L, 2L, 4L, 6L);
        failsWith(ErrorCode.PARTITION_NOT_FOUND, () -> reader.query(new QueryRequest(DB, "q", List.of("nope"),
                "id < 8", Map.of(), List.of(), 0, 0)));
    }

    @Test
    void queryNeedsALoadedCollectionAndAValidFilter() {
        fx.indexes.release(DB, "q");
        failsWith(ErrorCode.COLLECTION_NOT_LOADED, () -> run("id > 0", List.of(), 0, 0));
        failsWith(ErrorCode.COLLECTION_NOT_LOADED, () -> run("", List.of("count(*)"), 0, 0));
        fx.indexes.load(DB, "q");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> run("id >>> 3", List.of(), 0, 0));
        failsWith(ErrorCode.PARAMETER_INVALID, () -> run("name > 3", List.of(), 0, 0));
        failsWith(ErrorCode.COLLECTION_NOT_FOUND, () -> reader.query(query("nope", "id > 0", List.of(), 0, 0)));
    }

    @Test
    void queryReadsThroughAnAlias() {
        fx.catalog.createAlias(DB, "al", "q");
        assertThat(reader.query(query("al", "", List.of("count(*)"), 0, 0)).count()).isEqualTo(100);
    }

    @Test
    void queryAfterDroppingAPartitionAndRestartingSeesOnlyTheRest() {
        fx.indexes.release(DB, "q");
        fx.catalog.dropPartition(DB, "q", "p1");
        fx.indexes.load(DB, "q");
        List<Long> rest = where(k -> k % 3 != 0);
        assertThat(run("", List.of("count(*)"), 0, 0).count()).isEqualTo(rest.size());
        fx.restart();
        reader = fx.reader;
        assertThat(keys(run("id >= 0", List.of(), 0, 0))).isEqualTo(new ArrayList<Object>(rest));
    }
}
