package dev.vectorvault.catalog;

import static dev.vectorvault.catalog.CatalogFixture.DB;
import static dev.vectorvault.catalog.CatalogFixture.failsWith;
import static dev.vectorvault.catalog.TestSchemas.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.HybridClock;
import dev.vectorvault.index.RequestedMetric;
import dev.vectorvault.storage.MvMetaStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partitions load and release on their own (Milvus 2.4+): the load state per partition, the load type that decides
 * whether a new partition is loaded, what a search reads, the drop refusal, persistence, and a second node's mirror.
 */
@Timeout(60)
class PartitionLoadTest {
    @TempDir
    Path dir;

    private CatalogFixture fx;
    private Catalog catalog;

    @BeforeEach
    void setUp() {
        fx = new CatalogFixture(dir);
        catalog = fx.catalog;
        fx.create("c", simple());
        catalog.createPartition(DB, "c", "a");
        catalog.createPartition(DB, "c", "b");
        fx.indexes.create(DB, "c", "vec", "", "FLAT", RequestedMetric.parse("L2"), Map.of());
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private Collection c() {
        return catalog.collection(DB, "c");
    }

    private List<String> loadedPartitions() {
        return c().partitions().stream().filter(Partition::loaded).map(Partition::name).toList();
    }

    private long id(String partition) {
        return c().partition(partition).orElseThrow().partitionId();
    }

    @Test
    void loadPartitionsLoadsOnlyThoseAndAddsToWhatIsLoaded() {
        fx.indexes.loadPartitions(DB, "c", List.of("a"));
        assertThat(loadedPartitions()).containsExactly("a");
        assertThat(c().loaded()).isTrue();
        assertThat(c().loadedWhole()).isFalse();

        fx.indexes.loadPartitions(DB, "c", List.of("b", "a"));
        assertThat(loadedPartitions()).containsExactly("a", "b");
    }

    @Test
    void releasingOnePartitionKeepsTheOthersLoadedAndReleasingTheLastReleasesTheCollection() {
        fx.indexes.load(DB, "c");
        assertThat(loadedPartitions()).containsExactly("_default", "a", "b");

        fx.indexes.releasePartitions(DB, "c", List.of("a"));
        assertThat(loadedPartitions()).containsExactly("_default", "b");
        assertThat(c().loaded()).isTrue();

        fx.indexes.releasePartitions(DB, "c", List.of("_default", "b"));
        assertThat(loadedPartitions()).isEmpty();
        assertThat(c().loaded()).isFalse();
        assertThat(c().loadedWhole()).isFalse();
    }

    @Test
    void aSearchReadsTheLoadedPartitionsAndANamedReleasedOneIsPartitionNotLoaded() {
        fx.indexes.load(DB, "c");
        fx.indexes.releasePartitions(DB, "c", List.of("a"));

        assertThat(c().readablePartitionIds(List.of())).containsExactlyInAnyOrder(id("_default"), id("b"));
        assertThat(c().readablePartitionIds(List.of("b"))).containsExactly(id("b"));
        failsWith(ErrorCode.PARTITION_NOT_LOADED, () -> c().readablePartitionIds(List.of("b", "a")))
                .hasMessage("partition not loaded[partition=" + id("a") + "]");
        failsWith(ErrorCode.PARTITION_NOT_FOUND, () -> c().readablePartitionIds(List.of("nope")))
                .hasMessage("partition name nope not found");
    }

    @Test
    void aPartitionCreatedLaterIsLoadedOnlyWhenTheWholeCollectionWasLoaded() {
        fx.indexes.load(DB, "c");
        catalog.createPartition(DB, "c", "after_whole");
        assertThat(c().partition("after_whole").orElseThrow().loaded()).isTrue();

        fx.indexes.release(DB, "c");
        fx.indexes.loadPartitions(DB, "c", List.of("a"));
        catalog.createPartition(DB, "c", "after_some");
        assertThat(c().partition("after_some").orElseThrow().loaded()).isFalse();
        assertThat(loadedPartitions()).containsExactly("a");
    }

    @Test
    void aLoadedPartitionCannotBeDroppedButAReleasedOneOfALoadedCollectionCan() {
        fx.indexes.load(DB, "c");
        failsWith(ErrorCode.UNEXPECTED, () -> catalog.dropPartition(DB, "c", "a"))
                .hasMessage("partition cannot be dropped, partition is loaded, please release it first");

        fx.indexes.releasePartitions(DB, "c", List.of("a"));
        catalog.dropPartition(DB, "c", "a");

        assertThat(c().partitions()).extracting(Partition::name).containsExactly("_default", "b");
        assertThat(loadedPartitions()).containsExactly("_default", "b");
    }

    @Test
    void emptyAndUnknownPartitionListsAreRefusedWithMilvusMessagesAndChangeNothing() {
        fx.indexes.loadPartitions(DB, "c", List.of("a"));
        Collection before = c();

        failsWith(ErrorCode.UNEXPECTED, () -> fx.indexes.loadPartitions(DB, "c", List.of()))
                .hasMessage("failed to load partition, due to no partition specified");
        failsWith(ErrorCode.PARAMETER_INVALID, () -> fx.indexes.releasePartitions(DB, "c", List.of()))
                .hasMessage("invalid parameter[expected=any partition][actual=empty partition list]");
        failsWith(ErrorCode.PARTITION_NOT_FOUND, () -> fx.indexes.loadPartitions(DB, "c", List.of("b", "nope")))
                .hasMessage("partition not found[partition=nope]");
        failsWith(ErrorCode.PARTITION_NOT_FOUND, () -> fx.indexes.releasePartitions(DB, "c", List.of("a", "x")))
                .hasMessage("partition not found[partition=x]");

        assertThat(c()).isEqualTo(before);
    }

    @Test
    void releasingWhatIsNotLoadedSucceedsWithoutAWrite() {
        Collection before = c();
        fx.indexes.releasePartitions(DB, "c", List.of("a"));
        assertThat(c()).isSameAs(before);
    }

    @Test
    void loadingPartitionsNeedsAVectorIndexLikeLoadingTheCollection() {
        fx.create("bare", simple());
        failsWith(ErrorCode.INDEX_NOT_FOUND, () -> fx.indexes.loadPartitions(DB, "bare", List.of("_default")))
                .hasMessageContaining("there is no vector index on field: [vec], please create index firstly");
        assertThat(catalog.collection(DB, "bare").loaded()).isFalse();
    }

    @Test
    void partitionLoadStatesSurviveARestart() {
        fx.indexes.load(DB, "c");
        fx.indexes.releasePartitions(DB, "c", List.of("b"));

        fx.reopen();

        Collection reopened = fx.catalog.collection(DB, "c");
        assertThat(reopened.partitions()).extracting(Partition::name, Partition::loaded)
                .containsExactly(tuple("_default", true), tuple("a", true), tuple("b", false));
        assertThat(reopened.loadedWhole()).isTrue();
    }

    @Test
    void anotherNodesMirrorCarriesThePartitionStatesAfterItsReload() {
        try (MvMetaStore shared = MvMetaStore.inMemory()) {
            RecordingCatalogListener listenerB = new RecordingCatalogListener();
            Catalog nodeA = new Catalog(shared, new HybridClock(), new RecordingCatalogListener());
            Catalog nodeB = new Catalog(shared, new HybridClock(), listenerB);
            nodeA.createCollection(DB, "docs", simple(), 1, ConsistencyLevel.BOUNDED, Map.of());
            nodeA.createPartition(DB, "docs", "p");
            nodeA.setLoaded(DB, "docs", true);
            nodeB.reload();
            assertThat(nodeB.collection(DB, "docs").partitions()).allMatch(Partition::loaded);

            nodeA.releasePartitions(DB, "docs", List.of("p"));
            assertThat(nodeB.collection(DB, "docs").partition("p").orElseThrow().loaded()).isTrue();
            nodeB.reload();

            Collection seenByB = nodeB.collection(DB, "docs");
            assertThat(seenByB).isEqualTo(nodeA.collection(DB, "docs"));
            assertThat(seenByB.readablePartitionIds(List.of()))
                    .isEqualTo(Set.of(seenByB.partition("_default").orElseThrow().partitionId()));
            // A load-state change is no drop or index change: nothing for the data layer to forget.
            assertThat(listenerB.events).isEmpty();
        }
    }
}
