package dev.vectorvault.auth.rbac;

import static dev.vectorvault.auth.rbac.PrivilegeCatalog.ANY;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One role's grants compiled for matching: v2 and custom groups expanded into their members (one level, as Milvus),
 * single privileges indexed by (object type, database, object name), and the v1 groups and {@code All} kept as rules
 * that the matcher evaluates, as Milvus's casbin model does. Built once per store revision, then read-only.
 *
 * <p>Matching, with {@code *} in a grant matching anything in that position:
 * <ul>
 * <li>a single privilege P granted on (db, name) allows P on objects of P's type there; Global grants name {@code *};
 * <li>{@code *} allows every privilege on objects of the grant's own object type (Q1, see {@link AccessDecider});
 * <li>{@code All} allows every privilege in the grant's database; ReadOnly and ReadWrite allow their members on the
 * named collection (or on requests naming {@code *}); Admin allows its members; a {@code *} database matches every
 * database here too (Q2).
 * </ul>
 */
final class RoleRules {
    private final boolean admin;
    /** type → database → object name → what is allowed there. */
    private final Map<ObjectType, Map<String, Map<String, Allowed>>> exact = new EnumMap<>(ObjectType.class);
    private final List<GroupRule> groupRules = new ArrayList<>();

    private RoleRules(boolean admin) {
        this.admin = admin;
    }

    static RoleRules compile(String role, RbacState state, PrivilegeCatalog catalog) {
        RoleRules rules = new RoleRules(RbacService.ADMIN_ROLE.equals(role));
        for (Grant grant : state.grantsOf(role)) {
            rules.add(grant, state, catalog);
        }
        return rules;
    }

    /** Every name must be allowed by this one role; an empty list is never allowed, not even for admin. */
    boolean allowsAll(String database, Requirement requirement) {
        List<String> names = requirement.objectNames();
        if (names.isEmpty()) {
            return false;
        }
        if (admin) {
            return true;
        }
        for (String name : names) {
            if (!allows(requirement.objectType(), database, name, requirement.privilege())) {
                return false;
            }
        }
        return true;
    }

    private boolean allows(ObjectType type, String database, String name, Privilege privilege) {
        Map<String, Map<String, Allowed>> byDatabase = exact.get(type);
        if (byDatabase != null && (allowsIn(byDatabase.get(database), name, privilege)
                || allowsIn(byDatabase.get(ANY), name, privilege))) {
            return true;
        }
        for (GroupRule rule : groupRules) {
            if (rule.allows(database, name, privilege)) {
                return true;
            }
        }
        return false;
    }

    private static boolean allowsIn(Map<String, Allowed> byName, String name, Privilege privilege) {
        if (byName == null) {
            return false;
        }
        Allowed named = byName.get(name);
        if (named != null && named.allows(privilege)) {
            return true;
        }
        Allowed any = byName.get(ANY);
        return any != null && any.allows(privilege);
    }

    private void add(Grant grant, RbacState state, PrivilegeCatalog catalog) {
        String privilege = grant.privilege();
        if (ANY.equals(privilege)) {
            allowedAt(grant.objectType(), grant.database(), nameFor(grant.objectType(), grant)).any = true;
            return;
        }
        Optional<Privilege> builtIn = Privilege.fromApiName(privilege);
        List<String> members;
        if (builtIn.isEmpty()) {
            members = state.customGroup(privilege).map(PrivilegeGroup::privileges).orElse(List.of());
        } else if (builtIn.get().kind() == Privilege.Kind.BUILT_IN_GROUP) {
            members = catalog.members(builtIn.get()).stream().map(Privilege::apiName).toList();
        } else {
            members = List.of(privilege);
        }
        for (String member : members) {
            // A custom group inside a group names no privilege of its own: Milvus expands one level only.
            Privilege.fromApiName(member).ifPresent(p -> addMember(grant, p, catalog));
        }
    }

    private void addMember(Grant grant, Privilege privilege, PrivilegeCatalog catalog) {
        // The grant's object type is recomputed from the privilege, as Milvus's expandPrivilegeGroups does.
        ObjectType type = privilege.objectType();
        String name = nameFor(type, grant);
        if (privilege == Privilege.ALL || privilege.kind() == Privilege.Kind.LEGACY_GROUP) {
            groupRules.add(new GroupRule(privilege, grant.database(), name, catalog.memberSet(privilege)));
        } else if (privilege.kind() == Privilege.Kind.PRIVILEGE) {
            allowedAt(type, grant.database(), name).privileges.add(privilege);
        }
        // A v2 group inside a custom group matches no request in Milvus either.
    }

    private static String nameFor(ObjectType type, Grant grant) {
        return type == ObjectType.GLOBAL ? ANY : grant.objectName();
    }

    private Allowed allowedAt(ObjectType type, String database, String name) {
        return exact.computeIfAbsent(type, t -> new HashMap<>())
                .computeIfAbsent(database, d -> new HashMap<>())
                .computeIfAbsent(name, n -> new Allowed());
    }

    /** Privileges allowed on one (type, database, name); filled while compiling only. */
    private static final class Allowed {
        private final Set<Privilege> privileges = EnumSet.noneOf(Privilege.class);
        private boolean any;

        boolean allows(Privilege privilege) {
            return any || privileges.contains(privilege);
        }
    }

    /** {@code All} or a v1 group granted in a database, on an object name. */
    private record GroupRule(Privilege group, String database, String objectName, Set<Privilege> members) {
        boolean allows(String requestDatabase, String requestName, Privilege privilege) {
            if (!ANY.equals(database) && !database.equals(requestDatabase)) {
                return false;
            }
            if (group == Privilege.ALL) {
                return true;
            }
            if (group == Privilege.READ_ONLY || group == Privilege.READ_WRITE) {
                boolean sameCollection = ANY.equals(objectName) || ANY.equals(requestName)
                        || objectName.equals(requestName);
                return sameCollection && members.contains(privilege);
            }
            return members.contains(privilege);
        }
    }
}
