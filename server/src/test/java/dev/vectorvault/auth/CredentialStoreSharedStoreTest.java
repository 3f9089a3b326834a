package dev.vectorvault.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.auth.CredentialStore.AddResult;
import dev.vectorvault.config.ServerConfig.ThrottleSettings;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.testing.Race;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two credential mirrors over one metadata store, as two server nodes sharing etcd: what one writes, the other finds
 * after {@link CredentialStore#reload()}, and writes that race are decided by the store.
 */
@Timeout(120)
class CredentialStoreSharedStoreTest {
    private static final long SEED = Race.seed(CredentialStoreSharedStoreTest.class);

    private final MvMetaStore meta = MvMetaStore.inMemory();
    private final CredentialStore nodeA = new CredentialStore(meta);
    private final CredentialStore nodeB = new CredentialStore(meta);

    @AfterEach
    void close() {
        meta.close();
    }

    @Test
    void aUserCreatedOnOneNodeIsFoundOnTheOtherAfterItsReload() {
        assertThat(nodeA.add("alice", "hash-a", "first", 100)).isEqualTo(AddResult.ADDED);
        assertThat(nodeB.find("alice")).isEmpty();

        nodeB.reload();

        StoredCredential seen = nodeB.find("alice").orElseThrow();
        assertThat(seen.passwordHash()).isEqualTo("hash-a");
        assertThat(seen.description()).isEqualTo("first");
        assertThat(nodeB.usernames()).containsExactly("alice");
    }

    @Test
    void aPasswordChangeOnOneNodeGivesTheOtherTheNewHashUnderANewRevisionAndLeavesOthersWarm() {
        nodeA.add("alice", "hash-1", "", 100);
        nodeA.add("bob", "hash-b", "", 100);
        nodeB.reload();
        StoredCredential aliceBefore = nodeA.find("alice").orElseThrow();
        StoredCredential bobBefore = nodeA.find("bob").orElseThrow();
        VerifiedCredentialCache cache = new VerifiedCredentialCache();
        byte[] aliceDigest = cache.digest("alice", Password.of("old-password"));
        byte[] bobDigest = cache.digest("bob", Password.of("bob-password"));
        cache.remember(aliceBefore, aliceDigest);
        cache.remember(bobBefore, bobDigest);

        assertThat(nodeB.replaceHash("alice", "hash-2", -1)).isPresent();
        nodeA.reload();

        StoredCredential aliceAfter = nodeA.find("alice").orElseThrow();
        assertThat(aliceAfter.passwordHash()).isEqualTo("hash-2");
        assertThat(aliceAfter.revision()).isNotEqualTo(aliceBefore.revision());
        assertThat(cache.matches(aliceAfter, aliceDigest)).as("old password no longer accepted from cache").isFalse();
        assertThat(nodeA.find("bob").orElseThrow()).isSameAs(bobBefore);
        assertThat(cache.matches(nodeA.find("bob").orElseThrow(), bobDigest)).as("unchanged user stays warm").isTrue();

        nodeA.reload();
        assertThat(nodeA.find("alice").orElseThrow().revision()).as("reload is idempotent")
                .isEqualTo(aliceAfter.revision());
    }

    @Test
    void afterAPasswordResetOnOneNodeTheOtherNodesAuthenticatorRefusesTheOldPasswordOnItsNextCall() {
        PasswordHasher hasher = new PasswordHasher(TestCredentials.CHEAP_HASH);
        Authenticator authA = authenticator(nodeA, hasher);
        Authenticator authB = authenticator(nodeB, hasher);
        nodeA.add("alice", hasher.hash(Password.of("old-password")), "", 100);
        nodeB.reload();
        assertThat(authA.authenticate("alice", Password.of("old-password"), "10.0.0.1", 7L))
                .isEqualTo(Authenticator.Outcome.ACCEPTED);

        nodeB.replaceHash("alice", authB.hashNewPassword(Password.of("new-password")), -1);
        nodeA.reload();

        assertThat(authA.authenticate("alice", Password.of("old-password"), "10.0.0.1", 7L))
                .isEqualTo(Authenticator.Outcome.REJECTED);
        assertThat(authA.authenticate("alice", Password.of("new-password"), "10.0.0.1", 7L))
                .isEqualTo(Authenticator.Outcome.ACCEPTED);
    }

    @Test
    void aUserDeletedOnOneNodeIsGoneFromTheOtherAfterItsReload() {
        nodeA.add("alice", "hash", "", 100);
        nodeB.reload();

        assertThat(nodeB.remove("alice")).isTrue();
        nodeA.reload();

        assertThat(nodeA.find("alice")).isEmpty();
        assertThat(nodeA.count()).isZero();
    }

    @Test
    void concurrentCreatesOfTheSameUserOnTwoNodesGiveExactlyOneSuccess() throws Exception {
        try (Race race = new Race(new Random(SEED), 2)) {
            for (int round = 0; round < 200; round++) {
                String name = "user" + round;
                List<Callable<?>> calls = List.of(() -> nodeA.add(name, "hash-A", "", 10_000),
                        () -> nodeB.add(name, "hash-B", "", 10_000));
                List<Race.Outcome> outcomes = race.run(calls);

                assertThat(outcomes).extracting(Race.Outcome::value).as("round " + round)
                        .containsExactlyInAnyOrder(AddResult.ADDED, AddResult.ALREADY_EXISTS);
                String winner = outcomes.get(0).value() == AddResult.ADDED ? "hash-A" : "hash-B";
                nodeA.reload();
                nodeB.reload();
                assertThat(nodeA.find(name).orElseThrow().passwordHash()).isEqualTo(winner);
                assertThat(nodeB.find(name).orElseThrow().passwordHash()).isEqualTo(winner);
            }
        }
    }

    @Test
    void aRevisionCheckedChangeFailsWhenAnotherNodeChangedTheUserInBetween() {
        nodeA.add("alice", "hash-1", "", 100);
        nodeB.reload();
        long seenByA = nodeA.find("alice").orElseThrow().revision();

        nodeB.replaceHash("alice", "hash-2", -1);

        // A re-hash after a login on A was decided on hash-1: it must not undo B's password reset.
        assertThat(nodeA.replaceHash("alice", "rehash-of-1", seenByA)).isEmpty();
        assertThat(nodeA.find("alice").orElseThrow().passwordHash()).isEqualTo("hash-2");
        nodeB.reload();
        assertThat(nodeB.find("alice").orElseThrow().passwordHash()).isEqualTo("hash-2");
    }

    @Test
    void aDescriptionChangeOnAStaleNodeKeepsThePasswordSetOnAnother() {
        nodeA.add("alice", "hash-1", "old", 100);
        nodeB.reload();

        nodeB.replaceHash("alice", "hash-2", -1);
        StoredCredential changed = nodeA.replaceDescription("alice", "new").orElseThrow();

        assertThat(changed.passwordHash()).isEqualTo("hash-2");
        nodeB.reload();
        assertThat(nodeB.find("alice").orElseThrow().passwordHash()).isEqualTo("hash-2");
        assertThat(nodeB.find("alice").orElseThrow().description()).isEqualTo("new");
    }

    private static Authenticator authenticator(CredentialStore credentials, PasswordHasher hasher) {
        ThrottleSettings throttle = new ThrottleSettings(true, 5, 20, 1_000, 30_000, 900_000);
        return new Authenticator(credentials, hasher, new VerifiedCredentialCache(),
                new LoginThrottle(throttle, System::currentTimeMillis), new AuditLog(), 2);
    }
}
