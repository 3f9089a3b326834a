package dev.vectorvault.storage.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.CatalogListener;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.common.HybridClock;
import dev.vectorvault.query.Layouts;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.wal.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data folder written by the previous release (commit 53506df: every file in format version 1, the last writes
 * still in the log) opens with this code with all rows, deletes and indexes intact, and keeps doing so after this
 * code has checkpointed over it.
 */
@Timeout(120)
class UpgradeFromV1Test {
    @TempDir
    Path dir;

    private final DataExecutors executors = new DataExecutors();
    private MvMetaStore meta;
    private Catalog catalog;
    private DataStore store;

    @AfterEach
    void closeExecutors() {
        executors.close();
    }

    private void open(Path folder) {
        meta = MvMetaStore.open(folder.resolve("meta"));
        catalog = new Catalog(meta, new HybridClock(), new CatalogListener() {
            @Override
            public void collectionDropped(long collectionId) {}

            @Override
            public void partitionDropped(long collectionId, long partitionId) {}

            @Override
            public void indexesChanged(long collectionId) {}
        });
        store = DataStore.open(folder.resolve("data"), Durability.FSYNC, meta, new Layouts(catalog), 40,
                DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES, new IndexBuildSettings(1, 16), executors);
        store.startBackgroundWork();
    }

    private void close() {
        store.close();
        meta.close();
    }

    private CollectionLayout layout(String name) {
        Collection collection = catalog.collection("default", name);
        return Layouts.of(collection);
    }

    private Map<Long, List<Object>> live(CollectionLayout layout) {
        return store.read(layout, view -> {
            Map<Long, List<Object>> rows = new TreeMap<>();
            for (int s = 0; s < view.segmentCount(); s++) {
                for (int o = 0; o < view.segmentSize(s); o++) {
                    if (view.isLive(s, o)) {
                        List<Object> row = new ArrayList<>();
                        for (int f = 0; f < layout.fieldCount(); f++) {
                            row.add(DataStoreFixture.comparable(view.value(s, f, o)));
                        }
                        rows.put((Long) view.value(s, 0, o), row);
                    }
                }
            }
            return rows;
        });
    }

    private static Map<Long, List<Object>> expected(List<Long> keys) {
        Map<Long, List<Object>> rows = new TreeMap<>();
        for (long key : keys) {
            List<Object> row = new ArrayList<>();
            for (Object value : FrozenV1.row(key)) {
                row.add(DataStoreFixture.comparable(value));
            }
            rows.put(key, row);
        }
        return rows;
    }

    private List<SegmentFieldIndex.Origin> awaitIndexes(CollectionLayout layout) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!store.indexProgress(layout, 1).finished() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(store.indexProgress(layout, 1).finished()).as("indexes ready within a minute").isTrue();
        return store.read(layout, view -> {
            List<SegmentFieldIndex.Origin> origins = new ArrayList<>();
            for (int s = 0; s < view.segmentCount(); s++) {
                AnnIndex index = view.annIndex(s, 1);
                origins.add(index == null ? SegmentFieldIndex.Origin.NONE : ((SegmentIndex) index).origin());
            }
            return origins;
        });
    }

    private List<String> indexFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder.resolve("data").resolve("segments"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".idx")).sorted().toList();
        }
    }

    @Test
    void aDataFolderOfThePreviousReleaseOpensWithRowsDeletesAndIndexesIntact() throws Exception {
        Path folder = FrozenV1.copyTo(dir);
        List<Long> docsKeys = new ArrayList<>();
        for (long k = 0; k < 100; k++) {
            if (!FrozenV1.DOCS_DELETED.contains(k)) {
                docsKeys.add(k);
            }
        }
        for (long k = 1000; k < 1005; k++) {
            docsKeys.add(k);
        }
        List<Long> itemsKeys = new ArrayList<>();
        for (long k = 0; k < 60; k++) {
            itemsKeys.add(k);
        }

        open(folder);
        CollectionLayout docs = layout("docs");
        CollectionLayout items = layout("items");
        assertThat(live(docs)).as("segments, tombstones and the log's tail").isEqualTo(expected(docsKeys));
        assertThat(live(items)).isEqualTo(expected(itemsKeys));
        assertThat(awaitIndexes(docs)).as("version-1 index files are loaded, not rebuilt")
                .startsWith(SegmentFieldIndex.Origin.LOADED, SegmentFieldIndex.Origin.LOADED, SegmentFieldIndex.Origin.LOADED);
        assertThat(awaitIndexes(items)).containsExactly(SegmentFieldIndex.Origin.LOADED, SegmentFieldIndex.Origin.LOADED);
        store.checkpoint();
        assertThat(indexFiles(folder)).as("rewritten in the current version; the old files are gone")
                .allMatch(n -> n.endsWith("-v2.idx")).hasSize(5);
        close();

        open(folder);
        docs = layout("docs");
        assertThat(live(docs)).isEqualTo(expected(docsKeys));
        assertThat(live(docs.withTtlSeconds(1))).as("rows of version 1 files have no insert time: never expire")
                .isEqualTo(expected(docsKeys));
        assertThat(live(layout("items"))).isEqualTo(expected(itemsKeys));
        assertThat(awaitIndexes(docs)).startsWith(SegmentFieldIndex.Origin.LOADED, SegmentFieldIndex.Origin.LOADED,
                SegmentFieldIndex.Origin.LOADED);
        close();
    }

    /**
     * A field added before this code ever opened the folder: the version 1 segment files and log records hold the
     * four fields the collections were created with, and read the added one as its default value.
     */
    @Test
    void aFieldAddedToAPreviousReleasesCollectionReadsAsItsDefaultInEveryOldRow() throws Exception {
        Path folder = FrozenV1.copyTo(dir);
        try (MvMetaStore catalogOnly = MvMetaStore.open(folder.resolve("meta"))) {
            new Catalog(catalogOnly, new HybridClock(), new CatalogListener() {
                @Override
                public void collectionDropped(long collectionId) {}

                @Override
                public void partitionDropped(long collectionId, long partitionId) {}

                @Override
                public void indexesChanged(long collectionId) {}
            }).addField("default", "docs", new dev.vectorvault.catalog.FieldSchema(0, "score", "",
                    dev.vectorvault.catalog.DataType.INT64, false, false, 0, 0, null, 0, true, 7L, false, false));
        }
        open(folder);
        CollectionLayout docs = layout("docs");
        assertThat(docs.fieldCount()).isEqualTo(5);
        Map<Long, List<Object>> rows = live(docs);
        assertThat(rows).hasSize(101).containsKeys(0L, 99L, 1000L, 1004L).doesNotContainKeys(3L, 10L);
        assertThat(rows.values()).allSatisfy(row -> assertThat(row).hasSize(5).endsWith(7L));
        store.checkpoint();
        close();
        open(folder);
        assertThat(live(layout("docs"))).isEqualTo(rows);
        close();
    }
}
