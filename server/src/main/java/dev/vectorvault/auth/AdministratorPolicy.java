package dev.vectorvault.auth;

import dev.vectorvault.common.PermissionDeniedException;
import java.util.Set;

/**
 * Until roles and grants exist, user administration is reserved to root and the configured super users; everyone
 * may manage their own user entry. This matches what Milvus allows a user who holds only the {@code public} role.
 * With authentication off nothing is enforced, as in Milvus.
 */
public final class AdministratorPolicy implements AccessPolicy {
    private final boolean enforced;
    private final Set<String> superUsers;

    public AdministratorPolicy(boolean enforced, Set<String> superUsers) {
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
