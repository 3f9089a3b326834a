package dev.vectorvault.auth.rbac;

import java.util.Objects;

/**
 * One stored grant, as {@code SelectGrant} and {@code BackupRBAC} show it: the role, the object (type, name), the
 * database ({@code *} for all), the privilege as an API name ({@code Insert}, {@code *}, a v1 or v2 group, a custom
 * group) and the user who granted it. Two grants are the same grant when everything but the grantor is equal.
 */
public record Grant(String role, ObjectType objectType, String objectName, String database, String privilege,
                    String grantor) {
    public Grant {
        Objects.requireNonNull(objectType, "objectType");
        requireText(role, "role");
        requireText(objectName, "objectName");
        requireText(database, "database");
        requireText(privilege, "privilege");
        Objects.requireNonNull(grantor, "grantor");
    }

    /** The same grant for another privilege (used for the companions of Load and Flush). */
    Grant withPrivilege(String otherPrivilege) {
        return new Grant(role, objectType, objectName, database, otherPrivilege, grantor);
    }

    Grant withObject(String otherDatabase, String otherObjectName) {
        return new Grant(role, objectType, otherObjectName, otherDatabase, privilege, grantor);
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("grant " + what + " must not be empty");
        }
    }
}
