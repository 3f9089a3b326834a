package dev.vectorvault.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vectorvault.common.HybridClock;
import dev.vectorvault.fuzz.FuzzOutcome;
import dev.vectorvault.storage.MvMetaStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Fuzz target: the catalog records a start-up reads (database, collection, alias, id counter: JSON and text in the
 * metadata store). The first input byte picks the record, the rest is its value, stored next to the frozen v1
 * records of the other kinds; the catalog then opens and answers every read of what it holds, or the open is
 * refused as {@code STORAGE_CORRUPT} naming the record. Seeds: the frozen v1 records and records of the current
 * code.
 */
class CatalogRecordFuzzTest {
    private static final String[] KEYS = {"catalog/database/default", "catalog/collection/default/docs",
        "catalog/alias/default/docs_alias", "catalog/next-id"};
    private static final String[] FROZEN = {"catalog-database.json", "catalog-collection.json", "catalog-alias.json",
        "catalog-next-id.txt"};
    private static final byte[][] FROZEN_VALUES = frozenRecords();

    private static byte[][] frozenRecords() {
        byte[][] values = new byte[FROZEN.length][];
        for (int i = 0; i < FROZEN.length; i++) {
            try (InputStream in = CatalogRecordFuzzTest.class.getResourceAsStream("/formats/v1/records/" + FROZEN[i])) {
                values[i] = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return values;
    }

    @FuzzTest(maxDuration = "60s")
    void anyCatalogRecordLoadsOrIsRefusedAsCorrupt(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        try (MvMetaStore meta = MvMetaStore.inMemory()) {
            for (int i = 0; i < KEYS.length; i++) {
                meta.put(KEYS[i], FROZEN_VALUES[i]);
            }
            meta.put(KEYS[(input[0] & 0xFF) % KEYS.length], Arrays.copyOfRange(input, 1, input.length));
            Optional<Catalog> opened = FuzzOutcome.resultOrCorrupt(() -> new Catalog(meta, new HybridClock(),
                    new CatalogListener() {
                        @Override
                        public void collectionDropped(long collectionId) {
                        }

                        @Override
                        public void partitionDropped(long collectionId, long partitionId) {
                        }

                        @Override
                        public void indexesChanged(long collectionId) {
                        }
                    }));
            if (opened.isPresent()) {
                // The id counter is only read when something is created, so it may be refused only then.
                FuzzOutcome.resultOrCorrupt(() -> readEverything(opened.get()));
            }
        }
    }

    private static Catalog readEverything(Catalog catalog) {
        for (Database database : catalog.listDatabases()) {
            assertThat(catalog.database(database.name())).isEqualTo(database);
            for (Collection collection : catalog.listCollections(database.name())) {
                assertThat(catalog.collection(database.name(), collection.name())).isEqualTo(collection);
                assertThat(catalog.byId(collection.collectionId())).isPresent();
                catalog.aliasesOf(collection);
                collection.schema().primaryKey();
                collection.schema().vectorFields();
            }
        }
        if (catalog.listDatabases().stream().noneMatch(d -> d.name().equals("created_after_open"))) {
            catalog.createDatabase("created_after_open", Map.of());
        }
        return catalog;
    }
}
