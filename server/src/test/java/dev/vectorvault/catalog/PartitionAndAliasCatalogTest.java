package dev.vectorvault.catalog;

import static dev.vectorvault.catalog.CatalogFixture.DB;
import static dev.vectorvault.catalog.CatalogFixture.failsWith;
import static dev.vectorvault.catalog.TestSchemas.simple;
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

@Timeout(60)
class PartitionAndAliasCatalogTest {
    @TempDir
    Path dir;

    private CatalogFixture fx;
    private Catalog catalog;

    @BeforeEach
    void setUp() {
        fx = new CatalogFixture(dir);
        catalog = fx.catalog;
        fx.create("c", simple());
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private List<String> partitions() {
        return catalog.collection(DB, "c").partitions().stream().map(Partition::name).toList();
    }

    // ------------------------------------------------------------------ partitions

    @Test
    void everyCollectionStartsWithTheDefaultPartition() {
        assertThat(partitions()).containsExactly("_default");
    }

    @Test
    void createPartitionAddsItAndCreatingItAgainChangesNothing() {
        catalog.createPartition(DB, "c", "p1");
        Partition p1 = catalog.collection(DB, "c").partition("p1").orElseThrow();
        catalog.createPartition(DB, "c", "p1");
        assertThat(partitions()).containsExactly("_default", "p1");
        assertThat(catalog.collection(DB, "c").partition("p1")).contains(p1);
        assertThat(p1.partitionId()).isNotEqualTo(catalog.collection(DB, "c").partition("_default").orElseThrow()
                .partitionId());
    }

    @Test
    void partitionsCanBeCreatedThroughAnAlias() {
        catalog.createAlias(DB, "al", "c");
        catalog.createPartition(DB, "al", "p1");
        assertThat(partitions()).containsExactly("_default", "p1");
    }

    @Test
    void badPartitionNamesAndMissingCollectionsAreRefused() {
        failsWith(ErrorCode.PARAMETER_INVALID, () -> catalog.createPartition(DB, "c", "1p"));
        failsWith(ErrorCode.PARAMETER_INVALID, () -> catalog.createPartition(DB, "c", ""));
        failsWith(ErrorCode.COLLECTION_NOT_FOUND, () -> catalog.createPartition(DB, "nope", "p"));
        assertThat(partitions()).containsExactly("_default");
    }

    @Test
    void theDefaultPartitionCannotBeDropped() {
        failsWith(ErrorCode.PARAMETER_INVALID, () -> catalog.dropPartition(DB, "c", "_default"))
                .hasMessageContaining("default partition cannot be deleted");
        assertThat(partitions()).containsExactly("_default");
    }

    @Test
    void droppingAPartitionRemovesItAndTellsTheListener() {
        catalog.createPartition(DB, "c", "p1");
        Collection c = catalog.collection(DB, "c");
        long id = c.partition("p1").orElseThrow().partitionId();
        catalog.dropPartition(DB, "c", "p1");
        assertThat(partitions()).containsExactly("_default");
        assertThat(fx.events).containsExactly("partition " + c.collectionId() + "/" + id);
    }

    @Test
    void droppingAMissingPartitionSucceedsSilently() {
        catalog.dropPartition(DB, "c", "nope");
        assertThat(fx.events).isEmpty();
    }

    @Test
    void aPartitionOfALoadedCollectionCannotBeDropped() {
        catalog.createPartition(DB, "c", "p1");
        catalog.setLoaded(DB, "c", true);
        failsWith(ErrorCode.UNEXPECTED, () -> catalog.dropPartition(DB, "c", "p1"))
                .hasMessageContaining("partition is loaded, please release it first");
        assertThat(partitions()).containsExactly("_default", "p1");
        catalog.setLoaded(DB, "c", false);
        catalog.dropPartition(DB, "c", "p1");
        assertThat(partitions()).containsExactly("_default");
    }

    @Test
    void aRecreatedPartitionIsANewPartition() {
        catalog.createPartition(DB, "c", "p1");
        long first = catalog.collection(DB, "c").partition("p1").orElseThrow().partitionId();
        catalog.dropPartition(DB, "c", "p1");
        catalog.createPartition(DB, "c", "p1");
        assertThat(catalog.collection(DB, "c").partition("p1").orElseThrow().partitionId()).isNotEqualTo(first);
    }

    // ------------------------------------------------------------------ aliases

    @Test
    void createDescribeAndListAliases() {
        fx.create("d", simple());
        catalog.createAlias(DB, "b_alias", "c");
        catalog.createAlias(DB, "a_alias", "c");
        catalog.createAlias(DB, "d_alias", "d");
        assertThat(catalog.aliasTarget(DB, "a_alias").name()).isEqualTo("c");
        assertThat(catalog.listAliases(DB, null)).containsExactly("a_alias", "b_alias", "d_alias");
        assertThat(catalog.listAliases(DB, "")).containsExactly("a_alias", "b_alias", "d_alias");
        assertThat(catalog.listAliases(DB, "c")).containsExactly("a_alias", "b_alias");
        assertThat(catalog.listAliases(DB, "d_alias")).as("through an alias").containsExactly("d_alias");
        assertThat(catalog.aliasesOf(catalog.collection(DB, "c"))).containsExactly("a_alias", "b_alias");
    }

    @Test
    void creatingTheSameAliasAgainSucceedsButNotForAnotherCollection() {
        fx.create("d", simple());
        catalog.createAlias(DB, "al", "c");
        catalog.createAlias(DB, "al", "c");
        failsWith(ErrorCode.ALIAS_ALREADY_EXISTS, () -> catalog.createAlias(DB, "al", "d"))
                .hasMessageContaining("alias exist and already aliased to another collection");
        assertThat(catalog.aliasTarget(DB, "al").name()).isEqualTo("c");
    }

    @Test
    void anAliasCannotTakeACollectionsName() {
        fx.create("d", simple());
        failsWith(ErrorCode.ALIAS_COLLECTION_NAME_CONFLICT, () -> catalog.createAlias(DB, "d", "c"))
                .hasMessageContaining("alias and collection name conflict");
        failsWith(ErrorCode.ALIAS_COLLECTION_NAME_CONFLICT, () -> catalog.createAlias(DB, "c", "c"));
    }

    @Test
    void aliasCreationNeedsAValidNameAndAnExistingCollection() {
        failsWith(ErrorCode.PARAMETER_INVALID, () -> catalog.createAlias(DB, "bad name", "c"));
        failsWith(ErrorCode.COLLECTION_NOT_FOUND, () -> catalog.createAlias(DB, "al", "nope"));
        failsWith(ErrorCode.DATABASE_NOT_FOUND, () -> catalog.createAlias("nodb", "al", "c"));
        assertThat(catalog.listAliases(DB, null)).isEmpty();
    }

    @Test
    void alterAliasMovesItToAnotherCollection() {
        fx.create("d", simple());
        catalog.createAlias(DB, "al", "c");
        catalog.alterAlias(DB, "al", "d");
        assertThat(catalog.aliasTarget(DB, "al").name()).isEqualTo("d");
        assertThat(catalog.collection(DB, "al").name()).isEqualTo("d");
        assertThat(catalog.listAliases(DB, "c")).isEmpty();
        catalog.dropCollection(DB, "c"); // no aliases left on it
    }

    @Test
    void alterAliasFailures() {
        catalog.createAlias(DB, "al", "c");
        failsWith(ErrorCode.ALIAS_NOT_FOUND, () -> catalog.alterAlias(DB, "nope", "c"))
                .hasMessageContaining("alias not found[database=default][alias=nope]");
        failsWith(ErrorCode.COLLECTION_NOT_FOUND, () -> catalog.alterAlias(DB, "al", "nope"));
        failsWith(ErrorCode.DATABASE_NOT_FOUND, () -> catalog.alterAlias("nodb", "al", "c"));
        assertThat(catalog.aliasTarget(DB, "al").name()).isEqualTo("c");
    }

    @Test
    void dropAliasAndDroppingAMissingAliasSucceed() {
        catalog.createAlias(DB, "al", "c");
        catalog.dropAlias(DB, "al");
        catalog.dropAlias(DB, "al");
        assertThat(catalog.listAliases(DB, null)).isEmpty();
        failsWith(ErrorCode.ALIAS_NOT_FOUND, () -> catalog.aliasTarget(DB, "al"));
        failsWith(ErrorCode.COLLECTION_NOT_FOUND, () -> catalog.collection(DB, "al"));
    }

    @Test
    void describingAnAliasInAMissingDatabaseFailsWithDatabaseNotFound() {
        failsWith(ErrorCode.DATABASE_NOT_FOUND, () -> catalog.aliasTarget("nodb", "al"));
    }

    @Test
    void aliasesBelongToTheirDatabase() {
        catalog.createDatabase("other", Map.of());
        fx.create("other", "c", simple());
        catalog.createAlias(DB, "al", "c");
        catalog.createAlias("other", "al", "c");
        assertThat(catalog.aliasTarget("other", "al").database()).isEqualTo("other");
        assertThat(catalog.aliasTarget(DB, "al").database()).isEqualTo(DB);
        catalog.dropAlias("other", "al");
        assertThat(catalog.listAliases(DB, null)).containsExactly("al");
        assertThat(catalog.listAliases("other", null)).isEmpty();
    }
}
