package dev.vectorvault.auth.rbac;

import java.util.List;
import java.util.Optional;

/**
 * What RBAC needs to know of users, which the credential side owns (in production an adapter over
 * {@code auth.CredentialStore} and {@code auth.CredentialPolicy}). Implementations are thread-safe.
 */
public interface UserDirectory {
    boolean exists(String username);

    /** Every user, root included, in any order. */
    List<String> usernames();

    /** The stored password hash, for {@code BackupRBAC}; empty for an unknown user. */
    Optional<String> passwordHash(String username);

    /**
     * Creates a user with an already-hashed password, for {@code RestoreRBAC}; durable before it returns.
     *
     * @throws dev.vectorvault.common.MilvusException when the user cannot be added (exists, limit reached)
     */
    void restore(String username, String passwordHash);

    /**
     * Checks, before {@code RestoreRBAC} writes anything, that a restored user's hash could be verified: a format
     * this server reads, with cost parameters within the configured limits. The message names the user, never the
     * hash.
     *
     * @throws dev.vectorvault.common.MilvusException when the hash would be refused
     */
    default void checkRestorableHash(String username, String passwordHash) {
    }

    /**
     * Reads the users again from where they are stored, so that {@link #exists} answers for now. Called by RBAC's
     * start-up clean-up after it has read the bindings: with several servers sharing the store, a user created by
     * another node after this node loaded its users must not lose its roles. Nothing to do where the directory is
     * always current.
     */
    default void refresh() {
    }

    /**
     * Checks a user name as {@code CreateCredential} would.
     *
     * @throws dev.vectorvault.common.MilvusException invalid parameter (1100) for a bad name
     */
    void checkUsername(String username);
}
