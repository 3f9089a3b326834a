package dev.vectorvault.catalog;

import java.util.Map;

/** A database: a namespace of collections. {@code default} always exists. */
public record Database(long databaseId, String name, Map<String, String> properties, long createdTimestamp) {
    public static final String DEFAULT = "default";

    public Database {
        properties = Map.copyOf(properties);
    }
}
