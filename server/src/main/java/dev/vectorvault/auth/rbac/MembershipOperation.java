package dev.vectorvault.auth.rbac;

/** Adding to or removing from a set: a user to a role ({@code OperateUserRoleType}), privileges to a custom group. */
public enum MembershipOperation {
    ADD,
    REMOVE
}
