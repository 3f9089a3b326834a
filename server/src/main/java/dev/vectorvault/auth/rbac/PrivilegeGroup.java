package dev.vectorvault.auth.rbac;

import java.util.List;
import java.util.Objects;

/** A named set of privileges (API names), custom or built in, as {@code ListPrivilegeGroups} shows it. */
public record PrivilegeGroup(String name, List<String> privileges) {
    public PrivilegeGroup {
        Objects.requireNonNull(name, "name");
        privileges = List.copyOf(privileges);
    }
}
