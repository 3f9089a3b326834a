package dev.vectorvault.catalog;

import static dev.vectorvault.catalog.CatalogFixture.DB;
import static dev.vectorvault.catalog.TestSchemas.array;
import static dev.vectorvault.catalog.TestSchemas.dynamicSchema;
import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.nullable;
import static dev.vectorvault.catalog.TestSchemas.simple;
import static dev.vectorvault.catalog.TestSchemas.varcharKey;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static dev.vectorvault.catalog.TestSchemas.withDefault;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.RequestedMetric;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Everything the catalog holds is read back unchanged by a new catalog on the same metadata file. */
@Timeout(60)
class CatalogPersistenceTest {
    @TempDir
    Path dir;

    private CatalogFixture fx;

    @BeforeEach
    void setUp() {
        fx = new CatalogFixture(dir);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    /** The whole visible state: databases, and per database its collections and aliases with targets. */
    private Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("databases", fx.catalog.listDatabases());
        for (Database db : fx.catalog.listDatabases()) {
            state.put(db.name() + "/collections", fx.catalog.listCollections(db.name()));
            Map<String, Long> aliases = new LinkedHashMap<>();
            for (String alias : fx.catalog.listAliases(db.name(), null)) {
                aliases.put(alias, fx.catalog.aliasTarget(db.name(), alias).collectionId());
            }
            state.put(db.name() + "/aliases", aliases);
        }
        return state;
    }

    @Test
    void aReopenedCatalogHoldsExactlyWhatWasWritten() {
        Catalog catalog = fx.catalog;
        catalog.createDatabase("sales", Map.of("owner", "ops"));
        fx.create("plain", simple());
        catalog.createCollection("sales", "rich", dynamicSchema(varcharKey("sku", 32), vector("embedding", 16),
                        nullable(field("price", DataType.DOUBLE)),
                        withDefault(field("qty", DataType.INT16), 3L),
                        withDefault(field("ratio", DataType.FLOAT), 0.25),
                        withDefault(field("flag", DataType.BOOL), false),
                        withDefault(TestSchemas.varchar("note", 10), "n/a"),
                        field("attrs", DataType.JSON),
                        array("tags", DataType.VARCHAR, 8, 12)),
                3, ConsistencyLevel.STRONG, Map.of("collection.ttl.seconds", "60"));
        catalog.createPartition("sales", "rich", "eu");
        catalog.createPartition("sales", "rich", "us");
        catalog.dropPartition("sales", "rich", "us");
        catalog.createAlias("sales", "current", "rich");
        catalog.createAlias(DB, "p", "plain");
        fx.create("doomed", simple());
        catalog.dropCollection(DB, "doomed");
        fx.create("moved", simple());
        catalog.renameCollection(DB, "moved", "sales", "arrived");
        fx.indexes.create("sales", "rich", "embedding", "emb", "FLAT", RequestedMetric.of(MetricType.L2),
                Map.of("a", "b"));
        fx.indexes.create("sales", "rich", "note", "", "TRIE", RequestedMetric.none(), Map.of());
        fx.indexes.load("sales", "rich");
        catalog.alterProperties(DB, "plain", Map.of("x", "y"), List.of());
        Map<String, Object> before = state();

        fx.reopen();
        assertThat(state()).isEqualTo(before);
        Collection rich = fx.catalog.collection("sales", "current");
        assertThat(rich.schema().field("qty").orElseThrow().defaultValue()).isEqualTo(3L);
        assertThat(rich.schema().field("ratio").orElseThrow().defaultValue()).isEqualTo(0.25);
        assertThat(rich.loaded()).isTrue();
        assertThat(fx.catalog.find(DB, "doomed")).isEmpty();
        assertThat(fx.catalog.find(DB, "moved")).isEmpty();
    }

    @Test
    void idsHandedOutAfterReopenAreNew() {
        Collection first = fx.create("a", simple());
        fx.catalog.createPartition(DB, "a", "p");
        long highest = Math.max(first.collectionId(),
                fx.catalog.collection(DB, "a").partition("p").orElseThrow().partitionId());
        fx.reopen();
        Collection second = fx.create("b", simple());
        assertThat(second.collectionId()).isGreaterThan(highest);
        assertThat(second.partitions().get(0).partitionId()).isGreaterThan(highest);
    }

    @Test
    void dropsPersist() {
        fx.catalog.createDatabase("tmp", Map.of());
        fx.create("c", simple());
        fx.catalog.createPartition(DB, "c", "p");
        fx.catalog.createAlias(DB, "al", "c");
        fx.reopen();
        fx.catalog.dropAlias(DB, "al");
        fx.catalog.dropPartition(DB, "c", "p");
        fx.catalog.dropDatabase("tmp");
        Map<String, Object> before = state();
        fx.reopen();
        assertThat(state()).isEqualTo(before);
        assertThat(fx.catalog.listAliases(DB, null)).isEmpty();
        assertThat(fx.catalog.collection(DB, "c").partitions()).extracting(Partition::name)
                .containsExactly("_default");
        fx.catalog.dropCollection(DB, "c");
        fx.reopen();
        assertThat(fx.catalog.listCollections(DB)).isEmpty();
    }
}
