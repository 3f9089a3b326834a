package dev.vectorvault.auth.rbac;

import java.util.List;

/**
 * A {@code SelectUser} result: the user and, when asked for, the roles bound to it (sorted). The implicit
 * {@code public} role is not listed, as in Milvus.
 */
public record UserRoles(String user, List<String> roles) {
    public UserRoles {
        roles = List.copyOf(roles);
    }
}
