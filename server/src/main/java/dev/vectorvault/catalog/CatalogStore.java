package dev.vectorvault.catalog;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.storage.MetaStore;
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
        return store.scan(DATABASES).values().stream().map(v -> read(v, Database.class)).toList();
    }

    List<Collection> collections() {
        return store.scan(COLLECTIONS).values().stream().map(v -> read(v, Collection.class)).toList();
    }

    /** (database, alias) → collection id, as stored. */
    List<AliasRecord> aliases() {
        return store.scan(ALIASES).values().stream().map(v -> read(v, AliasRecord.class)).toList();
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
        long next = store.get(NEXT_ID).map(v -> Long.parseLong(new String(v, StandardCharsets.UTF_8))).orElse(1000L);
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

    private <T> T read(byte[] value, Class<T> type) {
        try {
            return json.readValue(value, type);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable catalog record of type " + type.getSimpleName(), e);
        }
    }
}
