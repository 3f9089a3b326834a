package dev.vectorvault.auth.rbac;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every role's {@link RoleRules} and every user's roles (bound ones plus the implicit public), compiled from one
 * {@link RbacState}. Immutable once built, so decisions read it without locks.
 */
final class CompiledPolicy {
    private final RbacState state;
    private final Map<String, List<RoleRules>> rulesByUser = new HashMap<>();
    private final List<RoleRules> publicOnly;

    private CompiledPolicy(RbacState state, PrivilegeCatalog catalog) {
        this.state = state;
        Map<String, RoleRules> rulesByRole = new HashMap<>();
        for (String role : state.roles()) {
            rulesByRole.put(role, RoleRules.compile(role, state, catalog));
        }
        RoleRules publicRules = rulesByRole.get(RbacService.PUBLIC_ROLE);
        this.publicOnly = publicRules == null ? List.of() : List.of(publicRules);
        state.bindings().forEach((user, roles) -> {
            List<RoleRules> rules = new ArrayList<>(publicOnly);
            for (String role : roles) {
                if (!RbacService.PUBLIC_ROLE.equals(role)) {
                    rules.add(rulesByRole.get(role));
                }
            }
            rulesByUser.put(user, List.copyOf(rules));
        });
    }

    static CompiledPolicy compile(RbacState state, PrivilegeCatalog catalog) {
        return new CompiledPolicy(state, catalog);
    }

    long revision() {
        return state.revision();
    }

    /** Whether the user holds the role, public always included. */
    boolean holds(String user, String role) {
        return RbacService.PUBLIC_ROLE.equals(role) || state.rolesOf(user).contains(role);
    }

    boolean allows(String user, String database, Requirement requirement) {
        for (RoleRules rules : rulesByUser.getOrDefault(user, publicOnly)) {
            if (rules.allowsAll(database, requirement)) {
                return true;
            }
        }
        return false;
    }
}
