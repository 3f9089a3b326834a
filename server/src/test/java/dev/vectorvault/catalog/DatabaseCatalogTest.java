package dev.vectorvault.catalog;

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
class DatabaseCatalogTest {
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

    private List<String> names() {
        return catalog.listDatabases().stream().map(Database::name).toList();
    }

    @Test
    void theDefaultDatabaseExistsFromTheStart() {
        assertThat(names()).containsExactly("default");
        assertThat(catalog.listCollections("default")).isEmpty();
    }

    @Test
    void createListAndDescribeDatabasesInCreationOrder() {
        catalog.createDatabase("sales", Map.of("database.replica.number", "1"));
        catalog.createDatabase("_hr2", Map.of());
        assertThat(names()).containsExactly("default", "sales", "_hr2");
        assertThat(catalog.database("sales").properties()).containsEntry("database.replica.number", "1");
    }

    @Test
    void creatingAnExistingDatabaseFails() {
        catalog.createDatabase("sales", Map.of());
        failsWith(ErrorCode.UNEXPECTED, () -> catalog.createDatabase("sales", Map.of()))
                .hasMessageContaining("database already exist: sales");
        failsWith(ErrorCode.UNEXPECTED, () -> catalog.createDatabase("default", Map.of()));
    }

    @Test
    void badDatabaseNamesAreRefusedWithTheDatabaseNameCode() {
        for (String bad : List.of("", "1st", "a-b", "a b", "x".repeat(256), "ünicode")) {
            failsWith(ErrorCode.DATABASE_INVALID_NAME, () -> catalog.createDatabase(bad, Map.of()));
        }
        assertThat(names()).containsExactly("default");
    }

    @Test
    void atMostSixtyFourDatabasesDefaultIncluded() {
        for (int i = 1; i < Catalog.MAX_DATABASES; i++) {
            catalog.createDatabase("db" + i, Map.of());
        }
        failsWith(ErrorCode.DATABASE_LIMIT_EXCEEDED, () -> catalog.createDatabase("one_more", Map.of()))
                .hasMessageContaining("exceeds max configuration (64)");
        catalog.dropDatabase("db1");
        catalog.createDatabase("one_more", Map.of());
        assertThat(names()).hasSize(Catalog.MAX_DATABASES);
    }

    @Test
    void theDefaultDatabaseCannotBeDropped() {
        failsWith(ErrorCode.UNEXPECTED, () -> catalog.dropDatabase("default"))
                .hasMessageContaining("can not drop default database");
        assertThat(names()).containsExactly("default");
    }

    @Test
    void aDatabaseWithCollectionsCannotBeDroppedUntilTheyAreGone() {
        catalog.createDatabase("sales", Map.of());
        fx.create("sales", "orders", simple());
        failsWith(ErrorCode.UNEXPECTED, () -> catalog.dropDatabase("sales"))
                .hasMessageContaining("must drop all collections before drop database");
        catalog.dropCollection("sales", "orders");
        catalog.dropDatabase("sales");
        assertThat(names()).containsExactly("default");
    }

    @Test
    void droppingAMissingDatabaseSucceeds() {
        catalog.dropDatabase("never_was");
        assertThat(names()).containsExactly("default");
    }

    @Test
    void describingOrUsingAMissingDatabaseFailsWithDatabaseNotFound() {
        failsWith(ErrorCode.DATABASE_NOT_FOUND, () -> catalog.database("nope"))
                .hasMessageContaining("database not found[database=nope]");
        failsWith(ErrorCode.DATABASE_NOT_FOUND, () -> catalog.listCollections("nope"));
        failsWith(ErrorCode.DATABASE_NOT_FOUND, () -> fx.create("nope", "c", simple()));
        failsWith(ErrorCode.DATABASE_NOT_FOUND, () -> catalog.collection("nope", "c"));
        failsWith(ErrorCode.DATABASE_NOT_FOUND, () -> catalog.listAliases("nope", null));
        failsWith(ErrorCode.DATABASE_NOT_FOUND, () -> catalog.alterDatabase("nope", Map.of(), List.of()));
    }

    @Test
    void alterDatabaseSetsAndDeletesProperties() {
        catalog.createDatabase("sales", Map.of("a", "1", "b", "2"));
        catalog.alterDatabase("sales", Map.of("c", "3", "a", "9"), List.of("b"));
        assertThat(catalog.database("sales").properties()).isEqualTo(Map.of("a", "9", "c", "3"));
    }

    @Test
    void databasesAndTheirPropertiesPersist() {
        catalog.createDatabase("sales", Map.of("k", "v"));
        catalog.createDatabase("gone", Map.of());
        catalog.dropDatabase("gone");
        List<Database> before = catalog.listDatabases();
        fx.reopen();
        assertThat(fx.catalog.listDatabases()).isEqualTo(before);
        fx.reopen();
        assertThat(fx.catalog.listDatabases()).as("no second default database").isEqualTo(before);
    }
}
