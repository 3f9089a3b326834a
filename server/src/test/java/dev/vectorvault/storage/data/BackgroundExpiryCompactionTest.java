package dev.vectorvault.storage.data;

import static dev.vectorvault.storage.data.DataStoreFixture.layout;
import static dev.vectorvault.storage.data.DataStoreFixture.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.storage.wal.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The background expiry compaction (Milvus's automatic single compaction of expired rows), on a hand-moved clock and
 * hand-driven delays: no client call, no sleeping. Expired rows leave the segment files by themselves (shown by
 * lifting the TTL after a restart: what a compaction dropped never comes back), rows not yet expired stay, a segment
 * under the ratio threshold is left alone, the default TTL ({@code common.entityExpiration}) applies only where a
 * collection has no TTL of its own, a collection this node does not own is never touched, and a closed store
 * schedules nothing more.
 */
@Timeout(60)
class BackgroundExpiryCompactionTest {
    private static final long C = 5;
    private static final long P = 1;
    private static final long T0 = 1_750_000_000_000L;
    private static final Duration INTERVAL = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private final ManualDelays delays = new ManualDelays();
    private final AtomicLong now = new AtomicLong(T0);
    private DataStoreFixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    private void open(boolean background) {
        fx = new DataStoreFixture(dir, Durability.FSYNC, 8,
                new DataExecutors(Runnable::run, Runnable::run, delays));
        fx.clock = now::get;
        fx.store.compaction(new CompactionPolicy(background, INTERVAL, 0.2));
    }

    private void put(CollectionLayout layout, long from, long to) {
        List<Object[]> rows = new ArrayList<>();
        for (long k = from; k < to; k++) {
            rows.add(row(k, "r" + k));
        }
        fx.store.put(layout, P, rows);
    }

    private Set<Long> liveKeys(CollectionLayout layout) {
        return fx.live(layout).keySet().stream().map(k -> (Long) k).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<Long> range(long from, long to) {
        return LongStream.range(from, to).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    private Set<String> segmentFiles() throws IOException {
        Path folder = fx.segmentDir(C);
        if (!Files.isDirectory(folder)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".seg"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** A store, and a collection with a 100 s TTL holding one flushed segment of eight rows written at T0. */
    private CollectionLayout eightRowsFlushed(boolean background) {
        open(background);
        CollectionLayout c = fx.add(layout(C, P).withTtlSeconds(100));
        put(c, 0, 8);
        fx.store.checkpoint();
        return c;
    }

    /** Lets the background round come due once, on both clocks. */
    private void nextRound() {
        now.addAndGet(INTERVAL.toMillis());
        delays.advance(INTERVAL);
    }

    @Test
    void expiredRowsLeaveTheSegmentFilesWithoutAnyCallAndLiveOnesStay() throws IOException {
        open(true);
        CollectionLayout c = fx.add(layout(C, P).withTtlSeconds(100));
        put(c, 0, 8); // at T0: one full segment
        now.set(T0 + 50_000);
        put(c, 8, 16); // 50 s later: a second one
        fx.store.checkpoint();
        Set<String> before = segmentFiles();
        assertThat(before).hasSize(2);

        nextRound(); // T0 + 110 s: the first segment's rows expired, the second's not yet
        assertThat(segmentFiles()).as("the expired segment's file is gone, the other one stays")
                .hasSize(1).isSubsetOf(before);
        assertThat(liveKeys(c)).isEqualTo(range(8, 16));
        assertThat(delays.pendingCount()).as("the next round is scheduled").isEqualTo(1);

        fx.restart();
        fx.store.compaction(new CompactionPolicy(true, INTERVAL, 0.2));
        c = fx.add(c.withTtlSeconds(0));
        assertThat(liveKeys(c)).as("without a TTL after a restart: the compacted rows are gone for good")
                .isEqualTo(range(8, 16));
    }

    @Test
    void withoutBackgroundCompactionExpiredRowsStayInTheFiles() throws IOException {
        CollectionLayout c = eightRowsFlushed(false);
        Set<String> before = segmentFiles();
        nextRound();
        nextRound();
        assertThat(liveKeys(c)).isEmpty();
        assertThat(segmentFiles()).isEqualTo(before);
        assertThat(delays.pendingCount()).isZero();
        fx.add(c.withTtlSeconds(0));
        assertThat(liveKeys(c.withTtlSeconds(0))).as("hidden, not removed").isEqualTo(range(0, 8));
    }

    @Test
    void aSegmentUnderTheRatioThresholdIsLeftAloneUntilDeletesTakeItPast() throws IOException {
        open(true);
        CollectionLayout c = fx.add(layout(C, P).withTtlSeconds(1_000));
        put(c, 0, 1); // one row of eight at T0: 12.5% expired once it expires, under 20%
        now.set(T0 + 500_000);
        put(c, 1, 8);
        fx.store.checkpoint();
        Set<String> before = segmentFiles();
        assertThat(before).hasSize(1);

        now.set(T0 + 1_100_000 - INTERVAL.toMillis());
        nextRound(); // T0 + 1100 s: key 0 expired
        assertThat(liveKeys(c)).isEqualTo(range(1, 8));
        assertThat(segmentFiles()).as("under the threshold: not rewritten").isEqualTo(before);

        fx.store.delete(c, List.of(5L)); // deleted and expired together: 25%
        nextRound();
        assertThat(segmentFiles()).as("past the threshold: rewritten").hasSize(1).doesNotContainAnyElementsOf(before);

        fx.restart();
        c = fx.add(c.withTtlSeconds(0));
        assertThat(liveKeys(c)).as("the rewrite dropped the expired and the deleted row")
                .isEqualTo(union(range(1, 5), range(6, 8)));
    }

    private static Set<Long> union(Set<Long> a, Set<Long> b) {
        Set<Long> out = new TreeSet<>(a);
        out.addAll(b);
        return out;
    }

    @Test
    void theDefaultTtlAppliesOnlyToCollectionsWithoutOneOfTheirOwn() {
        open(true);
        fx.store.expireByDefault(100);
        CollectionLayout inherits = fx.add(layout(C, P).withTtlSeconds(CollectionLayout.DEFAULT_TTL));
        CollectionLayout never = fx.add(layout(6, P).withTtlSeconds(0));
        CollectionLayout longer = fx.add(layout(7, P).withTtlSeconds(1_000));
        for (CollectionLayout layout : List.of(inherits, never, longer)) {
            put(layout, 0, 8);
        }
        fx.store.checkpoint();
        now.set(T0 + 100_000);
        assertThat(liveKeys(inherits)).as("insert time plus TTL equal to now: not yet expired").hasSize(8);
        now.set(T0 + 100_001);
        assertThat(liveKeys(inherits)).isEmpty();
        assertThat(liveKeys(never)).as("the collection's 0 overrides the default").hasSize(8);
        assertThat(liveKeys(longer)).as("the collection's own TTL wins").hasSize(8);

        nextRound();
        fx.restart();
        fx.store.expireByDefault(-1);
        assertThat(liveKeys(inherits)).as("the default TTL's expired rows were compacted away").isEmpty();
        assertThat(liveKeys(never)).hasSize(8);
        assertThat(liveKeys(longer)).hasSize(8);
    }

    @Test
    void aCollectionOwnedElsewhereIsNeverCompactedHere() throws IOException {
        eightRowsFlushed(true);
        Set<String> before = segmentFiles();
        fx.store.followersRead(id -> Optional.empty(), id -> false);
        nextRound();
        nextRound();
        assertThat(segmentFiles()).as("the owner compacts, not this node").isEqualTo(before);
    }

    @Test
    void aClosedStoreSchedulesNoMoreRounds() {
        open(true);
        assertThat(delays.pendingCount()).isEqualTo(1);
        fx.store.close();
        delays.advance(INTERVAL);
        assertThat(delays.pendingCount()).isZero();
        fx.store = DataStore.open(dir.resolve("data"), Durability.FSYNC, fx.meta,
                id -> Optional.ofNullable(fx.layouts.get(id)), 8, DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES,
                IndexBuildSettings.defaults(), fx.executors); // for tearDown's close
    }

    /** The segment ids a segment file name holds ({@code <id>.seg}). */
    private static Set<Long> ids(Set<String> segmentFiles) {
        return segmentFiles.stream().map(n -> Long.parseLong(n.substring(0, n.indexOf('.'))))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Automatic compactions are listed as Milvus lists them: each has a compaction id of its own (the one its log
     * line gives), under which GetCompactionStateWithPlans finds its plans, beside the manual ones' ids.
     */
    @Test
    void eachAutomaticCompactionHasAnIdUnderWhichItsPlansAreListed() throws IOException {
        CollectionLayout c = eightRowsFlushed(true);
        Set<Long> before = ids(segmentFiles());
        CompactionHistory history = fx.store.compactionHistory();
        assertThat(history.ids()).as("nothing compacted yet").isEmpty();

        nextRound(); // T0 + 60 s: nothing expired yet
        assertThat(history.ids()).as("a round with nothing due records nothing").isEmpty();
        nextRound(); // T0 + 120 s: all eight rows expired; the file goes
        assertThat(history.ids()).hasSize(1);
        long expiry = history.ids().get(0);
        assertThat(history.plans(expiry)).as("the whole segment expired: rewritten as nothing")
                .containsExactly(new CompactionPlan(List.copyOf(before), -1));

        // A checkpoint's rewrite of a segment past the ratio threshold is an automatic compaction too.
        put(c, 100, 108);
        fx.store.checkpoint();
        Set<Long> flushed = ids(segmentFiles());
        fx.store.delete(c, List.of(100L, 101L, 102L));
        fx.store.checkpoint();
        assertThat(history.ids()).hasSize(2);
        long rewrite = history.ids().get(1);
        assertThat(rewrite).as("ids increase").isGreaterThan(expiry);
        List<CompactionPlan> plans = history.plans(rewrite);
        assertThat(plans).hasSize(1);
        assertThat(plans.get(0).sources()).isEqualTo(List.copyOf(flushed));
        assertThat(ids(segmentFiles())).as("the plan's target is the file now on disk")
                .containsExactly(plans.get(0).target());

        long manual = history.record(fx.store.compact(c, Set.of()));
        assertThat(history.ids()).containsExactly(expiry, rewrite, manual);
        assertThat(history.plans(42)).as("an unknown id has no plans").isEmpty();
    }
}
