package dev.vectorvault.auth;

/**
 * A user's persisted credential. {@code revision} changes with every write in this process, and when a reload finds
 * the record changed by another node, which lets caches tell a stale entry from a current one without any
 * invalidation race. {@code toString} leaves the hash out.
 */
public record StoredCredential(String username, String passwordHash, String description, long createdAtMillis,
                               long revision) {
    @Override
    public String toString() {
        return "StoredCredential[username=" + username + ", revision=" + revision + "]";
    }
}
