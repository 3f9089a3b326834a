package dev.vectorvault.auth.rbac;

/**
 * The RBAC configuration keys (§4.10), mapped from {@code ServerConfig} by whoever wires the service.
 *
 * @param authorizationEnabled {@code common.security.authorizationEnabled}: with it off every decision allows and
 *                             nothing is filtered
 * @param rootShouldBindRole   {@code common.security.rootShouldBindRole}: root is subject to RBAC like anyone
 * @param enablePublicPrivilege {@code common.security.enablePublicPrivilege}: role public gets its three default
 *                             grants at start
 * @param maxRoles             {@code proxy.maxRoleNum}, admin and public included
 * @param maxNameLength        {@code proxy.maxNameLength}, in bytes, for role, object and group names
 * @param maxRoleDescriptionLength {@code proxy.maxRoleDescriptionLength}, in UTF-8 bytes, for a role's description
 * @param roleNameAllowedChars {@code proxy.roleNameValidation.allowedChars}
 * @param nameAllowedChars     {@code proxy.nameValidation.allowedChars}, for object names, types and privileges
 */
public record RbacSettings(boolean authorizationEnabled, boolean rootShouldBindRole, boolean enablePublicPrivilege,
                           int maxRoles, int maxNameLength, int maxRoleDescriptionLength, String roleNameAllowedChars,
                           String nameAllowedChars) {
    public RbacSettings {
        if (maxRoles < 2) {
            throw new IllegalArgumentException("proxy.maxRoleNum must leave room for admin and public: " + maxRoles);
        }
        if (maxNameLength < 1) {
            throw new IllegalArgumentException("proxy.maxNameLength must be positive: " + maxNameLength);
        }
        if (maxRoleDescriptionLength < 0) {
            throw new IllegalArgumentException("proxy.maxRoleDescriptionLength must not be negative: "
                    + maxRoleDescriptionLength);
        }
        roleNameAllowedChars = roleNameAllowedChars == null ? "" : roleNameAllowedChars;
        nameAllowedChars = nameAllowedChars == null ? "" : nameAllowedChars;
    }

    /** Milvus's defaults (the description limit is ours), except that authorization is switched on as given. */
    public static RbacSettings defaults(boolean authorizationEnabled) {
        return new RbacSettings(authorizationEnabled, false, true, 10, 255, 1024, "$", "$");
    }
}
