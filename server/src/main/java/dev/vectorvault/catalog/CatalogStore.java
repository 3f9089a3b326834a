package dev.vectorvault.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Catalog records as JSON under {@code catalog/} in the metadata store: {@code catalog/database/<db>},
 * {@code catalog/collection/<db>/<name>}, {@code catalog/alias/<db>/<alias>} (value: collection id) and the id
 * counter {@code catalog/next-id}. Each put is durable when it returns (see {@link MetaStore}).
 */
final class CatalogStore {
    private static final String DATABASES = "catalog/database/";
    private static final String COLLECTIONS = "catalog/collection/";
    private static final String ALIASES = "catalog/alias/";
    private static final String NEXT_ID = "catalog/next-id";

    private final MetaStore store;
    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    CatalogStore(MetaStore store) {
        this.store = store;
    }

    List<Database> databases() {
        return store.scan(DATABASES).entrySet().stream().map(e -> read(e.getKey(), e.getValue(), Database.class))
                .map(d -> require(d, DATABASES + d.name(), d.name() != null, "a database without a name"))
                .toList();
    }

    List<Collection> collections() {
        return store.scan(COLLECTIONS).entrySet().stream()
                .map(e -> checkCollection(e.getKey(), read(e.getKey(), e.getValue(), Collection.class))).toList();
    }

    /** (database, alias) → collection id, as stored. */
    List<AliasRecord> aliases() {
        return store.scan(ALIASES).entrySet().stream().map(e -> read(e.getKey(), e.getValue(), AliasRecord.class))
                .map(a -> require(a, ALIASES + a.database() + "/" + a.alias(),
                        a.database() != null && a.alias() != null, "an alias without a database or name"))
                .toList();
    }

    record AliasRecord(String database, String alias, long collectionId) {}

    void putDatabase(Database database) {
        store.put(DATABASES + database.name(), write(database));
    }

    void deleteDatabase(String name) {
        store.deleteTree(DATABASES + name);
    }

    void putCollection(Collection collection) {
        store.put(collectionKey(collection.database(), collection.name()), write(collection));
    }

    void deleteCollection(String database, String name) {
        store.deleteTree(collectionKey(database, name));
    }

    void putAlias(AliasRecord alias) {
        store.put(ALIASES + alias.database() + "/" + alias.alias(), write(alias));
    }

    void deleteAlias(String database, String alias) {
        store.deleteTree(ALIASES + database + "/" + alias);
    }

    /** A new id, never handed out before, also across restarts. */
    long nextId() {
        long next = store.get(NEXT_ID).map(CatalogStore::parseNextId).orElse(1000L);
        store.put(NEXT_ID, Long.toString(next + 1).getBytes(StandardCharsets.UTF_8));
        return next;
    }

    private static String collectionKey(String database, String name) {
        return COLLECTIONS + database + "/" + name;
    }

    private byte[] write(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A stored record, or {@code STORAGE_CORRUPT} naming its key and the byte offset where it stops being one: a
     * damaged record must stop the start-up with a clear message, not surface later as a NullPointerException.
     */
    private <T> T read(String key, byte[] value, Class<T> type) {
        try {
            T record = json.readValue(value, type);
            return require(record, key, record != null, "null");
        } catch (JsonProcessingException e) {
            long offset = e.getLocation() == null ? StorageException.NO_OFFSET : e.getLocation().getByteOffset();
            throw StorageException.corrupt(key, offset, "unreadable catalog record of type " + type.getSimpleName()
                    + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw StorageException.corrupt(key, StorageException.NO_OFFSET, "unreadable catalog record of type "
                    + type.getSimpleName() + ": " + e);
        }
    }

    /** A collection record holds what every request on it relies on: names, and a schema a create would accept. */
    private static Collection checkCollection(String key, Collection c) {
        require(c, key, c.database() != null && c.name() != null && c.schema() != null
                && c.consistencyLevel() != null, "a collection record without database, name, schema or consistency");
        for (FieldSchema field : c.schema().fields()) {
            require(c, key, field != null && field.name() != null && field.dataType() != null,
                    "a field without name or data type");
        }
        for (Partition partition : c.partitions()) {
            require(c, key, partition != null && partition.name() != null, "a partition without a name");
        }
        for (IndexDefinition index : c.indexes()) {
            require(c, key, index != null && index.indexName() != null && index.fieldName() != null
                    && index.indexType() != null, "an index without name, field or type");
        }
        try {
            SchemaValidator.complete(c.schema());
        } catch (MilvusException e) {
            throw StorageException.corrupt(key, StorageException.NO_OFFSET, "collection record with a schema no"
                    + " create accepts: " + e.getMessage());
        }
        return c;
    }

    private static <T> T require(T record, String key, boolean condition, String problem) {
        if (!condition) {
            throw StorageException.corrupt(key, StorageException.NO_OFFSET, "catalog record holds " + problem);
        }
        return record;
    }

    private static long parseNextId(byte[] value) {
        String text = new String(value, StandardCharsets.UTF_8);
        try {
            long next = Long.parseLong(text);
            if (next >= 1 && next < Long.MAX_VALUE) {
                return next;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw StorageException.corrupt(NEXT_ID, 0, "id counter '" + (text.length() > 40 ? text.substring(0, 40)
                + "..." : text) + "' is not a positive number");
    }
}
