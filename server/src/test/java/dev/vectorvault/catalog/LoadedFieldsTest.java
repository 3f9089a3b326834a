package dev.vectorvault.catalog;

import static dev.vectorvault.catalog.CatalogFixture.DB;
import static dev.vectorvault.catalog.CatalogFixture.failsWith;
import static dev.vectorvault.catalog.TestSchemas.dynamicSchema;
import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.index.RequestedMetric;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loaded-field list of a partial load: how a request's names become field ids, the list a loaded collection
 * holds to, and its end with the load. Collection {@code c}: {@code id} (100), {@code vec} (101), {@code n} (102) and
 * the dynamic field {@code $meta} (103).
 */
@Timeout(60)
class LoadedFieldsTest {
    @TempDir
    Path dir;

    private CatalogFixture fx;
    private Catalog catalog;

    @BeforeEach
    void setUp() {
        fx = new CatalogFixture(dir);
        catalog = fx.catalog;
        fx.create("c", dynamicSchema(int64Key("id"), vector("vec", 4), field("n", DataType.INT64)));
        catalog.createPartition(DB, "c", "a");
        fx.indexes.create(DB, "c", "vec", "", "FLAT", RequestedMetric.parse("L2"), Map.of());
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private Collection c() {
        return catalog.collection(DB, "c");
    }

    private List<String> loadedNames() {
        Collection c = c();
        return c.schema().fields().stream().filter(f -> c.loadedFields().loaded(f)).map(FieldSchema::name).toList();
    }

    @Test
    void namesBecomeFieldIdsWithTheDynamicFieldUnlessSkippedAndEveryFieldIsTheEmptyList() {
        CollectionSchema schema = c().schema();
        assertThat(LoadedFields.requested(schema, List.of("vec", "id"), false)).containsExactly(100L, 101L, 103L);
        assertThat(LoadedFields.requested(schema, List.of("vec", "id"), true)).containsExactly(100L, 101L);
        assertThat(LoadedFields.requested(schema, List.of(), true)).containsExactly(100L, 101L, 102L);
        assertThat(LoadedFields.requested(schema, List.of(), false)).isEmpty();
        assertThat(LoadedFields.requested(schema, List.of("id", "vec", "n"), false)).isEmpty();
    }

    @Test
    void aLoadLeavesTheOtherFieldsOutAndAReleaseEndsTheList() {
        fx.indexes.load(DB, "c", List.of("id", "vec"), true);
        assertThat(loadedNames()).containsExactly("id", "vec");
        assertThat(c().loadedFields().dynamicLoaded()).isFalse();

        fx.indexes.release(DB, "c");
        assertThat(c().loadedFieldIds()).isEmpty();
        fx.indexes.load(DB, "c");
        assertThat(loadedNames()).containsExactly("id", "vec", "n", "$meta");
    }

    @Test
    void releasingTheLastLoadedPartitionEndsTheList() {
        fx.indexes.loadPartitions(DB, "c", List.of("a"), List.of("id", "vec", "n"), false);
        assertThat(loadedNames()).containsExactly("id", "vec", "n", "$meta");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.indexes.loadPartitions(DB, "c", List.of("_default"),
                List.of("id", "vec"), false))
                .hasMessage("can't change the load field list for loaded collection: invalid parameter"
                        + "[expected=[100 101 102 103]][actual=[100 101 103]]");

        fx.indexes.releasePartitions(DB, "c", List.of("a"));

        assertThat(c().loaded()).isFalse();
        assertThat(c().loadedFieldIds()).isEmpty();
        fx.indexes.loadPartitions(DB, "c", List.of("_default"), List.of("id", "vec"), false);
        assertThat(loadedNames()).containsExactly("id", "vec", "$meta");
    }

    @Test
    void aNameThatIsNoFieldIsRefusedAndNothingIsLoaded() {
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.indexes.load(DB, "c", List.of("id", "vec", "$meta2"), false))
                .hasMessageContaining("fieldName($meta2) not found");
        assertThat(c().loaded()).isFalse();
    }
}
