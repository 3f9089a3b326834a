package dev.vectorvault.catalog;

import static dev.vectorvault.catalog.CatalogFixture.DB;
import static dev.vectorvault.catalog.CatalogFixture.failsWith;
import static dev.vectorvault.catalog.TestSchemas.array;
import static dev.vectorvault.catalog.TestSchemas.dynamicSchema;
import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.varchar;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.index.HnswParams;
import dev.vectorvault.index.IndexKinds;
import dev.vectorvault.index.IndexParams;
import dev.vectorvault.index.IvfParams;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.RequestedMetric;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class IndexesTest {
    @TempDir
    Path dir;

    private CatalogFixture fx;
    private Indexes indexes;
    private Catalog catalog;

    @BeforeEach
    void setUp() {
        fx = new CatalogFixture(dir);
        indexes = fx.indexes;
        catalog = fx.catalog;
        fx.create("c", dynamicSchema(int64Key("id"), vector("vec", 4), varchar("title", 20),
                field("age", DataType.INT32), array("tags", DataType.VARCHAR, 4, 8)));
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    /** The metric as the edge parses a client's {@code metric_type}. */
    private static RequestedMetric named(String metric) {
        return RequestedMetric.parse(metric);
    }

    private IndexDefinition create(String field, String name, String type, String metric) {
        return indexes.create(DB, "c", field, name, type, named(metric), Map.of());
    }

    @Test
    void creatingOrDroppingAnIndexTellsTheListenerAndRepeatingTheSameCreateDoesNot() {
        long id = catalog.collection(DB, "c").collectionId();
        create("vec", "v", "HNSW", "L2");
        create("vec", "v", "HNSW", "L2");
        catalog.setLoaded(DB, "c", true);
        catalog.setLoaded(DB, "c", false);
        indexes.drop(DB, "c", "vec", "v");
        assertThat(fx.events).as("load state changes are no index change")
                .containsExactly("indexes " + id, "indexes " + id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"L2", "IP", "COSINE"})
    void flatIsAcceptedForVectorsWithEachMetric(String metric) {
        IndexDefinition index = create("vec", "vec_idx", "FLAT", metric);
        assertThat(index.indexType()).isEqualTo("FLAT");
        assertThat(index.metric()).contains(MetricType.valueOf(metric));
        assertThat(index.fieldName()).isEqualTo("vec");
        assertThat(catalog.collection(DB, "c").indexes()).containsExactly(index);
    }

    @Test
    void autoindexIsTheDefaultTypeAndCosineTheDefaultMetric() {
        IndexDefinition index = create("vec", "", null, null);
        assertThat(index.indexType()).isEqualTo("AUTOINDEX");
        assertThat(index.metric()).contains(MetricType.COSINE);
        assertThat(index.indexName()).as("named after the field").isEqualTo("vec");
    }

    @Test
    void typeAndMetricAreCaseInsensitive() {
        IndexDefinition index = create("vec", "i", "flat", "l2");
        assertThat(index.indexType()).isEqualTo("FLAT");
        assertThat(index.metric()).contains(MetricType.L2);
    }

    @Test
    void hnswAndIvfFlatAreAcceptedWithParametersInMilvusRanges() {
        IndexDefinition hnsw = indexes.create(DB, "c", "vec", "h", "hnsw", named("L2"),
                Map.of("M", "2048", "efConstruction", "1"));
        assertThat(hnsw.indexType()).isEqualTo("HNSW");
        assertThat(hnsw.kind().orElseThrow().parse(hnsw.params()))
                .isEqualTo(new HnswParams(2048, 1, IndexParams.DEFAULT_SEED));
        assertThat(IndexKinds.of("IVF_FLAT").orElseThrow().parse(Map.of("nlist", "65536")))
                .isEqualTo(new IvfParams(65_536, IndexParams.DEFAULT_SEED));
        assertThat(IndexKinds.of("AUTOINDEX").orElseThrow().parse(Map.of())).isEqualTo(new HnswParams(
                HnswParams.DEFAULT_M, HnswParams.DEFAULT_EF_CONSTRUCTION, IndexParams.DEFAULT_SEED));
        assertThat(IndexKinds.of("FLAT").orElseThrow().builds()).as("FLAT searches exactly").isFalse();
    }

    @Test
    void annParametersOutsideMilvusRangesAreRefusedAndNothingIsStored() {
        failsWith(ErrorCode.PARAMETER_INVALID, () -> indexes.create(DB, "c", "vec", "h", "HNSW", named("L2"),
                Map.of("M", "2049"))).hasMessageContaining("param 'M' (2049) should be in range [2, 2048]");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> indexes.create(DB, "c", "vec", "h", "HNSW", named("L2"),
                Map.of("efConstruction", "0"))).hasMessageContaining("param 'efConstruction' (0)");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> indexes.create(DB, "c", "vec", "i", "IVF_FLAT", named("IP"),
                Map.of("nlist", "65537"))).hasMessageContaining("param 'nlist' (65537) should be in range [1, 65536]");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> indexes.create(DB, "c", "vec", "i", "IVF_FLAT", named("IP"),
                Map.of("nlist", "many"))).hasMessageContaining("should be integer");
        assertThat(catalog.collection(DB, "c").indexes()).isEmpty();
    }

    @Test
    void ivfPqNeedsAnMThatDividesTheFieldsDimensionAndStoresNothingOtherwise() {
        failsWith(ErrorCode.PARAMETER_INVALID, () -> indexes.create(DB, "c", "vec", "i", "IVF_PQ", named("L2"),
                Map.of("nlist", "8"))).hasMessageContaining("parameter `m` not found");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> indexes.create(DB, "c", "vec", "i", "IVF_PQ", named("L2"),
                Map.of("m", "3"))).hasMessageContaining("dimension must be abled to be divided by `m`, dimension: 4,"
                + " m: 3");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> indexes.create(DB, "c", "vec", "i", "IVF_PQ", named("L2"),
                Map.of("m", "2", "nbits", "12"))).hasMessageContaining("nbits 12 is not supported by this server");
        assertThat(catalog.collection(DB, "c").indexes()).isEmpty();
        IndexDefinition pq = indexes.create(DB, "c", "vec", "i", "ivf_pq", named("COSINE"), Map.of("m", "2"));
        assertThat(pq.indexType()).isEqualTo("IVF_PQ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"DISKANN", "SCANN", "INVERTED", "STL_SORT"})
    void otherIndexTypesOnVectorsAreNotSupported(String type) {
        failsWith(ErrorCode.INDEX_NOT_SUPPORTED, () -> create("vec", "i", type, "L2"))
                .hasMessageContaining("index type not supported: " + type);
        assertThat(catalog.collection(DB, "c").indexes()).isEmpty();
    }

    @Test
    void unknownMetricsAreRefused() {
        failsWith(ErrorCode.PARAMETER_INVALID, () -> create("vec", "i", "FLAT", "HAMMING"))
                .hasMessageContaining("metric type HAMMING not found or not supported");
    }

    @ParameterizedTest
    @ValueSource(strings = {"INVERTED", "TRIE", "BITMAP", "AUTOINDEX"})
    void scalarIndexTypesAreRecordedWithoutMetric(String type) {
        IndexDefinition index = create("title", "t", type, "L2");
        assertThat(index.indexType()).isEqualTo(type);
        assertThat(index.metric()).isEmpty();
        assertThat(indexes.describe(DB, "c", "title", "")).containsExactly(index);
    }

    @ParameterizedTest
    @ValueSource(strings = {"INVERTED", "STL_SORT", "BITMAP", "AUTOINDEX"})
    void numericFieldsTakeEveryBuiltScalarIndexType(String type) {
        assertThat(create("age", "a", type, null).indexType()).isEqualTo(type);
    }

    @Test
    void scalarIndexTypesAreRefusedOnFieldsMilvusRefusesThemOn() {
        failsWith(ErrorCode.PARAMETER_INVALID, () -> create("title", "t", "STL_SORT", null))
                .hasMessage("STL_SORT are only supported on numeric field");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> create("tags", "t", "STL_SORT", null))
                .hasMessage("STL_SORT are only supported on numeric field");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> create("age", "a", "TRIE", null))
                .hasMessage("TRIE are only supported on varchar field");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> create("id", "i", "BITMAP", null))
                .hasMessage("create bitmap index on primary key not supported");
        assertThat(catalog.collection(DB, "c").indexes()).isEmpty();
        assertThat(create("tags", "t", "BITMAP", null).indexType()).isEqualTo("BITMAP");
    }

    @Test
    void vectorIndexTypesOnScalarsAreNotSupported() {
        failsWith(ErrorCode.INDEX_NOT_SUPPORTED, () -> create("age", "a", "FLAT", null))
                .hasMessageContaining("on scalar field age");
    }

    @Test
    void indexesNeedAnExistingSchemaField() {
        failsWith(ErrorCode.FIELD_NOT_FOUND, () -> create("nope", "", "FLAT", "L2"))
                .hasMessageContaining("cannot create index on non-exist field: nope");
        failsWith(ErrorCode.FIELD_NOT_FOUND, () -> create("$meta", "", "INVERTED", null));
        failsWith(ErrorCode.COLLECTION_NOT_FOUND, () -> indexes.create(DB, "nope", "vec", "", "FLAT", named("L2"),
                Map.of()));
    }

    @Test
    void theSameIndexTwiceSucceedsAndKeepsOneDefinition() {
        IndexDefinition first = indexes.create(DB, "c", "vec", "i", "FLAT", named("L2"), Map.of("nlist", "1"));
        IndexDefinition again = indexes.create(DB, "c", "vec", "i", "flat", named("l2"), Map.of("nlist", "1"));
        assertThat(again).isEqualTo(first);
        assertThat(catalog.collection(DB, "c").indexes()).containsExactly(first);
    }

    @Test
    void aDifferentIndexOnAnIndexedFieldIsADuplicate() {
        create("vec", "i", "FLAT", "L2");
        failsWith(ErrorCode.INDEX_DUPLICATE, () -> create("vec", "i", "FLAT", "IP"))
                .hasMessageContaining("at most one distinct index is allowed per field");
        failsWith(ErrorCode.INDEX_DUPLICATE, () -> create("vec", "i", "AUTOINDEX", "L2"));
        failsWith(ErrorCode.INDEX_DUPLICATE, () -> create("vec", "other", "FLAT", "L2"));
        failsWith(ErrorCode.INDEX_DUPLICATE, () -> indexes.create(DB, "c", "vec", "i", "FLAT", named("L2"),
                Map.of("x", "y")));
        assertThat(catalog.collection(DB, "c").indexes()).hasSize(1);
    }

    @Test
    void anIndexNameIsUniqueWithinTheCollection() {
        create("vec", "shared", "FLAT", "L2");
        failsWith(ErrorCode.INDEX_DUPLICATE, () -> create("title", "shared", "INVERTED", null))
                .hasMessageContaining("index name shared already exists");
    }

    @Test
    void describeByNameByFieldOrAll() {
        IndexDefinition vec = create("vec", "v_idx", "FLAT", "IP");
        IndexDefinition title = create("title", "t_idx", "TRIE", null);
        assertThat(indexes.describe(DB, "c", "", "v_idx")).containsExactly(vec);
        assertThat(indexes.describe(DB, "c", "title", null)).containsExactly(title);
        assertThat(indexes.describe(DB, "c", null, null)).containsExactly(vec, title);
        assertThat(indexes.describe(DB, "c", "vec", "v_idx")).containsExactly(vec);
        failsWith(ErrorCode.INDEX_NOT_FOUND, () -> indexes.describe(DB, "c", "", "nope"))
                .hasMessageContaining("index not found[collection=c]");
        failsWith(ErrorCode.INDEX_NOT_FOUND, () -> indexes.describe(DB, "c", "age", ""));
        failsWith(ErrorCode.INDEX_NOT_FOUND, () -> indexes.describe(DB, "c", "vec", "t_idx"));
    }

    @Test
    void describeWorksThroughAnAlias() {
        IndexDefinition vec = create("vec", "v_idx", "FLAT", "IP");
        catalog.createAlias(DB, "al", "c");
        assertThat(indexes.describe(DB, "al", "", "")).containsExactly(vec);
    }

    @Test
    void aVectorIndexCannotBeDroppedWhileLoadedButAScalarOneCan() {
        create("vec", "v", "FLAT", "L2");
        create("title", "t", "INVERTED", null);
        indexes.load(DB, "c");
        failsWith(ErrorCode.UNEXPECTED, () -> indexes.drop(DB, "c", "", "v"))
                .hasMessageContaining("collection is loaded, please release it first");
        indexes.drop(DB, "c", "title", "");
        assertThat(catalog.collection(DB, "c").indexes()).extracting(IndexDefinition::indexName)
                .containsExactly("v");

        indexes.release(DB, "c");
        indexes.drop(DB, "c", "vec", "");
        assertThat(catalog.collection(DB, "c").indexes()).isEmpty();
        failsWith(ErrorCode.INDEX_NOT_FOUND, () -> indexes.drop(DB, "c", "vec", ""));
    }

    @Test
    void loadNeedsAnIndexOnTheVectorField() {
        failsWith(ErrorCode.INDEX_NOT_FOUND, () -> indexes.load(DB, "c"))
                .hasMessageContaining("there is no vector index on field: [vec]");
        create("title", "t", "INVERTED", null);
        failsWith(ErrorCode.INDEX_NOT_FOUND, () -> indexes.load(DB, "c"));
        assertThat(catalog.collection(DB, "c").loaded()).isFalse();
        create("vec", "v", "FLAT", "L2");
        indexes.load(DB, "c");
        assertThat(catalog.collection(DB, "c").loaded()).isTrue();
    }

    @Test
    void loadAndReleaseWorkThroughAnAliasAndAreIdempotent() {
        create("vec", "v", "FLAT", "L2");
        catalog.createAlias(DB, "al", "c");
        indexes.load(DB, "al");
        indexes.load(DB, "al");
        assertThat(catalog.collection(DB, "c").loaded()).isTrue();
        indexes.release(DB, "al");
        indexes.release(DB, "c");
        assertThat(catalog.collection(DB, "c").loaded()).isFalse();
    }

    @Test
    void indexesAndLoadStatePersist() {
        IndexDefinition vec = indexes.create(DB, "c", "vec", "v", "FLAT", named("IP"), Map.of("k", "v"));
        IndexDefinition tags = create("tags", "tg", "INVERTED", null);
        indexes.load(DB, "c");
        fx.reopen();
        Collection reopened = fx.catalog.collection(DB, "c");
        assertThat(reopened.indexes()).containsExactly(vec, tags);
        assertThat(reopened.loaded()).isTrue();

        fx.indexes.release(DB, "c");
        fx.reopen();
        assertThat(fx.catalog.collection(DB, "c").loaded()).isFalse();
    }

    @Test
    void indexCreationDoesNotUndoConcurrentCatalogChanges() throws Exception {
        // Index changes rewrite the whole collection record; a partition created meanwhile must survive.
        List<String> fields = new java.util.ArrayList<>();
        FieldSchema[] schema = new FieldSchema[42];
        schema[0] = int64Key("id");
        schema[1] = vector("vec", 2);
        for (int i = 0; i < 40; i++) {
            fields.add("f" + i);
            schema[i + 2] = field("f" + i, DataType.INT64);
        }
        Catalog inMemory = new Catalog(dev.vectorvault.storage.MvMetaStore.inMemory(),
                new dev.vectorvault.common.HybridClock(), fx.listener);
        Indexes concurrent = new Indexes(inMemory);
        inMemory.createCollection(DB, "wide", TestSchemas.schema(schema), 1, ConsistencyLevel.BOUNDED, Map.of());
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
        Thread partitions = new Thread(() -> {
            await(start);
            for (int i = 0; i < 40; i++) {
                inMemory.createPartition(DB, "wide", "p" + i);
            }
        });
        partitions.start();
        await(start);
        for (String f : fields) {
            concurrent.create(DB, "wide", f, "", "INVERTED", RequestedMetric.none(), Map.of());
        }
        partitions.join();
        Collection wide = inMemory.collection(DB, "wide");
        assertThat(wide.indexes()).hasSize(40);
        assertThat(wide.partitions()).hasSize(41);
    }

    private static void await(java.util.concurrent.CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
