package dev.vectorvault.auth.rbac;

import static dev.vectorvault.auth.rbac.PrivilegeCatalog.ANY;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Per-user filtering of listings (§4.7), which Milvus applies to ListDatabases, ShowCollections, DescribeCollection
 * and DescribeDatabase although those RPCs need no privilege. Only bound roles count, and admin sees everything.
 * Public contributes nothing: its grants belong to everybody, so they reveal nothing about what a user was given
 * (and a fresh user sees empty lists, as Milvus's tests assert).
 *
 * <p>A database is visible when a role has any grant in it ({@code *}: in all). A collection is visible when a role
 * has, in its database or in {@code *}, a Global {@code All} grant (all collections), a Collection grant on it, or a
 * Global grant of a custom or collection-level group on it ({@code *}: all). Counting {@code *}-database grants
 * follows the Q2 decision of {@link AccessDecider}. Thread-safe.
 */
public final class Visibility {
    private final RbacStore store;
    private final PrivilegeCatalog catalog;
    private final RbacSettings settings;

    public Visibility(RbacStore store, PrivilegeCatalog catalog, RbacSettings settings) {
        this.store = store;
        this.catalog = catalog;
        this.settings = settings;
    }

    public VisibleNames databases(String user) {
        if (exempt(user)) {
            return VisibleNames.ALL;
        }
        RbacState state = store.state();
        SortedSet<String> roles = state.rolesOf(user);
        if (roles.contains(RbacService.ADMIN_ROLE)) {
            return VisibleNames.ALL;
        }
        SortedSet<String> databases = new TreeSet<>();
        for (String role : roles) {
            if (RbacService.PUBLIC_ROLE.equals(role)) {
                continue;
            }
            for (Grant grant : state.grantsOf(role)) {
                if (ANY.equals(grant.database())) {
                    return VisibleNames.ALL;
                }
                databases.add(grant.database());
            }
        }
        return VisibleNames.only(databases);
    }

    public VisibleNames collections(String user, String database) {
        if (exempt(user)) {
            return VisibleNames.ALL;
        }
        String db = RbacService.databaseOrDefault(database);
        RbacState state = store.state();
        SortedSet<String> roles = state.rolesOf(user);
        if (roles.contains(RbacService.ADMIN_ROLE)) {
            return VisibleNames.ALL;
        }
        SortedSet<String> collections = new TreeSet<>();
        for (String role : roles) {
            if (RbacService.PUBLIC_ROLE.equals(role)) {
                continue;
            }
            for (Grant grant : state.grantsOf(role)) {
                if (!grant.database().equals(db) && !ANY.equals(grant.database())) {
                    continue;
                }
                if (grant.objectType() == ObjectType.GLOBAL && Privilege.ALL.apiName().equals(grant.privilege())) {
                    return VisibleNames.ALL;
                }
                if (namesCollection(state, grant)) {
                    if (ANY.equals(grant.objectName())) {
                        return VisibleNames.ALL;
                    }
                    collections.add(grant.objectName());
                }
            }
        }
        return VisibleNames.only(collections);
    }

    /** For DescribeDatabase. @throws MilvusException not permitted (1401) when the user may not see it */
    public void requireDatabase(String user, String database) {
        if (!databases(user).contains(database)) {
            throw new MilvusException(ErrorCode.PRIVILEGE_NOT_PERMITTED, "not allowed to access database, db name: "
                    + database + ": privilege not permitted");
        }
    }

    /** For DescribeCollection by name. @throws MilvusException not permitted (1401) when the user may not see it */
    public void requireCollection(String user, String database, String collection) {
        if (!collections(user, database).contains(collection)) {
            throw new MilvusException(ErrorCode.PRIVILEGE_NOT_PERMITTED, "not allowed to access collection,"
                    + " collection name: " + collection + ": privilege not permitted");
        }
    }

    private boolean namesCollection(RbacState state, Grant grant) {
        if (grant.objectType() == ObjectType.COLLECTION) {
            return true;
        }
        return grant.objectType() == ObjectType.GLOBAL && (state.customGroup(grant.privilege()).isPresent()
                || catalog.isCollectionLevelGroup(grant.privilege()));
    }

    private boolean exempt(String user) {
        return !settings.authorizationEnabled() || (!settings.rootShouldBindRole() && RbacService.ROOT.equals(user));
    }
}
