package dev.vectorvault.auth.rbac;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one RPC needs, read from its request's {@code privilege_ext_obj} option (§4.5): an object type, a privilege,
 * and the object names to check. A single name is the usual case; Flush lists several and needs every one of them
 * from the same role (an empty list is denied). Global requirements always name {@code *}.
 *
 * <p>{@code grantsOfRole} is set only for {@code SelectGrant}: a caller may always list the grants of {@code public}
 * and of the roles it holds.
 */
public record Requirement(ObjectType objectType, Privilege privilege, List<String> objectNames,
                          Optional<String> grantsOfRole) {
    public Requirement {
        Objects.requireNonNull(objectType, "objectType");
        Objects.requireNonNull(privilege, "privilege");
        objectNames = List.copyOf(objectNames);
        Objects.requireNonNull(grantsOfRole, "grantsOfRole");
    }

    /** A Global privilege, such as CreateCollection for {@code CreateCollection} or CreateOwnership for users. */
    public static Requirement global(Privilege privilege) {
        return new Requirement(ObjectType.GLOBAL, privilege, List.of(PrivilegeCatalog.ANY), Optional.empty());
    }

    /** A Collection privilege on one collection (its alias already resolved), such as Insert. */
    public static Requirement collection(Privilege privilege, String collection) {
        return new Requirement(ObjectType.COLLECTION, privilege, List.of(orAny(collection)), Optional.empty());
    }

    /** A Collection privilege on every listed collection (Flush's {@code collection_names}). */
    public static Requirement collections(Privilege privilege, List<String> collections) {
        return new Requirement(ObjectType.COLLECTION, privilege, collections, Optional.empty());
    }

    /** A User privilege on one user; an empty or null name means every user ({@code *}). */
    public static Requirement user(Privilege privilege, String username) {
        return new Requirement(ObjectType.USER, privilege, List.of(orAny(username)), Optional.empty());
    }

    /** {@code SelectGrant} for {@code role}: SelectOwnership, unless the caller holds the role. */
    public static Requirement selectGrant(String role) {
        return new Requirement(ObjectType.GLOBAL, Privilege.SELECT_OWNERSHIP, List.of(PrivilegeCatalog.ANY),
                Optional.of(role == null ? "" : role));
    }

    private static String orAny(String name) {
        return name == null || name.isEmpty() ? PrivilegeCatalog.ANY : name;
    }
}
