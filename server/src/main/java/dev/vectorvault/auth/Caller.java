package dev.vectorvault.auth;

/**
 * Who makes a request: the user name from the {@code authorization} header (verified only when authentication is
 * on; empty when no header came), the client's address for throttling and audit, and the database the call is in.
 */
public record Caller(String username, boolean verified, String clientAddress, String database) {}
