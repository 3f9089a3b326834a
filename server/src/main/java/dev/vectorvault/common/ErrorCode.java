package dev.vectorvault.common;

/**
 * Failures reported inside a response {@code Status}, with Milvus's merr code and the deprecated
 * {@code error_code} enum number that older SDKs still read.
 */
public enum ErrorCode {
    /** The collection (or alias) does not exist in the database (legacy CollectionNotExists). */
    COLLECTION_NOT_FOUND(100, 4),
    /** Search or query on a collection that is not loaded. */
    COLLECTION_NOT_LOADED(101, 1),
    /** A schema that cannot be used: no primary key, unsupported types, bad type parameters. */
    ILLEGAL_SCHEMA(105, 1),
    PARTITION_NOT_FOUND(200, 1),
    /** Search, query or load progress naming a partition that is released (merr ErrPartitionNotLoaded). */
    PARTITION_NOT_LOADED(201, 1),
    /** (legacy IndexNotExist) The SDKs turn this into an empty index list. */
    INDEX_NOT_FOUND(700, 25),
    INDEX_NOT_SUPPORTED(701, 1),
    INDEX_DUPLICATE(702, 1),
    DATABASE_NOT_FOUND(800, 1),
    DATABASE_LIMIT_EXCEEDED(801, 1),
    DATABASE_INVALID_NAME(802, 1),
    ALIAS_NOT_FOUND(1600, 1),
    ALIAS_COLLECTION_NAME_CONFLICT(1601, 1),
    ALIAS_ALREADY_EXISTS(1602, 1),
    FIELD_NOT_FOUND(1700, 1),
    /** Validation of names, lengths and values (merr ParameterInvalid, legacy IllegalArgument). */
    PARAMETER_INVALID(1100, 5),
    /** A wrong old password when changing one (merr ErrNotAuthenticated). */
    NOT_AUTHENTICATED(1400, 1),
    /** An operation that nobody may do, such as deleting root (merr ErrPrivilegeNotPermitted). */
    PRIVILEGE_NOT_PERMITTED(1401, 1),
    /** Rootcoord-side credential creation failures: duplicates, user limit. */
    CREATE_CREDENTIAL_FAILED(65535, 29),
    /** Rootcoord-side credential update failures. */
    UPDATE_CREDENTIAL_FAILED(65535, 30),
    /** RBAC failures carry Milvus's specific legacy codes (CreateRoleFailure 35 ... OperatePrivilegeGroupFailure 61). */
    CREATE_ROLE_FAILED(65535, 35),
    DROP_ROLE_FAILED(65535, 36),
    OPERATE_USER_ROLE_FAILED(65535, 37),
    /** AlterRole of a missing role: Milvus has no legacy code for it, its status is merr's unexpected error. */
    ALTER_ROLE_FAILED(65535, 1),
    /** Rootcoord checks of OperatePrivilege and RestoreRBAC. */
    OPERATE_PRIVILEGE_FAILED(65535, 41),
    /** v2 privilege-level constraints: a parameter error reported with OperatePrivilegeFailure. */
    OPERATE_PRIVILEGE_INVALID(1100, 41),
    SELECT_GRANT_FAILED(65535, 42),
    CREATE_PRIVILEGE_GROUP_INVALID(1100, 58),
    DROP_PRIVILEGE_GROUP_FAILED(65535, 59),
    OPERATE_PRIVILEGE_GROUP_INVALID(1100, 61),
    /** merr ErrPrivilegeGroupInvalidName. */
    PRIVILEGE_GROUP_NAME_INVALID(1402, 1),
    /** merr ErrServiceMemoryLimitExceeded: the server ran out of memory handling the request (not retried). */
    MEMORY_LIMIT_EXCEEDED(3, 1),
    /** The disk holding {@code localStorage.path} is full (merr ErrServiceDiskLimitExceeded); nothing was applied. */
    STORAGE_DISK_FULL(7, 1),
    /** A stored object or file that must exist is missing (merr ErrIoKeyNotFound). */
    STORAGE_NOT_FOUND(1000, 1),
    /** A read or write of stored data failed (merr ErrIoFailed); nothing was acknowledged. */
    STORAGE_IO_FAILED(1001, 1),
    /**
     * Forcing data to disk failed (merr ErrIoFailed). The log refuses writes until it has re-read what is really on
     * disk, because a retried fsync can report success for data the kernel already dropped.
     */
    STORAGE_FSYNC_FAILED(1001, 1),
    /** A stored file failed verification (checksum, header, version); the reason names the file and offset. */
    STORAGE_CORRUPT(1001, 1),
    /**
     * This node cannot serve now (merr ErrServiceUnavailable): cut off from etcd for longer than its session lease,
     * catching up after it lost its lease, or the node that owns a collection's data is not live. Retry later.
     */
    SERVICE_UNAVAILABLE(2, 1),
    /** The shared metadata store (etcd) could not be reached or refused the request in time; nothing was applied. */
    META_STORE_UNAVAILABLE(2, 1),
    /**
     * The shard log (Kafka, {@code mq.type: kafka}) did not answer in time (merr ErrServiceUnavailable): nothing was
     * acknowledged; the shard's writer must be opened again, which settles the interrupted append all or nothing.
     */
    LOG_UNAVAILABLE(2, 1),
    /**
     * A newer writer opened this shard, so this one may no longer append (merr ErrChannelNotAvailable); nothing of the
     * refused append becomes visible.
     */
    LOG_WRITER_FENCED(503, 1),
    /** The shard log refused or could not complete the operation (merr ErrMqInternal); the reason explains. */
    LOG_FAILED(1302, 1),
    /** GetMetrics asked for a metric type this server does not serve (Milvus's ErrMetricNotFound). */
    METRIC_NOT_FOUND(1200, 1),
    /** LoadCollection asked for more replicas than there are live nodes (merr ErrResourceGroupNodeNotEnough). */
    RESOURCE_GROUP_NODE_NOT_ENOUGH(304, 1),
    /** A resource group name that does not exist (merr ErrResourceGroupNotFound). */
    RESOURCE_GROUP_NOT_FOUND(300, 1),
    /** CreateResourceGroup of an existing group with another configuration (merr ErrResourceGroupAlreadyExist). */
    RESOURCE_GROUP_ALREADY_EXISTS(301, 1),
    /** More groups than {@code quotaAndLimits.limits.maxResourceGroupNumOfQueryNode} (merr ErrResourceGroupReachLimit). */
    RESOURCE_GROUP_LIMIT_REACHED(302, 1),
    /** A resource group configuration Milvus refuses: negative counts, limits below requests, bad transfers. */
    RESOURCE_GROUP_ILLEGAL_CONFIG(303, 1),
    /** The resource group records could not be changed, e.g. other nodes kept changing them (merr
     *  ErrResourceGroupServiceAvailable); retryable. */
    RESOURCE_GROUP_SERVICE_UNAVAILABLE(305, 1),
    /** Anything else; the reason explains. */
    UNEXPECTED(65535, 1),
    /** REST: no valid credentials (merr ErrNeedAuthenticate, "user hasn't authenticated"), with HTTP 401. */
    NEED_AUTHENTICATE(1800, 1),
    /** REST: the body is not a JSON object (merr ErrIncorrectParameterFormat). */
    INCORRECT_PARAMETER_FORMAT(1801, 1),
    /** REST: a required body field is missing (merr ErrMissingRequiredParameters). */
    MISSING_REQUIRED_PARAMETERS(1802, 1),
    /** REST: rows that do not fit the collection's schema (merr ErrInvalidInsertData). */
    INVALID_INSERT_DATA(1804, 1),
    /**
     * An insert or upsert built on a schema the collection no longer has (its {@code schema_timestamp} is not the
     * collection's update timestamp; merr ErrCollectionSchemaMismatch, legacy SchemaMismatch): the SDKs describe the
     * collection again and resend.
     */
    SCHEMA_MISMATCH(109, 62),
    /** A bulk import that cannot start or did not finish (merr ErrImportFailed); the reason names the file and row. */
    IMPORT_FAILED(2100, 1);

    private final int code;
    private final int legacyCode;

    ErrorCode(int code, int legacyCode) {
        this.code = code;
        this.legacyCode = legacyCode;
    }

    /** Milvus's {@code Status.code}. */
    public int code() {
        return code;
    }

    /** Milvus's deprecated {@code Status.error_code} enum number. */
    public int legacyCode() {
        return legacyCode;
    }
}
