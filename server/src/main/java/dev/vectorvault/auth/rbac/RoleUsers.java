package dev.vectorvault.auth.rbac;

import java.util.List;
import java.util.Objects;

/** A {@code SelectRole} result: the role, its description ("" for none) and, when asked for, its users (sorted). */
public record RoleUsers(String role, String description, List<String> users) {
    public RoleUsers {
        Objects.requireNonNull(description, "description");
        users = List.copyOf(users);
    }
}
