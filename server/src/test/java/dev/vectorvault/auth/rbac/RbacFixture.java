package dev.vectorvault.auth.rbac;

import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.storage.MvMetaStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The RBAC services over one metadata store, with authorization on and an in-memory user directory that already
 * holds root. {@link #reopen()} builds fresh services over the same store, as a restart does.
 */
final class RbacFixture {
    final MetaStore meta;
    final Users users;
    final RbacSettings settings;
    final PrivilegeCatalog catalog;
    RbacStore store;
    RbacService service;
    AccessDecider decider;
    Visibility visibility;

    RbacFixture() {
        this(MvMetaStore.inMemory(), RbacSettings.defaults(true));
    }

    RbacFixture(RbacSettings settings) {
        this(MvMetaStore.inMemory(), settings);
    }

    RbacFixture(MetaStore meta, RbacSettings settings) {
        this(meta, settings, new Users(), PrivilegeCatalog.defaults());
    }

    RbacFixture(MetaStore meta, RbacSettings settings, Users users, PrivilegeCatalog catalog) {
        this.meta = meta;
        this.settings = settings;
        this.users = users;
        this.catalog = catalog;
        users.add(RbacService.ROOT);
        reopen();
    }

    /** New store, service, decider and visibility over the same metadata store and users. */
    RbacFixture reopen() {
        store = new RbacStore(meta);
        service = RbacService.start(store, catalog, settings, users);
        decider = new AccessDecider(store, catalog, settings);
        visibility = new Visibility(store, catalog, settings);
        return this;
    }

    /** A user bound to a new role; returns the role's name ({@code <user>_role}). */
    String userWithRole(String user) {
        users.add(user);
        String role = user + "_role";
        service.createRole(role);
        service.operateUserRole("root", user, role, MembershipOperation.ADD);
        return role;
    }

    void grant(String role, String objectType, String objectName, String database, String privilege) {
        service.operatePrivilege(RbacService.ROOT, new GrantEntity(role, objectType, objectName, database, privilege),
                PrivilegeOperation.GRANT);
    }

    void revoke(String role, String objectType, String objectName, String database, String privilege) {
        service.operatePrivilege(RbacService.ROOT, new GrantEntity(role, objectType, objectName, database, privilege),
                PrivilegeOperation.REVOKE);
    }

    void grantV2(String role, String privilege, String database, String collection) {
        service.operatePrivilegeV2(RbacService.ROOT, role, privilege, database, collection, PrivilegeOperation.GRANT);
    }

    void revokeV2(String role, String privilege, String database, String collection) {
        service.operatePrivilegeV2(RbacService.ROOT, role, privilege, database, collection, PrivilegeOperation.REVOKE);
    }

    boolean allowed(String user, String database, Requirement requirement) {
        return decider.decide(user, database, requirement).allowed();
    }

    /** Grants of a role in every database, as "Type/name/db/Privilege" strings. */
    List<String> grantsOf(String role) {
        List<String> out = new ArrayList<>();
        for (Grant g : service.selectGrant(role, Optional.empty(), Optional.empty(), "*")) {
            out.add(g.objectType().wireName() + "/" + g.objectName() + "/" + g.database() + "/" + g.privilege());
        }
        return out;
    }

    /** The credential side, reduced to names and hashes; names follow VectorVault's user rules. */
    static final class Users implements UserDirectory {
        private final Map<String, String> hashes = new ConcurrentHashMap<>();

        void add(String user) {
            hashes.put(user, "$argon2id$hash-of-" + user);
        }

        void remove(String user) {
            hashes.remove(user);
        }

        @Override
        public boolean exists(String username) {
            return hashes.containsKey(username);
        }

        @Override
        public List<String> usernames() {
            return List.copyOf(hashes.keySet());
        }

        @Override
        public Optional<String> passwordHash(String username) {
            return Optional.ofNullable(hashes.get(username));
        }

        @Override
        public void restore(String username, String passwordHash) {
            if (hashes.putIfAbsent(username, passwordHash) != null) {
                throw MilvusException.invalidParameter("user already exists: " + username);
            }
        }

        @Override
        public void checkUsername(String username) {
            if (username == null || username.isEmpty()) {
                throw MilvusException.invalidParameter("username must be not empty");
            }
            if (!username.matches("[A-Za-z][A-Za-z0-9_]{0,31}")) {
                throw MilvusException.invalidParameter("invalid user name " + username);
            }
        }
    }
}
