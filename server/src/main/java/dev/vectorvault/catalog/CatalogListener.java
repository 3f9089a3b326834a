package dev.vectorvault.catalog;

/** Told about catalog changes that affect stored data, so the data layer can drop what no longer exists. */
public interface CatalogListener {
    void collectionDropped(long collectionId);

    void partitionDropped(long collectionId, long partitionId);
}
