package dev.vectorvault.auth;

import dev.vectorvault.metrics.ServerMetrics;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Decides whether a presented (user, password) is valid. A password verified once is remembered in the
 * {@link VerifiedCredentialCache}, so a warm call costs one HMAC. Every other outcome, including an unknown user,
 * costs exactly one Argon2id run, so "no such user" and "wrong password" take the same time and look the same.
 * Failed attempts feed the {@link LoginThrottle}; slow hashes run a bounded number at a time so a login storm cannot
 * exhaust memory, and identical attempts that arrive together share one run (single flight).
 *
 * <p>A client connection that has proved a credential keeps using it without being throttled: a flood of bad
 * logins from the same address (a shared NAT, localhost) must not lock out applications that are already
 * connected, and nobody else can send calls over their TCP connection. Every accepted call, from the cache or not,
 * also marks its address as having proved the user ({@link LoginThrottle#recordSuccess}), so new connections from
 * there pass a block on the user name that an attacker elsewhere caused. A password change or deletion ends that
 * standing on the next call, like everything else. Thread-safe.
 */
public final class Authenticator {
    /** What happened to an attempt. Callers must report REJECTED and THROTTLED identically to the client. */
    public enum Outcome { ACCEPTED, REJECTED, THROTTLED }

    private final CredentialStore credentials;
    private final PasswordHasher hasher;
    private final VerifiedCredentialCache cache;
    private final LoginThrottle throttle;
    private final AuditLog audit;
    private final ServerMetrics metrics;
    private final Semaphore slowHashPermits;
    private final String dummyHash;
    private final Map<Long, ProvenConnection> provenConnections = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Boolean>> verificationsInFlight = new ConcurrentHashMap<>();

    /** The credential a connection last proved, pinned to the stored credential's revision. */
    private record ProvenConnection(String username, byte[] digest, long revision) {
        boolean covers(StoredCredential credential, byte[] presented) {
            return username.equals(credential.username()) && revision == credential.revision()
                    && MessageDigest.isEqual(digest, presented);
        }
    }

    public Authenticator(CredentialStore credentials, PasswordHasher hasher, VerifiedCredentialCache cache,
                         LoginThrottle throttle, AuditLog audit, int slowHashConcurrency) {
        this(credentials, hasher, cache, throttle, audit, slowHashConcurrency, ServerMetrics.NONE);
    }

    /** As above, counting every attempt's outcome (and cache hits) in {@code metrics}. */
    public Authenticator(CredentialStore credentials, PasswordHasher hasher, VerifiedCredentialCache cache,
                         LoginThrottle throttle, AuditLog audit, int slowHashConcurrency, ServerMetrics metrics) {
        this.metrics = metrics;
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
        return authenticate(username, password, client, null);
    }

    /**
     * @param connectionId identifies the client's transport connection, or null when there is none to track
     */
    public Outcome authenticate(String username, Password password, String client, Long connectionId) {
        Optional<StoredCredential> stored = credentials.find(username);
        byte[] digest = cache.digest(username, password);
        if (connectionId != null && stored.isPresent()) {
            ProvenConnection proven = provenConnections.get(connectionId);
            if (proven != null && proven.covers(stored.get(), digest)) {
                // Keeps the address trusted for as long as the application keeps working, so its next connection
                // is not caught by a block on its user name.
                throttle.recordSuccess(username, client);
                metrics.login(ServerMetrics.LoginResult.ACCEPTED, true);
                return Outcome.ACCEPTED;
            }
        }
        audit.flushDue();
        if (throttle.blockedForMs(username, client) > 0) {
            // Refused without looking at the password, so a blocked guess learns nothing, and not counted as a
            // failure, so retrying into a block never makes it longer.
            audit.loginThrottled(username, client);
            metrics.login(ServerMetrics.LoginResult.THROTTLED, false);
            return Outcome.THROTTLED;
        }
        if (stored.isPresent() && cache.matches(stored.get(), digest)) {
            throttle.recordSuccess(username, client);
            prove(connectionId, stored.get(), digest, client);
            metrics.login(ServerMetrics.LoginResult.ACCEPTED, true);
            return Outcome.ACCEPTED;
        }
        Optional<String> overCost = stored.flatMap(c -> hasher.costOverLimit(c.passwordHash()));
        if (overCost.isPresent()) {
            // Never run a verify with absurd parameters (a restored or tampered hash): fail as a wrong password
            // does, in the same time, and say why without the hash.
            slowVerify(Optional.empty(), password, digest);
            throttle.recordFailure(username, client);
            audit.loginFailed(username, client, "stored_hash_over_cost_limit (" + overCost.get() + ")");
            metrics.login(ServerMetrics.LoginResult.REJECTED, false);
            return Outcome.REJECTED;
        }
        if (slowVerify(stored, password, digest)) {
            StoredCredential credential = upgradeIfCheaper(stored.get(), password);
            cache.remember(credential, digest);
            throttle.recordSuccess(username, client);
            prove(connectionId, credential, digest, client);
            metrics.login(ServerMetrics.LoginResult.ACCEPTED, false);
            return Outcome.ACCEPTED;
        }
        throttle.recordFailure(username, client);
        audit.loginFailed(username, client, "bad_credentials");
        metrics.login(ServerMetrics.LoginResult.REJECTED, false);
        return Outcome.REJECTED;
    }

    /**
     * Whether {@code connectionId} already proved these credentials and they still hold: then {@link #authenticate}
     * accepts them at the cost of one HMAC, touching no lock, file or slow hash. Changes nothing.
     */
    public boolean provenOn(long connectionId, String username, Password password) {
        ProvenConnection proven = provenConnections.get(connectionId);
        if (proven == null) {
            return false;
        }
        Optional<StoredCredential> stored = credentials.find(username);
        return stored.isPresent() && proven.covers(stored.get(), cache.digest(username, password));
    }

    /**
     * Counts a call whose credentials {@link #provenOn} has just confirmed on this connection as {@link #authenticate}
     * counts an accepted proven call, without checking them a second time.
     */
    public void acceptedAsProven(String username, String client) {
        throttle.recordSuccess(username, client);
        metrics.login(ServerMetrics.LoginResult.ACCEPTED, true);
    }

    /** The same decision as {@link #authenticate}, as a yes/no (for the old password of a password change). */
    public boolean isValid(String username, Password password, String client) {
        return authenticate(username, password, client) == Outcome.ACCEPTED;
    }

    /** Remembers what a connection proved; its first proof of a user is audited (not every call that follows). */
    private void prove(Long connectionId, StoredCredential credential, byte[] digest, String client) {
        if (connectionId != null) {
            ProvenConnection previous = provenConnections.put(connectionId, new ProvenConnection(
                    credential.username(), digest, credential.revision()));
            if (previous == null || !previous.username().equals(credential.username())) {
                audit.loginSucceeded(credential.username(), client);
            }
        }
    }

    /** Forgets what a closed connection had proved. */
    public void connectionClosed(long connectionId) {
        provenConnections.remove(connectionId);
    }

    /** Identical attempts in flight together (a client pool's first calls) share one slow hash. */
    private boolean slowVerify(Optional<StoredCredential> stored, Password password, byte[] digest) {
        String key = stored.map(c -> c.username() + '\u0000' + c.revision()).orElse("\u0000unknown")
                + '\u0000' + Base64.getEncoder().encodeToString(digest);
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> running = verificationsInFlight.putIfAbsent(key, mine);
        if (running != null) {
            return running.join();
        }
        try {
            boolean verified = slowVerify(stored, password);
            mine.complete(verified);
            return verified;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            verificationsInFlight.remove(key, mine);
        }
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
