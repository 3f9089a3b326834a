package dev.vectorvault.auth;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;

/**
 * Decides whether a presented (user, password) is valid. A password verified once is remembered in the
 * {@link VerifiedCredentialCache}, so a warm call costs one HMAC. Every other outcome, including an unknown user,
 * costs exactly one Argon2id run, so "no such user" and "wrong password" take the same time and look the same.
 * Failed attempts feed the {@link LoginThrottle}; slow hashes run a bounded number at a time so a login storm cannot
 * exhaust memory. Thread-safe.
 */
public final class Authenticator {
    /** What happened to an attempt. Callers must report REJECTED and THROTTLED identically to the client. */
    public enum Outcome { ACCEPTED, REJECTED, THROTTLED }

    private final CredentialStore credentials;
    private final PasswordHasher hasher;
    private final VerifiedCredentialCache cache;
    private final LoginThrottle throttle;
    private final AuditLog audit;
    private final Semaphore slowHashPermits;
    private final String dummyHash;

    public Authenticator(CredentialStore credentials, PasswordHasher hasher, VerifiedCredentialCache cache,
                         LoginThrottle throttle, AuditLog audit, int slowHashConcurrency) {
        this.credentials = credentials;
        this.hasher = hasher;
        this.cache = cache;
        this.throttle = throttle;
        this.audit = audit;
        this.slowHashPermits = new Semaphore(slowHashConcurrency, true);
        // Verified against for unknown users, so their failure costs what a wrong password costs.
        this.dummyHash = hasher.hash(Password.of(UUID.randomUUID().toString()));
    }

    public Outcome authenticate(String username, Password password, String client) {
        if (throttle.blockedForMs(username, client) > 0) {
            throttle.recordFailure(username, client);
            audit.loginFailed(username, client, "throttled");
            return Outcome.THROTTLED;
        }
        Optional<StoredCredential> stored = credentials.find(username);
        byte[] digest = cache.digest(username, password);
        if (stored.isPresent() && cache.matches(stored.get(), digest)) {
            return Outcome.ACCEPTED;
        }
        if (slowVerify(stored, password)) {
            StoredCredential credential = upgradeIfCheaper(stored.get(), password);
            cache.remember(credential, digest);
            throttle.recordSuccess(username, client);
            return Outcome.ACCEPTED;
        }
        throttle.recordFailure(username, client);
        audit.loginFailed(username, client, "bad_credentials");
        return Outcome.REJECTED;
    }

    /** The same decision as {@link #authenticate}, as a yes/no (for the old password of a password change). */
    public boolean isValid(String username, Password password, String client) {
        return authenticate(username, password, client) == Outcome.ACCEPTED;
    }

    private boolean slowVerify(Optional<StoredCredential> stored, Password password) {
        slowHashPermits.acquireUninterruptibly();
        try {
            if (stored.isEmpty()) {
                hasher.verify(password, dummyHash);
                return false;
            }
            return hasher.verify(password, stored.get().passwordHash());
        } finally {
            slowHashPermits.release();
        }
    }

    /** Re-hashes with the configured cost when the stored hash is cheaper, now that the password is at hand. */
    private StoredCredential upgradeIfCheaper(StoredCredential credential, Password password) {
        if (!hasher.needsRehash(credential.passwordHash())) {
            return credential;
        }
        String upgraded = hasher.hash(password);
        return credentials.replaceHash(credential.username(), upgraded, credential.revision())
                .orElse(credential);
    }

    /** Hashes a new password, sharing the bound on concurrent slow hashes. */
    public String hashNewPassword(Password password) {
        slowHashPermits.acquireUninterruptibly();
        try {
            return hasher.hash(password);
        } finally {
            slowHashPermits.release();
        }
    }

    public void forget(String username) {
        cache.forget(username);
    }
}
