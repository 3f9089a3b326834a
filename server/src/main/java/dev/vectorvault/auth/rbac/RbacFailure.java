package dev.vectorvault.auth.rbac;

import dev.vectorvault.common.ErrorCode;

/**
 * The RBAC failures whose wire status is not one of {@link ErrorCode}'s: Milvus's merr code plus the specific
 * deprecated {@code error_code} (CreateRoleFailure 35 ... SelectGrantFailure 42, CreatePrivilegeGroupFailure 58 ...
 * OperatePrivilegeGroupFailure 61), or merr 1402 for a bad privilege group name.
 */
public enum RbacFailure {
    CREATE_ROLE(65535, 35),
    DROP_ROLE(65535, 36),
    OPERATE_USER_ROLE(65535, 37),
    /** Rootcoord checks of OperatePrivilege and RestoreRBAC. */
    OPERATE_PRIVILEGE(65535, 41),
    /** v2 level constraints: a parameter error reported with OperatePrivilegeFailure. */
    OPERATE_PRIVILEGE_INVALID(1100, 41),
    SELECT_GRANT(65535, 42),
    CREATE_PRIVILEGE_GROUP_INVALID(1100, 58),
    DROP_PRIVILEGE_GROUP(65535, 59),
    OPERATE_PRIVILEGE_GROUP_INVALID(1100, 61),
    /** merr ErrPrivilegeGroupInvalidName. */
    PRIVILEGE_GROUP_NAME_INVALID(1402, 1);

    private final int code;
    private final int legacyCode;

    RbacFailure(int code, int legacyCode) {
        this.code = code;
        this.legacyCode = legacyCode;
    }

    /** Milvus's {@code Status.code}. */
    public int code() {
        return code;
    }

    /** Milvus's deprecated {@code Status.error_code}. */
    public int legacyCode() {
        return legacyCode;
    }

    /** The closest existing code, for a status mapper that knows nothing of this enum. */
    ErrorCode fallback() {
        return code == ErrorCode.PARAMETER_INVALID.code() || code == 1402
                ? ErrorCode.PARAMETER_INVALID : ErrorCode.UNEXPECTED;
    }
}
