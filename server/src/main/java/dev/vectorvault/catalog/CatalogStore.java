package dev.vectorvault.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Catalog records as JSON under {@code catalog/} in the metadata store: {@code catalog/database/<db>},
 * {@code catalog/collection/<db>/<name>}, {@code catalog/alias/<db>/<alias>} (value: collection id) and the id
 * counter {@code catalog/next-id}. Each put is durable when it returns (see {@link MetaStore}).
 *
 * <p>Every JSON record carries {@code "formatVersion"}; a record without it is version 1, the layout written before
 * the field existed (it is the same layout). A version this code does not know is refused as {@code STORAGE_CORRUPT}
 * naming the key, never read as if it were an old one. Version 2 added a load state per partition (partitions load
 * and release one by one): a version 1 collection record has none, its {@code "loaded"} meant every partition, and it
 * is read as exactly that. Version 3 added a schema's {@code functions} (BM25) and a field's text type params
 * ({@code enableAnalyzer}, {@code analyzerParams}, {@code enableMatch}); records of versions 1 and 2 have none, which
 * is what their absence means, so they read as they are. The version moved so that an older server refuses a record
 * whose BM25 output field it would otherwise treat as a plain sparse field. Version 4 added a schema's
 * {@code version} and {@code addedFields} (fields added by AddCollectionField, the schema's last ones); records of
 * versions 1 to 3 have neither, which means 0: no field was ever added. The version moved so that an older server
 * refuses a record with added fields (it would take rows written before the field for damaged ones). Version 5 added
 * a collection's {@code loadFields} (the field ids a partial load brought in; empty: every field); records of versions
 * 1 to 4 have none, which means every field, as loads were then. The version moved so that an older server refuses a
 * partly loaded collection rather than serve fields its clients were told are not loaded. Databases and aliases are
 * the same in every version.
 *
 * <p>Creates and the id counter are conditional writes, so servers sharing one store (cluster mode) cannot both
 * create the same name or hand out the same id: the store decides, and the loser learns it from the result.
 */
final class CatalogStore {
    /** The record layout this code writes; records without the field are version 1. */
    static final int FORMAT_VERSION = 5;
    /** Version 4: schema version and added fields; no loaded-field list (every field loaded). */
    static final int FORMAT_VERSION_4 = 4;
    /** Version 3: functions and text type params; no schema version, no added fields. */
    static final int FORMAT_VERSION_3 = 3;
    /** Version 2: a load state per partition; no functions, no text type params. */
    static final int FORMAT_VERSION_2 = 2;
    /** Version 1: collections with one load flag for the whole collection (no per-partition state). */
    static final int FORMAT_VERSION_1 = 1;
    static final String VERSION_FIELD = "formatVersion";
    static final String DATABASES = "catalog/database/";
    static final String COLLECTIONS = "catalog/collection/";
    static final String ALIASES = "catalog/alias/";
    private static final String NEXT_ID = "catalog/next-id";
    private static final long FIRST_ID = 1000L;

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

    /** Every collection with the exact record it was read from (the expected value of a later replace). */
    List<StoredCollection> collections() {
        return store.scan(COLLECTIONS).entrySet().stream()
                .map(e -> new StoredCollection(checkCollection(e.getKey(), readCollection(e.getKey(), e.getValue())),
                        e.getValue()))
                .toList();
    }

    private Collection readCollection(String key, byte[] value) {
        Collection stored = read(key, value, Collection.class); // first: it reports damage with its offset
        return upgrade(formatVersion(key, value), stored);
    }

    /**
     * A collection as a record of {@code version} describes it: in version 1 a loaded collection had every partition
     * loaded (there was no partial load), which version 2 says per partition.
     */
    private static Collection upgrade(int version, Collection stored) {
        if (version == FORMAT_VERSION_1 && stored.loadedWhole()) {
            return stored.withAllLoaded();
        }
        return stored;
    }

    record StoredCollection(Collection collection, byte[] record) {}

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

    /** Writes a new database record; false when one of that name exists (perhaps written by another node). */
    boolean createDatabase(Database database) {
        return store.putIfAbsent(DATABASES + database.name(), write(database));
    }

    void deleteDatabase(String name) {
        store.deleteTree(DATABASES + name);
    }

    /** Writes a new collection record and returns it; empty when the key exists (perhaps written by another node). */
    Optional<byte[]> createCollection(Collection collection) {
        byte[] record = write(collection);
        return store.putIfAbsent(collectionKey(collection.database(), collection.name()), record)
                ? Optional.of(record) : Optional.empty();
    }

    /**
     * Replaces a collection record only if it still holds {@code expected} exactly; returns the new record, or empty
     * when another node changed or removed it in between.
     */
    Optional<byte[]> replaceCollection(byte[] expected, Collection next) {
        byte[] record = write(next);
        return store.replace(collectionKey(next.database(), next.name()), expected, record)
                ? Optional.of(record) : Optional.empty();
    }

    void deleteCollection(String database, String name) {
        store.deleteTree(collectionKey(database, name));
    }

    void putAlias(AliasRecord alias) {
        store.put(ALIASES + alias.database() + "/" + alias.alias(), write(alias));
    }

    /** Writes a new alias record; false when the alias exists (perhaps written by another node). */
    boolean createAlias(AliasRecord alias) {
        return store.putIfAbsent(ALIASES + alias.database() + "/" + alias.alias(), write(alias));
    }

    void deleteAlias(String database, String alias) {
        store.deleteTree(ALIASES + database + "/" + alias);
    }

    /**
     * A new id, never handed out before, also across restarts and by any other node sharing the store: the counter
     * only moves by compare-and-set, and a refused set (another node took that id) reads the counter again.
     */
    long nextId() {
        while (true) {
            Optional<byte[]> current = store.get(NEXT_ID);
            long next = current.map(CatalogStore::parseNextId).orElse(FIRST_ID);
            byte[] after = Long.toString(next + 1).getBytes(StandardCharsets.UTF_8);
            boolean taken = current.isPresent() ? store.replace(NEXT_ID, current.get(), after)
                    : store.putIfAbsent(NEXT_ID, after);
            if (taken) {
                return next;
            }
        }
    }

    private static String collectionKey(String database, String name) {
        return COLLECTIONS + database + "/" + name;
    }

    /** The record's JSON with the current format version first. */
    private byte[] write(Object value) {
        try {
            ObjectNode record = json.createObjectNode();
            record.put(VERSION_FIELD, FORMAT_VERSION);
            record.setAll((ObjectNode) json.valueToTree(value));
            return json.writeValueAsBytes(record);
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
            checkFormatVersion(key, json.readTree(value));
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

    /** The format version of a stored record (checked as by {@link #read}). */
    private int formatVersion(String key, byte[] value) {
        try {
            return checkFormatVersion(key, json.readTree(value));
        } catch (IOException e) {
            throw StorageException.corrupt(key, StorageException.NO_OFFSET, "unreadable catalog record: " + e);
        }
    }

    /**
     * Versions this code reads: 1 (also when the field is absent) to 5. Anything else was written by a newer
     * server or is damage; either way reading it as an older version could silently drop what it says.
     */
    private static int checkFormatVersion(String key, JsonNode record) {
        if (record == null || !record.isObject() || !record.has(VERSION_FIELD)) {
            return FORMAT_VERSION_1; // or not an object at all (reported by the typed read with its offset)
        }
        JsonNode version = record.get(VERSION_FIELD);
        if (!version.isIntegralNumber()) {
            throw StorageException.corrupt(key, StorageException.NO_OFFSET, "catalog record format version "
                    + abbreviate(version.toString()) + " is not a number");
        }
        if (!version.canConvertToInt() || version.intValue() < FORMAT_VERSION_1
                || version.intValue() > FORMAT_VERSION) {
            throw StorageException.corrupt(key, StorageException.NO_OFFSET, "catalog record format version "
                    + abbreviate(version.asText()) + " is not supported (this server reads versions 1 to "
                    + FORMAT_VERSION + "); was it written by a newer server?");
        }
        return version.intValue();
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    /** A collection record holds what every request on it relies on: names, and a schema a create would accept. */
    private static Collection checkCollection(String key, Collection c) {
        require(c, key, c.database() != null && c.name() != null && c.schema() != null
                && c.consistencyLevel() != null, "a collection record without database, name, schema or consistency");
        for (FieldSchema field : c.schema().fields()) {
            require(c, key, field != null && field.name() != null && field.dataType() != null,
                    "a field without name or data type");
        }
        for (Long loaded : c.loadedFieldIds()) {
            require(c, key, loaded != null && c.schema().fields().stream().anyMatch(f -> f.fieldId() == loaded),
                    "a loaded field id that is no field of the schema");
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
