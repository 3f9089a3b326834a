package dev.vectorvault.catalog;

/**
 * Told about catalog changes that affect stored data, so the data layer can drop what no longer exists and keep
 * its segments' indexes in line with the index definitions. Called after the change is stored.
 */
public interface CatalogListener {
    void collectionDropped(long collectionId);

    void partitionDropped(long collectionId, long partitionId);

    /** An index of the collection was created or dropped. */
    void indexesChanged(long collectionId);
}
