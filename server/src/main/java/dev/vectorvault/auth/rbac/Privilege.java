package dev.vectorvault.auth.rbac;

import static dev.vectorvault.auth.rbac.ObjectType.COLLECTION;
import static dev.vectorvault.auth.rbac.ObjectType.GLOBAL;
import static dev.vectorvault.auth.rbac.ObjectType.USER;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Milvus's {@code common.ObjectPrivilege} enum: single privileges, the three v1 groups and the nine v2 built-in
 * groups. The API name ({@code Insert}) is what clients send and see; the metastore name ({@code PrivilegeInsert},
 * {@code PrivilegeGroupReadOnly}) is the enum name, used in keys and in the permission-deny message.
 *
 * <p>{@link #objectType()} is Milvus's {@code util.GetObjectType}: the object type whose v1 list names the privilege,
 * Global for the few that no list names. Only listed privileges may be granted with v1 {@code OperatePrivilege}.
 */
public enum Privilege {
    ALL(0, "All", GLOBAL),
    CREATE_COLLECTION(1, "CreateCollection", GLOBAL),
    DROP_COLLECTION(2, "DropCollection", GLOBAL),
    DESCRIBE_COLLECTION(3, "DescribeCollection", GLOBAL),
    SHOW_COLLECTIONS(4, "ShowCollections", GLOBAL),
    LOAD(5, "Load", COLLECTION),
    RELEASE(6, "Release", COLLECTION),
    COMPACTION(7, "Compaction", COLLECTION),
    INSERT(8, "Insert", COLLECTION),
    DELETE(9, "Delete", COLLECTION),
    GET_STATISTICS(10, "GetStatistics", COLLECTION),
    CREATE_INDEX(11, "CreateIndex", COLLECTION),
    INDEX_DETAIL(12, "IndexDetail", COLLECTION),
    DROP_INDEX(13, "DropIndex", COLLECTION),
    SEARCH(14, "Search", COLLECTION),
    FLUSH(15, "Flush", COLLECTION),
    QUERY(16, "Query", COLLECTION),
    LOAD_BALANCE(17, "LoadBalance", COLLECTION),
    IMPORT(18, "Import", COLLECTION),
    CREATE_OWNERSHIP(19, "CreateOwnership", GLOBAL),
    UPDATE_USER(20, "UpdateUser", USER),
    DROP_OWNERSHIP(21, "DropOwnership", GLOBAL),
    SELECT_OWNERSHIP(22, "SelectOwnership", GLOBAL),
    MANAGE_OWNERSHIP(23, "ManageOwnership", GLOBAL),
    SELECT_USER(24, "SelectUser", USER),
    UPSERT(25, "Upsert", COLLECTION),
    CREATE_RESOURCE_GROUP(26, "CreateResourceGroup", GLOBAL),
    DROP_RESOURCE_GROUP(27, "DropResourceGroup", GLOBAL),
    DESCRIBE_RESOURCE_GROUP(28, "DescribeResourceGroup", GLOBAL),
    LIST_RESOURCE_GROUPS(29, "ListResourceGroups", GLOBAL),
    TRANSFER_NODE(30, "TransferNode", GLOBAL),
    TRANSFER_REPLICA(31, "TransferReplica", GLOBAL),
    GET_LOADING_PROGRESS(32, "GetLoadingProgress", COLLECTION),
    GET_LOAD_STATE(33, "GetLoadState", COLLECTION),
    RENAME_COLLECTION(34, "RenameCollection", GLOBAL),
    CREATE_DATABASE(35, "CreateDatabase", GLOBAL),
    DROP_DATABASE(36, "DropDatabase", GLOBAL),
    LIST_DATABASES(37, "ListDatabases", GLOBAL),
    FLUSH_ALL(38, "FlushAll", GLOBAL),
    CREATE_PARTITION(39, "CreatePartition", COLLECTION),
    DROP_PARTITION(40, "DropPartition", COLLECTION),
    SHOW_PARTITIONS(41, "ShowPartitions", COLLECTION),
    HAS_PARTITION(42, "HasPartition", COLLECTION),
    GET_FLUSH_STATE(43, "GetFlushState", COLLECTION),
    CREATE_ALIAS(44, "CreateAlias", GLOBAL),
    DROP_ALIAS(45, "DropAlias", GLOBAL),
    DESCRIBE_ALIAS(46, "DescribeAlias", GLOBAL),
    LIST_ALIASES(47, "ListAliases", GLOBAL),
    UPDATE_RESOURCE_GROUPS(48, "UpdateResourceGroups", GLOBAL),
    ALTER_DATABASE(49, "AlterDatabase", GLOBAL),
    DESCRIBE_DATABASE(50, "DescribeDatabase", GLOBAL),
    BACKUP_RBAC(51, "BackupRBAC", GLOBAL),
    RESTORE_RBAC(52, "RestoreRBAC", GLOBAL),
    READ_ONLY(53, "ReadOnly", COLLECTION, Kind.LEGACY_GROUP),
    READ_WRITE(54, "ReadWrite", COLLECTION, Kind.LEGACY_GROUP),
    ADMIN(55, "Admin", GLOBAL, Kind.LEGACY_GROUP),
    CREATE_PRIVILEGE_GROUP(56, "CreatePrivilegeGroup", GLOBAL),
    DROP_PRIVILEGE_GROUP(57, "DropPrivilegeGroup", GLOBAL),
    LIST_PRIVILEGE_GROUPS(58, "ListPrivilegeGroups", GLOBAL),
    OPERATE_PRIVILEGE_GROUP(59, "OperatePrivilegeGroup", GLOBAL),
    CLUSTER_READ_ONLY(60, "ClusterReadOnly", GLOBAL, Kind.BUILT_IN_GROUP),
    CLUSTER_READ_WRITE(61, "ClusterReadWrite", GLOBAL, Kind.BUILT_IN_GROUP),
    CLUSTER_ADMIN(62, "ClusterAdmin", GLOBAL, Kind.BUILT_IN_GROUP),
    DATABASE_READ_ONLY(63, "DatabaseReadOnly", GLOBAL, Kind.BUILT_IN_GROUP),
    DATABASE_READ_WRITE(64, "DatabaseReadWrite", GLOBAL, Kind.BUILT_IN_GROUP),
    DATABASE_ADMIN(65, "DatabaseAdmin", GLOBAL, Kind.BUILT_IN_GROUP),
    COLLECTION_READ_ONLY(66, "CollectionReadOnly", GLOBAL, Kind.BUILT_IN_GROUP),
    COLLECTION_READ_WRITE(67, "CollectionReadWrite", GLOBAL, Kind.BUILT_IN_GROUP),
    COLLECTION_ADMIN(68, "CollectionAdmin", GLOBAL, Kind.BUILT_IN_GROUP),
    GET_IMPORT_PROGRESS(69, "GetImportProgress", COLLECTION),
    LIST_IMPORT(70, "ListImport", COLLECTION),
    ADD_COLLECTION_FIELD(71, "AddCollectionField", COLLECTION),
    ADD_FILE_RESOURCE(72, "AddFileResource", null),
    REMOVE_FILE_RESOURCE(73, "RemoveFileResource", null),
    LIST_FILE_RESOURCES(74, "ListFileResources", null),
    UPDATE_REPLICATE_CONFIGURATION(78, "UpdateReplicateConfiguration", GLOBAL),
    GET_REPLICATE_CONFIGURATION(85, "GetReplicateConfiguration", null);

    /** How the enforcer treats the name. */
    public enum Kind {
        /** One operation. */
        PRIVILEGE,
        /** v1 ReadOnly/ReadWrite/Admin: stored as is and matched inside the enforcer. */
        LEGACY_GROUP,
        /** One of the nine v2 groups: expanded into its members before matching. */
        BUILT_IN_GROUP
    }

    private static final String PRIVILEGE_PREFIX = "Privilege";
    private static final String GROUP_PREFIX = "PrivilegeGroup";
    private static final Map<String, Privilege> BY_API_NAME = new HashMap<>();
    private static final Map<String, Privilege> BY_METASTORE_NAME = new HashMap<>();

    static {
        for (Privilege privilege : values()) {
            BY_API_NAME.put(privilege.apiName, privilege);
            BY_METASTORE_NAME.put(privilege.metastoreName, privilege);
        }
    }

    private final int number;
    private final String apiName;
    private final String metastoreName;
    /** The v1 list that names it, or null when none does (then it is Global, but not grantable with v1). */
    private final ObjectType listedIn;
    private final Kind kind;

    Privilege(int number, String apiName, ObjectType listedIn) {
        this(number, apiName, listedIn, Kind.PRIVILEGE);
    }

    Privilege(int number, String apiName, ObjectType listedIn, Kind kind) {
        this.number = number;
        this.apiName = apiName;
        this.listedIn = listedIn;
        this.kind = kind;
        this.metastoreName = (kind == Kind.PRIVILEGE ? PRIVILEGE_PREFIX : GROUP_PREFIX) + apiName;
    }

    /** The protobuf enum number. */
    public int number() {
        return number;
    }

    public String apiName() {
        return apiName;
    }

    public String metastoreName() {
        return metastoreName;
    }

    public Kind kind() {
        return kind;
    }

    /** Milvus's {@code GetObjectType}: what a grant of this privilege is stored and matched as. */
    public ObjectType objectType() {
        return listedIn == null ? GLOBAL : listedIn;
    }

    /** Whether v1 {@code OperatePrivilege} accepts it for {@code type} (v2 groups are refused separately). */
    public boolean grantableOn(ObjectType type) {
        return listedIn == type;
    }

    public static Optional<Privilege> fromApiName(String name) {
        return Optional.ofNullable(BY_API_NAME.get(name));
    }

    /** Accepts enum names ({@code PrivilegeInsert}, {@code PrivilegeGroupAdmin}), as the proto options carry. */
    public static Optional<Privilege> fromMetastoreName(String name) {
        return Optional.ofNullable(BY_METASTORE_NAME.get(name));
    }

    /**
     * The metastore form of any grantable name: built-ins by their enum name, {@code *} as is, and anything else as a
     * custom group ({@code PrivilegeGroup<name>}), as Milvus's {@code PrivilegeGroupNameForMetastore}.
     */
    static String metastoreNameOf(String apiName) {
        Privilege builtIn = BY_API_NAME.get(apiName);
        if (builtIn != null) {
            return builtIn.metastoreName;
        }
        return PrivilegeCatalog.ANY.equals(apiName) ? apiName : GROUP_PREFIX + apiName;
    }

    /** The inverse of {@link #metastoreNameOf}; empty for a name that no grant could have been stored under. */
    static Optional<String> apiNameOf(String metastoreName) {
        Privilege builtIn = BY_METASTORE_NAME.get(metastoreName);
        if (builtIn != null) {
            return Optional.of(builtIn.apiName);
        }
        if (PrivilegeCatalog.ANY.equals(metastoreName)) {
            return Optional.of(metastoreName);
        }
        if (metastoreName.startsWith(GROUP_PREFIX) && metastoreName.length() > GROUP_PREFIX.length()) {
            return Optional.of(metastoreName.substring(GROUP_PREFIX.length()));
        }
        return Optional.empty();
    }
}
