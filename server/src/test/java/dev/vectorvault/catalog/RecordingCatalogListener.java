package dev.vectorvault.catalog;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A catalog listener that records each event as a line ("collection 7", "partition 7/8", "indexes 7"). */
final class RecordingCatalogListener implements CatalogListener {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void collectionDropped(long collectionId) {
        events.add("collection " + collectionId);
    }

    @Override
    public void partitionDropped(long collectionId, long partitionId) {
        events.add("partition " + collectionId + "/" + partitionId);
    }

    @Override
    public void indexesChanged(long collectionId) {
        events.add("indexes " + collectionId);
    }
}
