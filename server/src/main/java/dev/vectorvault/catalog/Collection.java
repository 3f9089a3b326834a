package dev.vectorvault.catalog;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A collection as the catalog stores it. Immutable: every change produces a new value that replaces the old one.
 * {@code loaded} is the Milvus load state (search and query need it), kept across restarts.
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
        boolean loaded,
        long createdTimestamp,
        long updatedTimestamp) {

    public Collection {
        properties = Map.copyOf(properties);
        partitions = List.copyOf(partitions);
        indexes = List.copyOf(indexes);
    }

    public Optional<Partition> partition(String partitionName) {
        return partitions.stream().filter(p -> p.name().equals(partitionName)).findFirst();
    }

    public Optional<IndexDefinition> indexOnField(String fieldName) {
        return indexes.stream().filter(i -> i.fieldName().equals(fieldName)).findFirst();
    }

    public Collection withName(String database, String name, long now) {
        return new Collection(collectionId, database, name, schema, shardsNum, consistencyLevel, properties,
                partitions, indexes, loaded, createdTimestamp, now);
    }

    public Collection withPartitions(List<Partition> newPartitions, long now) {
        return new Collection(collectionId, database, name, schema, shardsNum, consistencyLevel, properties,
                newPartitions, indexes, loaded, createdTimestamp, now);
    }

    public Collection withIndexes(List<IndexDefinition> newIndexes, long now) {
        return new Collection(collectionId, database, name, schema, shardsNum, consistencyLevel, properties,
                partitions, newIndexes, loaded, createdTimestamp, now);
    }

    public Collection withLoaded(boolean newLoaded) {
        return new Collection(collectionId, database, name, schema, shardsNum, consistencyLevel, properties,
                partitions, indexes, newLoaded, createdTimestamp, updatedTimestamp);
    }

    public Collection withProperties(Map<String, String> newProperties, long now) {
        return new Collection(collectionId, database, name, schema, shardsNum, consistencyLevel, newProperties,
                partitions, indexes, loaded, createdTimestamp, now);
    }
}
