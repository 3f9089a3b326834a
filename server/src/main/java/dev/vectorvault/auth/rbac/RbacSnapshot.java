package dev.vectorvault.auth.rbac;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code RBACMeta} in domain form: what {@code BackupRBAC} returns and {@code RestoreRBAC} takes. Users (never root)
 * carry their password hash and bound roles; roles exclude admin and public; grants are those roles' grants in every
 * database; groups are the custom ones; role descriptions are by role name (a role missing there has none).
 * {@code toString} leaves the hashes out.
 */
public record RbacSnapshot(List<User> users, List<String> roles, List<Grant> grants,
                           List<PrivilegeGroup> privilegeGroups, Map<String, String> roleDescriptions) {
    public RbacSnapshot {
        users = List.copyOf(users);
        roles = List.copyOf(roles);
        grants = List.copyOf(grants);
        privilegeGroups = List.copyOf(privilegeGroups);
        // Only the roles that have one, so that "no description" compares equal however it was given.
        Map<String, String> described = new HashMap<>(roleDescriptions);
        described.values().removeIf(String::isEmpty);
        roleDescriptions = Map.copyOf(described);
    }

    /** A snapshot whose roles carry no description. */
    public RbacSnapshot(List<User> users, List<String> roles, List<Grant> grants,
                        List<PrivilegeGroup> privilegeGroups) {
        this(users, roles, grants, privilegeGroups, Map.of());
    }

    /** The description a role has in this snapshot; "" for none. */
    public String descriptionOf(String role) {
        return roleDescriptions.getOrDefault(role, "");
    }

    public static RbacSnapshot empty() {
        return new RbacSnapshot(List.of(), List.of(), List.of(), List.of());
    }

    public boolean isEmpty() {
        return users.isEmpty() && roles.isEmpty() && grants.isEmpty() && privilegeGroups.isEmpty();
    }

    /** {@code UserInfo}: the name, the password hash as stored, and the bound roles. */
    public record User(String name, String passwordHash, List<String> roles) {
        public User {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(passwordHash, "passwordHash");
            roles = List.copyOf(roles);
        }

        @Override
        public String toString() {
            return "User[name=" + name + ", roles=" + roles + "]";
        }
    }
}
