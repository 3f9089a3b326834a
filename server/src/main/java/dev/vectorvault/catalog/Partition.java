package dev.vectorvault.catalog;

/**
 * A named partition of a collection; every collection has {@code _default}. {@code loaded} is its own load state
 * (Milvus 2.4+ loads and releases partitions one by one): search and query see only loaded partitions.
 */
public record Partition(long partitionId, String name, long createdTimestamp, boolean loaded) {
    public static final String DEFAULT = "_default";

    public Partition withLoaded(boolean newLoaded) {
        return new Partition(partitionId, name, createdTimestamp, newLoaded);
    }
}
