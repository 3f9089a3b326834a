package dev.vectorvault.auth.rbac;

import dev.vectorvault.auth.AccessPolicy;
import dev.vectorvault.auth.Caller;

/**
 * {@link AccessPolicy} for {@code auth.UserService} backed by RBAC, in place of {@code AdministratorPolicy}:
 * CreateOwnership, DropOwnership and SelectOwnership are Global; UpdateUser and SelectUser apply to the target user
 * ({@code *} when none), and a user may always act on itself. Unlike {@code AdministratorPolicy}, super users get no
 * bypass: in Milvus they only skip the old-password check.
 */
public final class RbacAccessPolicy implements AccessPolicy {
    private final AccessDecider decider;

    public RbacAccessPolicy(AccessDecider decider) {
        this.decider = decider;
    }

    /** @throws IllegalArgumentException for a name that is not a Milvus privilege enum name */
    @Override
    public void check(Caller caller, String privilege, String targetUser) {
        Privilege required = Privilege.fromMetastoreName(privilege)
                .orElseThrow(() -> new IllegalArgumentException("not a Milvus privilege: " + privilege));
        Requirement requirement = required.objectType() == ObjectType.USER
                ? Requirement.user(required, targetUser)
                : Requirement.global(required);
        decider.check(caller.username(), caller.database(), requirement);
    }
}
