package dev.vectorvault.auth.rbac;

import static dev.vectorvault.auth.rbac.Privilege.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The members of the built-in privilege groups (v1 ReadOnly/ReadWrite/Admin, matched inside the enforcer; the nine
 * v2 groups, expanded before matching), the privilege levels derived from them, and the companions that a grant of
 * Load or Flush brings along. Immutable and thread-safe.
 *
 * <p>The contents default to Milvus 2.6's and can be replaced per group from configuration
 * ({@code common.security.readonly.privileges}, {@code common.security.rbac.cluster.admin.privileges}, ...).
 */
public final class PrivilegeCatalog {
    /** The wildcard for object names, database names and privileges. */
    public static final String ANY = "*";

    private static final List<Privilege> READ_ONLY_DEFAULT = List.of(QUERY, SEARCH, INDEX_DETAIL, GET_FLUSH_STATE,
            GET_LOAD_STATE, GET_LOADING_PROGRESS, HAS_PARTITION, SHOW_PARTITIONS, SHOW_COLLECTIONS, LIST_ALIASES,
            LIST_DATABASES, DESCRIBE_COLLECTION, DESCRIBE_DATABASE, DESCRIBE_ALIAS, GET_STATISTICS);
    private static final List<Privilege> READ_WRITE_DEFAULT = plus(READ_ONLY_DEFAULT, CREATE_INDEX, DROP_INDEX,
            CREATE_PARTITION, DROP_PARTITION, LOAD, RELEASE, INSERT, DELETE, UPSERT, IMPORT, FLUSH, COMPACTION,
            LOAD_BALANCE, RENAME_COLLECTION, CREATE_ALIAS, DROP_ALIAS);
    private static final List<Privilege> ADMIN_DEFAULT = plus(READ_WRITE_DEFAULT, CREATE_COLLECTION, DROP_COLLECTION,
            CREATE_OWNERSHIP, DROP_OWNERSHIP, SELECT_OWNERSHIP, MANAGE_OWNERSHIP, SELECT_USER, UPDATE_USER,
            BACKUP_RBAC, RESTORE_RBAC, CREATE_RESOURCE_GROUP, UPDATE_RESOURCE_GROUPS, DROP_RESOURCE_GROUP,
            DESCRIBE_RESOURCE_GROUP, LIST_RESOURCE_GROUPS, TRANSFER_REPLICA, TRANSFER_NODE, CREATE_DATABASE,
            DROP_DATABASE, ALTER_DATABASE, UPDATE_REPLICATE_CONFIGURATION);

    private static final List<Privilege> COLLECTION_READ_ONLY_DEFAULT = List.of(QUERY, SEARCH, INDEX_DETAIL,
            GET_FLUSH_STATE, GET_LOAD_STATE, GET_LOADING_PROGRESS, HAS_PARTITION, SHOW_PARTITIONS,
            DESCRIBE_COLLECTION, DESCRIBE_ALIAS, GET_STATISTICS, LIST_ALIASES, GET_IMPORT_PROGRESS, LIST_IMPORT);
    private static final List<Privilege> COLLECTION_READ_WRITE_DEFAULT = plus(COLLECTION_READ_ONLY_DEFAULT, LOAD,
            RELEASE, INSERT, DELETE, UPSERT, IMPORT, FLUSH, COMPACTION, LOAD_BALANCE, CREATE_INDEX, DROP_INDEX,
            CREATE_PARTITION, DROP_PARTITION, ADD_COLLECTION_FIELD);
    private static final List<Privilege> COLLECTION_ADMIN_DEFAULT = plus(COLLECTION_READ_WRITE_DEFAULT, CREATE_ALIAS,
            DROP_ALIAS);
    private static final List<Privilege> DATABASE_READ_ONLY_DEFAULT = List.of(SHOW_COLLECTIONS, DESCRIBE_DATABASE);
    private static final List<Privilege> DATABASE_READ_WRITE_DEFAULT = plus(DATABASE_READ_ONLY_DEFAULT,
            ALTER_DATABASE);
    private static final List<Privilege> DATABASE_ADMIN_DEFAULT = plus(DATABASE_READ_WRITE_DEFAULT,
            CREATE_COLLECTION, DROP_COLLECTION);
    private static final List<Privilege> CLUSTER_READ_ONLY_DEFAULT = List.of(LIST_DATABASES, SELECT_OWNERSHIP,
            SELECT_USER, DESCRIBE_RESOURCE_GROUP, LIST_RESOURCE_GROUPS, LIST_PRIVILEGE_GROUPS,
            GET_REPLICATE_CONFIGURATION);
    private static final List<Privilege> CLUSTER_READ_WRITE_DEFAULT = plus(CLUSTER_READ_ONLY_DEFAULT, FLUSH_ALL,
            TRANSFER_NODE, TRANSFER_REPLICA, UPDATE_RESOURCE_GROUPS);
    private static final List<Privilege> CLUSTER_ADMIN_DEFAULT = plus(CLUSTER_READ_WRITE_DEFAULT, BACKUP_RBAC,
            RESTORE_RBAC, CREATE_DATABASE, DROP_DATABASE, CREATE_OWNERSHIP, DROP_OWNERSHIP, MANAGE_OWNERSHIP,
            CREATE_RESOURCE_GROUP, DROP_RESOURCE_GROUP, UPDATE_USER, RENAME_COLLECTION, CREATE_PRIVILEGE_GROUP,
            DROP_PRIVILEGE_GROUP, OPERATE_PRIVILEGE_GROUP, UPDATE_REPLICATE_CONFIGURATION);

    private static final Map<Privilege, List<Privilege>> RELATED = Map.of(
            LOAD, List.of(GET_LOAD_STATE, GET_LOADING_PROGRESS),
            FLUSH, List.of(GET_FLUSH_STATE));

    private static final PrivilegeCatalog DEFAULTS = new PrivilegeCatalog(Map.of());

    /** Group → members in their listing order; every group of kind LEGACY_GROUP or BUILT_IN_GROUP has an entry. */
    private final Map<Privilege, List<Privilege>> members;
    private final Map<Privilege, Set<Privilege>> memberSets;

    private PrivilegeCatalog(Map<Privilege, List<Privilege>> overrides) {
        Map<Privilege, List<Privilege>> contents = new EnumMap<>(Privilege.class);
        contents.put(READ_ONLY, READ_ONLY_DEFAULT);
        contents.put(READ_WRITE, READ_WRITE_DEFAULT);
        contents.put(ADMIN, ADMIN_DEFAULT);
        contents.put(CLUSTER_READ_ONLY, CLUSTER_READ_ONLY_DEFAULT);
        contents.put(CLUSTER_READ_WRITE, CLUSTER_READ_WRITE_DEFAULT);
        contents.put(CLUSTER_ADMIN, CLUSTER_ADMIN_DEFAULT);
        contents.put(DATABASE_READ_ONLY, DATABASE_READ_ONLY_DEFAULT);
        contents.put(DATABASE_READ_WRITE, DATABASE_READ_WRITE_DEFAULT);
        contents.put(DATABASE_ADMIN, DATABASE_ADMIN_DEFAULT);
        contents.put(COLLECTION_READ_ONLY, COLLECTION_READ_ONLY_DEFAULT);
        contents.put(COLLECTION_READ_WRITE, COLLECTION_READ_WRITE_DEFAULT);
        contents.put(COLLECTION_ADMIN, COLLECTION_ADMIN_DEFAULT);
        contents.putAll(overrides);
        Map<Privilege, Set<Privilege>> sets = new EnumMap<>(Privilege.class);
        contents.forEach((group, list) -> sets.put(group, Collections.unmodifiableSet(EnumSet.copyOf(list))));
        this.members = Collections.unmodifiableMap(contents);
        this.memberSets = Collections.unmodifiableMap(sets);
    }

    /** Milvus 2.6's group contents. */
    public static PrivilegeCatalog defaults() {
        return DEFAULTS;
    }

    /**
     * Replaces the contents of some groups, as the configuration keys do. Keys are group API names ({@code ReadOnly},
     * {@code ClusterAdmin}); members may be API names or enum names ({@code Insert} or {@code PrivilegeInsert}).
     *
     * @throws IllegalArgumentException for an unknown group or a member that is not a single built-in privilege
     */
    public static PrivilegeCatalog withOverrides(Map<String, List<String>> membersByGroup) {
        Map<Privilege, List<Privilege>> overrides = new LinkedHashMap<>();
        membersByGroup.forEach((groupName, names) -> {
            Privilege group = Privilege.fromApiName(groupName).filter(p -> p.kind() != Privilege.Kind.PRIVILEGE)
                    .orElseThrow(() -> new IllegalArgumentException("not a built-in privilege group: " + groupName));
            List<Privilege> list = new ArrayList<>();
            for (String name : names) {
                String trimmed = name.trim();
                Privilege member = Privilege.fromApiName(trimmed).or(() -> Privilege.fromMetastoreName(trimmed))
                        .filter(p -> p.kind() == Privilege.Kind.PRIVILEGE)
                        .orElseThrow(() -> new IllegalArgumentException("group " + groupName
                                + " names an unknown privilege: " + trimmed));
                if (!list.contains(member)) {
                    list.add(member);
                }
            }
            overrides.put(group, List.copyOf(list));
        });
        return new PrivilegeCatalog(overrides);
    }

    /** Members of a v1 or v2 built-in group, in listing order; empty for a single privilege. */
    public List<Privilege> members(Privilege group) {
        return members.getOrDefault(group, List.of());
    }

    /** The same members as a set, for membership tests on the decision path. */
    Set<Privilege> memberSet(Privilege group) {
        return memberSets.getOrDefault(group, Set.of());
    }

    /** The nine v2 groups, as {@code ListPrivilegeGroups} shows them after the custom ones. */
    public List<PrivilegeGroup> builtInGroups() {
        List<PrivilegeGroup> groups = new ArrayList<>();
        for (Privilege group : Privilege.values()) {
            if (group.kind() == Privilege.Kind.BUILT_IN_GROUP) {
                groups.add(new PrivilegeGroup(group.apiName(),
                        members(group).stream().map(Privilege::apiName).toList()));
            }
        }
        return groups;
    }

    /**
     * Milvus's {@code GetPrivilegeLevel}: the first of Cluster, Database, Collection whose admin group contains the
     * privilege. Empty for groups, {@code *} and privileges in no admin group; such names have no level.
     */
    public Optional<PrivilegeLevel> levelOf(String apiName) {
        Optional<Privilege> privilege = Privilege.fromApiName(apiName);
        if (privilege.isEmpty()) {
            return Optional.empty();
        }
        for (PrivilegeLevel level : PrivilegeLevel.values()) {
            if (memberSet(level.adminGroup()).contains(privilege.get())) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }

    /** Whether a v2 group is one of the collection-level built-in groups (they make collections visible). */
    public boolean isCollectionLevelGroup(String apiName) {
        return apiName.equals(COLLECTION_READ_ONLY.apiName()) || apiName.equals(COLLECTION_READ_WRITE.apiName())
                || apiName.equals(COLLECTION_ADMIN.apiName());
    }

    /** The companions granted and revoked together with a privilege (Load ⇒ GetLoadState, GetLoadingProgress). */
    public List<Privilege> related(String apiName) {
        return Privilege.fromApiName(apiName).map(p -> RELATED.getOrDefault(p, List.of())).orElse(List.of());
    }

    private static List<Privilege> plus(List<Privilege> base, Privilege... more) {
        List<Privilege> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return List.copyOf(all);
    }
}
