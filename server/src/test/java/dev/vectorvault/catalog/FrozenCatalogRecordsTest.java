package dev.vectorvault.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.HybridClock;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.StorageException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Catalog records (JSON) of format version 1 still load: as commit 53506df stored them (no version field, which
 * means version 1) and with {@code "formatVersion":1} first (same layout); a loaded version 1 collection reads as
 * every partition loaded. Versions 2 (a load state per partition), 3 (functions), 4 (schema evolution) and 5 (the
 * loaded-field list of a partial load, what the code writes now) load too. Read forever; a new record layout must
 * keep reading these (with a reader per version). A version this code does not know is refused, naming the record.
 */
@Timeout(60)
class FrozenCatalogRecordsTest {
    private static final Map<String, String> KEYS = Map.of(
            "catalog/database/default", "catalog-database.json",
            "catalog/collection/default/docs", "catalog-collection.json",
            "catalog/alias/default/docs_alias", "catalog-alias.json",
            "catalog/next-id", "catalog-next-id.txt");
    private static final CatalogListener IGNORED = new CatalogListener() {
        @Override
        public void collectionDropped(long collectionId) {}

        @Override
        public void partitionDropped(long collectionId, long partitionId) {}

        @Override
        public void indexesChanged(long collectionId) {}
    };

    private static Path records() throws URISyntaxException {
        return Path.of(FrozenCatalogRecordsTest.class.getResource("/formats/v1/records").toURI());
    }

    private static Path recordsV2() throws URISyntaxException {
        return Path.of(FrozenCatalogRecordsTest.class.getResource("/formats/v2/records").toURI());
    }

    private static Path recordsV3() throws URISyntaxException {
        return Path.of(FrozenCatalogRecordsTest.class.getResource("/formats/v3/records").toURI());
    }

    private static Path recordsV4() throws URISyntaxException {
        return Path.of(FrozenCatalogRecordsTest.class.getResource("/formats/v4/records").toURI());
    }

    private static Path recordsV5() throws URISyntaxException {
        return Path.of(FrozenCatalogRecordsTest.class.getResource("/formats/v5/records").toURI());
    }

    /** The frozen v1 records, those of {@code folder} (under records/) replacing the unversioned ones where present. */
    private static void store(MvMetaStore meta, String folder) throws Exception {
        store(meta, records().resolve(folder));
    }

    /** The frozen records of {@code folder}, the unversioned v1 ones where it has none. */
    private static void store(MvMetaStore meta, Path folder) throws Exception {
        for (Map.Entry<String, String> entry : KEYS.entrySet()) {
            Path file = folder.resolve(entry.getValue());
            if (!Files.exists(file)) {
                file = records().resolve(entry.getValue());
            }
            meta.put(entry.getKey(), Files.readAllBytes(file));
        }
    }

    @Test
    void catalogRecordsOfVersion1Load() throws Exception {
        try (MvMetaStore meta = MvMetaStore.inMemory()) {
            store(meta, "");
            checkFrozenContents(new Catalog(meta, new HybridClock(), IGNORED));
        }
    }

    @Test
    void catalogRecordsOfVersion1WithTheVersionFieldLoad() throws Exception {
        try (MvMetaStore meta = MvMetaStore.inMemory()) {
            store(meta, "versioned");
            assertThat(new String(meta.get("catalog/collection/default/docs").orElseThrow(), StandardCharsets.UTF_8))
                    .startsWith("{\"formatVersion\":1,");
            checkFrozenContents(new Catalog(meta, new HybridClock(), IGNORED));
        }
    }

    @Test
    void aLoadedCollectionOfVersion1ReadsAsEveryPartitionLoaded() throws Exception {
        try (MvMetaStore meta = MvMetaStore.inMemory()) {
            store(meta, "loaded");
            Catalog catalog = new Catalog(meta, new HybridClock(), IGNORED);
            checkFrozenContents(catalog, 1001L, 1006L);
            Collection docs = catalog.collection("default", "docs");
            assertThat(docs.loaded()).isTrue();
            assertThat(docs.loadedWhole()).isTrue();
            assertThat(docs.partitions()).extracting(Partition::name, Partition::loaded)
                    .containsExactly(tuple("_default", true), tuple("part_b", true));
        }
    }

    @Test
    void catalogRecordsOfVersion2Load() throws Exception {
        try (MvMetaStore meta = MvMetaStore.inMemory()) {
            store(meta, recordsV2());
            Catalog catalog = new Catalog(meta, new HybridClock(), IGNORED);
            checkFrozenContents(catalog);
            assertThat(catalog.collection("default", "docs").loaded()).isFalse();
        }
    }

    @Test
    void aPartlyLoadedCollectionOfVersion2KeepsItsPartitionStates() throws Exception {
        try (MvMetaStore meta = MvMetaStore.inMemory()) {
            store(meta, recordsV2().resolve("partial"));
            Catalog catalog = new Catalog(meta, new HybridClock(), IGNORED);
            checkFrozenContents(catalog, 1001L, 1006L);
            Collection docs = catalog.collection("default", "docs");
            assertThat(docs.loaded()).isTrue();
            assertThat(docs.partitions()).extracting(Partition::name, Partition::loaded)
                    .containsExactly(tuple("_default", true), tuple("part_b", false));
        }
    }

    @Test
    void catalogRecordsOfVersion3Load() throws Exception {
        try (MvMetaStore meta = MvMetaStore.inMemory()) {
            store(meta, recordsV3());
            Catalog catalog = new Catalog(meta, new HybridClock(), IGNORED);
            checkFrozenContents(catalog);
            assertThat(catalog.collection("default", "docs").schema().functions()).isEmpty();
        }
    }

    @Test
    void aVersion3CollectionWithABm25FunctionLoadsWithItsFunctionAndAnalyzer() throws Exception {
        try (MvMetaStore meta = MvMetaStore.inMemory()) {
            meta.put("catalog/collection/default/docs",
                    Files.readAllBytes(recordsV3().resolve("bm25").resolve("catalog-collection.json")));
            meta.put("catalog/next-id", "2000".getBytes(StandardCharsets.UTF_8));
            CollectionSchema schema = new Catalog(meta, new HybridClock(), IGNORED).collection("default", "docs")
                    .schema();
            assertThat(schema.functions()).containsExactly(new FunctionSchema("text_bm25", "", FunctionSchema.BM25,
                    List.of("text"), List.of("sparse"), Map.of()));
            FieldSchema text = schema.field("text").orElseThrow();
            assertThat(text.enableAnalyzer()).isTrue();
            assertThat(text.enableMatch()).isTrue();
            assertThat(text.analyzerParams()).isEqualTo("{\"type\":\"english\"}");
            assertThat(schema.bm25Producing("sparse")).isPresent();
            assertThat(schema.field("id").orElseThrow().enableAnalyzer()).isFalse();
        }
    }

    @Test
    void aVersion3CollectionHasSchemaVersion0AndNoAddedFields() throws Exception {
        try (MvMetaStore meta = MvMetaStore.inMemory()) {
            store(meta, recordsV3());
            CollectionSchema schema = new Catalog(meta, new HybridClock(), IGNORED).collection("default", "docs")
                    .schema();
            assertThat(schema.version()).isZero();
            assertThat(schema.addedFields()).isZero();
            assertThat(schema.createdFieldCount()).isEqualTo(4);
        }
    }

    @Test
    void catalogRecordsOfVersion4LoadWithEveryFieldLoaded() throws Exception {
        try (MvMetaStore meta = MvMetaStore.inMemory()) {
            store(meta, recordsV4().resolve("partial"));
            Catalog catalog = new Catalog(meta, new HybridClock(), IGNORED);
            checkFrozenContents(catalog, 1001L, 1006L);
            Collection docs = catalog.collection("default", "docs");
            assertThat(docs.loaded()).isTrue();
            assertThat(docs.loadedFieldIds()).isEmpty();
            assertThat(docs.loadedFields().all()).isTrue();
        }
    }

    @Test
    void aCollectionOfVersion5LoadedWithSomeFieldsKeepsItsFieldList() throws Exception {
        try (MvMetaStore meta = MvMetaStore.inMemory()) {
            store(meta, recordsV5().resolve("fields"));
            Catalog catalog = new Catalog(meta, new HybridClock(), IGNORED);
            checkFrozenContents(catalog);
            Collection docs = catalog.collection("default", "docs");
            assertThat(docs.loaded()).isTrue();
            assertThat(docs.loadedFieldIds()).containsExactly(100L, 101L);
            assertThat(docs.schema().fields()).extracting(FieldSchema::name, f -> docs.loadedFields().loaded(f))
                    .containsExactly(tuple("pk", true), tuple("vec", true), tuple("meta", false),
                            tuple("title", false));
        }
    }

    @Test
    void aLoadOfSomeFieldsIsWrittenAsTheFrozenVersion5Record() throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (MvMetaStore meta = MvMetaStore.inMemory()) {
            store(meta, "");
            Catalog catalog = new Catalog(meta, new HybridClock(), IGNORED);
            catalog.load("default", "docs", List.of(100L, 101L));
            JsonNode written = json.readTree(meta.get("catalog/collection/default/docs").orElseThrow());
            assertThat(written).isEqualTo(json.readTree(recordsV5().resolve("fields")
                    .resolve("catalog-collection.json").toFile()));
        }
    }

    @Test
    void aFieldAddedToAVersion3CollectionIsWrittenInTheCurrentVersionAndReadBack() throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (MvMetaStore meta = MvMetaStore.inMemory()) {
            store(meta, recordsV3());
            Catalog catalog = new Catalog(meta, new HybridClock(), IGNORED);
            catalog.addField("default", "docs", new FieldSchema(0, "score", "", DataType.INT64, false, false, 0, 0,
                    null, 0, true, 7L, false, false));
            JsonNode written = json.readTree(meta.get("catalog/collection/default/docs").orElseThrow());
            assertThat(written.get(CatalogStore.VERSION_FIELD).asInt()).isEqualTo(CatalogStore.FORMAT_VERSION);
            CollectionSchema schema = new Catalog(meta, new HybridClock(), IGNORED).collection("default", "docs")
                    .schema();
            assertThat(schema.fields()).extracting(FieldSchema::name)
                    .containsExactly("pk", "vec", "meta", "title", "score");
            assertThat(schema.field("score").orElseThrow().fieldId()).isEqualTo(104);
            assertThat(schema.field("score").orElseThrow().defaultValue()).isEqualTo(7L);
            assertThat(schema.version()).isEqualTo(1);
            assertThat(schema.addedFields()).isEqualTo(1);
            assertThat(schema.createdFieldCount()).isEqualTo(4);
        }
    }

    @Test
    void aVersion2CollectionHasNoFunctionsAndNoTextParams() throws Exception {
        try (MvMetaStore meta = MvMetaStore.inMemory()) {
            store(meta, recordsV2());
            CollectionSchema schema = new Catalog(meta, new HybridClock(), IGNORED).collection("default", "docs")
                    .schema();
            assertThat(schema.functions()).isEmpty();
            assertThat(schema.fields()).noneMatch(f -> f.enableAnalyzer() || f.enableMatch()
                    || f.analyzerParams() != null);
        }
    }

    @Test
    void aPartialReleaseOfAVersion1CollectionIsWrittenAsTheFrozenVersion5Record() throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (MvMetaStore meta = MvMetaStore.inMemory()) {
            store(meta, "loaded");
            Catalog catalog = new Catalog(meta, new HybridClock(), IGNORED);
            catalog.releasePartitions("default", "docs", List.of("part_b"));
            JsonNode written = json.readTree(meta.get("catalog/collection/default/docs").orElseThrow());
            assertThat(written).isEqualTo(json.readTree(recordsV5().resolve("partial")
                    .resolve("catalog-collection.json").toFile()));
        }
    }

    @Test
    void recordsWrittenNowAreTheVersionedFrozenRecords() throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (MvMetaStore meta = MvMetaStore.inMemory()) {
            store(meta, "");
            Catalog catalog = new Catalog(meta, new HybridClock(), IGNORED);
            // Rewrites of unchanged records: what the current writer makes of the frozen v1 contents.
            catalog.alterDatabase("default", Map.of(), List.of());
            catalog.setLoaded("default", "docs", false);
            catalog.alterAlias("default", "docs_alias", "docs");
            for (String key : List.of("catalog/database/default", "catalog/collection/default/docs",
                    "catalog/alias/default/docs_alias")) {
                JsonNode written = json.readTree(meta.get(key).orElseThrow());
                assertThat(written.get(CatalogStore.VERSION_FIELD).asInt()).as(key).isEqualTo(5);
                assertThat(written).as(key).isEqualTo(json.readTree(recordsV5().resolve(KEYS.get(key)).toFile()));
            }
            catalog.createDatabase("fresh", Map.of());
            assertThat(new String(meta.get("catalog/database/fresh").orElseThrow(), StandardCharsets.UTF_8))
                    .startsWith("{\"formatVersion\":5,");
        }
    }

    @Test
    void aRecordOfAnUnknownFormatVersionIsRefusedNamingItsKey() throws Exception {
        for (Map.Entry<String, String> entry : Map.of("catalog/collection/default/docs", "6",
                "catalog/database/default", "99", "catalog/alias/default/docs_alias", "\"1\"").entrySet()) {
            try (MvMetaStore meta = MvMetaStore.inMemory()) {
                store(meta, "");
                String record = new String(meta.get(entry.getKey()).orElseThrow(), StandardCharsets.UTF_8);
                meta.put(entry.getKey(), ("{\"formatVersion\":" + entry.getValue() + "," + record.substring(1))
                        .getBytes(StandardCharsets.UTF_8));

                assertThatThrownBy(() -> new Catalog(meta, new HybridClock(), IGNORED))
                        .isInstanceOf(StorageException.class)
                        .hasMessageContaining(entry.getKey())
                        .hasMessageContaining("format version " + entry.getValue())
                        .satisfies(e -> {
                            assertThat(((StorageException) e).errorCode()).isEqualTo(ErrorCode.STORAGE_CORRUPT);
                            assertThat(((StorageException) e).file()).isEqualTo(entry.getKey());
                        });
            }
        }
    }

    private static void checkFrozenContents(Catalog catalog) {
        checkFrozenContents(catalog, 1001L);
    }

    private static void checkFrozenContents(Catalog catalog, Long... partitionIds) {
        Collection docs = catalog.collection("default", "docs");
        assertThat(docs.collectionId()).isEqualTo(1000);
        assertThat(docs.schema().fields()).extracting(FieldSchema::name)
                .containsExactly("pk", "vec", "meta", "title");
        assertThat(docs.schema().fields().get(1).dim()).isEqualTo(4);
        assertThat(docs.partitions()).extracting(Partition::partitionId).containsExactly(partitionIds);
        IndexDefinition index = docs.indexOnField("vec").orElseThrow();
        assertThat(index.indexType()).isEqualTo("HNSW");
        assertThat(index.metric()).contains(MetricType.L2);
        assertThat(index.params()).containsEntry("M", "8").containsEntry("efConstruction", "32");
        assertThat(catalog.aliasTarget("default", "docs_alias").collectionId()).isEqualTo(1000);
        assertThat(catalog.listDatabases()).extracting(Database::name).contains("default");
    }
}
