package dev.vectorvault.auth;

import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.config.ServerConfig.HashSettings;
import dev.vectorvault.config.ServerConfig.ThrottleSettings;
import dev.vectorvault.storage.MvMetaStore;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** Wires the auth services over an in-memory store with a cheap hash cost and a controllable clock. */
final class TestCredentials {
    /** Far below production cost, so unit tests stay fast; production refuses anything under 19 MiB / t=2. */
    static final HashSettings CHEAP_HASH = new HashSettings(64, 1, 1);

    final AtomicLong clock = new AtomicLong(1_000_000);
    final MvMetaStore store = MvMetaStore.inMemory();
    final CredentialStore credentials = new CredentialStore(store);
    final VerifiedCredentialCache cache = new VerifiedCredentialCache();
    final PasswordHasher hasher;
    final LoginThrottle throttle;
    final Authenticator authenticator;
    final UserService users;

    TestCredentials() {
        this(CHEAP_HASH, new ThrottleSettings(true, 5, 20, 1_000, 30_000, 900_000));
    }

    TestCredentials(HashSettings hash, ThrottleSettings throttleSettings) {
        hasher = new PasswordHasher(hash);
        throttle = new LoginThrottle(throttleSettings, clock::get);
        AuditLog audit = new AuditLog(throttleSettings.auditIntervalMs(), throttleSettings.auditMaxPairs(), clock::get);
        authenticator = new Authenticator(credentials, hasher, cache, throttle, audit, 2);
        users = new UserService(credentials, authenticator, hasher,
                new CredentialPolicy(ServerConfig.defaults().limits()),
                new AdministratorPolicy(true, Set.of("admin_su")), new AuditLog(), Set.of("admin_su"));
        users.bootstrapRoot(ServerConfig.defaults().defaultRootPassword());
    }

    static Caller caller(String user) {
        return new Caller(user, true, "127.0.0.1", "default");
    }
}
