package dev.vectorvault.catalog;

import static dev.vectorvault.catalog.CatalogFixture.DB;
import static dev.vectorvault.catalog.CatalogFixture.failsWith;
import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.catalog.TestSchemas.simple;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.common.ErrorCode;
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
class CollectionCatalogTest {
    @TempDir
    Path dir;

    private CatalogFixture fx;
    private Catalog catalog;

    @BeforeEach
    void setUp() {
        fx = new CatalogFixture(dir);
        catalog = fx.catalog;
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private List<String> names(String database) {
        return catalog.listCollections(database).stream().map(Collection::name).toList();
    }

    @Test
    void createdCollectionsAreListedInCreationOrderAndDescribedByName() {
        Collection b = catalog.createCollection(DB, "b", simple(), 2, ConsistencyLevel.STRONG, Map.of("k", "v"));
        fx.create("a", simple());
        assertThat(names(DB)).containsExactly("b", "a");
        Collection described = catalog.collection(DB, "b");
        assertThat(described).isEqualTo(b);
        assertThat(described.shardsNum()).isEqualTo(2);
        assertThat(described.consistencyLevel()).isEqualTo(ConsistencyLevel.STRONG);
        assertThat(described.properties()).containsEntry("k", "v");
        assertThat(described.database()).isEqualTo(DB);
        assertThat(catalog.byId(b.collectionId())).contains(b);
    }

    @Test
    void shardsNumIsAtLeastOne() {
        Collection c = catalog.createCollection(DB, "c", simple(), 0, ConsistencyLevel.SESSION, Map.of());
        assertThat(c.shardsNum()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "9lives", "with-dash", "with space", "tab\t", "点"})
    void badCollectionNamesAreRefused(String name) {
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.create(name, simple()));
        assertThat(names(DB)).isEmpty();
    }

    @Test
    void nameLengthLimitIs255() {
        fx.create("c".repeat(255), simple());
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.create("c".repeat(256), simple()))
                .hasMessageContaining("must be less than 255 characters");
    }

    @Test
    void namesWithUnderscoreDigitsAndDollarAreAccepted() {
        fx.create("_c0", simple());
        fx.create("a$b", simple());
        assertThat(names(DB)).containsExactly("_c0", "a$b");
    }

    @Test
    void creatingAgainWithTheSameSchemaReturnsTheExistingCollection() {
        Collection first = fx.create("c", simple());
        Collection again = fx.create("c", simple());
        assertThat(again).isEqualTo(first);
        assertThat(names(DB)).containsExactly("c");
    }

    @Test
    void creatingAgainWithAnotherSchemaFails() {
        fx.create("c", simple());
        failsWith(ErrorCode.UNEXPECTED, () -> fx.create("c", schema(int64Key("id"), vector("vec", 4),
                field("extra", DataType.INT8))))
                .hasMessageContaining("create duplicate collection with different parameters, collection: c");
        failsWith(ErrorCode.UNEXPECTED, () -> fx.create("c", schema(int64Key("key"), vector("vec", 4))));
        failsWith(ErrorCode.UNEXPECTED, () -> fx.create("c", schema(int64Key("id"),
                field("vec", DataType.JSON), vector("v2", 4))));
        assertThat(catalog.collection(DB, "c").schema()).isEqualTo(catalog.listCollections(DB).get(0).schema());
    }

    @Test
    void theSameNameInAnotherDatabaseIsAnotherCollection() {
        catalog.createDatabase("other", Map.of());
        Collection here = fx.create("c", simple());
        Collection there = fx.create("other", "c", simple());
        assertThat(there.collectionId()).isNotEqualTo(here.collectionId());
        assertThat(there.database()).isEqualTo("other");
        catalog.dropCollection("other", "c");
        assertThat(names(DB)).containsExactly("c");
    }

    @Test
    void describingAMissingCollectionFailsWithCollectionNotFound() {
        failsWith(ErrorCode.COLLECTION_NOT_FOUND, () -> catalog.collection(DB, "nope"))
                .hasMessageContaining("collection not found[database=default][collection=nope]");
        assertThat(catalog.find(DB, "nope")).isEmpty();
    }

    @Test
    void aCollectionCanBeDescribedThroughItsAlias() {
        Collection c = fx.create("c", simple());
        catalog.createAlias(DB, "current", "c");
        assertThat(catalog.collection(DB, "current")).isEqualTo(c);
        assertThat(catalog.find(DB, "current")).contains(c);
    }

    @Test
    void droppingACollectionRemovesItAndTellsTheListener() {
        Collection c = fx.create("c", simple());
        catalog.dropCollection(DB, "c");
        assertThat(names(DB)).isEmpty();
        assertThat(catalog.byId(c.collectionId())).isEmpty();
        assertThat(fx.events).containsExactly("collection " + c.collectionId());
    }

    @Test
    void droppingAMissingCollectionSucceedsSilently() {
        catalog.dropCollection(DB, "nope");
        assertThat(fx.events).isEmpty();
    }

    @Test
    void aCollectionWithAliasesCannotBeDroppedNorDroppedThroughAnAlias() {
        fx.create("c", simple());
        catalog.createAlias(DB, "a1", "c");
        failsWith(ErrorCode.UNEXPECTED, () -> catalog.dropCollection(DB, "c"))
                .hasMessageContaining("has associated aliases [a1]");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> catalog.dropCollection(DB, "a1"))
                .hasMessageContaining("cannot drop the collection via alias = a1");
        catalog.dropAlias(DB, "a1");
        catalog.dropCollection(DB, "c");
        assertThat(names(DB)).isEmpty();
    }

    @Test
    void aCollectionCannotTakeTheNameOfAnAlias() {
        fx.create("c", simple());
        catalog.createAlias(DB, "taken", "c");
        failsWith(ErrorCode.UNEXPECTED, () -> fx.create("taken", simple()))
                .hasMessageContaining("conflicts with an existing alias");
    }

    @Test
    void renameKeepsTheCollectionItsIdPartitionsAndAliases() {
        Collection c = fx.create("old", simple());
        catalog.createPartition(DB, "old", "p1");
        catalog.createAlias(DB, "al", "old");
        catalog.renameCollection(DB, "old", "", "renamed");

        assertThat(names(DB)).containsExactly("renamed");
        Collection renamed = catalog.collection(DB, "renamed");
        assertThat(renamed.collectionId()).isEqualTo(c.collectionId());
        assertThat(renamed.partitions()).extracting(Partition::name).containsExactly("_default", "p1");
        assertThat(catalog.collection(DB, "al")).isEqualTo(renamed);
        failsWith(ErrorCode.COLLECTION_NOT_FOUND, () -> catalog.collection(DB, "old"));
        assertThat(fx.events).as("renaming drops nothing").isEmpty();
    }

    @Test
    void renameToAnotherDatabase() {
        catalog.createDatabase("archive", Map.of());
        Collection c = fx.create("c", simple());
        catalog.renameCollection(DB, "c", "archive", "c2023");
        assertThat(names(DB)).isEmpty();
        Collection moved = catalog.collection("archive", "c2023");
        assertThat(moved.collectionId()).isEqualTo(c.collectionId());
        assertThat(moved.database()).isEqualTo("archive");
        failsWith(ErrorCode.UNEXPECTED, () -> catalog.dropDatabase("archive"));
    }

    @Test
    void renameToAnotherDatabaseNeedsTheAliasesGoneFirst() {
        catalog.createDatabase("archive", Map.of());
        fx.create("c", simple());
        catalog.createAlias(DB, "al", "c");
        failsWith(ErrorCode.UNEXPECTED, () -> catalog.renameCollection(DB, "c", "archive", "c"))
                .hasMessageContaining("must drop all aliases");
        assertThat(names(DB)).containsExactly("c");
    }

    @Test
    void renameFailuresChangeNothing() {
        fx.create("a", simple());
        fx.create("b", simple());
        catalog.createAlias(DB, "al", "b");
        failsWith(ErrorCode.UNEXPECTED, () -> catalog.renameCollection(DB, "a", null, "b"))
                .hasMessageContaining("duplicated new collection name default:b");
        failsWith(ErrorCode.UNEXPECTED, () -> catalog.renameCollection(DB, "a", null, "al"));
        failsWith(ErrorCode.COLLECTION_NOT_FOUND, () -> catalog.renameCollection(DB, "nope", null, "x"));
        failsWith(ErrorCode.PARAMETER_INVALID, () -> catalog.renameCollection(DB, "a", null, "bad-name"));
        failsWith(ErrorCode.DATABASE_NOT_FOUND, () -> catalog.renameCollection(DB, "a", "nodb", "x"));
        failsWith(ErrorCode.DATABASE_NOT_FOUND, () -> catalog.renameCollection("nodb", "a", DB, "x"));
        assertThat(names(DB)).containsExactly("a", "b");
    }

    @Test
    void alterPropertiesSetsAndDeletesKeys() {
        catalog.createCollection(DB, "c", simple(), 1, ConsistencyLevel.BOUNDED, Map.of("a", "1", "b", "2"));
        Collection altered = catalog.alterProperties(DB, "c", Map.of("c", "3"), List.of("a"));
        assertThat(altered.properties()).isEqualTo(Map.of("b", "2", "c", "3"));
        assertThat(catalog.collection(DB, "c").properties()).isEqualTo(Map.of("b", "2", "c", "3"));
    }

    @Test
    void collectionIdsAreUniqueAlsoAfterDrops() {
        long first = fx.create("c", simple()).collectionId();
        catalog.dropCollection(DB, "c");
        long second = fx.create("c", simple()).collectionId();
        assertThat(second).isNotEqualTo(first);
    }
}
