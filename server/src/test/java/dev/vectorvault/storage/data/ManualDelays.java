package dev.vectorvault.storage.data;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * {@link DataExecutors.Delays} on a clock that moves only when a test says so: a task runs, on the caller's thread,
 * once {@link #advance} has moved the clock past its due time. Tests see every delay asked for, and wait for nothing.
 */
final class ManualDelays implements DataExecutors.Delays {
    private record Pending(long dueNanos, long order, Runnable task) {}

    private final PriorityQueue<Pending> pending = new PriorityQueue<>(
            Comparator.comparingLong(Pending::dueNanos).thenComparingLong(Pending::order));
    private final List<Duration> asked = new ArrayList<>();
    private long nowNanos;
    private long scheduled;

    @Override
    public synchronized void schedule(Duration delay, Runnable task) {
        asked.add(delay);
        pending.add(new Pending(nowNanos + delay.toNanos(), scheduled++, task));
    }

    /** Moves the clock on and runs, in due order, every task due by then (including those scheduled meanwhile). */
    void advance(Duration by) {
        long until;
        synchronized (this) {
            until = nowNanos + by.toNanos();
        }
        while (true) {
            Pending next;
            synchronized (this) {
                next = pending.peek();
                if (next == null || next.dueNanos() > until) {
                    nowNanos = until;
                    return;
                }
                pending.poll();
                nowNanos = Math.max(nowNanos, next.dueNanos());
            }
            next.task().run();
        }
    }

    /** The hand-driven clock in milliseconds (a garbage policy's clock in tests). */
    synchronized long nowMillis() {
        return nowNanos / 1_000_000L;
    }

    /** Every delay asked for so far, in order. */
    synchronized List<Duration> asked() {
        return List.copyOf(asked);
    }

    synchronized int pendingCount() {
        return pending.size();
    }
}
