package dev.vectorvault.auth.rbac;

import static dev.vectorvault.auth.rbac.PrivilegeCatalog.ANY;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The RBAC RPCs with Milvus 2.6's semantics and messages (§4.3, §4.8, §4.9): roles, user bindings, v1 and v2 grants,
 * grant listing, custom privilege groups, backup and restore, and the clean-ups that user and collection changes need.
 * The privilege each RPC needs is checked before the call ({@link AccessDecider}); what this class checks of the
 * caller is how far its ManageOwnership reaches ({@link GrantAuthority}): grants and bindings beyond its database, or
 * at the cluster level, need an administrator.
 *
 * <p>Every change is durable before the method returns and takes effect on the very next decision. Changes are
 * serialised (one lock, like Milvus's RBAC lock), so a check and the write it guards cannot interleave with another
 * change. Failures are {@link MilvusException}s: invalid parameter (1100), not permitted (1401), invalid database
 * name (802), or an {@link MilvusException} carrying Milvus's specific legacy code.
 */
public final class RbacService {
    public static final String ROOT = "root";
    public static final String ADMIN_ROLE = "admin";
    public static final String PUBLIC_ROLE = "public";
    public static final String DEFAULT_DATABASE = "default";

    private static final String ROLE_NOT_FOUND =
            "not found the role, maybe the role isn't existed or internal system error";
    private static final String USER_NOT_FOUND =
            "not found the user, maybe the user isn't existed or internal system error";
    private static final String COMMON_CHECK = "failed to operate privilege common check: ";
    private static final String GROUP_ALTERABLE = "failed to check if privilege group alterable: ";

    private final RbacStore store;
    private final PrivilegeCatalog catalog;
    private final RbacSettings settings;
    private final UserDirectory users;
    private final RbacNameRules names;
    private final GrantRules grantRules;
    private final GrantAuthority authority;

    private RbacService(RbacStore store, PrivilegeCatalog catalog, RbacSettings settings, UserDirectory users) {
        this.store = store;
        this.catalog = catalog;
        this.settings = settings;
        this.users = users;
        this.names = new RbacNameRules(settings);
        this.grantRules = new GrantRules(catalog);
        this.authority = new GrantAuthority(store, catalog, settings);
    }

    /**
     * Opens the service over a loaded store: creates admin and public if missing, and drops bindings of users that no
     * longer exist (a crash between deleting a user and its bindings must not hand its roles to a user re-created
     * under the same name). When public is created (the first start) and {@code enablePublicPrivilege} is on, public
     * gets its three default grants. Milvus grants them again at every start; doing it once means an administrator's
     * revoke of one survives restarts, as {@code defaultRootPassword} applies to the first start only.
     */
    public static RbacService start(RbacStore store, PrivilegeCatalog catalog, RbacSettings settings,
                                    UserDirectory users) {
        RbacService service = new RbacService(store, catalog, settings, users);
        service.bootstrap();
        return service;
    }

    private synchronized void bootstrap() {
        store.addRole(ADMIN_ROLE, "");
        if (store.addRole(PUBLIC_ROLE, "") && settings.enablePublicPrivilege()) {
            store.grant(new Grant(PUBLIC_ROLE, ObjectType.GLOBAL, ANY, ANY, "DescribeCollection", ROOT));
            store.grant(new Grant(PUBLIC_ROLE, ObjectType.GLOBAL, ANY, ANY, "ListAliases", ROOT));
            store.grant(new Grant(PUBLIC_ROLE, ObjectType.COLLECTION, ANY, ANY, "IndexDetail", ROOT));
        }
        // The users are read after the bindings (the store read them when it opened): a binding of a user that
        // another node created meanwhile then finds its user.
        users.refresh();
        for (String user : store.state().bindings().keySet()) {
            if (!users.exists(user)) {
                store.unbindUser(user);
            }
        }
    }

    // ---- roles and bindings

    /** {@code CreateRole} without a description. */
    public void createRole(String role) {
        createRole(role, "");
    }

    /** {@code CreateRole}, with a description ({@code null} or empty: none); the limit counts admin and public. */
    public synchronized void createRole(String role, String description) {
        String name = names.role(role);
        String text = checkedDescription(description);
        RbacState state = store.state();
        if (state.hasRole(name)) {
            throw roleExists(name);
        }
        // Counted on this node's mirror: nodes creating different roles at the same moment may pass the limit by a
        // few (best effort; the limit is a guard, not an invariant).
        if (state.roles().size() >= settings.maxRoles()) {
            throw new MilvusException(ErrorCode.CREATE_ROLE_FAILED, "failed to check if create role: unable to create role"
                    + " because the number of roles has reached the limit");
        }
        if (!store.addRole(name, text)) {
            throw roleExists(name); // another node created it first: the store decided
        }
    }

    /**
     * {@code AlterRole}: replaces a role's description ({@code null} or empty clears it). admin and public cannot be
     * altered. The new description replaces the stored one only if no other node changed the role in between;
     * otherwise the change is decided again on the role as it is now (a role dropped meanwhile is not found).
     */
    public synchronized void alterRole(String role, String description) {
        String name = names.role(role);
        if (isDefaultRole(name)) {
            throw new MilvusException(ErrorCode.PRIVILEGE_NOT_PERMITTED, "the role[" + name
                    + "] is a builtin role, which can't be altered: privilege not permitted");
        }
        String text = checkedDescription(description);
        while (true) {
            RbacState state = store.state();
            if (!state.hasRole(name)) {
                throw new MilvusException(ErrorCode.ALTER_ROLE_FAILED, "role not exists");
            }
            if (store.replaceDescription(name, state.descriptionOf(name), text)) {
                return;
            }
            // another node changed or dropped the role; the store has been re-read, decide again
        }
    }

    /** Any UTF-8 text up to {@code proxy.maxRoleDescriptionLength} bytes, as Milvus counts it. */
    private String checkedDescription(String description) {
        String text = description == null ? "" : description;
        int length = text.getBytes(StandardCharsets.UTF_8).length;
        if (length > settings.maxRoleDescriptionLength()) {
            throw new MilvusException(ErrorCode.PARAMETER_INVALID, "the length of role description must be not"
                    + " greater than limit: invalid parameter[expected=in [0, " + settings.maxRoleDescriptionLength()
                    + "]][actual=" + length + "]");
        }
        return text;
    }

    private static MilvusException roleExists(String name) {
        // Milvus formats the RoleEntity proto into the message.
        return new MilvusException(ErrorCode.CREATE_ROLE_FAILED, "role [name:\"" + name + "\"] already exists");
    }

    /** {@code DropRole}: bindings go with the role; grants too with {@code force}, else they must be revoked first. */
    public synchronized void dropRole(String role, boolean force) {
        String name = names.role(role);
        if (isDefaultRole(name)) {
            throw new MilvusException(ErrorCode.PRIVILEGE_NOT_PERMITTED, "the role[" + name
                    + "] is a default role, which can't be dropped: privilege not permitted");
        }
        RbacState state = store.state();
        if (!state.hasRole(name)) {
            throw new MilvusException(ErrorCode.DROP_ROLE_FAILED, ROLE_NOT_FOUND);
        }
        if (!force && !state.grantsOf(name).isEmpty()) {
            throw new MilvusException(ErrorCode.DROP_ROLE_FAILED, "failed to check if drop role: fail to drop the role that"
                    + " it has privileges. Use REVOKE API to revoke privileges");
        }
        store.dropRole(name);
    }

    /** {@code SelectRole}: one role (empty when missing) or all, with their descriptions, and users when asked. */
    public List<RoleUsers> selectRole(Optional<String> role, boolean includeUsers) {
        RbacState state = store.state();
        List<String> selected;
        if (role.isPresent()) {
            String name = names.role(role.get());
            selected = state.hasRole(name) ? List.of(name) : List.of();
        } else {
            selected = List.copyOf(state.roles());
        }
        return selected.stream()
                .map(r -> new RoleUsers(r, state.descriptionOf(r),
                        includeUsers ? List.copyOf(state.usersOf(r)) : List.of()))
                .toList();
    }

    /** {@code SelectUser}: one user (empty when missing) or all, with their bound roles when asked. */
    public List<UserRoles> selectUser(Optional<String> user, boolean includeRoles) {
        List<String> selected;
        if (user.isPresent()) {
            users.checkUsername(user.get());
            selected = users.exists(user.get()) ? List.of(user.get()) : List.of();
        } else {
            selected = users.usernames().stream().sorted().toList();
        }
        RbacState state = store.state();
        return selected.stream()
                .map(u -> new UserRoles(u, includeRoles ? List.copyOf(state.rolesOf(u)) : List.of()))
                .toList();
    }

    /**
     * {@code OperateUserRole} by {@code actor}: adding is idempotent and needs the user; removing never fails for a
     * missing binding. Only an administrator may bind to or unbind from a role that reaches beyond the actor's scope.
     */
    public synchronized void operateUserRole(String actor, String user, String role, MembershipOperation operation) {
        users.checkUsername(user);
        String name = names.role(role);
        RbacState state = store.state();
        if (!state.hasRole(name)) {
            throw new MilvusException(ErrorCode.OPERATE_USER_ROLE_FAILED, ROLE_NOT_FOUND);
        }
        authority.checkBinding(actor, name, state);
        switch (operation) {
            case ADD -> {
                if (!users.exists(user)) {
                    throw new MilvusException(ErrorCode.OPERATE_USER_ROLE_FAILED,
                            "failed to check if operate user role: " + USER_NOT_FOUND);
                }
                store.bind(user, name);
            }
            case REMOVE -> store.unbind(user, name);
        }
    }

    /** To be called when a user is deleted, before its credential goes, so a crash leaves it without roles. */
    public synchronized void userDeleted(String user) {
        store.unbindUser(user);
    }

    // ---- grants

    /**
     * v1 {@code OperatePrivilege}. The grantor is the calling user. Granting twice and revoking what was never granted
     * both succeed; Load and Flush bring their companions. The database and collection need not exist.
     */
    public synchronized void operatePrivilege(String grantor, GrantEntity entity, PrivilegeOperation operation) {
        String privilege = names.privilege(entity.privilege());
        String typeName = names.objectType(entity.objectType());
        String objectName = names.objectName(entity.objectName());
        String role = names.role(entity.role());
        ObjectType type = ObjectType.fromWireName(typeName)
                .orElseThrow(() -> commonCheckFailure("the object entity in the request is nil or invalid"));
        RbacState state = store.state();
        checkRoleAndGrantor(state, role, grantor);
        GrantRules.checkV1Privilege(state, privilege, type);
        if (type == ObjectType.GLOBAL && !GrantRules.isBuiltInGroup(privilege)) {
            objectName = ANY;
        }
        apply(state, operation, new Grant(role, type, objectName, databaseOrDefault(entity.database()), privilege,
                grantor));
    }

    /**
     * v2 {@code OperatePrivilegeV2}: a privilege, a built-in or custom group, or {@code *}, on (database, collection).
     * Groups must fit their level: cluster groups need {@code (*, *)}, database groups a collection of {@code *},
     * collection groups a database when a collection is named. An empty database means {@code default}.
     */
    public synchronized void operatePrivilegeV2(String grantor, String role, String privilege, String database,
                                                String collection, PrivilegeOperation operation) {
        String roleName = names.role(role);
        String privilegeName = names.privilege(privilege);
        String db = databaseOrDefault(database);
        if (!ANY.equals(db)) {
            db = names.database(db);
        }
        String collectionName = ANY.equals(collection) ? ANY : names.collection(collection == null ? "" : collection);
        RbacState state = store.state();
        checkRoleAndGrantor(state, roleName, grantor);
        GrantRules.checkV2Privilege(state, privilegeName);
        grantRules.checkLevel(state, privilegeName, db, collectionName);
        ObjectType type = Privilege.fromApiName(privilegeName).map(Privilege::objectType).orElse(ObjectType.GLOBAL);
        apply(state, operation, new Grant(roleName, type, collectionName, db, privilegeName, grantor));
    }

    /**
     * {@code SelectGrant}: the role's grants in {@code database} ({@code *}: every database; empty: default),
     * optionally only those on one object (type and exact name). Privileges come back as API names.
     */
    public List<Grant> selectGrant(String role, Optional<String> objectType, Optional<String> objectName,
                                   String database) {
        Optional<String> typeName = objectType.map(names::objectType);
        Optional<String> name = typeName.map(t -> names.objectName(objectName.orElse("")));
        RbacState state = store.state();
        if (!state.hasRole(role)) {
            throw new MilvusException(ErrorCode.SELECT_GRANT_FAILED, ROLE_NOT_FOUND);
        }
        Optional<ObjectType> type = typeName.map(t -> ObjectType.fromWireName(t).orElseThrow(
                () -> new MilvusException(ErrorCode.SELECT_GRANT_FAILED, "not found the object type[name: " + t
                        + "], supported the object types: [Collection Global User]")));
        String db = databaseOrDefault(database);
        return state.grantsOf(role).stream()
                .filter(g -> ANY.equals(db) || g.database().equals(db))
                .filter(g -> type.isEmpty() || (g.objectType() == type.get() && g.objectName().equals(name.get())))
                .toList();
    }

    /** Removes the grants on a dropped collection (in its database), as Milvus's DeleteGrantByCollectionName. */
    public synchronized void collectionDropped(String database, String collection) {
        for (Grant grant : grantsOn(database, collection)) {
            store.revoke(grant);
        }
    }

    /** Moves the grants on a renamed collection; each old grant goes before its new one, so a crash loses, not leaks. */
    public synchronized void collectionRenamed(String oldDatabase, String oldName, String newDatabase,
                                               String newName) {
        for (Grant grant : grantsOn(oldDatabase, oldName)) {
            store.revoke(grant);
            store.grant(grant.withObject(newDatabase, newName));
        }
    }

    // ---- privilege groups

    /** {@code CreatePrivilegeGroup}: a new, empty custom group; built-in privilege and group names are taken. */
    public synchronized void createPrivilegeGroup(String name) {
        String group = names.privilegeGroup(name);
        String prefix = "failed to check if privilege group creatable: privilege group name [" + group + "] is defined";
        MilvusException definedByUsers = new MilvusException(ErrorCode.CREATE_PRIVILEGE_GROUP_INVALID,
                prefix + " by users: invalid parameter");
        if (store.state().customGroup(group).isPresent()) {
            throw definedByUsers;
        }
        if (Privilege.fromApiName(group).isPresent()) {
            throw new MilvusException(ErrorCode.CREATE_PRIVILEGE_GROUP_INVALID,
                    prefix + " by built in privileges or privilege groups in system: invalid parameter");
        }
        if (!store.addGroup(new PrivilegeGroup(group, List.of()))) {
            throw definedByUsers; // another node created it first
        }
    }

    /** {@code DropPrivilegeGroup}: a missing or built-in name is a quiet no-op; a group still granted is refused. */
    public synchronized void dropPrivilegeGroup(String name) {
        String group = names.privilegeGroup(name);
        RbacState state = store.state();
        if (state.customGroup(group).isEmpty()) {
            return;
        }
        for (Grant grant : state.grants()) {
            if (grant.privilege().equals(group)) {
                throw new MilvusException(ErrorCode.DROP_PRIVILEGE_GROUP_FAILED, "failed to check if privilege group"
                        + " dropable: privilege group [" + group + "] is used by role [" + grant.role()
                        + "], Use REVOKE API to revoke it first");
            }
        }
        store.dropGroup(group);
    }

    /** {@code ListPrivilegeGroups}: custom groups by name, then the nine built-in ones. */
    public List<PrivilegeGroup> listPrivilegeGroups() {
        List<PrivilegeGroup> groups = new ArrayList<>(store.state().customGroups());
        groups.addAll(catalog.builtInGroups());
        return groups;
    }

    /**
     * {@code OperatePrivilegeGroup}: adds or removes privileges (built-in names or custom groups) of a custom group.
     * After adding, every member must have the same privilege level. The new member list replaces the stored one
     * only if no other node changed it in between; otherwise the change is decided again on the group as it is now,
     * so concurrent changes from several nodes all take effect.
     */
    public synchronized void operatePrivilegeGroup(String name, List<String> privileges,
                                                   MembershipOperation operation) {
        String group = names.privilegeGroup(name);
        while (!tryOperatePrivilegeGroup(group, privileges, operation)) {
            // another node changed the group; the store has been re-read, decide again
        }
    }

    private boolean tryOperatePrivilegeGroup(String group, List<String> privileges, MembershipOperation operation) {
        RbacState state = store.state();
        PrivilegeGroup current = state.customGroup(group).orElseThrow(() -> groupNotAlterable(
                "there is no privilege group name [" + group + "] defined in system to operate"));
        if (privileges.isEmpty()) {
            throw groupNotAlterable("privileges is empty when alter the privilege group");
        }
        for (String privilege : privileges) {
            if (Privilege.fromApiName(privilege).isEmpty() && state.customGroup(privilege).isEmpty()) {
                throw groupNotAlterable("there is no privilege name or privilege group name [" + privilege
                        + "] defined in system to operate");
            }
        }
        TreeSet<String> members = new TreeSet<>(current.privileges());
        switch (operation) {
            case ADD -> {
                members.addAll(privileges);
                // A name without a level counts as a level of its own, as Milvus's "" level does.
                if (members.stream().map(catalog::levelOf).distinct().count() > 1) {
                    throw groupNotAlterable("privileges are not the same privilege level");
                }
            }
            case REMOVE -> privileges.forEach(members::remove);
        }
        if (members.equals(new TreeSet<>(current.privileges()))) {
            return true;
        }
        return store.replaceGroup(current, new PrivilegeGroup(group, List.copyOf(members)));
    }

    // ---- backup and restore

    /** {@code BackupRBAC}: everything but root, admin and public, in a stable order. */
    public RbacSnapshot backup() {
        RbacState state = store.state();
        List<RbacSnapshot.User> userList = new ArrayList<>();
        for (String user : users.usernames().stream().sorted().toList()) {
            if (!ROOT.equals(user)) {
                users.passwordHash(user).ifPresent(hash ->
                        userList.add(new RbacSnapshot.User(user, hash, List.copyOf(state.rolesOf(user)))));
            }
        }
        List<String> roles = state.roles().stream().filter(r -> !isDefaultRole(r)).toList();
        Map<String, String> descriptions = new HashMap<>();
        roles.forEach(r -> descriptions.put(r, state.descriptionOf(r)));
        List<Grant> grants = state.grants().stream().filter(g -> !isDefaultRole(g.role())).toList();
        return new RbacSnapshot(userList, roles, grants, List.copyOf(state.customGroups()), descriptions);
    }

    /**
     * {@code RestoreRBAC}: an empty snapshot is a no-op. Nothing it names may exist yet; every privilege and role it
     * refers to must exist afterwards. Writes groups, roles, grants, users, then bindings. Like Milvus, a crash in the
     * middle leaves a partial restore (which a retry reports as "already exists"); {@code *} grants are accepted,
     * where Milvus's check would refuse its own backup of them.
     */
    public synchronized void restore(RbacSnapshot snapshot) {
        if (snapshot.isEmpty()) {
            return;
        }
        RbacState state = store.state();
        Set<String> rolesAfter = new HashSet<>(state.roles());
        for (String role : snapshot.roles()) {
            checkedDescription(snapshot.descriptionOf(role));
            if (!rolesAfter.add(role)) {
                throw notRestorable("role [" + role + "] already exists");
            }
        }
        Set<String> groupsAfter = new HashSet<>();
        state.customGroups().forEach(g -> groupsAfter.add(g.name()));
        for (PrivilegeGroup group : snapshot.privilegeGroups()) {
            if (!groupsAfter.add(group.name())) {
                throw notRestorable("privilege group [" + group.name() + "] already exists");
            }
        }
        for (Grant grant : snapshot.grants()) {
            String privilege = grant.privilege();
            if (!ANY.equals(privilege) && !groupsAfter.contains(privilege)
                    && Privilege.fromApiName(privilege).isEmpty()) {
                throw notRestorable("privilege [" + privilege + "] does not exist");
            }
            if (!rolesAfter.contains(grant.role())) {
                throw notRestorable("role [" + grant.role() + "] does not exist");
            }
        }
        Set<String> usersAfter = new HashSet<>();
        for (RbacSnapshot.User user : snapshot.users()) {
            users.checkUsername(user.name());
            users.checkRestorableHash(user.name(), user.passwordHash());
            if (users.exists(user.name()) || !usersAfter.add(user.name())) {
                throw notRestorable("user [" + user.name() + "] already exists");
            }
            for (String role : user.roles()) {
                if (!rolesAfter.contains(role)) {
                    throw notRestorable("role [" + role + "] does not exist");
                }
            }
        }
        // Checked above on this node's mirror; the store decides again when another node creates the same name now.
        for (PrivilegeGroup group : snapshot.privilegeGroups()) {
            if (!store.addGroup(group)) {
                throw notRestorable("privilege group [" + group.name() + "] already exists");
            }
        }
        for (String role : snapshot.roles()) {
            if (!store.addRole(role, snapshot.descriptionOf(role))) {
                throw notRestorable("role [" + role + "] already exists");
            }
        }
        snapshot.grants().forEach(store::grant);
        for (RbacSnapshot.User user : snapshot.users()) {
            users.restore(user.name(), user.passwordHash());
            user.roles().forEach(role -> store.bind(user.name(), role));
        }
    }

    // ---- helpers

    private void checkRoleAndGrantor(RbacState state, String role, String grantor) {
        if (!state.hasRole(role)) {
            throw commonCheckFailure(ROLE_NOT_FOUND);
        }
        if (grantor == null || grantor.isEmpty()) {
            throw commonCheckFailure("the user entity in the grantor entity is nil or empty");
        }
        if (!users.exists(grantor)) {
            throw commonCheckFailure(USER_NOT_FOUND);
        }
    }

    /** Checks the granter's reach over the grant and its companions, then writes them all. */
    private void apply(RbacState state, PrivilegeOperation operation, Grant grant) {
        List<Grant> all = new ArrayList<>();
        all.add(grant);
        for (Privilege related : catalog.related(grant.privilege())) {
            all.add(grant.withPrivilege(related.apiName()));
        }
        for (Grant each : all) {
            authority.checkGrant(grant.grantor(), each, state);
        }
        all.forEach(each -> change(operation, each));
    }

    private void change(PrivilegeOperation operation, Grant grant) {
        switch (operation) {
            case GRANT -> store.grant(grant);
            case REVOKE -> store.revoke(grant);
        }
    }

    private List<Grant> grantsOn(String database, String collection) {
        return store.state().grants().stream()
                .filter(g -> g.objectType() != ObjectType.USER)
                .filter(g -> g.database().equals(database) && g.objectName().equals(collection))
                .toList();
    }

    static boolean isDefaultRole(String role) {
        return ADMIN_ROLE.equals(role) || PUBLIC_ROLE.equals(role);
    }

    static String databaseOrDefault(String database) {
        return database == null || database.isEmpty() ? DEFAULT_DATABASE : database;
    }

    private static MilvusException commonCheckFailure(String message) {
        return new MilvusException(ErrorCode.OPERATE_PRIVILEGE_FAILED, COMMON_CHECK + message);
    }

    private static MilvusException groupNotAlterable(String message) {
        return new MilvusException(ErrorCode.OPERATE_PRIVILEGE_GROUP_INVALID,
                GROUP_ALTERABLE + message + ": invalid parameter");
    }

    private static MilvusException notRestorable(String message) {
        return new MilvusException(ErrorCode.OPERATE_PRIVILEGE_FAILED, "failed to check if rbac restorable: " + message);
    }
}
