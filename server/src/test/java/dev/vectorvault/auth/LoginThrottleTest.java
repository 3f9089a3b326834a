package dev.vectorvault.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.config.ServerConfig.ThrottleSettings;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LoginThrottleTest {
    private final AtomicLong clock = new AtomicLong(5_000_000);
    private final LoginThrottle throttle =
            new LoginThrottle(new ThrottleSettings(true, 3, 10, 1_000, 8_000, 60_000), clock::get);

    @Test
    void freeFailuresAreNotDelayed() {
        for (int i = 0; i < 3; i++) {
            throttle.recordFailure("alice", "10.0.0.1");
        }
        assertThat(throttle.blockedForMs("alice", "10.0.0.1")).isZero();
    }

    @Test
    void delayDoublesWithEachFurtherFailureUpToTheCeiling() {
        long[] expected = {1_000, 2_000, 4_000, 8_000, 8_000};
        for (int i = 0; i < 3; i++) {
            throttle.recordFailure("alice", "10.0.0.1");
        }
        for (long delay : expected) {
            throttle.recordFailure("alice", "10.0.0.1");
            assertThat(throttle.blockedForMs("alice", "10.0.0.2")).isEqualTo(delay);
        }
    }

    @Test
    void blockEndsAfterItsDelaySoNoAccountIsLockedOutForGood() {
        for (int i = 0; i < 20; i++) {
            throttle.recordFailure("root", "10.0.0.1");
        }
        assertThat(throttle.blockedForMs("root", "10.0.0.3")).isEqualTo(8_000);
        clock.addAndGet(8_000);
        assertThat(throttle.blockedForMs("root", "10.0.0.3")).isZero();
    }

    @Test
    void countersAreForgottenAfterAQuietPeriod() {
        for (int i = 0; i < 4; i++) {
            throttle.recordFailure("alice", "10.0.0.1");
        }
        clock.addAndGet(60_001);
        throttle.recordFailure("alice", "10.0.0.1");
        assertThat(throttle.blockedForMs("alice", "10.0.0.1")).isZero();
    }

    @Test
    void anAddressIsBlockedAcrossUserNames() {
        for (int i = 0; i < 11; i++) {
            throttle.recordFailure("user" + i, "10.9.9.9");
        }
        assertThat(throttle.blockedForMs("someone_else", "10.9.9.9")).isPositive();
        assertThat(throttle.blockedForMs("someone_else", "10.0.0.1")).isZero();
    }

    @Test
    void anAddressThatLoggedInBeforeIsNotLockedOutByAnAttackElsewhere() {
        throttle.recordSuccess("app", "10.0.0.5");
        for (int i = 0; i < 6; i++) {
            throttle.recordFailure("app", "10.6.6.6");
        }
        assertThat(throttle.blockedForMs("app", "10.6.6.6")).isPositive();
        assertThat(throttle.blockedForMs("app", "10.0.0.7")).isPositive();
        assertThat(throttle.blockedForMs("app", "10.0.0.5")).isZero();
    }

    @Test
    void successTrustsItsAddressButDoesNotWipeFailuresFromElsewhere() {
        for (int i = 0; i < 4; i++) {
            throttle.recordFailure("alice", "10.6.6.6");
        }
        // A steady stream of successes from the application must not give an attacker endless free guesses.
        throttle.recordSuccess("alice", "10.0.0.1");
        assertThat(throttle.blockedForMs("alice", "10.6.6.6")).isPositive();
        assertThat(throttle.blockedForMs("alice", "10.0.0.2")).isPositive();
        assertThat(throttle.blockedForMs("alice", "10.0.0.1")).isZero();
    }

    @Test
    void trustLapsesAfterTheQuietPeriodUnlessRenewed() {
        throttle.recordSuccess("app", "10.0.0.5");
        clock.addAndGet(59_000);
        throttle.recordSuccess("app", "10.0.0.5");
        clock.addAndGet(59_000);
        for (int i = 0; i < 6; i++) {
            throttle.recordFailure("app", "10.6.6.6");
        }
        assertThat(throttle.blockedForMs("app", "10.0.0.5")).isZero();
        clock.addAndGet(61_000);
        for (int i = 0; i < 6; i++) {
            throttle.recordFailure("app", "10.6.6.6");
        }
        assertThat(throttle.blockedForMs("app", "10.0.0.5")).isPositive();
    }

    @Test
    void disabledThrottleNeverBlocks() {
        LoginThrottle off = new LoginThrottle(new ThrottleSettings(false, 0, 0, 1_000, 8_000, 60_000), clock::get);
        for (int i = 0; i < 100; i++) {
            off.recordFailure("alice", "10.0.0.1");
        }
        assertThat(off.blockedForMs("alice", "10.0.0.1")).isZero();
    }
}
