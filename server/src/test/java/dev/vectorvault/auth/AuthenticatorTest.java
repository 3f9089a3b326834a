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
    void aConnectionIsProvenOnlyForTheCredentialsItPresentedUntilItCloses() {
        t.users.createUser(caller("root"), "app", Password.of("app-password"), "");
        assertThat(t.authenticator.provenOn(7L, "app", Password.of("app-password"))).isFalse();
        assertThat(t.authenticator.authenticate("app", Password.of("app-password"), "10.0.0.9", 7L))
                .isEqualTo(ACCEPTED);
        assertThat(t.authenticator.provenOn(7L, "app", Password.of("app-password"))).isTrue();
        assertThat(t.authenticator.provenOn(7L, "app", Password.of("app-passwore"))).isFalse();
        assertThat(t.authenticator.provenOn(8L, "app", Password.of("app-password"))).isFalse();
        assertThat(t.authenticator.provenOn(7L, "ghost", Password.of("app-password"))).isFalse();
        t.authenticator.connectionClosed(7L);
        assertThat(t.authenticator.provenOn(7L, "app", Password.of("app-password"))).isFalse();
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

    // ---- issue 10 finding 2: an attacker elsewhere must not lock root out

    /** Wrong guesses at root from the attacker's address until root's name is blocked. */
    private void attackerBlocksRoot(String attacker) {
        for (int i = 0; i < 6; i++) {
            t.authenticator.authenticate("root", Password.of("guess-" + i), attacker);
        }
        assertThat(t.throttle.blockedForMs("root", attacker)).isPositive();
    }

    @Test
    void anAddressThatProvedTheCredentialThroughTheCacheKeepsWorkingWhileAnotherAddressIsThrottled() {
        // An operator's tool did the first, slow check; the application's first login is then a cache hit.
        assertThat(t.authenticator.authenticate("root", Password.of("Milvus"), "127.0.0.3", 1L)).isEqualTo(ACCEPTED);
        assertThat(t.authenticator.authenticate("root", Password.of("Milvus"), "127.0.0.1", 2L)).isEqualTo(ACCEPTED);
        attackerBlocksRoot("127.0.0.2");

        // New connections of the application, with the right password, still get in ...
        for (long connection = 10; connection < 30; connection++) {
            t.clock.addAndGet(10_000);
            t.authenticator.authenticate("root", Password.of("guess-again"), "127.0.0.2");
            assertThat(t.authenticator.authenticate("root", Password.of("Milvus"), "127.0.0.1", connection))
                    .isEqualTo(ACCEPTED);
        }
        // ... while the attacker stays throttled, even when it sends the right password (no oracle during a block),
        // and so does an address that never proved the credential.
        assertThat(t.authenticator.authenticate("root", Password.of("Milvus"), "127.0.0.2", 99L)).isEqualTo(THROTTLED);
        assertThat(t.authenticator.authenticate("root", Password.of("Milvus"), "127.0.0.4", 98L)).isEqualTo(THROTTLED);
    }

    @Test
    void refusedRetriesDoNotExtendTheBlockSoItEndsWithinTheCeiling() {
        attackerBlocksRoot("10.6.6.6");
        // The legitimate party, from an address that never proved root, retries every second; the attacker stopped.
        long waitedMs = 0;
        while (t.authenticator.authenticate("root", Password.of("Milvus"), "10.0.0.1") != ACCEPTED) {
            assertThat(waitedMs).as("root refused for longer than the block ceiling").isLessThanOrEqualTo(30_000);
            t.clock.addAndGet(1_000);
            waitedMs += 1_000;
        }
        assertThat(waitedMs).isPositive();
    }

    @Test
    void anAttackerRetryingIntoTheBlockCannotKeepItClosedForGood() {
        attackerBlocksRoot("10.6.6.6");
        // One guess every 10 s for ten minutes: the checked ones are throttled ever longer, up to the ceiling ...
        int checked = 0;
        for (int i = 0; i < 60; i++) {
            t.clock.addAndGet(10_000);
            if (t.authenticator.authenticate("root", Password.of("guess-x" + i), "10.6.6.6") != THROTTLED) {
                checked++;
            }
        }
        assertThat(checked).as("guesses checked in ten minutes").isBetween(5, 25);
        // ... and a block never outlasts the ceiling after the last checked guess.
        t.clock.addAndGet(30_000);
        assertThat(t.authenticator.authenticate("root", Password.of("Milvus"), "10.0.0.1")).isEqualTo(ACCEPTED);
    }

    @Test
    void aLongLivedProvenConnectionKeepsItsAddressTrustedForItsNextConnection() {
        assertThat(t.authenticator.authenticate("root", Password.of("Milvus"), "10.0.0.1", 1L)).isEqualTo(ACCEPTED);
        // The application works over its one connection for longer than the quiet period (15 minutes) ...
        for (int minute = 0; minute < 20; minute++) {
            t.clock.addAndGet(60_000);
            assertThat(t.authenticator.authenticate("root", Password.of("Milvus"), "10.0.0.1", 1L))
                    .isEqualTo(ACCEPTED);
        }
        attackerBlocksRoot("10.6.6.6");
        // ... so when it opens a second connection during an attack, its address is still known.
        assertThat(t.authenticator.authenticate("root", Password.of("Milvus"), "10.0.0.1", 2L)).isEqualTo(ACCEPTED);
    }

    // ---- issue 10 finding 9: a stored hash over the cost limits is never run

    @Test
    void storedHashOverTheCostLimitsIsRefusedWithoutRunningIt() {
        TestCredentials limited = new TestCredentials(new HashSettings(64, 1, 1, 256, 2, 2, 5),
                new ThrottleSettings(true, 5, 20, 1_000, 30_000, 900_000));
        String costly = new PasswordHasher(new HashSettings(1_024, 1, 1)).hash(Password.of("costly-password"));
        limited.credentials.add("costly", costly, "", 100);
        assertThat(limited.hasher.costOverLimit(costly)).hasValueSatisfying(problem -> assertThat(problem)
                .contains("common.security.argon2.maxMemoryKiB").doesNotContain(costly.substring(30)));
        assertThat(limited.authenticator.authenticate("costly", Password.of("costly-password"), "a"))
                .isEqualTo(REJECTED);
        assertThat(limited.hasher.verify(Password.of("costly-password"), costly)).isFalse();
    }
}
