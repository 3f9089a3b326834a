package dev.vectorvault.auth.rbac;

import java.util.List;

/** A {@code SelectRole} result: the role and, when asked for, the users bound to it (sorted). */
public record RoleUsers(String role, List<String> users) {
    public RoleUsers {
        users = List.copyOf(users);
    }
}
