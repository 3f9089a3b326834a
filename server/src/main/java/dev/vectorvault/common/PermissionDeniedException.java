package dev.vectorvault.common;

/**
 * The caller lacks a privilege. Milvus reports this as gRPC {@code PERMISSION_DENIED}, not in a Status, with the
 * message {@code <privilege>: permission deny to <user> in the `<db>` database}.
 */
public final class PermissionDeniedException extends RuntimeException {
    public PermissionDeniedException(String privilege, String user, String database) {
        super(privilege + ": permission deny to " + user + " in the `" + database + "` database", null, false, false);
    }
}
