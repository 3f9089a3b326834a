package dev.vectorvault.storage.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One collection's writes on their way to the log, carried in groups: while one thread (the leader) has a group in
 * the log, the writes that arrive meanwhile queue up, and the next leader carries all of them (up to
 * {@code maxWrites}) as one append. On Kafka an append is a transaction whose commit and marker wait cost the same
 * for one write or many, so concurrent writers share them instead of paying them one after the other.
 *
 * <p>Order: the queue is first in, first out, and groups are numbered as they leave it. With one lane
 * ({@code kafka.transactionsInFlight} 1) one group is carried at a time, so writes reach the log, and memory, in the
 * order they queued (per shard, too). With several lanes up to that many groups are in flight at once, each its own
 * transaction, and the {@link Turn} keeps the same order where it matters: a group sends its records only after the
 * group before it has all of its records in the log (so log order per shard is group order), applies to memory only
 * after every earlier group ended, and groups end in their order. Groups that share a primary key, or hold a delete,
 * never overlap in time: the later one starts once the earlier one ended. Each write keeps its own all-or-nothing
 * outcome because its group is one append: a group that fails fails every write in it, and none of them is
 * acknowledged.
 *
 * <p>The queue is bounded by {@code maxWrites}: a write finding it full waits until the next group takes its writes,
 * so memory held by waiting writes stays bounded however many clients write.
 *
 * <p>Gathering ({@code gatherNanos} above 0): a leader that finds fewer writes queued than there were writes at once
 * since the group before it left waits, at most that long, for as many. Without it, concurrent clients fall into
 * cohorts: the writes acknowledged together come back together, but those that queued meanwhile leave just before
 * them, so the clients split into groups that alternate (one write and seven, or four and four, for eight clients),
 * each paying a whole append (measured on Kafka: about four writes per transaction for eight clients,
 * docs/benchmarks.md "insertpath"). The writes at once are the evidence of how many writers there are: a lone writer
 * never has another write beside its own, so it never waits, and a leader that waited in vain sees fewer next time.
 */
final class GroupCommit<W> {
    /** One client write waiting for its group; {@link #await} gives its outcome. */
    static final class Pending<W> {
        private final W write;
        private boolean done;
        /** Taken from the queue into a group; guarded by the queue. */
        private boolean taken;
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

    /**
     * Carries one group knowing its place among the groups in flight ({@link Turn}); with one lane, the only one in
     * flight.
     */
    interface OrderedCarrier<W> {
        void carry(List<Pending<W>> group, Turn turn);
    }

    /**
     * A group's place in the collection's order. Groups are numbered as they leave the queue; with several lanes
     * they overlap, and these waits keep what must follow that order in it: the log (each group's records after
     * those of the group before, in every shard) and memory (a group applies only after every earlier group ended).
     */
    interface Turn {
        /** Returns once the group before this one put all its records in the log, or ended. */
        void awaitEarlierLogged();

        /** This group's records are all in the log (or it will put none there): the next group may send its own. */
        void logged();

        /**
         * Returns once every earlier group has ended: true if the one just before carried its append, false if it
         * failed (its outcome may be unknown, so this group's records may follow records that memory lacks).
         */
        boolean awaitEarlierEnded();
    }

    /**
     * The primary keys a write touches, or {@code null} when it must not overlap any other group (a delete): two
     * groups in flight at once never share a key.
     */
    interface Keys<W> {
        Set<Object> of(W write);
    }

    /** One group in flight: its number's place (its predecessor) and how far it got. Guarded by {@code waiting}. */
    private static final class Flight implements Turn {
        private final Object lock;
        /** The group taken just before; dropped once this one ended, so the chain holds only groups in flight. */
        private Flight previous;
        /** Its writes' keys; null: it overlaps everything. */
        private final Set<Object> keys;
        private boolean logged;
        private boolean ended;
        /**
         * Whether its carrier returned (its append made, its writes applied); set when it ends. A carrier whose
         * earlier group failed fails too unless it settled the log itself, so a failure passes down the line.
         */
        private boolean ok;

        private Flight(Object lock, Flight previous, Set<Object> keys) {
            this.lock = lock;
            this.previous = previous;
            this.keys = keys;
        }

        boolean overlaps(Flight other) {
            if (keys == null || other.keys == null) {
                return true;
            }
            Set<Object> small = keys.size() <= other.keys.size() ? keys : other.keys;
            Set<Object> large = small == keys ? other.keys : keys;
            for (Object key : small) {
                if (large.contains(key)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void awaitEarlierLogged() {
            synchronized (lock) {
                boolean interrupted = false;
                while (previous != null && !previous.logged && !previous.ended) {
                    interrupted |= waitOn(lock);
                }
                reinterrupt(interrupted);
            }
        }

        @Override
        public void logged() {
            synchronized (lock) {
                logged = true;
                lock.notifyAll();
            }
        }

        @Override
        public boolean awaitEarlierEnded() {
            synchronized (lock) {
                boolean interrupted = false;
                while (previous != null && !previous.ended) {
                    interrupted |= waitOn(lock);
                }
                reinterrupt(interrupted);
                return previous == null || previous.ok;
            }
        }
    }

    private final int maxWrites;
    private final int lanes;
    private final Keys<W> keys;
    private final long gatherNanos;
    /** How many writes are queued or in a group not yet ended; guarded by {@code waiting}. */
    private int outstanding;
    /** The most writes outstanding at once since the last group was taken; guarded by {@code waiting}. */
    private int writersSeen;
    /** How many leaders wait for writes to gather (see the class comment); guarded by {@code waiting}. */
    private int gathering;
    private final ArrayDeque<Pending<W>> waiting = new ArrayDeque<>();
    /** How many threads carry a group now (at most {@code lanes}); guarded by {@code waiting}. */
    private int leaders;
    /** The groups taken and not yet ended, oldest first; guarded by {@code waiting}. */
    private final ArrayDeque<Flight> inFlight = new ArrayDeque<>();
    /** The group taken last; guarded by {@code waiting}. */
    private Flight last;

    /** One group in flight at a time. */
    GroupCommit(int maxWrites) {
        this(maxWrites, 1, write -> null, 0);
    }

    /**
     * @param lanes how many groups may be in flight at once (each its own Kafka transaction)
     * @param keys  which keys each write touches: groups sharing a key, or holding a delete, never overlap in time
     * @param gatherNanos the longest a leader waits for as many writes as were outstanding at once lately (0: never)
     */
    GroupCommit(int maxWrites, int lanes, Keys<W> keys, long gatherNanos) {
        if (maxWrites < 1) {
            throw new IllegalArgumentException("a group carries at least one write, got " + maxWrites);
        }
        if (lanes < 1) {
            throw new IllegalArgumentException("at least one group is in flight, got " + lanes);
        }
        if (gatherNanos < 0) {
            throw new IllegalArgumentException("a gathering wait is never negative, got " + gatherNanos);
        }
        this.maxWrites = maxWrites;
        this.lanes = lanes;
        this.keys = keys;
        this.gatherNanos = gatherNanos;
    }

    /** {@link #submit(Object, OrderedCarrier)} for a carrier that needs no turn: one lane. */
    int submit(W write, Carrier<W> carrier) {
        if (lanes != 1) {
            throw new IllegalStateException("with " + lanes + " groups in flight a carrier must keep their order");
        }
        return submit(write, (group, turn) -> carrier.accept(group));
    }

    /**
     * Queues {@code write} and returns once a group carried it: its result, or the failure of its group (or of
     * applying it). The calling thread may carry groups of other writes meanwhile.
     */
    int submit(W write, OrderedCarrier<W> carrier) {
        Pending<W> mine = new Pending<>(write);
        boolean interrupted = false;
        synchronized (waiting) {
            // Uninterruptible like the monitor it replaces: a queued write must learn its outcome.
            while (waiting.size() >= maxWrites) {
                interrupted |= waitOn(waiting);
            }
            waiting.add(mine);
            writersSeen = Math.max(writersSeen, ++outstanding);
            if (gathering > 0) {
                waiting.notifyAll();
            }
        }
        while (true) {
            List<Pending<W>> group = new ArrayList<>();
            Flight flight;
            synchronized (waiting) {
                // A write taken by another thread's group waits for it; one still queued leads when a lane is free.
                while (!mine.done && (mine.taken || leaders >= lanes)) {
                    interrupted |= waitOn(waiting);
                }
                if (mine.done) {
                    break;
                }
                leaders++;
                interrupted |= gather();
                if (mine.taken) {
                    // Another lane's leader took this write while this one gathered: its group carries it.
                    leaders--;
                    waiting.notifyAll();
                    continue;
                }
                while (!waiting.isEmpty() && group.size() < maxWrites) {
                    Pending<W> next = waiting.poll();
                    next.taken = true;
                    group.add(next);
                }
                writersSeen = outstanding;
                flight = new Flight(waiting, last, keysOf(group));
                last = flight;
                inFlight.add(flight);
                waiting.notifyAll(); // room in the queue
            }
            try {
                carryOneGroup(group, flight, carrier);
            } finally {
                synchronized (waiting) {
                    leaders--;
                    waiting.notifyAll();
                }
            }
        }
        reinterrupt(interrupted);
        if (mine.fatal != null) {
            throw mine.fatal;
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.result;
    }

    /**
     * Waits, holding the lead, until as many writes are queued as were outstanding at once since the last group left,
     * or {@code gatherNanos} passed; true if interrupted (the wait then ends at once). Called with {@code waiting} held.
     */
    private boolean gather() {
        int wanted = Math.min(writersSeen, maxWrites);
        if (gatherNanos == 0 || waiting.size() >= wanted) {
            return false;
        }
        long deadline = System.nanoTime() + gatherNanos;
        gathering++;
        try {
            long left;
            while (waiting.size() < wanted && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(waiting, left);
                } catch (InterruptedException e) {
                    return true;
                }
            }
            return false;
        } finally {
            gathering--;
        }
    }

    private Set<Object> keysOf(List<Pending<W>> group) {
        if (lanes == 1) {
            return null; // nothing to overlap with
        }
        Set<Object> all = new HashSet<>();
        for (Pending<W> pending : group) {
            Set<Object> one = keys.of(pending.write);
            if (one == null) {
                return null;
            }
            all.addAll(one);
        }
        return all;
    }

    /**
     * Carries one group once no earlier group in flight overlaps it; marks each write done with its outcome. Groups
     * end in the order they were taken, so an ended group has no earlier one still running.
     */
    private void carryOneGroup(List<Pending<W>> group, Flight flight, OrderedCarrier<W> carrier) {
        boolean interrupted = false;
        synchronized (waiting) {
            Flight overlapping = null;
            for (Flight earlier : inFlight) {
                if (earlier == flight) {
                    break;
                }
                if (earlier.overlaps(flight)) {
                    overlapping = earlier;
                }
            }
            // Ends come in order, so the end of the latest overlapping group means all of them ended.
            while (overlapping != null && !overlapping.ended) {
                interrupted |= waitOn(waiting);
            }
        }
        RuntimeException failure = null;
        Error fatal = null;
        try {
            carrier.carry(group, flight);
        } catch (RuntimeException e) {
            failure = e;
        } catch (Error e) {
            fatal = e;
        }
        synchronized (waiting) {
            while (flight.previous != null && !flight.previous.ended) {
                interrupted |= waitOn(waiting);
            }
            flight.ok = failure == null && fatal == null;
            flight.logged = true;
            flight.ended = true;
            flight.previous = null;
            inFlight.remove(flight);
            outstanding -= group.size();
            for (Pending<W> pending : group) {
                if (failure != null) {
                    pending.failure = failure;
                }
                pending.fatal = fatal;
                pending.done = true;
            }
            waiting.notifyAll();
        }
        reinterrupt(interrupted);
    }

    /** How many groups have left the queue and not yet ended (tests watch them). */
    int inFlight() {
        synchronized (waiting) {
            return inFlight.size();
        }
    }

    /** How many writes wait for a group to take them. */
    int waiting() {
        synchronized (waiting) {
            return waiting.size();
        }
    }

    /** Waits for a change of the queue or the groups in flight; true if the wait was interrupted. */
    private static boolean waitOn(Object lock) {
        try {
            lock.wait();
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }

    private static void reinterrupt(boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
