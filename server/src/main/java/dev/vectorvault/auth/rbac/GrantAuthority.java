package dev.vectorvault.auth.rbac;

import static dev.vectorvault.auth.rbac.PrivilegeCatalog.ANY;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.common.PermissionDeniedException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How far ManageOwnership reaches (ours; Milvus has no such rule). Milvus checks ManageOwnership for OperateUserRole
 * and OperatePrivilege(V2) in the database of the {@code dbname} header and nothing else, so a user granted it in one
 * database can bind itself to {@code admin} or grant anything anywhere: one database's owner is a cluster admin.
 * Here, a granter that is not an administrator (root, or a user bound to {@code admin}) stays inside its scope
 * (root still needs its privileges under {@code rootShouldBindRole}; that is the privilege check's business):
 * <ul>
 * <li>it may grant or revoke only in a database where it holds ManageOwnership itself; a grant in database
 * {@code *} needs ManageOwnership granted in {@code *};
 * <li>it may not grant or revoke anything that reaches a cluster-level privilege (or one of no level): single
 * privileges and groups of the cluster level, {@code All}, v1 {@code Admin}, Global or User {@code *};
 * <li>it may bind or unbind a user to a role only when it could have made every grant the role holds itself, and
 * never to or from {@code admin}; {@code public}, which every user holds anyway, is always allowed.
 * </ul>
 * Database-scope failures are PERMISSION_DENIED in the grant's database, with Milvus's message; cluster-scope ones are
 * "privilege not permitted" (1401) naming what needs an administrator. With authorization off nothing is checked.
 */
final class GrantAuthority {
    private final PrivilegeCatalog catalog;
    private final RbacSettings settings;
    /** Its own decider over the same store: decisions are per store revision, so both always agree. */
    private final AccessDecider decider;

    GrantAuthority(RbacStore store, PrivilegeCatalog catalog, RbacSettings settings) {
        this.catalog = catalog;
        this.settings = settings;
        this.decider = new AccessDecider(store, catalog, settings);
    }

    /** Whether {@code actor} may grant, revoke and bind without limits. */
    boolean isAdministrator(String actor, RbacState state) {
        return !settings.authorizationEnabled()
                || RbacService.ROOT.equals(actor)
                || state.rolesOf(actor).contains(RbacService.ADMIN_ROLE);
    }

    /** @throws PermissionDeniedException or {@link MilvusException} (1401) when the grant is beyond the actor's scope */
    void checkGrant(String actor, Grant grant, RbacState state) {
        if (isAdministrator(actor, state)) {
            return;
        }
        Optional<Privilege> clusterLevel = firstClusterLevel(grant, state);
        if (clusterLevel.isPresent()) {
            throw new MilvusException(ErrorCode.PRIVILEGE_NOT_PERMITTED, "only admin or root may grant or revoke ["
                    + grant.privilege() + "]: it includes the cluster-level privilege [" + clusterLevel.get().apiName()
                    + "]: privilege not permitted");
        }
        if (!decider.decide(actor, grant.database(), Requirement.global(Privilege.MANAGE_OWNERSHIP)).allowed()) {
            throw new PermissionDeniedException(Privilege.MANAGE_OWNERSHIP.metastoreName(), actor, grant.database());
        }
    }

    /** @throws PermissionDeniedException or {@link MilvusException} (1401) when the role is beyond the actor's scope */
    void checkBinding(String actor, String role, RbacState state) {
        if (isAdministrator(actor, state) || RbacService.PUBLIC_ROLE.equals(role)) {
            return;
        }
        if (RbacService.ADMIN_ROLE.equals(role)) {
            throw new MilvusException(ErrorCode.PRIVILEGE_NOT_PERMITTED,
                    "only admin or root may bind users to or remove them from role [admin]: privilege not permitted");
        }
        for (Grant grant : state.grantsOf(role)) {
            try {
                checkGrant(actor, grant, state);
            } catch (MilvusException e) {
                throw new MilvusException(ErrorCode.PRIVILEGE_NOT_PERMITTED, "only admin or root may bind users to"
                        + " or remove them from role [" + role + "]: " + e.getMessage());
            }
        }
    }

    /** A privilege the grant confers that is cluster-level or has no level, if any. */
    private Optional<Privilege> firstClusterLevel(Grant grant, RbacState state) {
        for (Privilege privilege : reach(grant, state)) {
            Optional<PrivilegeLevel> level = catalog.levelOf(privilege.apiName());
            if (level.isEmpty() || level.get() == PrivilegeLevel.CLUSTER) {
                return Optional.of(privilege);
            }
        }
        return Optional.empty();
    }

    /** Every single privilege a grant confers, as the matcher ({@link RoleRules}) would allow them, or more. */
    private Set<Privilege> reach(Grant grant, RbacState state) {
        Set<Privilege> reach = EnumSet.noneOf(Privilege.class);
        String name = grant.privilege();
        if (ANY.equals(name)) {
            for (Privilege p : Privilege.values()) {
                if (p.kind() == Privilege.Kind.PRIVILEGE && p.objectType() == grant.objectType()) {
                    reach.add(p);
                }
            }
            return reach;
        }
        Optional<Privilege> builtIn = Privilege.fromApiName(name);
        List<String> members = builtIn.isPresent() ? List.of(name)
                : state.customGroup(name).map(PrivilegeGroup::privileges).orElse(List.of());
        for (String member : members) {
            Privilege.fromApiName(member).ifPresent(p -> addExpanded(p, reach));
        }
        return reach;
    }

    private void addExpanded(Privilege privilege, Set<Privilege> reach) {
        if (privilege == Privilege.ALL) {
            for (Privilege p : Privilege.values()) {
                if (p.kind() == Privilege.Kind.PRIVILEGE) {
                    reach.add(p);
                }
            }
        } else if (privilege.kind() == Privilege.Kind.PRIVILEGE) {
            reach.add(privilege);
        } else {
            reach.addAll(catalog.members(privilege));
        }
    }
}
