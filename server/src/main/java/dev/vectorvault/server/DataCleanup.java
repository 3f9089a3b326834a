package dev.vectorvault.server;

import dev.vectorvault.catalog.CatalogListener;
import dev.vectorvault.storage.data.DataStore;

/**
 * Forwards catalog drops and index changes to the data store. The catalog must exist before the data store (which asks it for
 * layouts while recovering), so the store is attached after both are built.
 */
final class DataCleanup implements CatalogListener {
    private volatile DataStore data;

    void attach(DataStore store) {
        this.data = store;
    }

    @Override
    public void collectionDropped(long collectionId) {
        if (data != null) {
            data.collectionDropped(collectionId);
        }
    }

    @Override
    public void partitionDropped(long collectionId, long partitionId) {
        if (data != null) {
            data.partitionDropped(collectionId, partitionId);
        }
    }

    @Override
    public void indexesChanged(long collectionId) {
        if (data != null) {
            data.indexesChanged(collectionId);
        }
    }
}
