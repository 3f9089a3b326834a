package dev.vectorvault.catalog;

/** A named partition of a collection; every collection has {@code _default}. */
public record Partition(long partitionId, String name, long createdTimestamp) {
    public static final String DEFAULT = "_default";
}
