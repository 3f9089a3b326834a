package dev.vectorvault.auth.rbac;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable, consistent view of everything RBAC holds at one {@link #revision()}: roles with their descriptions,
 * user→role bindings, grants and custom privilege groups. Readers take one and need no lock; every change publishes a
 * new one.
 */
public final class RbacState {
    private final long revision;
    private final SortedSet<String> roles;
    private final Map<String, String> descriptions;
    private final SortedMap<String, SortedSet<String>> rolesByUser;
    private final SortedMap<String, SortedSet<String>> usersByRole;
    private final List<Grant> grants;
    private final Map<String, List<Grant>> grantsByRole;
    private final SortedMap<String, PrivilegeGroup> customGroups;

    RbacState(long revision, Map<String, String> roles, Map<String, ? extends Collection<String>> rolesByUser,
              Collection<Grant> grants, Map<String, PrivilegeGroup> customGroups) {
        this.revision = revision;
        this.roles = Collections.unmodifiableSortedSet(new TreeSet<>(roles.keySet()));
        this.descriptions = Map.copyOf(roles);
        SortedMap<String, SortedSet<String>> byUser = new TreeMap<>();
        SortedMap<String, SortedSet<String>> byRole = new TreeMap<>();
        rolesByUser.forEach((user, userRoles) -> {
            if (!userRoles.isEmpty()) {
                byUser.put(user, Collections.unmodifiableSortedSet(new TreeSet<>(userRoles)));
            }
            userRoles.forEach(role -> byRole.computeIfAbsent(role, r -> new TreeSet<>()).add(user));
        });
        byRole.replaceAll((role, users) -> Collections.unmodifiableSortedSet(users));
        this.rolesByUser = Collections.unmodifiableSortedMap(byUser);
        this.usersByRole = Collections.unmodifiableSortedMap(byRole);
        this.grants = List.copyOf(grants);
        Map<String, List<Grant>> byGrantRole = new TreeMap<>();
        for (Grant grant : this.grants) {
            byGrantRole.computeIfAbsent(grant.role(), r -> new ArrayList<>()).add(grant);
        }
        byGrantRole.replaceAll((role, list) -> List.copyOf(list));
        this.grantsByRole = Collections.unmodifiableMap(byGrantRole);
        this.customGroups = Collections.unmodifiableSortedMap(new TreeMap<>(customGroups));
    }

    /** Increases with every change of the store it came from (within one process). */
    public long revision() {
        return revision;
    }

    /** Every role, sorted, admin and public included. */
    public SortedSet<String> roles() {
        return roles;
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    /** A role's description; empty for a role without one, and for a missing role. */
    public String descriptionOf(String role) {
        return descriptions.getOrDefault(role, "");
    }

    /** The roles bound to a user (never the implicit public unless bound explicitly), sorted. */
    public SortedSet<String> rolesOf(String user) {
        return rolesByUser.getOrDefault(user, Collections.emptySortedSet());
    }

    /** Users that have at least one binding, with their roles. */
    public SortedMap<String, SortedSet<String>> bindings() {
        return rolesByUser;
    }

    public SortedSet<String> usersOf(String role) {
        return usersByRole.getOrDefault(role, Collections.emptySortedSet());
    }

    /** Every grant in key order: role, object type, database and object name, metastore privilege name. */
    public List<Grant> grants() {
        return grants;
    }

    public List<Grant> grantsOf(String role) {
        return grantsByRole.getOrDefault(role, List.of());
    }

    public Optional<PrivilegeGroup> customGroup(String name) {
        return Optional.ofNullable(customGroups.get(name));
    }

    /** Custom groups sorted by name. */
    public Collection<PrivilegeGroup> customGroups() {
        return customGroups.values();
    }
}
