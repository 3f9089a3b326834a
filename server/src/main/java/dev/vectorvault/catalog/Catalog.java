package dev.vectorvault.catalog;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.HybridClock;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.MetaStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Databases, collections, partitions and aliases with Milvus's semantics and messages. Reads come from memory;
 * every change is written durably to the metadata store first, under one lock (metadata changes are rare).
 *
 * <p>Several servers may share one store (cluster mode). Creates are conditional writes, so the store, not this
 * mirror, decides which of two nodes creating the same name wins; the loser reloads and answers what Milvus answers
 * for an existing name. A collection record is rewritten only over the record the mirror holds, so a change made by
 * another node in between is never overwritten. {@link #reload()} is what the cluster's watch calls after another
 * node wrote; it tells the {@link CatalogListener} what disappeared or changed.
 */
public final class Catalog {
    public static final int MAX_DATABASES = 64;
    public static final int MAX_PARTITIONS = 1024;
    /**
     * The metadata keys this mirror reflects: a change under them (by another node) calls for {@link #reload()}.
     * The id counter ({@code catalog/next-id}) is not among them: it moves with every create and needs no reload.
     */
    public static final List<String> KEY_PREFIXES = List.of(CatalogStore.DATABASES, CatalogStore.COLLECTIONS,
            CatalogStore.ALIASES);

    /** Everything the catalog mirrors; {@link #reload()} replaces it whole, so readers see old or new, not a mix. */
    private static final class Mirror {
        final Map<String, Database> databases = new ConcurrentHashMap<>();
        /** key: database + '/' + collection name. */
        final Map<String, Collection> collections = new ConcurrentHashMap<>();
        /** Same keys: the exact stored record of each collection, the expected value of its next rewrite. */
        final Map<String, byte[]> collectionRecords = new ConcurrentHashMap<>();
        /** key: database + '/' + alias; value: collection id. */
        final Map<String, Long> aliases = new ConcurrentHashMap<>();
    }

    private final CatalogStore store;
    private final HybridClock clock;
    private final CatalogListener listener;
    private volatile Mirror mirror;

    public Catalog(MetaStore metaStore, HybridClock clock, CatalogListener listener) {
        this.store = new CatalogStore(metaStore);
        this.clock = clock;
        this.listener = listener;
        this.mirror = load();
        if (!mirror.databases.containsKey(Database.DEFAULT)) {
            Database initial = new Database(1, Database.DEFAULT, Map.of(), clock.next());
            if (store.createDatabase(initial)) {
                mirror.databases.put(initial.name(), initial);
            } else {
                mirror = load(); // another node starting at the same time created it
            }
        }
    }

    private Mirror load() {
        Mirror loaded = new Mirror();
        store.databases().forEach(d -> loaded.databases.put(d.name(), d));
        store.collections().forEach(stored -> {
            Collection c = stored.collection();
            loaded.collections.put(key(c.database(), c.name()), c);
            loaded.collectionRecords.put(key(c.database(), c.name()), stored.record());
        });
        store.aliases().forEach(a -> loaded.aliases.put(key(a.database(), a.alias()), a.collectionId()));
        return loaded;
    }

    /**
     * Reads the catalog from the store again and swaps the mirror in one step, then tells the listener what
     * disappeared or changed compared with the previous mirror: a collection gone (by id; a rename is not a drop),
     * a partition gone from a collection that stays, a collection whose index definitions differ. Nothing is told
     * for what is unchanged or new. Idempotent; three prefix scans.
     */
    public synchronized void reload() {
        Mirror previous = mirror;
        Mirror next = load();
        mirror = next;
        Map<Long, Collection> now = new HashMap<>();
        next.collections.values().forEach(c -> now.put(c.collectionId(), c));
        for (Collection before : previous.collections.values()) {
            Collection after = now.get(before.collectionId());
            if (after == null) {
                listener.collectionDropped(before.collectionId());
                continue;
            }
            for (Partition partition : before.partitions()) {
                if (after.partitions().stream().noneMatch(p -> p.partitionId() == partition.partitionId())) {
                    listener.partitionDropped(before.collectionId(), partition.partitionId());
                }
            }
            if (!before.indexes().equals(after.indexes())) {
                listener.indexesChanged(before.collectionId());
            }
        }
    }

    // ---------------------------------------------------------------- databases

    public synchronized void createDatabase(String name, Map<String, String> properties) {
        NameRules.checkDatabase(name);
        Map<String, Database> databases = mirror.databases;
        if (databases.containsKey(name)) {
            throw databaseExists(name);
        }
        // Counted on this node's mirror: nodes creating different databases at once may pass it by a few (best
        // effort; the limit is a guard, not an invariant).
        if (databases.size() >= MAX_DATABASES) {
            throw new MilvusException(ErrorCode.DATABASE_LIMIT_EXCEEDED,
                    "database number (" + databases.size() + ") exceeds max configuration (" + MAX_DATABASES + ")");
        }
        Database database = new Database(store.nextId(), name, properties, clock.next());
        if (!store.createDatabase(database)) {
            reload(); // another node created it first: the store decided
            throw databaseExists(name);
        }
        databases.put(name, database);
    }

    private static MilvusException databaseExists(String name) {
        return new MilvusException(ErrorCode.UNEXPECTED, "database already exist: " + name);
    }

    /** Dropping a missing database succeeds; {@code default} and non-empty databases cannot be dropped. */
    public synchronized void dropDatabase(String name) {
        if (Database.DEFAULT.equals(name)) {
            throw new MilvusException(ErrorCode.UNEXPECTED, "can not drop default database");
        }
        if (!mirror.databases.containsKey(name)) {
            return;
        }
        if (!listCollections(name).isEmpty()) {
            throw new MilvusException(ErrorCode.UNEXPECTED,
                    "database:" + name + " not empty, must drop all collections before drop database");
        }
        store.deleteDatabase(name);
        mirror.databases.remove(name);
    }

    public List<Database> listDatabases() {
        return mirror.databases.values().stream().sorted((a, b) -> Long.compare(a.databaseId(), b.databaseId())).toList();
    }

    public Database database(String name) {
        Database database = mirror.databases.get(name);
        if (database == null) {
            throw new MilvusException(ErrorCode.DATABASE_NOT_FOUND, "database not found[database=" + name + "]");
        }
        return database;
    }

    public synchronized void alterDatabase(String name, Map<String, String> set, List<String> deleteKeys) {
        Database current = database(name);
        Map<String, String> properties = new LinkedHashMap<>(current.properties());
        properties.putAll(set);
        deleteKeys.forEach(properties::remove);
        Database next = new Database(current.databaseId(), name, properties, current.createdTimestamp());
        store.putDatabase(next);
        mirror.databases.put(name, next);
    }

    // ---------------------------------------------------------------- collections

    /**
     * Creates a collection. Creating one that exists with the same schema succeeds (Milvus is idempotent here);
     * with another schema it fails.
     */
    public Collection createCollection(String database, String name, CollectionSchema schema, int shardsNum,
                                       ConsistencyLevel consistency, Map<String, String> properties) {
        return createCollection(database, name, schema, shardsNum, 0, consistency, properties);
    }

    /**
     * As above, with CreateCollection's {@code num_partitions}: the number of partitions of a collection with a
     * partition key (0: Milvus's default), refused without one.
     */
    public synchronized Collection createCollection(String database, String name, CollectionSchema schema,
                                                    int shardsNum, long numPartitions, ConsistencyLevel consistency,
                                                    Map<String, String> properties) {
        database(database);
        NameRules.check("collection", name);
        CollectionSchema complete = SchemaValidator.complete(schema);
        int keyPartitions = SchemaValidator.partitionKeyPartitions(complete, numPartitions, MAX_PARTITIONS);
        checkIsolation(name, keyPartitions > 0, properties);
        while (true) {
            database(database);
            Mirror m = mirror;
            Collection existing = m.collections.get(key(database, name));
            if (existing != null) {
                if (sameFields(existing.schema(), complete)) {
                    return existing;
                }
                throw new MilvusException(ErrorCode.UNEXPECTED,
                        "create duplicate collection with different parameters, collection: " + name);
            }
            if (m.aliases.containsKey(key(database, name))) {
                throw new MilvusException(ErrorCode.UNEXPECTED, "collection name [" + name
                        + "] conflicts with an existing alias, please choose a unique name");
            }
            long now = clock.next();
            Collection collection = new Collection(store.nextId(), database, name, complete, Math.max(1, shardsNum),
                    consistency, properties, initialPartitions(keyPartitions, now), List.of(), false, now, now);
            Optional<byte[]> record = store.createCollection(collection);
            if (record.isPresent()) {
                m.collections.put(key(database, name), collection);
                m.collectionRecords.put(key(database, name), record.get());
                return collection;
            }
            // Another node created it first: decide again on what it created (same schema: that one is the answer).
            reload();
        }
    }

    /** {@code _default}, or with a partition key {@code _default_0 .. _default_{n-1}} (Milvus's names). */
    private List<Partition> initialPartitions(int keyPartitions, long now) {
        if (keyPartitions == 0) {
            return List.of(new Partition(store.nextId(), Partition.DEFAULT, now, false));
        }
        List<Partition> partitions = new ArrayList<>(keyPartitions);
        for (String partition : PartitionKey.partitionNames(keyPartitions)) {
            partitions.add(new Partition(store.nextId(), partition, now, false));
        }
        return partitions;
    }

    /** Milvus's check of {@code partitionkey.isolation}: a valid boolean, and on only with a partition key. */
    private static void checkIsolation(String collection, boolean hasPartitionKey, Map<String, String> properties) {
        if (PartitionKey.isolationEnabled(properties) && !hasPartitionKey) {
            throw new MilvusException(ErrorCode.ILLEGAL_SCHEMA, "partition key isolation mode is enabled but no"
                    + " partition key field is set. Please set the partition key first[collection=" + collection
                    + "]");
        }
    }

    /** The collection called {@code nameOrAlias} in {@code database}, resolving aliases. */
    public Collection collection(String database, String nameOrAlias) {
        return find(database, nameOrAlias).orElseThrow(() -> new MilvusException(ErrorCode.COLLECTION_NOT_FOUND,
                "collection not found[database=" + database + "][collection=" + nameOrAlias + "]"));
    }

    public Optional<Collection> find(String database, String nameOrAlias) {
        database(database);
        Mirror m = mirror;
        Collection direct = m.collections.get(key(database, nameOrAlias));
        if (direct != null) {
            return Optional.of(direct);
        }
        Long id = m.aliases.get(key(database, nameOrAlias));
        return id == null ? Optional.empty() : byId(m, id);
    }

    public Optional<Collection> byId(long collectionId) {
        return byId(mirror, collectionId);
    }

    private static Optional<Collection> byId(Mirror m, long collectionId) {
        return m.collections.values().stream().filter(c -> c.collectionId() == collectionId).findFirst();
    }

    public List<Collection> listCollections(String database) {
        database(database);
        return mirror.collections.values().stream().filter(c -> c.database().equals(database))
                .sorted((a, b) -> Long.compare(a.collectionId(), b.collectionId())).toList();
    }

    /** Dropping a missing collection succeeds, as in Milvus; one with aliases must lose them first. */
    public synchronized void dropCollection(String database, String name) {
        database(database);
        Mirror m = mirror;
        if (m.aliases.containsKey(key(database, name))) {
            throw MilvusException.invalidParameter("cannot drop the collection via alias = " + name);
        }
        Collection collection = m.collections.get(key(database, name));
        if (collection == null) {
            return;
        }
        List<String> bound = aliasesOf(collection);
        if (!bound.isEmpty()) {
            throw new MilvusException(ErrorCode.UNEXPECTED, "unable to drop the collection [" + name
                    + "] because it has associated aliases " + bound + ", please remove all aliases before dropping"
                    + " the collection");
        }
        store.deleteCollection(database, name);
        m.collections.remove(key(database, name));
        m.collectionRecords.remove(key(database, name));
        listener.collectionDropped(collection.collectionId());
    }

    public synchronized void renameCollection(String database, String oldName, String newDatabase, String newName) {
        database(database);
        String targetDb = newDatabase == null || newDatabase.isEmpty() ? database : newDatabase;
        database(targetDb);
        NameRules.check("collection", newName);
        Mirror m = mirror;
        Collection collection = m.collections.get(key(database, oldName));
        if (collection == null) {
            throw new MilvusException(ErrorCode.COLLECTION_NOT_FOUND,
                    "collection not found[database=" + database + "][collection=" + oldName + "]");
        }
        if (m.collections.containsKey(key(targetDb, newName)) || m.aliases.containsKey(key(targetDb, newName))) {
            throw duplicatedName(targetDb, newName);
        }
        if (!targetDb.equals(database) && !aliasesOf(collection).isEmpty()) {
            throw new MilvusException(ErrorCode.UNEXPECTED,
                    "fail to rename collection to different database, must drop all aliases of collection first");
        }
        Collection renamed = collection.withName(targetDb, newName, clock.next());
        Optional<byte[]> record = store.createCollection(renamed);
        if (record.isEmpty()) {
            reload(); // another node took the new name first
            throw duplicatedName(targetDb, newName);
        }
        store.deleteCollection(database, oldName);
        m.collections.remove(key(database, oldName));
        m.collectionRecords.remove(key(database, oldName));
        m.collections.put(key(targetDb, newName), renamed);
        m.collectionRecords.put(key(targetDb, newName), record.get());
    }

    private static MilvusException duplicatedName(String database, String name) {
        return new MilvusException(ErrorCode.UNEXPECTED, "duplicated new collection name " + database + ":"
                + name + " with other collection name or alias");
    }

    /**
     * Replaces a collection's stored record (index, load and property changes go through here), only over the
     * record this mirror holds: when another node changed the collection in between, nothing is written, the mirror
     * reloads and the caller is told to retry (its change was decided on a state that is gone).
     */
    synchronized Collection replace(Collection next) {
        Mirror m = mirror;
        String key = key(next.database(), next.name());
        Collection current = m.collections.get(key);
        if (current == null || current.collectionId() != next.collectionId()) {
            throw new MilvusException(ErrorCode.COLLECTION_NOT_FOUND, "collection not found[database="
                    + next.database() + "][collection=" + next.name() + "]");
        }
        Optional<byte[]> record = store.replaceCollection(m.collectionRecords.get(key), next);
        if (record.isEmpty()) {
            reload();
            throw new MilvusException(ErrorCode.UNEXPECTED, "collection " + next.name() + " in database "
                    + next.database() + " was changed by another server at the same time; please retry");
        }
        m.collections.put(key, next);
        m.collectionRecords.put(key, record.get());
        if (!current.indexes().equals(next.indexes())) {
            listener.indexesChanged(next.collectionId());
        }
        return next;
    }

    public synchronized Collection alterProperties(String database, String name, Map<String, String> set,
                                                   List<String> deleteKeys) {
        Collection current = collection(database, name);
        Map<String, String> properties = new LinkedHashMap<>(current.properties());
        properties.putAll(set);
        deleteKeys.forEach(properties::remove);
        checkIsolation(current.name(), PartitionKey.keyField(current.schema()).isPresent(), properties);
        boolean isolationChanged = PartitionKey.isolationEnabled(properties)
                != PartitionKey.isolationEnabled(current.properties());
        Optional<IndexDefinition> vectorIndex = current.indexes().stream()
                .filter(i -> current.schema().field(i.fieldName()).map(f -> f.dataType().isVector()).orElse(false))
                .findFirst();
        if (isolationChanged && vectorIndex.isPresent()) { // as Milvus, whose index is then built per key value
            throw new MilvusException(ErrorCode.INDEX_DUPLICATE, "can not alter partition key isolation mode if"
                    + " the collection already has a vector index. Please drop the index first[index="
                    + vectorIndex.get().fieldName() + "]");
        }
        return replace(current.withProperties(properties, clock.next()));
    }

    /**
     * AddCollectionField: {@code field} (a nullable scalar, see {@link SchemaValidator#checkAdded}) becomes the
     * collection's last field and the schema's version moves on. Rows already written read it as its default value,
     * or null; the data layer learns the wider layout from the catalog at its next use of the collection.
     */
    public synchronized Collection addField(String database, String name, FieldSchema field) {
        Collection current = collection(database, name);
        FieldSchema added = SchemaValidator.checkAdded(current.schema(), current.name(), field);
        return replace(current.withSchema(current.schema().withAddedField(added), clock.next()));
    }

    /**
     * AlterCollectionField: {@code max_length} / {@code max_capacity} of one field (see
     * {@link SchemaValidator#altered}), enforced on later inserts; the schema's version moves on. Setting what is
     * already set changes nothing.
     */
    public synchronized Collection alterField(String database, String name, String fieldName,
                                              Map<String, String> set, List<String> deleteKeys) {
        Collection current = collection(database, name);
        FieldSchema field = current.schema().field(fieldName).filter(f -> !f.dynamic())
                .orElseThrow(() -> new MilvusException(ErrorCode.UNEXPECTED, "field not found[field=" + fieldName
                        + "]"));
        FieldSchema altered = SchemaValidator.altered(field, set, deleteKeys);
        if (altered.equals(field)) {
            return current;
        }
        return replace(current.withSchema(current.schema().withChangedField(fieldName, altered), clock.next()));
    }

    /** LoadCollection ({@code true}: every partition, and those created later) or ReleaseCollection. */
    public synchronized Collection setLoaded(String database, String name, boolean loaded) {
        Collection current = collection(database, name);
        return replace(loaded ? current.withAllLoaded() : current.withAllReleased());
    }

    /**
     * LoadCollection of these fields (ids from {@link LoadedFields#requested}; empty: every field). A loaded
     * collection takes only the list it was loaded with: another is refused (release it first), as in Milvus.
     */
    public synchronized Collection load(String database, String name, List<Long> fieldIds) {
        Collection current = collection(database, name);
        if (current.loaded()) {
            current.loadedFields().requireUnchanged(fieldIds);
        }
        Collection next = current.withAllLoaded(fieldIds);
        return next.equals(current) ? current : replace(next);
    }

    /**
     * LoadPartitions: the named partitions loaded besides those already loaded (an unknown name is 200 partition not
     * found and changes nothing). Loading what is loaded changes nothing.
     */
    public synchronized Collection loadPartitions(String database, String name, List<String> partitionNames) {
        return loadPartitions(database, name, partitionNames, List.of());
    }

    /** {@link #loadPartitions} of these fields, held to the same list as {@link #load} when something is loaded. */
    public synchronized Collection loadPartitions(String database, String name, List<String> partitionNames,
                                                  List<Long> fieldIds) {
        Collection current = collection(database, name);
        refuseWithPartitionKey(current, "load partitions");
        if (current.loaded()) {
            current.loadedFields().requireUnchanged(fieldIds);
        }
        Collection next = current.withPartitionsLoaded(partitionIds(current, partitionNames))
                .withLoadedFields(fieldIds);
        return next.equals(current) ? current : replace(next);
    }

    /**
     * ReleasePartitions: the named partitions released, the others stay loaded and searchable; releasing the last
     * loaded one releases the collection. Releasing what is not loaded changes nothing.
     */
    public synchronized Collection releasePartitions(String database, String name, List<String> partitionNames) {
        Collection current = collection(database, name);
        refuseWithPartitionKey(current, "release partitions");
        Collection next = current.withPartitionsReleased(partitionIds(current, partitionNames));
        return next.equals(current) ? current : replace(next);
    }

    private static Set<Long> partitionIds(Collection collection, List<String> names) {
        Set<Long> ids = new HashSet<>();
        for (String partition : names) {
            ids.add(collection.partition(partition).orElseThrow(() -> partitionNotFound(partition)).partitionId());
        }
        return ids;
    }

    /** The partition key decides where rows go: partitions are not created, dropped, loaded or released by hand. */
    private static void refuseWithPartitionKey(Collection collection, String operation) {
        if (PartitionKey.keyField(collection.schema()).isPresent()) {
            throw PartitionKey.partitionOperationRefused(operation);
        }
    }

    /**
     * TruncateCollection: every row goes, the collection stays (schema, indexes, properties, aliases, grants, load
     * state). Its partitions get new ids in one record change, so rows of the old ids are dead everywhere at once: the
     * data store drops them now (the listener, as for DropPartition) and skips them in any log or segment it reads
     * later, which makes the truncation as durable as the catalog record.
     */
    public synchronized Collection truncateCollection(String database, String name) {
        Collection current = collection(database, name);
        long now = clock.next();
        List<Partition> fresh = new ArrayList<>();
        for (Partition partition : current.partitions()) {
            fresh.add(new Partition(store.nextId(), partition.name(), partition.createdTimestamp(),
                    partition.loaded()));
        }
        Collection next = replace(current.withPartitions(fresh, now));
        for (Partition partition : current.partitions()) {
            listener.partitionDropped(current.collectionId(), partition.partitionId());
        }
        return next;
    }

    /** Milvus's 200 for a partition name the collection does not have. */
    public static MilvusException partitionNotFound(String partition) {
        return new MilvusException(ErrorCode.PARTITION_NOT_FOUND, "partition not found[partition=" + partition + "]");
    }

    // ---------------------------------------------------------------- partitions

    /** Creating a partition that exists succeeds without change, as in Milvus. */
    public synchronized void createPartition(String database, String collectionName, String partition) {
        Collection collection = collection(database, collectionName);
        refuseWithPartitionKey(collection, "create partition");
        NameRules.check("partition", partition);
        if (collection.partition(partition).isPresent()) {
            return;
        }
        if (collection.partitions().size() >= MAX_PARTITIONS) {
            throw new MilvusException(ErrorCode.UNEXPECTED, "partition number (" + collection.partitions().size()
                    + ") exceeds max configuration (" + MAX_PARTITIONS + ")");
        }
        List<Partition> partitions = new ArrayList<>(collection.partitions());
        // A collection loaded as a whole (LoadCollection) loads a new partition at once, as Milvus does.
        partitions.add(new Partition(store.nextId(), partition, clock.next(), collection.loadedWhole()));
        replace(collection.withPartitions(partitions, clock.next()));
    }

    public synchronized void dropPartition(String database, String collectionName, String partition) {
        Collection collection = collection(database, collectionName);
        refuseWithPartitionKey(collection, "drop partition");
        if (Partition.DEFAULT.equals(partition)) {
            throw MilvusException.invalidParameter("default partition cannot be deleted");
        }
        Optional<Partition> found = collection.partition(partition);
        if (found.isEmpty()) {
            return;
        }
        if (found.get().loaded()) { // a released partition of a loaded collection may go
            throw new MilvusException(ErrorCode.UNEXPECTED,
                    "partition cannot be dropped, partition is loaded, please release it first");
        }
        List<Partition> partitions = new ArrayList<>(collection.partitions());
        partitions.remove(found.get());
        replace(collection.withPartitions(partitions, clock.next()));
        listener.partitionDropped(collection.collectionId(), found.get().partitionId());
    }

    // ---------------------------------------------------------------- aliases

    public synchronized void createAlias(String database, String alias, String collectionName) {
        database(database);
        NameRules.check("alias", alias);
        while (true) {
            database(database);
            Mirror m = mirror;
            Collection target = m.collections.get(key(database, collectionName));
            if (target == null) {
                throw new MilvusException(ErrorCode.COLLECTION_NOT_FOUND,
                        "collection not found[database=" + database + "][collection=" + collectionName + "]");
            }
            if (m.collections.containsKey(key(database, alias))) {
                throw new MilvusException(ErrorCode.ALIAS_COLLECTION_NAME_CONFLICT,
                        "alias and collection name conflict[database=" + database + "][alias=" + alias + "]");
            }
            Long existing = m.aliases.get(key(database, alias));
            if (existing != null) {
                if (existing == target.collectionId()) {
                    return;
                }
                throw new MilvusException(ErrorCode.ALIAS_ALREADY_EXISTS, "alias exist and already aliased to"
                        + " another collection, alias: " + alias + ", collection: " + collectionName);
            }
            if (store.createAlias(new CatalogStore.AliasRecord(database, alias, target.collectionId()))) {
                m.aliases.put(key(database, alias), target.collectionId());
                return;
            }
            reload(); // another node created the alias first: decide again on where it points
        }
    }

    public synchronized void alterAlias(String database, String alias, String collectionName) {
        database(database);
        Mirror m = mirror;
        if (!m.aliases.containsKey(key(database, alias))) {
            throw new MilvusException(ErrorCode.ALIAS_NOT_FOUND, "alias not found[database=" + database
                    + "][alias=" + alias + "]");
        }
        Collection target = m.collections.get(key(database, collectionName));
        if (target == null) {
            throw new MilvusException(ErrorCode.COLLECTION_NOT_FOUND,
                    "collection not found[database=" + database + "][collection=" + collectionName + "]");
        }
        store.putAlias(new CatalogStore.AliasRecord(database, alias, target.collectionId()));
        m.aliases.put(key(database, alias), target.collectionId());
    }

    /** Dropping a missing alias succeeds. */
    public synchronized void dropAlias(String database, String alias) {
        if (mirror.aliases.remove(key(database, alias)) != null) {
            store.deleteAlias(database, alias);
        }
    }

    /** The collection an alias points at. */
    public Collection aliasTarget(String database, String alias) {
        database(database);
        Mirror m = mirror;
        Long id = m.aliases.get(key(database, alias));
        return Optional.ofNullable(id).flatMap(i -> byId(m, i)).orElseThrow(() -> new MilvusException(
                ErrorCode.ALIAS_NOT_FOUND, "alias not found[database=" + database + "][alias=" + alias + "]"));
    }

    /** Aliases in a database, optionally only those of one collection, sorted. */
    public List<String> listAliases(String database, String collectionName) {
        database(database);
        Optional<Long> only = collectionName == null || collectionName.isEmpty() ? Optional.empty()
                : Optional.of(collection(database, collectionName).collectionId());
        String prefix = database + "/";
        return mirror.aliases.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .filter(e -> only.map(id -> id.equals(e.getValue())).orElse(true))
                .map(e -> e.getKey().substring(prefix.length()))
                .sorted().toList();
    }

    public List<String> aliasesOf(Collection collection) {
        String prefix = collection.database() + "/";
        return mirror.aliases.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix) && e.getValue() == collection.collectionId())
                .map(e -> e.getKey().substring(prefix.length())).sorted().toList();
    }

    // ---------------------------------------------------------------- helpers

    long newId() {
        return store.nextId();
    }

    long now() {
        return clock.next();
    }

    private static boolean sameFields(CollectionSchema a, CollectionSchema b) {
        Map<String, DataType> left = new HashMap<>();
        a.fields().forEach(f -> left.put(f.name(), f.dataType()));
        Map<String, DataType> right = new HashMap<>();
        b.fields().forEach(f -> right.put(f.name(), f.dataType()));
        return left.equals(right) && Objects.equals(a.primaryKey().name(), b.primaryKey().name());
    }

    private static String key(String database, String name) {
        return database + "/" + name;
    }
}
