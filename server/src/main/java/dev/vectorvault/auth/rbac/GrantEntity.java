package dev.vectorvault.auth.rbac;

/**
 * A v1 {@code OperatePrivilege} request as the client sent it: names not yet validated. An empty {@code database}
 * means the caller's current database; the gRPC layer passes the {@code dbname} header there.
 */
public record GrantEntity(String role, String objectType, String objectName, String database, String privilege) {}
