package dev.vectorvault.auth;

/**
 * Decides whether a caller may perform a privileged operation. Privilege names are Milvus's
 * ({@code PrivilegeCreateOwnership}, ...). Throws {@link dev.vectorvault.common.PermissionDeniedException}.
 */
public interface AccessPolicy {
    /**
     * @param privilege  Milvus privilege name
     * @param targetUser for user-object privileges, the user acted on (a user may always act on itself); else null
     */
    void check(Caller caller, String privilege, String targetUser);
}
