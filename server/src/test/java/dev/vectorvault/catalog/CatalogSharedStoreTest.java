package dev.vectorvault.catalog;

import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.catalog.TestSchemas.simple;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.RequestedMetric;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.HybridClock;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.testing.Race;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Catalog mirrors over one metadata store, as server nodes sharing etcd: what one writes, another holds after
 * {@link Catalog#reload()}, which tells its listener exactly what disappeared or changed; creates that race are
 * decided by the store, and ids are never handed out twice.
 */
@Timeout(120)
class CatalogSharedStoreTest {
    private static final long SEED = Race.seed(CatalogSharedStoreTest.class);
    private static final String DB = Database.DEFAULT;

    private final MvMetaStore meta = MvMetaStore.inMemory();
    private final Node nodeA = new Node();
    private final Node nodeB = new Node();

    /** One node's catalog and the listener events it received. */
    private final class Node {
        private final RecordingCatalogListener listener = new RecordingCatalogListener();
        final List<String> events = listener.events;
        final Catalog catalog = new Catalog(meta, new HybridClock(), listener);
        final Indexes indexes = new Indexes(catalog);

        Collection create(String name, CollectionSchema schema) {
            return catalog.createCollection(DB, name, schema, 1, ConsistencyLevel.BOUNDED, Map.of());
        }
    }

    @AfterEach
    void close() {
        meta.close();
    }

    @Test
    void whatOneNodeCreatesTheOtherHoldsAfterItsReloadWithoutAnyListenerEvent() {
        nodeA.catalog.createDatabase("sales", Map.of("owner", "ops"));
        Collection docs = nodeA.create("docs", simple());
        nodeA.catalog.createAlias(DB, "current", "docs");
        assertThat(nodeB.catalog.find(DB, "docs")).isEmpty();

        nodeB.catalog.reload();

        assertThat(nodeB.catalog.collection(DB, "docs")).isEqualTo(docs);
        assertThat(nodeB.catalog.aliasTarget(DB, "current")).isEqualTo(docs);
        assertThat(nodeB.catalog.database("sales").properties()).containsEntry("owner", "ops");
        assertThat(nodeB.events).isEmpty();
    }

    @Test
    void reloadTellsTheListenerOnlyWhatDisappearedOrChanged() {
        Collection dropped = nodeA.create("dropped", simple());
        Collection partitioned = nodeA.create("partitioned", simple());
        Collection indexed = nodeA.create("indexed", simple());
        Collection renamed = nodeA.create("renamed", simple());
        Collection altered = nodeA.create("altered", simple());
        nodeA.catalog.createPartition(DB, "partitioned", "p1");
        nodeA.catalog.createPartition(DB, "partitioned", "p2");
        nodeB.catalog.reload();
        long p1 = nodeB.catalog.collection(DB, "partitioned").partition("p1").orElseThrow().partitionId();
        assertThat(nodeB.events).isEmpty();

        nodeA.catalog.dropCollection(DB, "dropped");
        nodeA.catalog.dropPartition(DB, "partitioned", "p1");
        nodeA.indexes.create(DB, "indexed", "vec", "vec_idx", "FLAT", RequestedMetric.of(MetricType.L2), Map.of());
        nodeA.catalog.renameCollection(DB, "renamed", DB, "renamed_now");
        nodeA.catalog.alterProperties(DB, "altered", Map.of("collection.ttl.seconds", "60"), List.of());
        nodeA.create("added", simple());
        nodeB.catalog.reload();

        assertThat(nodeB.events).containsExactlyInAnyOrder("collection " + dropped.collectionId(),
                "partition " + partitioned.collectionId() + "/" + p1, "indexes " + indexed.collectionId());
        assertThat(nodeB.catalog.collection(DB, "renamed_now").collectionId()).isEqualTo(renamed.collectionId());
        assertThat(nodeB.catalog.collection(DB, "altered").properties())
                .containsEntry("collection.ttl.seconds", "60");
        assertThat(altered.collectionId()).isNotEqualTo(renamed.collectionId());

        nodeB.events.clear();
        nodeB.catalog.reload();
        assertThat(nodeB.events).as("reload is idempotent").isEmpty();
    }

    @Test
    void concurrentCreatesOfTheSameDatabaseOnTwoNodesGiveExactlyOneSuccess() throws Exception {
        try (Race race = new Race(new Random(SEED), 2)) {
            for (int round = 0; round < 30; round++) {
                String name = "db" + round;
                List<Race.Outcome> outcomes = race.run(List.of(() -> createDatabase(nodeA, name),
                        () -> createDatabase(nodeB, name)));

                assertThat(outcomes.stream().filter(Race.Outcome::succeeded)).as("round " + round).hasSize(1);
                Throwable loser = outcomes.stream().filter(o -> !o.succeeded()).findFirst().orElseThrow().error();
                assertThat(loser).isInstanceOf(MilvusException.class).hasMessage("database already exist: " + name);
                assertThat(((MilvusException) loser).errorCode()).isEqualTo(ErrorCode.UNEXPECTED);
                assertThat(nodeA.catalog.database(name)).isEqualTo(nodeB.catalog.database(name));
                // Keep under the database limit.
                nodeA.catalog.dropDatabase(name);
                nodeB.catalog.reload();
            }
        }
    }

    @Test
    void concurrentCreatesOfTheSameCollectionGiveOneCollectionOrTheDuplicateError() throws Exception {
        CollectionSchema other = schema(int64Key("id"), vector("vec", 4), field("extra", DataType.INT32));
        Random random = new Random(SEED);
        try (Race race = new Race(random, 2)) {
            for (int round = 0; round < 100; round++) {
                String name = "c" + round;
                boolean sameSchema = random.nextBoolean();
                List<Race.Outcome> outcomes = race.run(List.of(() -> nodeA.create(name, simple()),
                        () -> nodeB.create(name, sameSchema ? simple() : other)));
                nodeA.catalog.reload();
                nodeB.catalog.reload();
                Collection stored = nodeA.catalog.collection(DB, name);
                assertThat(nodeB.catalog.collection(DB, name)).isEqualTo(stored);
                if (sameSchema) {
                    // Milvus's idempotent create: both succeed and both name the one collection that exists.
                    assertThat(outcomes).as("round " + round).allMatch(Race.Outcome::succeeded)
                            .extracting(o -> ((Collection) o.value()).collectionId())
                            .containsOnly(stored.collectionId());
                } else {
                    assertThat(outcomes.stream().filter(Race.Outcome::succeeded)).as("round " + round).hasSize(1);
                    Race.Outcome winner = outcomes.stream().filter(Race.Outcome::succeeded).findFirst().orElseThrow();
                    assertThat(((Collection) winner.value()).collectionId()).isEqualTo(stored.collectionId());
                    Throwable loser = outcomes.stream().filter(o -> !o.succeeded()).findFirst().orElseThrow().error();
                    assertThat(loser).isInstanceOf(MilvusException.class).hasMessage(
                            "create duplicate collection with different parameters, collection: " + name);
                }
            }
        }
    }

    @Test
    void concurrentCreatesOfTheSameAliasForDifferentCollectionsGiveExactlyOneSuccess() throws Exception {
        nodeA.create("left", simple());
        nodeA.create("right", simple());
        nodeB.catalog.reload();
        try (Race race = new Race(new Random(SEED), 2)) {
            for (int round = 0; round < 100; round++) {
                String alias = "a" + round;
                List<Race.Outcome> outcomes = race.run(List.of(() -> createAlias(nodeA, alias, "left"),
                        () -> createAlias(nodeB, alias, "right")));

                assertThat(outcomes.stream().filter(Race.Outcome::succeeded)).as("round " + round).hasSize(1);
                Throwable loser = outcomes.stream().filter(o -> !o.succeeded()).findFirst().orElseThrow().error();
                assertThat(((MilvusException) loser).errorCode()).isEqualTo(ErrorCode.ALIAS_ALREADY_EXISTS);
                String winner = outcomes.get(0).succeeded() ? "left" : "right";
                nodeA.catalog.reload();
                nodeB.catalog.reload();
                assertThat(nodeA.catalog.aliasTarget(DB, alias).name()).isEqualTo(winner);
                assertThat(nodeB.catalog.aliasTarget(DB, alias).name()).isEqualTo(winner);
            }
        }
    }

    @Test
    void idsHandedOutByThreeNodesOnManyThreadsNeverCollide() throws Exception {
        Node nodeC = new Node();
        List<Catalog> nodes = List.of(nodeA.catalog, nodeB.catalog, nodeC.catalog);
        int threadsPerNode = 3;
        int idsPerThread = 150;
        try (Race race = new Race(new Random(SEED), nodes.size() * threadsPerNode)) {
            List<Callable<?>> calls = new ArrayList<>();
            for (Catalog node : nodes) {
                for (int t = 0; t < threadsPerNode; t++) {
                    calls.add(() -> {
                        List<Long> ids = new ArrayList<>();
                        for (int i = 0; i < idsPerThread; i++) {
                            ids.add(node.newId());
                        }
                        return ids;
                    });
                }
            }
            Set<Long> all = new HashSet<>();
            int count = 0;
            for (Race.Outcome outcome : race.run(calls)) {
                assertThat(outcome.error()).isNull();
                for (Object id : (List<?>) outcome.value()) {
                    all.add((Long) id);
                    count++;
                }
            }
            assertThat(count).isEqualTo(nodes.size() * threadsPerNode * idsPerThread);
            assertThat(all).as("distinct ids").hasSize(count);
        }
    }

    @Test
    void aCollectionChangeDecidedOnAStaleMirrorIsRefusedAndLosesNothing() {
        nodeA.create("docs", simple());
        nodeB.catalog.reload();

        nodeA.catalog.createPartition(DB, "docs", "p1");
        CatalogFixture.failsWith(ErrorCode.UNEXPECTED,
                () -> nodeB.indexes.create(DB, "docs", "vec", "vec_idx", "FLAT", RequestedMetric.of(MetricType.L2), Map.of()))
                .hasMessageContaining("changed by another server at the same time");

        // The refusal reloaded the mirror, so the retry applies to the collection as it is now.
        nodeB.indexes.create(DB, "docs", "vec", "vec_idx", "FLAT", RequestedMetric.of(MetricType.L2), Map.of());
        nodeA.catalog.reload();
        Collection docs = nodeA.catalog.collection(DB, "docs");
        assertThat(docs.partition("p1")).isPresent();
        assertThat(docs.indexOnField("vec")).isPresent();
    }

    private static String createDatabase(Node node, String name) {
        node.catalog.createDatabase(name, Map.of());
        return "created";
    }

    private static String createAlias(Node node, String alias, String collection) {
        node.catalog.createAlias(DB, alias, collection);
        return "created";
    }
}
