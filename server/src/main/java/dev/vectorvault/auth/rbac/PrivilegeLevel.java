package dev.vectorvault.auth.rbac;

/**
 * The v2 privilege level ({@code milvuspb.PrivilegeLevel}). A privilege's level is the first level whose admin
 * group contains it; it decides which (database, collection) pairs a group may be granted on.
 */
public enum PrivilegeLevel {
    CLUSTER(Privilege.CLUSTER_ADMIN),
    DATABASE(Privilege.DATABASE_ADMIN),
    COLLECTION(Privilege.COLLECTION_ADMIN);

    private final Privilege adminGroup;

    PrivilegeLevel(Privilege adminGroup) {
        this.adminGroup = adminGroup;
    }

    /** The built-in group that holds every privilege of this level. */
    Privilege adminGroup() {
        return adminGroup;
    }
}
