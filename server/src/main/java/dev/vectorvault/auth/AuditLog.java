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
    private final Format format;
    /** Beside the {@code audit} logger (standard output): the audit file, when one is configured. */
    private final AuditSink file;
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
        this(intervalMs, maxPairs, clockMillis, Format.TEXT, AuditSink.NONE);
    }

    /**
     * @param format how each event is written: {@code key=value} text, or one JSON object per line
     * @param file   where events also go (the rolling audit file), or {@link AuditSink#NONE}
     */
    public AuditLog(long intervalMs, int maxPairs, LongSupplier clockMillis, Format format, AuditSink file) {
        if (intervalMs < 1 || maxPairs < 1) {
            throw new IllegalArgumentException("audit interval and pair limit must be positive");
        }
        this.intervalMs = intervalMs;
        this.maxPairs = maxPairs;
        this.clockMillis = clockMillis;
        this.format = format;
        this.file = file;
    }

    /** How an event is written: {@code proxy.auditLog.format}. */
    public enum Format {
        /** {@code event=login_failed user="alice" client="10.0.0.1" reason=bad_credentials} */
        TEXT,
        /** {@code {"time":"...","level":"WARN","event":"login_failed","user":"alice",...}}, one object per line */
        JSON
    }

    /** One field of an event: user-supplied text is quoted (and stripped of control characters) in text lines. */
    private record Field(String key, Object value, boolean quoted) {}

    private static Field quoted(String key, String value) {
        return new Field(key, value, true);
    }

    private static Field plain(String key, Object value) {
        return new Field(key, value, false);
    }

    private void write(boolean warn, String event, Field... fields) {
        String line = format == Format.JSON ? json(warn, event, fields) : text(event, fields);
        if (warn) {
            LOG.warn(line);
        } else {
            LOG.info(line);
        }
        file.write(warn, line);
    }

    private static String text(String event, Field... fields) {
        StringBuilder line = new StringBuilder("event=").append(event);
        for (Field field : fields) {
            line.append(' ').append(field.key()).append('=')
                    .append(field.quoted() ? quote((String) field.value()) : String.valueOf(field.value()));
        }
        return line.toString();
    }

    private String json(boolean warn, String event, Field... fields) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("time", java.time.Instant.ofEpochMilli(clockMillis.getAsLong()).toString());
        object.put("level", warn ? "WARN" : "INFO");
        object.put("event", event);
        for (Field field : fields) {
            object.put(field.key(), field.quoted() ? truncate((String) field.value()) : field.value());
        }
        try {
            // Jackson escapes control characters and quotes, so a crafted name cannot break the line either.
            return JSON.writeValueAsString(object);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("audit event not writable as JSON: " + event, e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    public void loginFailed(String username, String client, String reason) {
        write(true, "login_failed", quoted("user", username), quoted("client", client), plain("reason", reason));
    }

    /**
     * A connection proved a credential (the first call of a connection, or a new password on it): audited once per
     * connection, not per call, so an application's traffic does not flood the audit.
     */
    public void loginSucceeded(String username, String client) {
        write(false, "login_succeeded", quoted("user", username), quoted("client", client));
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
                write(true, "login_failed", quoted("user", pair.username()), quoted("client", pair.client()),
                        plain("reason", "throttled"), plain("repeated", suppressed[0]), plain("window_ms", windowMs));
            }
        });
        if (overflow > 0) {
            write(true, "login_failed", plain("user", "*"), plain("client", "*"), plain("reason", "throttled"),
                    plain("repeated", overflow), plain("window_ms", windowMs),
                    plain("note", "pairs_over_limit_" + maxPairs));
        }
        throttled.clear();
        overflow = 0;
        summaryDueAt = Long.MAX_VALUE;
    }

    public void userChanged(String event, String actor, String target, String client) {
        write(false, event, quoted("actor", actor), quoted("user", target), quoted("client", client));
    }

    public void denied(String action, String actor, String target, String client, String reason) {
        write(true, "denied", plain("action", action), quoted("actor", actor), quoted("user", target),
                quoted("client", client), plain("reason", reason));
    }

    /** A request refused by RBAC: the RPC, who, the object it needed the privilege on, and the privilege. */
    public void permissionDenied(String action, String actor, String object, String client, String privilege) {
        write(true, "permission_denied", plain("action", action), quoted("actor", actor), quoted("object", object),
                plain("privilege", privilege), quoted("client", client));
    }

    /** A change to roles, bindings, grants or privilege groups; {@code detail} names what changed, never a secret. */
    public void rbacChanged(String event, String actor, String detail, String client) {
        write(false, event, quoted("actor", actor), quoted("detail", detail), quoted("client", client));
    }

    /** At most 256 code points of a user-supplied value, as in text lines. */
    private static String truncate(String value) {
        if (value == null) {
            return "";
        }
        if (value.codePointCount(0, value.length()) <= 256) {
            return value;
        }
        return value.substring(0, value.offsetByCodePoints(0, 256)) + "...";
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
