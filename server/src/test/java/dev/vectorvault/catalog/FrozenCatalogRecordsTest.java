package dev.vectorvault.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.common.HybridClock;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.storage.MvMetaStore;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Catalog records (JSON, format version 1: no version field) as commit 53506df stored them still load. Read forever;
 * a new record layout must keep reading these (or add a version field and a reader for this one).
 */
@Timeout(60)
class FrozenCatalogRecordsTest {
    private static Path records() throws URISyntaxException {
        return Path.of(FrozenCatalogRecordsTest.class.getResource("/formats/v1/records").toURI());
    }

    @Test
    void catalogRecordsOfVersion1Load() throws Exception {
        Path records = records();
        try (MvMetaStore meta = MvMetaStore.inMemory()) {
            Map<String, String> keys = Map.of(
                    "catalog/database/default", "catalog-database.json",
                    "catalog/collection/default/docs", "catalog-collection.json",
                    "catalog/alias/default/docs_alias", "catalog-alias.json",
                    "catalog/next-id", "catalog-next-id.txt");
            for (Map.Entry<String, String> entry : keys.entrySet()) {
                meta.put(entry.getKey(), Files.readAllBytes(records.resolve(entry.getValue())));
            }
            Catalog catalog = new Catalog(meta, new HybridClock(), new CatalogListener() {
                @Override
                public void collectionDropped(long collectionId) {}

                @Override
                public void partitionDropped(long collectionId, long partitionId) {}

                @Override
                public void indexesChanged(long collectionId) {}
            });
            Collection docs = catalog.collection("default", "docs");
            assertThat(docs.collectionId()).isEqualTo(1000);
            assertThat(docs.schema().fields()).extracting(FieldSchema::name)
                    .containsExactly("pk", "vec", "meta", "title");
            assertThat(docs.schema().fields().get(1).dim()).isEqualTo(4);
            assertThat(docs.partitions()).extracting(Partition::partitionId).containsExactly(1001L);
            IndexDefinition index = docs.indexOnField("vec").orElseThrow();
            assertThat(index.indexType()).isEqualTo("HNSW");
            assertThat(index.metric()).contains(MetricType.L2);
            assertThat(index.params()).containsEntry("M", "8").containsEntry("efConstruction", "32");
            assertThat(catalog.aliasTarget("default", "docs_alias").collectionId()).isEqualTo(1000);
            assertThat(catalog.listDatabases()).extracting(Database::name).contains("default");
        }
    }
}
