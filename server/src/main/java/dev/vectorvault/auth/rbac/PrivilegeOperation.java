package dev.vectorvault.auth.rbac;

/** {@code OperatePrivilegeType}: grant or revoke. */
public enum PrivilegeOperation {
    GRANT,
    REVOKE
}
