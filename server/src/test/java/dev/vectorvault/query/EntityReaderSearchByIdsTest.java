package dev.vectorvault.query;

import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.catalog.TestSchemas.varcharKey;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static dev.vectorvault.query.EntityFixture.DB;
import static dev.vectorvault.query.EntityFixture.batch;
import static dev.vectorvault.query.EntityFixture.failsWith;
import static dev.vectorvault.query.EntityFixture.keys;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.catalog.ConsistencyLevel;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.index.RequestedMetric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Search by primary keys ({@code SearchRequest.ids}, Milvus 2.6): the stored vectors of those rows are the queries,
 * answered in request order; missing, deleted, out-of-partition and duplicate keys are refused with Milvus's messages.
 */
@Timeout(60)
class EntityReaderSearchByIdsTest {
    private static final int DIM = 4;

    @TempDir
    Path dir;

    private EntityFixture fx;

    @BeforeEach
    void setUp() {
        fx = new EntityFixture(dir, 16);
        fx.createLoaded("s", schema(int64Key("id"), vector("vec", DIM), field("tag", DataType.INT64)), "L2");
        fx.catalog.createPartition(DB, "s", "p1");
        insert("_default", 0, 30);
        insert("p1", 30, 10);
        fx.writer.delete(DB, "s", "", "id in [5]", Map.of());
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    /** Row k: vector (k, k², 1, -k) / 10, tag k % 3. */
    private void insert(String partition, long from, int n) {
        List<Object> ids = new ArrayList<>();
        List<Object> vecs = new ArrayList<>();
        List<Object> tags = new ArrayList<>();
        for (long k = from; k < from + n; k++) {
            ids.add(k);
            vecs.add(vectorOf(k));
            tags.add(k % 3);
        }
        fx.writer.insert(DB, "s", partition, batch(n, "id", ids, "vec", vecs, "tag", tags));
    }

    private static float[] vectorOf(long k) {
        return new float[] {k / 10f, k * k / 10f, 0.1f, -k / 10f};
    }

    private static SearchRequest byIds(List<Object> ids, int topK, List<String> partitions) {
        return new SearchRequest(DB, "s", partitions, "", null, topK, 0, "", Map.of(), List.of(),
                RequestedMetric.none(), Float.NaN, Float.NaN, Map.of()).withPrimaryKeys(ids);
    }

    @Test
    void eachKeyIsAQueryWithItsStoredVectorInRequestOrder() {
        List<Object> ids = List.of(17L, 2L, 33L);
        ResultRows byKeys = fx.reader.search(byIds(ids, 4, List.of()));
        float[][] vectors = {vectorOf(17), vectorOf(2), vectorOf(33)};
        ResultRows byVectors = fx.reader.search(new SearchRequest(DB, "s", List.of(), "", vectors, 4, 0, "",
                Map.of(), List.of(), RequestedMetric.none(), Float.NaN, Float.NaN));
        assertThat(byKeys.perQuery()).containsExactly(4, 4, 4);
        assertThat(keys(byKeys)).isEqualTo(keys(byVectors));
        assertThat(byKeys.scores()).containsExactly(byVectors.scores());
        // The nearest row of each query is the row itself.
        assertThat(keys(byKeys).get(0)).isEqualTo(17L);
        assertThat(keys(byKeys).get(4)).isEqualTo(2L);
        assertThat(keys(byKeys).get(8)).isEqualTo(33L);
        assertThat(byKeys.scores()[0]).isZero();
    }

    @Test
    void filterGroupByAndOffsetApplyAsToAnyOtherSearch() {
        ResultRows filtered = fx.reader.search(new SearchRequest(DB, "s", List.of(), "", null, 3, 1, "tag == 1",
                Map.of(), List.of(), RequestedMetric.none(), Float.NaN, Float.NaN, Map.of())
                .withPrimaryKeys(List.of(10L)));
        assertThat(keys(filtered)).allSatisfy(k -> assertThat((Long) k % 3).isEqualTo(1));
        assertThat(keys(filtered)).hasSize(3).doesNotContain(10L);
        ResultRows grouped = fx.reader.search(byIds(List.of(10L), 2, List.of())
                .withGroupBy(new GroupBy("tag", 2, true)));
        assertThat(grouped.perQuery()).containsExactly(4);
        assertThat(grouped.groupValues()).containsExactly(1L, 1L, 0L, 0L);
    }

    @Test
    void missingDeletedAndOutOfPartitionKeysAreRefusedWithMilvusMessage() {
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(byIds(List.of(1L, 999L, 5L), 3, List.of())))
                .hasMessage("some of the provided primary key IDs do not exist: missing IDs = [999 5]: invalid"
                        + " parameter");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(byIds(List.of(31L), 3, List.of("_default"))))
                .hasMessage("some of the provided primary key IDs do not exist: missing IDs = [31]: invalid"
                        + " parameter");
        assertThat(fx.reader.search(byIds(List.of(31L), 3, List.of("p1"))).perQuery()).containsExactly(3);
    }

    @Test
    void duplicateKeysAreRefused() {
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(byIds(List.of(1L, 2L, 1L), 3, List.of())))
                .hasMessage("duplicate IDs found in search request: invalid parameter");
    }

    @Test
    void varcharKeysAndTheAnnsFieldRuleOfSeveralVectorFields() {
        fx.catalog.createCollection(DB, "two", schema(varcharKey("pk", 8), vector("a", DIM), vector("b", DIM)), 1,
                ConsistencyLevel.STRONG, Map.of());
        fx.indexes.create(DB, "two", "a", "", "FLAT", RequestedMetric.parse("L2"), Map.of());
        fx.indexes.create(DB, "two", "b", "", "FLAT", RequestedMetric.parse("IP"), Map.of());
        fx.indexes.load(DB, "two");
        fx.writer.insert(DB, "two", "", batch(2, "pk", List.of("x", "y"), "a", List.of(vectorOf(1), vectorOf(2)),
                "b", List.of(vectorOf(3), vectorOf(4))));
        SearchRequest noField = new SearchRequest(DB, "two", List.of(), "", null, 2, 0, "", Map.of(), List.of(),
                RequestedMetric.none(), Float.NaN, Float.NaN, Map.of()).withPrimaryKeys(List.of("y"));
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.reader.search(noField))
                .hasMessage("multiple vector fields exist, please specify anns_field in search_params: invalid"
                        + " parameter");
        ResultRows onB = fx.reader.search(new SearchRequest(DB, "two", List.of(), "b", null, 2, 0, "", Map.of(),
                List.of(), RequestedMetric.none(), Float.NaN, Float.NaN, Map.of()).withPrimaryKeys(List.of("y")));
        assertThat(keys(onB)).containsExactly("y", "x");
    }
}
