package dev.vectorvault.auth.rbac;

/**
 * The answer of {@link AccessDecider}: allowed, or denied with Milvus's message
 * ({@code PrivilegeInsert: permission deny to u1 in the `default` database}) that goes out as gRPC
 * {@code PERMISSION_DENIED}.
 */
public record Decision(boolean allowed, String denial) {
    static final Decision ALLOW = new Decision(true, "");

    static Decision deny(Requirement requirement, String user, String database) {
        return new Decision(false, requirement.privilege().metastoreName() + ": permission deny to " + user
                + " in the `" + database + "` database");
    }
}
