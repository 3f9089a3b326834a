package dev.vectorvault.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The web console's server-side sessions: a random id (the cookie), a CSRF token, who logged in, and the gRPC
 * {@code authorization} value every console call is authenticated with through the public port's chain. A session
 * ends at logout, after {@code proxy.webui.sessionIdleTimeoutMs} without a request, or as soon as its user's stored
 * credential is no longer the one it logged in with (password changed, user deleted, on this node or another), so a
 * changed password ends the console sessions before their next request is served. At most
 * {@code proxy.webui.maxSessions} exist; a new login beyond that ends the least recently used one.
 */
final class ConsoleSessions {
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One logged-in console. {@code credentialHash} is the user's stored password hash at login (null with
     * authentication off); {@code toString} shows neither the authorization value nor the tokens.
     */
    static final class Session {
        final String id;
        final String csrfToken;
        final String user;
        final String authorization;
        final String credentialHash;
        final long connectionId;
        private long lastUsed;

        private Session(String id, String csrfToken, String user, String authorization, String credentialHash,
                        long connectionId, long now) {
            this.id = id;
            this.csrfToken = csrfToken;
            this.user = user;
            this.authorization = authorization;
            this.credentialHash = credentialHash;
            this.connectionId = connectionId;
            this.lastUsed = now;
        }

        /** Constant-time comparison of a request's CSRF token with this session's. */
        boolean csrfMatches(String token) {
            return token != null && MessageDigest.isEqual(csrfToken.getBytes(StandardCharsets.UTF_8),
                    token.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Session[user=" + user + "]";
        }
    }

    private final long idleTimeoutMs;
    private final int maxSessions;
    private final LongSupplier clockMillis;
    /** Whether the user's stored hash is still {@code hash}; absent user or other hash: the session ends. */
    private final CredentialCheck credentials;
    /** Told each ended session's connection id (the authenticator forgets what that connection proved). */
    private final LongConsumer ended;
    /** Access order, so the least recently used session is first. Guarded by itself. */
    private final LinkedHashMap<String, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);

    /** The stored password hash of a user now, or empty when there is no such user. */
    interface CredentialCheck {
        Optional<String> currentHash(String user);
    }

    ConsoleSessions(long idleTimeoutMs, int maxSessions, LongSupplier clockMillis, CredentialCheck credentials,
                    LongConsumer ended) {
        this.idleTimeoutMs = idleTimeoutMs;
        this.maxSessions = maxSessions;
        this.clockMillis = clockMillis;
        this.credentials = credentials;
        this.ended = ended;
    }

    /** A new session for a user whose login was just accepted. */
    Session create(String user, String authorization, String credentialHash, long connectionId) {
        long now = clockMillis.getAsLong();
        Session session = new Session(token(), token(), user, authorization, credentialHash, connectionId, now);
        synchronized (sessions) {
            endIf(s -> now - s.lastUsed >= idleTimeoutMs);
            Iterator<Session> oldest = sessions.values().iterator();
            while (sessions.size() >= maxSessions && oldest.hasNext()) {
                Session evicted = oldest.next();
                oldest.remove();
                ended.accept(evicted.connectionId);
            }
            sessions.put(session.id, session);
        }
        return session;
    }

    /** The live session with this id, its idle time restarted; empty (and ended) when expired or stale. */
    Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        long now = clockMillis.getAsLong();
        Session session;
        synchronized (sessions) {
            session = sessions.get(id);
            if (session == null) {
                return Optional.empty();
            }
            if (now - session.lastUsed >= idleTimeoutMs) {
                end(id);
                return Optional.empty();
            }
        }
        // Outside the lock: reading the credential store must not hold up other sessions.
        if (session.credentialHash != null) {
            Optional<String> current = credentials.currentHash(session.user);
            if (current.isEmpty() || !MessageDigest.isEqual(current.get().getBytes(StandardCharsets.UTF_8),
                    session.credentialHash.getBytes(StandardCharsets.UTF_8))) {
                end(id);
                return Optional.empty();
            }
        }
        synchronized (sessions) {
            if (sessions.get(id) != session) {
                return Optional.empty();
            }
            session.lastUsed = now;
        }
        return Optional.of(session);
    }

    /** Ends the session with this id (logout); nothing when there is none. */
    void end(String id) {
        Session removed;
        synchronized (sessions) {
            removed = sessions.remove(id);
        }
        if (removed != null) {
            ended.accept(removed.connectionId);
        }
    }

    /** The user's stored password hash now (what a new session is tied to). */
    Optional<String> credentialHash(String user) {
        return credentials.currentHash(user);
    }

    int size() {
        synchronized (sessions) {
            return sessions.size();
        }
    }

    private void endIf(Predicate<Session> condition) {
        Iterator<Session> it = sessions.values().iterator();
        while (it.hasNext()) {
            Session s = it.next();
            if (condition.test(s)) {
                it.remove();
                ended.accept(s.connectionId);
            }
        }
    }

    /** 256 random bits, URL-safe. */
    private static String token() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
