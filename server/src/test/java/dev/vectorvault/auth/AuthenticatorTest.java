package dev.vectorvault.auth;

import static dev.vectorvault.auth.Authenticator.Outcome.ACCEPTED;
import static dev.vectorvault.auth.Authenticator.Outcome.REJECTED;
import static dev.vectorvault.auth.Authenticator.Outcome.THROTTLED;
import static dev.vectorvault.auth.TestCredentials.caller;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.config.ServerConfig.HashSettings;
import dev.vectorvault.config.ServerConfig.ThrottleSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AuthenticatorTest {
    private final TestCredentials t = new TestCredentials();

    @Test
    void rootExistsWithTheDefaultPasswordFromTheFirstStart() {
        assertThat(t.authenticator.authenticate("root", Password.of("Milvus"), "127.0.0.1")).isEqualTo(ACCEPTED);
        assertThat(t.users.rootHasWellKnownPassword()).isTrue();
    }

    @Test
    void unknownUserAndWrongPasswordAreBothRejected() {
        assertThat(t.authenticator.authenticate("nobody", Password.of("Milvus"), "127.0.0.1")).isEqualTo(REJECTED);
        assertThat(t.authenticator.authenticate("root", Password.of("milvus"), "127.0.0.1")).isEqualTo(REJECTED);
    }

    @Test
    void verifiedPasswordIsCachedAndAnyOtherPasswordStillFails() {
        t.users.createUser(caller("root"), "alice", Password.of("alice-pw-1"), "");
        assertThat(t.authenticator.authenticate("alice", Password.of("alice-pw-1"), "a")).isEqualTo(ACCEPTED);
        assertThat(t.cache.size()).isEqualTo(1);
        assertThat(t.authenticator.authenticate("alice", Password.of("alice-pw-1"), "a")).isEqualTo(ACCEPTED);
        assertThat(t.authenticator.authenticate("alice", Password.of("alice-pw-2"), "a")).isEqualTo(REJECTED);
    }

    @Test
    void passwordChangeTakesEffectOnTheVeryNextCall() {
        t.users.createUser(caller("root"), "bob", Password.of("old-password"), "");
        assertThat(t.authenticator.authenticate("bob", Password.of("old-password"), "a")).isEqualTo(ACCEPTED);
        t.users.changePassword(caller("bob"), "bob", Password.of("old-password"), Password.of("new-password"));
        assertThat(t.authenticator.authenticate("bob", Password.of("old-password"), "a")).isEqualTo(REJECTED);
        assertThat(t.authenticator.authenticate("bob", Password.of("new-password"), "a")).isEqualTo(ACCEPTED);
    }

    @Test
    void staleCacheEntryFromARacingLoginIsNeverHonoured() {
        t.users.createUser(caller("root"), "carol", Password.of("first-pass"), "");
        StoredCredential before = t.credentials.find("carol").orElseThrow();
        byte[] digest = t.cache.digest("carol", Password.of("first-pass"));
        t.users.changePassword(caller("root"), "carol", Password.of("first-pass"), Password.of("second-pass"));
        // A login that verified the old hash finishes after the change and caches what it saw.
        t.cache.remember(before, digest);
        assertThat(t.authenticator.authenticate("carol", Password.of("first-pass"), "a")).isEqualTo(REJECTED);
    }

    @Test
    void deletedUserCannotCallAgain() {
        t.users.createUser(caller("root"), "dave", Password.of("dave-password"), "");
        assertThat(t.authenticator.authenticate("dave", Password.of("dave-password"), "a")).isEqualTo(ACCEPTED);
        t.users.deleteUser(caller("root"), "dave");
        assertThat(t.authenticator.authenticate("dave", Password.of("dave-password"), "a")).isEqualTo(REJECTED);
    }

    @Test
    void repeatedFailuresThrottleEvenTheRightPasswordUntilTheDelayPasses() {
        for (int i = 0; i < 6; i++) {
            t.authenticator.authenticate("root", Password.of("guess-" + i), "10.1.1.1");
        }
        assertThat(t.authenticator.authenticate("root", Password.of("Milvus"), "10.1.1.1")).isEqualTo(THROTTLED);
        t.clock.addAndGet(60_000);
        assertThat(t.authenticator.authenticate("root", Password.of("Milvus"), "10.1.1.1")).isEqualTo(ACCEPTED);
    }

    @Test
    void connectedClientKeepsWorkingWhileItsAddressIsFlooded() {
        t.users.createUser(caller("root"), "app", Password.of("app-password"), "");
        assertThat(t.authenticator.authenticate("app", Password.of("app-password"), "10.0.0.9", 7L))
                .isEqualTo(ACCEPTED);
        for (int i = 0; i < 30; i++) {
            t.authenticator.authenticate("ghost" + i, Password.of("guess-" + i), "10.0.0.9", 8L);
        }
        // The flooded address is blocked for new proofs, even with the right password ...
        assertThat(t.authenticator.authenticate("app", Password.of("app-password"), "10.0.0.9", 9L))
                .isEqualTo(THROTTLED);
        // ... but the connection that already proved this credential is not.
        assertThat(t.authenticator.authenticate("app", Password.of("app-password"), "10.0.0.9", 7L))
                .isEqualTo(ACCEPTED);
        // Guessing over the proven connection gains nothing: a different password is throttled like any other.
        assertThat(t.authenticator.authenticate("app", Password.of("app-passwore"), "10.0.0.9", 7L))
                .isEqualTo(THROTTLED);
        t.authenticator.connectionClosed(7L);
        assertThat(t.authenticator.authenticate("app", Password.of("app-password"), "10.0.0.9", 7L))
                .isEqualTo(THROTTLED);
    }

    @Test
    void passwordChangeEndsWhatAConnectionHadProved() {
        t.users.createUser(caller("root"), "app", Password.of("app-password"), "");
        assertThat(t.authenticator.authenticate("app", Password.of("app-password"), "a", 1L)).isEqualTo(ACCEPTED);
        t.users.changePassword(caller("app"), "app", Password.of("app-password"), Password.of("next-password"));
        assertThat(t.authenticator.authenticate("app", Password.of("app-password"), "a", 1L)).isEqualTo(REJECTED);
    }

    @Test
    void cheaperStoredHashIsUpgradedOnSuccessfulLogin() {
        TestCredentials weak = new TestCredentials();
        weak.users.createUser(caller("root"), "erin", Password.of("erin-password"), "");
        String cheapHash = weak.credentials.find("erin").orElseThrow().passwordHash();

        // Same store, now configured with a higher cost.
        PasswordHasher stronger = new PasswordHasher(new HashSettings(128, 2, 1));
        CredentialStore reopened = new CredentialStore(weak.store);
        Authenticator upgraded = new Authenticator(reopened, stronger, new VerifiedCredentialCache(),
                new LoginThrottle(new ThrottleSettings(false, 5, 5, 1, 1, 1), System::currentTimeMillis),
                new AuditLog(), 1);
        assertThat(upgraded.authenticate("erin", Password.of("erin-password"), "a")).isEqualTo(ACCEPTED);
        String newHash = reopened.find("erin").orElseThrow().passwordHash();
        assertThat(newHash).isNotEqualTo(cheapHash).startsWith("$argon2id$v=19$m=128,t=2,p=1$");
        assertThat(upgraded.authenticate("erin", Password.of("erin-password"), "a")).isEqualTo(ACCEPTED);
    }
}
