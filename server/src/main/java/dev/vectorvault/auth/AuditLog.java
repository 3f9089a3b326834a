package dev.vectorvault.auth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured line per security event, on the logger named {@code audit}: who, what, from where. Values are
 * quoted and stripped of control characters so a crafted user name cannot forge log lines. Never pass a secret here.
 *
 * <p>Logins refused by the throttle are the exception: a flood sends hundreds of thousands a minute, so they are
 * aggregated per (user, client) and time window ({@code common.security.loginThrottle.auditIntervalMs}). The first
 * refusal of a pair in a window is logged at once; the rest are counted and reported in one summary line per pair
 * when the window has ended (at the next login attempt that is not on a proven connection). At most
 * {@code common.security.loginThrottle.auditMaxPairs} pairs are tracked per window; refusals of further pairs are
 * counted together in one overflow line, so a window writes at most {@code 2 * auditMaxPairs + 1} such lines.
 */
public final class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger("audit");
    private static final long DEFAULT_INTERVAL_MS = 60_000;
    private static final int DEFAULT_MAX_PAIRS = 100;

    private final LongSupplier clockMillis;
    private final long intervalMs;
    private final int maxPairs;
    /** Refusals after the first, per (user, client) pair of the current window; guarded by itself. */
    private final Map<ThrottledPair, long[]> throttled = new LinkedHashMap<>();
    private long overflow;
    private long windowStart;
    /** When the current window's summary is due; MAX_VALUE while nothing is pending. */
    private volatile long summaryDueAt = Long.MAX_VALUE;

    private record ThrottledPair(String username, String client) {}

    /** Aggregates throttled refusals per minute, at most 100 pairs a minute. */
    public AuditLog() {
        this(DEFAULT_INTERVAL_MS, DEFAULT_MAX_PAIRS, System::currentTimeMillis);
    }

    public AuditLog(long intervalMs, int maxPairs, LongSupplier clockMillis) {
        if (intervalMs < 1 || maxPairs < 1) {
            throw new IllegalArgumentException("audit interval and pair limit must be positive");
        }
        this.intervalMs = intervalMs;
        this.maxPairs = maxPairs;
        this.clockMillis = clockMillis;
    }

    public void loginFailed(String username, String client, String reason) {
        LOG.warn("event=login_failed user={} client={} reason={}", quote(username), quote(client), reason);
    }

    /** A login refused by the throttle without checking the password; aggregated, see the class comment. */
    public void loginThrottled(String username, String client) {
        long now = clockMillis.getAsLong();
        synchronized (throttled) {
            writeSummaryIfDue(now);
            if (throttled.isEmpty() && overflow == 0) {
                windowStart = now;
                summaryDueAt = now + intervalMs;
            }
            ThrottledPair pair = new ThrottledPair(username, client);
            long[] suppressed = throttled.get(pair);
            if (suppressed != null) {
                suppressed[0]++;
            } else if (throttled.size() < maxPairs) {
                throttled.put(pair, new long[1]);
                loginFailed(username, client, "throttled");
            } else {
                overflow++;
            }
        }
    }

    /** Writes the throttled-refusal summary of a window that has ended; cheap when nothing is due. */
    public void flushDue() {
        long now = clockMillis.getAsLong();
        if (now < summaryDueAt) {
            return;
        }
        synchronized (throttled) {
            writeSummaryIfDue(now);
        }
    }

    private void writeSummaryIfDue(long now) {
        if (now < summaryDueAt) {
            return;
        }
        long windowMs = now - windowStart;
        throttled.forEach((pair, suppressed) -> {
            if (suppressed[0] > 0) {
                LOG.warn("event=login_failed user={} client={} reason=throttled repeated={} window_ms={}",
                        quote(pair.username()), quote(pair.client()), suppressed[0], windowMs);
            }
        });
        if (overflow > 0) {
            LOG.warn("event=login_failed user=* client=* reason=throttled repeated={} window_ms={}"
                    + " note=pairs_over_limit_{}", overflow, windowMs, maxPairs);
        }
        throttled.clear();
        overflow = 0;
        summaryDueAt = Long.MAX_VALUE;
    }

    public void userChanged(String event, String actor, String target, String client) {
        LOG.info("event={} actor={} user={} client={}", event, quote(actor), quote(target), quote(client));
    }

    public void denied(String action, String actor, String target, String client, String reason) {
        LOG.warn("event=denied action={} actor={} user={} client={} reason={}", action, quote(actor), quote(target),
                quote(client), reason);
    }

    /** A request refused by RBAC: the RPC, who, the object it needed the privilege on, and the privilege. */
    public void permissionDenied(String action, String actor, String object, String client, String privilege) {
        LOG.warn("event=permission_denied action={} actor={} object={} privilege={} client={}", action,
                quote(actor), quote(object), privilege, quote(client));
    }

    /** A change to roles, bindings, grants or privilege groups; {@code detail} names what changed, never a secret. */
    public void rbacChanged(String event, String actor, String detail, String client) {
        LOG.info("event={} actor={} detail={} client={}", event, quote(actor), quote(detail), quote(client));
    }

    static String quote(String value) {
        if (value == null) {
            return "\"\"";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), 256) + 2).append('"');
        value.codePoints().limit(256).forEach(c -> {
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
                out.append(String.format("\\x%02x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        if (value.codePointCount(0, value.length()) > 256) {
            out.append("...");
        }
        return out.append('"').toString();
    }
}
