package dev.vectorvault.auth.rbac;

/**
 * The v2 privilege level ({@code milvuspb.PrivilegeLevel}). A privilege's level is the first level whose admin
 * group contains it; it decides which (database, collection) pairs a group may be granted on.
 */
public enum PrivilegeLevel {
    CLUSTER("Cluster", Privilege.CLUSTER_ADMIN),
    DATABASE("Database", Privilege.DATABASE_ADMIN),
    COLLECTION("Collection", Privilege.COLLECTION_ADMIN);

    private final String wireName;
    private final Privilege adminGroup;

    PrivilegeLevel(String wireName, Privilege adminGroup) {
        this.wireName = wireName;
        this.adminGroup = adminGroup;
    }

    public String wireName() {
        return wireName;
    }

    /** The built-in group that holds every privilege of this level. */
    Privilege adminGroup() {
        return adminGroup;
    }
}
