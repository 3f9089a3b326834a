package dev.vectorvault.storage.data;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.io.FaultyDisk;
import dev.vectorvault.storage.io.PowerCut;
import dev.vectorvault.storage.wal.Durability;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * A crash-consistency campaign in-process (issue 9, item 7): each trial runs a random mix of puts and upserts,
 * deletes, checkpoints (which seal, compact and write tombstones) and index builds (HNSW or IVF_FLAT on small sealed
 * segments) on a {@link FaultyDisk}, injects one class of fault at a random point, loses power, reopens and compares
 * what survived with a model of what the client was told.
 *
 * <h2>What is checked</h2>
 * <ul>
 * <li>No acknowledged write (put or delete) is lost.</li>
 * <li>No row is visible that was neither acknowledged nor in flight (a call that threw); an in-flight batch is
 * present or absent as a whole.</li>
 * <li>Reopening either succeeds or stops with a {@link StorageException} naming the file and offset; the latter may
 * only follow damage to forced data, which {@link FaultyDisk} never does, so every one is counted as a bug.</li>
 * <li>After a failed force or a full disk the store refuses writes while the fault lasts, then recovers from disk and
 * goes on; what it shows after recovering agrees with the model and survives the later power loss.</li>
 * <li>After reopening, every sealed segment that is big enough gets its index again (loaded or rebuilt).</li>
 * </ul>
 *
 * <h2>Model of the machine</h2>
 * The disk is the {@link FaultyDisk}: forced bytes survive, unforced ones survive in part, torn and out of order. The
 * metadata store (H2, holding the manifest) is outside the I/O seam and commits with its own fsync, so a manifest
 * put that returned is durable; {@link PowerCut} makes sure nothing the old store does after the power loss, disk or
 * metadata, survives it.
 *
 * <p>Seed: {@code -Dcampaign.seed=...} replays a run, {@code -Dcampaign.trials=N} scales it (1,000 by default). A
 * replay is exact except where a checkpoint's index builds (on the store's own thread) race the rest of the
 * checkpoint for the disk calls a mid-operation power cut counts.
 */
@Timeout(1800)
class CrashCampaignTest {
    private static final long SEED = Long.getLong("campaign.seed", ThreadLocalRandom.current().nextLong());
    private static final int TRIALS = Integer.getInteger("campaign.trials", 1000);
    /** Trials run side by side in this many threads (each trial has its own disk and store and seed). */
    private static final int THREADS = Integer.getInteger("campaign.threads", 1);
    /** Runs only this trial of the seed's sequence, with the storage logs on: {@code -Dcampaign.trial=N}. */
    private static final int ONLY_TRIAL = Integer.getInteger("campaign.trial", -1);
    private static final long C = 11;
    private static final long P = 110;
    private static final int DIM = 4;
    private static final int KEYS = 20;
    private static final int SEAL = 6;
    private static final int MIN_INDEX_ROWS = 4;
    /** The model's value of a key with no row. */
    private static final long ABSENT = 0;

    /** Fault classes; each trial injects one. */
    enum FaultClass {
        /** The n-th force fails (the data it should have made durable is lost for good, fsyncgate). */
        FAILED_FORCE,
        /** Writes fail with "no space left" after n more bytes; appends write the prefix that fits. */
        DISK_FULL,
        /** An append writes only a prefix of its bytes, then fails. */
        TORN_WRITE,
        /** Power lost at a random disk call inside an operation (a put, a checkpoint, an index build). */
        CRASH_MID_OPERATION,
        /** Power lost between operations, with no other fault. */
        CRASH_BETWEEN_OPERATIONS
    }

    /** Figures per fault class, printed as the summary table. */
    static final class Tally {
        long trials;
        long faultsInjected;
        long crashes;
        long recovered;
        long recoveryStopped;
        long ackRowsChecked;
        long inFlightBatches;
        long checkpoints;
        long compactions;
        long indexesVerified;
        long refusedWhileFaulty;
        /** Retries of failed index builds (or of their files' writes) that came due during the trials. */
        long indexRetries;
        long violations;
    }

    private Durability durability = Durability.FSYNC;
    private final Map<FaultClass, Tally> tallies = new EnumMap<>(FaultClass.class);
    private final AtomicInteger done = new AtomicInteger();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());

    @Test
    void randomFaultsAndPowerLossesLoseNoAcknowledgedWriteAndShowNoUnacknowledgedOne() {
        runCampaign(TRIALS, ONLY_TRIAL);
        System.out.println(table(TRIALS));
        assertThat(violations).as("seed " + SEED + ": violations (first 20 shown)\n" + String.join("\n",
                violations.subList(0, Math.min(20, violations.size())))).isEmpty();
        assertThat(tallies.values().stream().mapToLong(t -> t.indexesVerified).sum())
                .as("index builds took part in the trials").isPositive();
        assertThat(tallies.values().stream().mapToLong(t -> t.compactions).sum())
                .as("compactions took part in the trials").isPositive();
    }

    /**
     * The campaign can fail: with the log left unforced (as {@link Durability#OS_BUFFERED} does), a power loss drops
     * acknowledged writes, and the model must notice.
     */
    @Test
    void theCampaignCatchesAcknowledgedWritesThatWereNeverForced() {
        durability = Durability.OS_BUFFERED;
        runCampaign(100, -1);
        assertThat(violations).as("seed " + SEED + ": lost acknowledged writes found")
                .anyMatch(v -> v.contains("expected one of"));
    }

    private void runCampaign(int trialCount, int onlyTrial) {
        System.out.println("crash campaign: seed " + SEED + ", trials " + trialCount + ", durability " + durability
                + " (replay with -Dcampaign.seed=" + SEED + " -Dcampaign.trials=" + trialCount + ")");
        for (FaultClass fault : FaultClass.values()) {
            tallies.put(fault, new Tally());
        }
        Logger storageLog = (Logger) LoggerFactory.getLogger("dev.vectorvault");
        Level before = storageLog.getLevel();
        // Injected faults log errors by design; thousands of them would hide the table.
        storageLog.setLevel(onlyTrial >= 0 ? Level.DEBUG : Level.OFF);
        Random seeds = new Random(SEED);
        long[] trialSeeds = new long[trialCount];
        for (int trial = 0; trial < trialCount; trial++) {
            trialSeeds[trial] = seeds.nextLong();
        }
        try {
            IntStream trials = IntStream.range(0, trialCount).filter(t -> onlyTrial < 0 || t == onlyTrial);
            Runnable all = () -> (THREADS > 1 ? trials.parallel() : trials).forEach(trial -> new Trial(trial,
                    trialSeeds[trial], FaultClass.values()[Math.floorMod(trialSeeds[trial],
                    FaultClass.values().length)], trialCount).run());
            if (THREADS > 1) {
                ForkJoinPool pool = new ForkJoinPool(THREADS);
                pool.submit(all).get();
                pool.shutdown();
            } else {
                all.run();
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("seed " + SEED + ": the campaign failed", e);
        } finally {
            storageLog.setLevel(before);
        }
    }

    private String table(int trialCount) {
        StringBuilder out = new StringBuilder(String.format("crash campaign summary, seed %d, %d trials%n", SEED,
                trialCount));
        String format = "%-25s %7s %7s %7s %9s %8s %9s %9s %8s %8s %8s %8s %8s %10s%n";
        out.append(String.format(format, "fault class", "trials", "faults", "crashes", "recovered", "stopped",
                "ackRows", "inFlight", "ckpts", "compact", "indexes", "retries", "refused", "violations"));
        Tally total = new Tally();
        for (Map.Entry<FaultClass, Tally> e : tallies.entrySet()) {
            row(out, format, e.getKey().name(), e.getValue());
            add(total, e.getValue());
        }
        row(out, format, "total", total);
        return out.toString();
    }

    private static void row(StringBuilder out, String format, String name, Tally t) {
        out.append(String.format(format, name, t.trials, t.faultsInjected, t.crashes, t.recovered,
                t.recoveryStopped, t.ackRowsChecked, t.inFlightBatches, t.checkpoints, t.compactions,
                t.indexesVerified, t.indexRetries, t.refusedWhileFaulty, t.violations));
    }

    private static void add(Tally into, Tally t) {
        into.trials += t.trials;
        into.faultsInjected += t.faultsInjected;
        into.crashes += t.crashes;
        into.recovered += t.recovered;
        into.recoveryStopped += t.recoveryStopped;
        into.ackRowsChecked += t.ackRowsChecked;
        into.inFlightBatches += t.inFlightBatches;
        into.checkpoints += t.checkpoints;
        into.compactions += t.compactions;
        into.indexesVerified += t.indexesVerified;
        into.refusedWhileFaulty += t.refusedWhileFaulty;
        into.indexRetries += t.indexRetries;
        into.violations += t.violations;
    }

    /** A batch whose call threw: its keys not touched by any later call must show it all, or none of it. */
    private record InFlight(long writeId, boolean delete, Set<Long> keys) {}

    /** One trial: its own disk, metadata store and model. */
    private final class Trial {
        private final int number;
        private final long seed;
        private final FaultClass fault;
        private final Tally tally;
        private final Random random;
        private final FaultyDisk disk = new FaultyDisk();
        private final MvMetaStore meta = MvMetaStore.inMemory();
        /** The trial's own background threads; retries of failed index builds wait for {@link #step()}, not time. */
        private final ExecutorService buildThread = Executors.newSingleThreadExecutor();
        private final ExecutorService checkpointThread = Executors.newSingleThreadExecutor();
        private final ManualDelays retries = new ManualDelays();
        private final DataExecutors executors = new DataExecutors(buildThread, checkpointThread, retries);
        private final CollectionLayout layout;
        /** Per key, the values a read may show: the acknowledged one plus those of calls in flight since. */
        private final Map<Long, Set<Long>> allowed = new HashMap<>();
        private final List<InFlight> inFlight = new ArrayList<>();
        private long nextWriteId = 1;
        private PowerCut power;
        private DataStore store;
        private boolean faultArmed;
        private boolean failedSinceLastCheck;
        /** The faults were cleared after a failure: the next call must recover from disk and succeed. */
        private boolean mustRecover;
        /** A write made only to see that a full disk is still refused. */
        private boolean probing;

        private final int trialCount;

        Trial(int number, long seed, FaultClass fault, int trialCount) {
            this.trialCount = trialCount;
            this.number = number;
            this.seed = seed;
            this.fault = fault;
            this.tally = new Tally();
            this.random = new Random(seed);
            VectorIndexSpec spec = random.nextBoolean()
                    ? VectorIndexSpec.hnsw(500 + number, MetricType.L2, 4, 16)
                    : VectorIndexSpec.ivfFlat(500 + number, MetricType.L2, 2);
            this.layout = CollectionLayout.builder(C, 0, new int[] {0, DIM, 0}).partitions(Set.of(P))
                    .vectorIndexes(null, spec, null).build();
            for (long k = 0; k < KEYS; k++) {
                allowed.put(k, new HashSet<>(Set.of(ABSENT)));
            }
        }

        private String where() {
            return "seed " + SEED + " trial " + number + " (trial seed " + seed + ", " + fault + ", "
                    + layout.vectorIndexes()[1].kind() + ")";
        }

        private void violation(String what) {
            tally.violations++;
            violations.add(where() + ": " + what);
        }

        private DataStore open() {
            power = new PowerCut(disk, random);
            MetaStore running = power.meta(meta);
            DataStore opened = DataStore.open(power.disk(), durability, running,
                    id -> Optional.of(layout).filter(l -> id == C), SEAL, DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES,
                    new IndexBuildSettings(1, MIN_INDEX_ROWS), executors);
            opened.startBackgroundWork();
            return opened;
        }

        void run() {
            tally.trials++;
            try {
                store = open();
                int ops = 8 + random.nextInt(16);
                int faultAt = random.nextInt(ops);
                for (int op = 0; op < ops && !power.isCut(); op++) {
                    if (op == faultAt) {
                        inject();
                    }
                    step();
                }
                if (power.isCut()) {
                    tally.faultsInjected++; // the injected power cut happened (a countdown may not have run out)
                }
                if (!power.isCut()) {
                    power.cutNow();
                }
                tally.crashes++;
                closeQuietly(store);
                verifyAfterReopen();
            } finally {
                meta.close();
                tally.indexRetries = retries.asked().size() - retries.pendingCount();
                buildThread.shutdownNow();
                checkpointThread.shutdownNow();
                Tally total = tallies.get(fault);
                synchronized (total) {
                    add(total, tally);
                }
                int finished = done.incrementAndGet();
                if (finished % 10_000 == 0 && finished < trialCount) {
                    System.out.println("crash campaign progress: " + finished + " of " + trialCount + " trials, "
                            + violations.size() + " violations so far");
                }
            }
        }

        private void inject() {
            switch (fault) {
                case FAILED_FORCE -> disk.failForce(1 + random.nextInt(4));
                case DISK_FULL -> disk.diskFullAfter(random.nextInt(600));
                case TORN_WRITE -> disk.tearAppend(1 + random.nextInt(3), random.nextInt(60));
                case CRASH_MID_OPERATION -> power.cutAtCall(1 + random.nextInt(40));
                case CRASH_BETWEEN_OPERATIONS -> power.cutNow();
            }
            faultArmed = fault != FaultClass.CRASH_BETWEEN_OPERATIONS;
        }

        /**
         * One operation, then the index builds it started run to their end (so a seed replays exactly). Index builds
         * that failed before are tried again first, as if their retry delay had passed.
         */
        private void step() {
            retries.advance(IndexBuildSettings.DEFAULT_MAX_RETRY_DELAY);
            awaitIndexes(store, layout);
            int action = random.nextInt(10);
            if (action < 6) {
                put();
            } else if (action < 8) {
                delete();
            } else {
                checkpoint();
            }
            awaitIndexes(store, layout);
        }

        /** Returns whether the put was acknowledged. */
        private boolean put() {
            long writeId = nextWriteId++;
            Set<Long> keys = randomKeys();
            List<Object[]> rows = new ArrayList<>();
            for (long key : keys) {
                rows.add(new Object[] {key, vector(key, writeId), writeId});
            }
            return call(writeId, false, keys, () -> store.put(layout, P, rows));
        }

        private void delete() {
            long writeId = nextWriteId++;
            Set<Long> keys = randomKeys();
            call(writeId, true, keys, () -> store.delete(layout, new ArrayList<>(keys)));
        }

        private Set<Long> randomKeys() {
            Set<Long> keys = new LinkedHashSet<>();
            int count = 1 + random.nextInt(3);
            while (keys.size() < count) {
                keys.add((long) random.nextInt(KEYS));
            }
            return keys;
        }

        private void checkpoint() {
            long storedBefore = storedRows(store, layout);
            try {
                store.checkpoint();
                tally.checkpoints++;
                if (storedRows(store, layout) < storedBefore) {
                    tally.compactions++; // tombstoned rows were dropped: a segment was compacted
                }
                afterSuccess();
            } catch (RuntimeException e) {
                afterFailure(e);
            }
        }

        private boolean call(long writeId, boolean delete, Set<Long> keys, Runnable call) {
            try {
                call.run();
                long value = delete ? ABSENT : writeId;
                for (long key : keys) {
                    allowed.put(key, new HashSet<>(Set.of(value)));
                }
                inFlight.forEach(f -> f.keys().removeAll(keys));
                afterSuccess();
                return true;
            } catch (RuntimeException e) {
                afterFailure(e);
                tally.inFlightBatches++;
                Set<Long> checkable = new HashSet<>();
                for (long key : keys) {
                    Set<Long> values = allowed.get(key);
                    // A delete of a key that may be absent anyway cannot show whether it happened.
                    if (!delete || (values.size() == 1 && !values.contains(ABSENT))) {
                        checkable.add(key);
                    }
                    values.add(delete ? ABSENT : writeId);
                }
                inFlight.forEach(f -> f.keys().removeAll(keys));
                inFlight.add(new InFlight(writeId, delete, checkable));
                return false;
            }
        }

        private void afterFailure(RuntimeException e) {
            if (power.isCut()) {
                return; // anything may fail once the power is gone
            }
            if (!(e instanceof MilvusException)) {
                violation("a storage failure surfaced without an error code: " + e);
                return;
            }
            failedSinceLastCheck = true;
            if (probing) {
                return;
            }
            if (mustRecover) {
                violation("a call failed after the fault was cleared (no recovery from disk): " + e);
            }
            if (faultArmed) {
                tally.faultsInjected++;
                faultArmed = false;
            }
            if (e instanceof StorageException se && se.errorCode() == ErrorCode.STORAGE_DISK_FULL) {
                // A full disk (not merely too full for one big segment file) must keep refusing writes.
                disk.diskFullAfter(0);
                probing = true;
                boolean acknowledged = put();
                probing = false;
                if (acknowledged) {
                    violation("a write was acknowledged on a full disk");
                } else {
                    tally.refusedWhileFaulty++;
                }
            }
            if (random.nextBoolean()) {
                disk.clearFaults(); // the operator freed space, the disk came back: the next call must recover
                mustRecover = true;
            }
        }

        /**
         * The first call to succeed after a failure has recovered from disk: what it shows now must agree with the
         * model, and is what the model expects from here on (it was read back from forced data).
         */
        private void afterSuccess() {
            mustRecover = false;
            if (!failedSinceLastCheck) {
                return;
            }
            failedSinceLastCheck = false;
            Map<Long, Long> seen = liveRows(store, "after recovering in-process");
            if (seen == null) {
                return;
            }
            compare(seen, "after recovering in-process");
            for (long k = 0; k < KEYS; k++) {
                long value = seen.getOrDefault(k, ABSENT);
                if (allowed.get(k).contains(value)) {
                    allowed.put(k, new HashSet<>(Set.of(value)));
                }
            }
            inFlight.clear();
        }

        private void verifyAfterReopen() {
            DataStore reopened;
            try {
                reopened = open();
            } catch (StorageException e) {
                tally.recoveryStopped++;
                boolean named = e.getMessage() != null && e.getMessage().contains("offset");
                violation("recovery stopped (" + (named ? "naming file and offset" : "WITHOUT file and offset")
                        + "), though only unforced data was damaged: " + e.getMessage());
                return;
            } catch (RuntimeException e) {
                violation("recovery failed without a storage error: " + e);
                return;
            }
            tally.recovered++;
            try {
                Map<Long, Long> seen = liveRows(reopened, "after reopening");
                if (seen == null) {
                    return;
                }
                compare(seen, "after reopening");
                verifyIndexes(reopened);
                // And it goes on: a write after recovery is acknowledged and survives a clean restart.
                reopened.put(layout, P, List.<Object[]>of(new Object[] {0L, vector(0, nextWriteId), nextWriteId}));
                reopened.close();
                DataStore again = open();
                Long zero = liveRows(again, "after the write that followed recovery").get(0L);
                if (zero == null || zero != nextWriteId) {
                    violation("the write acknowledged after recovery is " + zero + " after a restart");
                }
                again.close();
            } catch (RuntimeException e) {
                violation("the recovered store failed: " + e);
                closeQuietly(reopened);
            }
        }

        private void compare(Map<Long, Long> seen, String when) {
            for (long k = 0; k < KEYS; k++) {
                Set<Long> values = allowed.get(k);
                long value = seen.getOrDefault(k, ABSENT);
                if (values.size() == 1) {
                    tally.ackRowsChecked++;
                }
                if (!values.contains(value)) {
                    violation(when + ": key " + k + " shows " + (value == ABSENT ? "no row" : "write " + value)
                            + ", expected one of " + values + " (0 = no row)");
                }
            }
            for (long k : seen.keySet()) {
                if (k < 0 || k >= KEYS) {
                    violation(when + ": key " + k + " was never acknowledged");
                }
            }
            for (InFlight batch : inFlight) {
                long shown = batch.keys().stream()
                        .filter(k -> (seen.getOrDefault(k, ABSENT)) == (batch.delete() ? ABSENT : batch.writeId()))
                        .count();
                if (shown != 0 && shown != batch.keys().size()) {
                    violation(when + ": " + (batch.delete() ? "delete " : "write ") + batch.writeId()
                            + " is half applied: " + shown + " of keys " + batch.keys());
                }
            }
        }

        /** Key to write id of every live row, checking each row is whole; null after a violation. */
        private Map<Long, Long> liveRows(DataStore data, String when) {
            Map<Long, Long> rows = new HashMap<>();
            List<String> problems = new ArrayList<>();
            data.read(layout, view -> {
                for (int s = 0; s < view.segmentCount(); s++) {
                    for (int o = 0; o < view.segmentSize(s); o++) {
                        if (!view.isLive(s, o)) {
                            continue;
                        }
                        long key = (Long) view.value(s, 0, o);
                        long writeId = (Long) view.value(s, 2, o);
                        if (view.partition(s, o) != P
                                || !Arrays.equals((float[]) view.value(s, 1, o), vector(key, writeId))) {
                            problems.add("row " + key + " of write " + writeId + " is not whole");
                        }
                        if (rows.put(key, writeId) != null) {
                            problems.add("key " + key + " is live twice");
                        }
                    }
                }
                return null;
            });
            problems.forEach(p -> violation(when + ": " + p));
            return problems.isEmpty() ? rows : null;
        }

        /** Every sealed segment big enough has its index again, loaded from its file or rebuilt. */
        private void verifyIndexes(DataStore data) {
            IndexProgress progress = awaitIndexes(data, layout);
            if (!progress.finished()) {
                violation("indexes not rebuilt after reopening: " + progress);
                return;
            }
            data.read(layout, view -> {
                for (int s = 0; s < view.segmentCount(); s++) {
                    if (view.annIndex(s, 1) != null) {
                        tally.indexesVerified++;
                    }
                }
                return null;
            });
        }
    }

    /** Waits (bounded) until the index builds have finished or failed. */
    private static IndexProgress awaitIndexes(DataStore data, CollectionLayout layout) {
        IndexProgress progress = null;
        for (int i = 0; i < 20_000; i++) {
            try {
                progress = data.indexProgress(layout, 1);
            } catch (RuntimeException e) {
                return new IndexProgress(0, 0, 0, e.toString());
            }
            if (progress.finished() || progress.failed()) {
                return progress;
            }
            LockSupport.parkNanos(100_000);
        }
        return progress;
    }

    /** Rows held including tombstoned ones: falls when a checkpoint compacts. */
    private static long storedRows(DataStore data, CollectionLayout layout) {
        try {
            return data.read(layout, view -> {
                long rows = 0;
                for (int s = 0; s < view.segmentCount(); s++) {
                    rows += view.segmentSize(s);
                }
                return rows;
            });
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static float[] vector(long key, long writeId) {
        return new float[] {key, writeId % 1000, (writeId / 1000) % 1000, 1};
    }

    private static void closeQuietly(DataStore data) {
        if (data == null) {
            return;
        }
        try {
            data.close();
        } catch (RuntimeException e) {
            // the power is gone; close only stops its threads
        }
    }
}
