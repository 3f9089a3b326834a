package dev.vectorvault.auth;

import dev.vectorvault.config.ServerConfig.ThrottleSettings;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows down password guessing. After a number of free failures, a user name and a client address are each blocked
 * for a delay that doubles with every further checked failure up to a ceiling; while blocked, every attempt is refused
 * without checking the password (so guessing gains nothing). A refused attempt is not a failure: it neither counts nor
 * extends the block, so a block always ends within the ceiling of the last checked guess, and an attacker retrying
 * into a block cannot keep an account closed for longer. Counters are forgotten after a quiet period, so no account,
 * root included, is ever locked out for good.
 *
 * <p>An address that proved a user's credential within the quiet period (a slow check, a cache hit, or a call on a
 * connection that had proved it) is exempt from that user's block, not from its own address block: an attacker
 * elsewhere cannot lock a working application out of its account. A success does not clear the user's failure count,
 * because those failures may have come from somewhere else. Thread-safe.
 */
public final class LoginThrottle {
    private static final int MAX_TRACKED = 100_000;
    /** A trusted pair's timestamp is rewritten at most this often, so busy clients cost a map read per call. */
    private static final long TRUST_REFRESH_MS = 1_000;

    private record Counter(int failures, long lastFailureAt, long blockedUntil) {}

    private final ThrottleSettings settings;
    private final LongSupplier clockMillis;
    private final Map<String, Counter> users = new ConcurrentHashMap<>();
    private final Map<String, Counter> addresses = new ConcurrentHashMap<>();
    private final Map<String, Long> trustedPairs = new ConcurrentHashMap<>();

    public LoginThrottle(ThrottleSettings settings, LongSupplier clockMillis) {
        this.settings = settings;
        this.clockMillis = clockMillis;
    }

    /** Milliseconds until this user may try again from this address; 0 when an attempt may go ahead. */
    public long blockedForMs(String username, String address) {
        if (!settings.enabled()) {
            return 0;
        }
        long now = clockMillis.getAsLong();
        long byAddress = remaining(addresses.get(address), now);
        long byUser = isTrusted(username, address, now) ? 0 : remaining(users.get(username), now);
        return Math.max(byAddress, byUser);
    }

    public void recordFailure(String username, String address) {
        if (!settings.enabled()) {
            return;
        }
        long now = clockMillis.getAsLong();
        bump(users, username, settings.userFreeFailures(), now);
        bump(addresses, address, settings.addressFreeFailures(), now);
    }

    /** {@code address} proved {@code username}'s current credential just now: it is exempt from the user's block. */
    public void recordSuccess(String username, String address) {
        if (!settings.enabled()) {
            return;
        }
        long now = clockMillis.getAsLong();
        String pair = pair(username, address);
        Long since = trustedPairs.get(pair);
        if (since != null && now - since < TRUST_REFRESH_MS) {
            return;
        }
        if (since == null && trustedPairs.size() >= MAX_TRACKED) {
            trustedPairs.values().removeIf(t -> now - t > settings.forgetAfterMs());
            if (trustedPairs.size() >= MAX_TRACKED) {
                trustedPairs.clear();
            }
        }
        trustedPairs.put(pair, now);
    }

    private boolean isTrusted(String username, String address, long now) {
        Long since = trustedPairs.get(pair(username, address));
        return since != null && now - since <= settings.forgetAfterMs();
    }

    private long remaining(Counter counter, long now) {
        if (counter == null || now - counter.lastFailureAt > settings.forgetAfterMs()) {
            return 0;
        }
        return Math.max(0, counter.blockedUntil - now);
    }

    private void bump(Map<String, Counter> counters, String key, int freeFailures, long now) {
        if (counters.size() >= MAX_TRACKED) {
            // Bounded memory under a flood of made-up names: drop what has gone quiet, then, if needed, everything.
            counters.values().removeIf(c -> now - c.lastFailureAt > settings.forgetAfterMs());
            if (counters.size() >= MAX_TRACKED) {
                counters.clear();
            }
        }
        counters.compute(key, (k, old) -> {
            int failures = (old == null || now - old.lastFailureAt > settings.forgetAfterMs()) ? 1 : old.failures + 1;
            long blockedUntil = failures > freeFailures ? now + delayFor(failures - freeFailures) : 0;
            return new Counter(failures, now, blockedUntil);
        });
    }

    /** base, 2*base, 4*base, ... capped at the maximum. */
    private long delayFor(int excessFailures) {
        int doublings = Math.min(excessFailures - 1, 40);
        long delay = settings.baseDelayMs() << doublings;
        return delay < 0 ? settings.maxDelayMs() : Math.min(delay, settings.maxDelayMs());
    }

    private static String pair(String username, String address) {
        return username + '\u0000' + address;
    }
}
