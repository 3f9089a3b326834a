package dev.vectorvault.auth;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last audit events in memory, for the web console's audit page: a bounded ring fed through the same
 * {@link AuditSink} seam as the audit file, so it shows exactly the lines the audit trail holds (text or JSON, as
 * {@code proxy.auditLog.format} says). The oldest event goes when the ring is full, so a flood cannot grow it.
 */
public final class RecentAuditEvents implements AuditSink {
    private static final Pattern TEXT_EVENT = Pattern.compile("^event=([a-z_]+)");
    private static final Pattern JSON_EVENT = Pattern.compile("\"event\":\"([a-z_]+)\"");

    /** One audit line as written, with when it arrived and its event name. */
    public record Event(long timeMillis, boolean warn, String event, String line) {
        /** A failed or throttled login. */
        public boolean loginFailure() {
            return event.startsWith("login_") && !event.equals("login_succeeded");
        }
    }

    private final int capacity;
    private final LongSupplier clockMillis;
    private final ArrayDeque<Event> events;

    public RecentAuditEvents(int capacity, LongSupplier clockMillis) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.clockMillis = clockMillis;
        this.events = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    @Override
    public void write(boolean warn, String line) {
        Event event = new Event(clockMillis.getAsLong(), warn, eventName(line), line);
        synchronized (events) {
            if (events.size() == capacity) {
                events.removeFirst();
            }
            events.addLast(event);
        }
    }

    /** The newest events first, at most {@code limit}. */
    public List<Event> newest(int limit) {
        List<Event> out = new ArrayList<>(Math.min(limit, capacity));
        synchronized (events) {
            var it = events.descendingIterator();
            while (it.hasNext() && out.size() < limit) {
                out.add(it.next());
            }
        }
        return out;
    }

    private static String eventName(String line) {
        Matcher m = TEXT_EVENT.matcher(line);
        if (m.find()) {
            return m.group(1);
        }
        m = JSON_EVENT.matcher(line);
        return m.find() ? m.group(1) : "unknown";
    }

    /** Both sinks get every line; neither may throw (the contract of {@link AuditSink#write}). */
    public static AuditSink both(AuditSink first, AuditSink second) {
        return new AuditSink() {
            @Override
            public void write(boolean warn, String line) {
                first.write(warn, line);
                second.write(warn, line);
            }

            @Override
            public void close() {
                first.close();
                second.close();
            }
        };
    }
}
