package dev.vectorvault.auth;

import dev.vectorvault.common.PermissionDeniedException;
import java.util.Set;

/**
 * A stand-in for RBAC in the user-service tests: root and the listed users may administer users, everyone may manage
 * their own entry (what Milvus allows a user who holds only {@code public}). The server uses RBAC instead.
 */
final class AdministratorPolicy implements AccessPolicy {
    private final boolean enforced;
    private final Set<String> superUsers;

    AdministratorPolicy(boolean enforced, Set<String> superUsers) {
        this.enforced = enforced;
        this.superUsers = superUsers;
    }

    @Override
    public void check(Caller caller, String privilege, String targetUser) {
        if (!enforced || caller.username().equals(UserService.ROOT) || superUsers.contains(caller.username())) {
            return;
        }
        if (targetUser != null && targetUser.equals(caller.username())) {
            return;
        }
        throw new PermissionDeniedException(privilege, caller.username(), caller.database());
    }
}
