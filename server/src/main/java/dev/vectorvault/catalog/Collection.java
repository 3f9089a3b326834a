package dev.vectorvault.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A collection as the catalog stores it. Immutable: every change produces a new value that replaces the old one.
 *
 * <p>Load state, kept across restarts, is per partition ({@link Partition#loaded()}): the collection counts as
 * loaded ({@link #loaded()}) while any partition is, as in Milvus, where a partial load serves the loaded partitions.
 * {@code loadedWhole} is Milvus's load type: true after {@code LoadCollection}, so a partition created later is
 * loaded at once; false after {@code LoadPartitions} (and once nothing is loaded), so new partitions stay released.
 * Stored under the name {@code loaded}, which in format version 1 meant "every partition loaded" (the same then).
 * {@code loadedFieldIds} (stored as {@code loadFields}, from format version 5) are the fields the load brought in,
 * by id; empty means every field, and always once nothing is loaded (see {@link LoadedFields}).
 */
public record Collection(
        long collectionId,
        String database,
        String name,
        CollectionSchema schema,
        int shardsNum,
        ConsistencyLevel consistencyLevel,
        Map<String, String> properties,
        List<Partition> partitions,
        List<IndexDefinition> indexes,
        @JsonProperty("loaded") boolean loadedWhole,
        long createdTimestamp,
        long updatedTimestamp,
        @JsonProperty("loadFields") List<Long> loadedFieldIds) {

    public Collection {
        loadedFieldIds = loadedFieldIds == null ? List.of() : List.copyOf(loadedFieldIds);
        properties = Map.copyOf(properties);
        partitions = List.copyOf(partitions);
        indexes = List.copyOf(indexes);
    }

    /** A collection with every field loaded (when it is loaded at all). */
    public Collection(long collectionId, String database, String name, CollectionSchema schema, int shardsNum,
                      ConsistencyLevel consistencyLevel, Map<String, String> properties, List<Partition> partitions,
                      List<IndexDefinition> indexes, boolean loadedWhole, long createdTimestamp,
                      long updatedTimestamp) {
        this(collectionId, database, name, schema, shardsNum, consistencyLevel, properties, partitions, indexes,
                loadedWhole, createdTimestamp, updatedTimestamp, List.of());
    }

    /** Whether any partition is loaded: search and query need it (they read only the loaded partitions). */
    public boolean loaded() {
        return partitions.stream().anyMatch(Partition::loaded);
    }

    /**
     * The partitions a search or query reads: the named ones, each of which must exist (200) and be loaded (201,
     * Milvus's "partition not loaded"), or with no names every loaded partition.
     */
    public Set<Long> readablePartitionIds(List<String> names) {
        Set<Long> ids = new HashSet<>();
        if (names == null || names.isEmpty()) {
            partitions.stream().filter(Partition::loaded).forEach(p -> ids.add(p.partitionId()));
            return ids;
        }
        for (String partitionName : names) {
            Partition partition = partition(partitionName).orElseThrow(() -> new MilvusException(
                    ErrorCode.PARTITION_NOT_FOUND, "partition name " + partitionName + " not found"));
            if (!partition.loaded()) {
                throw new MilvusException(ErrorCode.PARTITION_NOT_LOADED,
                        "partition not loaded[partition=" + partition.partitionId() + "]");
            }
            ids.add(partition.partitionId());
        }
        return ids;
    }

    public Optional<Partition> partition(String partitionName) {
        return partitions.stream().filter(p -> p.name().equals(partitionName)).findFirst();
    }

    public Optional<IndexDefinition> indexOnField(String fieldName) {
        return indexes.stream().filter(i -> i.fieldName().equals(fieldName)).findFirst();
    }

    public Collection withName(String database, String name, long now) {
        return new Collection(collectionId, database, name, schema, shardsNum, consistencyLevel, properties,
                partitions, indexes, loadedWhole, createdTimestamp, now, loadedFieldIds);
    }

    public Collection withPartitions(List<Partition> newPartitions, long now) {
        return new Collection(collectionId, database, name, schema, shardsNum, consistencyLevel, properties,
                newPartitions, indexes, loadedWhole, createdTimestamp, now, loadedFieldIds);
    }

    public Collection withIndexes(List<IndexDefinition> newIndexes, long now) {
        return new Collection(collectionId, database, name, schema, shardsNum, consistencyLevel, properties,
                partitions, newIndexes, loadedWhole, createdTimestamp, now, loadedFieldIds);
    }

    /** {@code LoadCollection}: every partition loaded, and those created later too. */
    public Collection withAllLoaded() {
        return withLoad(true, partitions.stream().map(p -> p.withLoaded(true)).toList());
    }

    /** {@code LoadCollection} of these fields (ids; empty: every field): every partition loaded. */
    public Collection withAllLoaded(List<Long> fieldIds) {
        return withAllLoaded().withLoadedFields(fieldIds);
    }

    /** The fields searches and queries may read (see {@link LoadedFields}). */
    public LoadedFields loadedFields() {
        return new LoadedFields(schema, Set.copyOf(loadedFieldIds));
    }

    /** These fields (ids; empty: every field) as the loaded ones; only while something is loaded. */
    public Collection withLoadedFields(List<Long> fieldIds) {
        return new Collection(collectionId, database, name, schema, shardsNum, consistencyLevel, properties,
                partitions, indexes, loadedWhole, createdTimestamp, updatedTimestamp, loaded() ? fieldIds : List.of());
    }

    /** {@code ReleaseCollection}: nothing loaded. */
    public Collection withAllReleased() {
        return withLoad(false, partitions.stream().map(p -> p.withLoaded(false)).toList());
    }

    /** {@code LoadPartitions}: these partitions (ids) loaded besides those already loaded; the load type stays. */
    public Collection withPartitionsLoaded(Set<Long> partitionIds) {
        return withLoad(loadedWhole, partitions.stream()
                .map(p -> partitionIds.contains(p.partitionId()) ? p.withLoaded(true) : p).toList());
    }

    /**
     * {@code ReleasePartitions}: these partitions (ids) released, the others stay loaded with the load type they had
     * (Milvus's query coordinator keeps it). Releasing the last loaded one releases the collection.
     */
    public Collection withPartitionsReleased(Set<Long> partitionIds) {
        List<Partition> next = partitions.stream()
                .map(p -> partitionIds.contains(p.partitionId()) ? p.withLoaded(false) : p).toList();
        return withLoad(loadedWhole && next.stream().anyMatch(Partition::loaded), next);
    }

    /** A new load state; once nothing is loaded the loaded-field list goes too (the next load picks its own). */
    private Collection withLoad(boolean whole, List<Partition> newPartitions) {
        boolean anyLoaded = newPartitions.stream().anyMatch(Partition::loaded);
        return new Collection(collectionId, database, name, schema, shardsNum, consistencyLevel, properties,
                newPartitions, indexes, whole, createdTimestamp, updatedTimestamp,
                anyLoaded ? loadedFieldIds : List.of());
    }

    public Collection withSchema(CollectionSchema newSchema, long now) {
        return new Collection(collectionId, database, name, newSchema, shardsNum, consistencyLevel, properties,
                partitions, indexes, loadedWhole, createdTimestamp, now, loadedFieldIds);
    }

    public Collection withProperties(Map<String, String> newProperties, long now) {
        return new Collection(collectionId, database, name, schema, shardsNum, consistencyLevel, newProperties,
                partitions, indexes, loadedWhole, createdTimestamp, now, loadedFieldIds);
    }
}
