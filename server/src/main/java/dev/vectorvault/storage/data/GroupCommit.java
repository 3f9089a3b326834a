package dev.vectorvault.storage.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One collection's writes on their way to the log, carried in groups: while one thread (the leader) has a group in
 * the log, the writes that arrive meanwhile queue up, and the next leader carries all of them (up to
 * {@code maxWrites}) as one append. On Kafka an append is a transaction whose commit and marker wait cost the same
 * for one write or many, so concurrent writers share them instead of paying them one after the other.
 *
 * <p>Order: the queue is first in, first out, and one group is carried at a time, so writes reach the log, and memory,
 * in the order they queued (per shard, too). Each write keeps its own all-or-nothing outcome because its group is
 * one append: a group that fails fails every write in it, and none of them is acknowledged.
 *
 * <p>The queue is bounded by {@code maxWrites}: a write finding it full waits until the next group takes its writes,
 * so memory held by waiting writes stays bounded however many clients write.
 */
final class GroupCommit<W> {
    /** One client write waiting for its group; {@link #await} gives its outcome. */
    static final class Pending<W> {
        private final W write;
        private boolean done;
        private int result;
        private RuntimeException failure;
        private Error fatal;

        private Pending(W write) {
            this.write = write;
        }

        /** The write this pending entry stands for, as {@link #submit} received it. */
        W write() {
            return write;
        }

        /** Records the write's own result once its group is in the log and in memory. */
        void succeeded(int count) {
            result = count;
        }

        /** Records a failure of this write alone (its group's append succeeded). */
        void failed(RuntimeException e) {
            failure = e;
        }
    }

    /** Carries one group: appends every write's records as one unit, then applies them to memory in order. */
    interface Carrier<W> extends Consumer<List<Pending<W>>> {}

    private final int maxWrites;
    private final ArrayDeque<Pending<W>> waiting = new ArrayDeque<>();
    /** Whether a thread is carrying a group; guarded by {@code waiting}. */
    private boolean leading;

    GroupCommit(int maxWrites) {
        if (maxWrites < 1) {
            throw new IllegalArgumentException("a group carries at least one write, got " + maxWrites);
        }
        this.maxWrites = maxWrites;
    }

    /**
     * Queues {@code write} and returns once a group carried it: its result, or the failure of its group (or of
     * applying it). The calling thread may carry groups of other writes meanwhile.
     */
    int submit(W write, Carrier<W> carrier) {
        Pending<W> mine = new Pending<>(write);
        boolean interrupted = false;
        boolean leader;
        synchronized (waiting) {
            // Uninterruptible like the monitor it replaces: a queued write must learn its outcome.
            while (waiting.size() >= maxWrites) {
                interrupted |= waitOn();
            }
            waiting.add(mine);
            while (!mine.done && leading) {
                interrupted |= waitOn();
            }
            leader = !mine.done;
            leading |= leader;
        }
        if (leader) {
            try {
                // Only a leader takes writes from the queue, so this one's write is queued or carried.
                while (!isDone(mine)) {
                    carryOneGroup(carrier);
                }
            } finally {
                synchronized (waiting) {
                    leading = false;
                    waiting.notifyAll();
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (mine.fatal != null) {
            throw mine.fatal;
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.result;
    }

    /** Takes the queued writes (up to the limit) and carries them; marks each done with its outcome. */
    private void carryOneGroup(Carrier<W> carrier) {
        List<Pending<W>> group = new ArrayList<>();
        synchronized (waiting) {
            while (!waiting.isEmpty() && group.size() < maxWrites) {
                group.add(waiting.poll());
            }
            waiting.notifyAll(); // room in the queue
        }
        RuntimeException failure = null;
        Error fatal = null;
        try {
            carrier.accept(group);
        } catch (RuntimeException e) {
            failure = e;
        } catch (Error e) {
            fatal = e;
        }
        synchronized (waiting) {
            for (Pending<W> pending : group) {
                if (failure != null) {
                    pending.failure = failure;
                }
                pending.fatal = fatal;
                pending.done = true;
            }
            waiting.notifyAll();
        }
    }

    /** How many writes wait for a group to take them. */
    int waiting() {
        synchronized (waiting) {
            return waiting.size();
        }
    }

    private boolean isDone(Pending<W> pending) {
        synchronized (waiting) {
            return pending.done;
        }
    }

    /** Waits for a change of the queue; true if the wait was interrupted. */
    private boolean waitOn() {
        try {
            waiting.wait();
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }
}
