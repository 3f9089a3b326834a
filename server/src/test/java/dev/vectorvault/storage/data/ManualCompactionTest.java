package dev.vectorvault.storage.data;

import static dev.vectorvault.storage.data.DataStoreFixture.layout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.wal.Durability;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ManualCompaction's storage side: small flushed segments merge, tombstoned ones are rewritten, growing rows stay
 * where they are, and every live row is found exactly once before and after a restart.
 */
@Timeout(120)
class ManualCompactionTest {
    private static final long C = 7;
    private static final long P0 = 70;
    private static final long P1 = 71;

    @TempDir
    Path dir;
    private DataStoreFixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    private static void put(DataStoreFixture fx, CollectionLayout layout, long partition, long from, long to,
                            Map<Object, List<Object>> model) {
        DataStoreTest.put(fx, layout, partition, from, to, "r", model);
    }

    private static List<SegmentInfo> flushed(DataStoreFixture fx, CollectionLayout layout) {
        return fx.store.segments(layout).stream().filter(s -> s.state() == SegmentInfo.State.FLUSHED).toList();
    }

    @Test
    void smallFlushedSegmentsMergeIntoOneWithOnlyTheirLiveRows() {
        fx = new DataStoreFixture(dir, Durability.FSYNC, 100);
        CollectionLayout c = fx.add(layout(C, P0, P1));
        Map<Object, List<Object>> model = new TreeMap<>();
        for (int batch = 0; batch < 5; batch++) {
            put(fx, c, batch % 2 == 0 ? P0 : P1, batch * 10L, batch * 10L + 10, model);
            fx.store.checkpoint(); // each checkpoint seals a segment of 10 rows
        }
        fx.store.delete(c, List.of(3L, 15L, 41L));
        List.of(3L, 15L, 41L).forEach(model::remove);
        put(fx, c, P0, 100, 104, model); // growing: not merged
        Set<Long> before = new HashSet<>();
        flushed(fx, c).forEach(s -> before.add(s.segmentId()));
        assertThat(before).hasSize(5);

        List<CompactionPlan> plans = fx.store.compact(c, Set.of());

        assertThat(plans).hasSize(1);
        assertThat(Set.copyOf(plans.get(0).sources())).isEqualTo(before);
        // The growing rows were not merged; the compaction's checkpoint flushed them as a segment of their own.
        List<SegmentInfo> after = flushed(fx, c);
        assertThat(after).filteredOn(s -> s.segmentId() == plans.get(0).target())
                .extracting(SegmentInfo::partitionId, SegmentInfo::rows)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(P0, 28L),
                        org.assertj.core.groups.Tuple.tuple(P1, 19L));
        assertThat(after).filteredOn(s -> s.segmentId() != plans.get(0).target())
                .extracting(SegmentInfo::partitionId, SegmentInfo::rows)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(P0, 4L));
        assertThat(fx.live(c)).isEqualTo(model);
        assertThat(fx.store.liveRows(c, P0)).isEqualTo(32);

        // Writes and deletes after the merge find rows where they now are; a restart reads the merged segment.
        put(fx, c, P1, 10, 12, model);
        fx.store.delete(c, List.of(20L, 101L));
        model.remove(20L);
        model.remove(101L);
        assertThat(fx.live(c)).isEqualTo(model);
        fx.crash();
        assertThat(fx.live(c)).isEqualTo(model);
        assertThat(fx.store.compact(c, Set.of())).as("the merged segment has tombstones now: rewritten")
                .hasSize(1);
        fx.restart();
        assertThat(fx.live(c)).isEqualTo(model);
    }

    @Test
    void aLargeSegmentIsRewrittenWithoutItsTombstonesAndAnEmptyOneDisappears() {
        fx = new DataStoreFixture(dir, Durability.FSYNC, 20);
        CollectionLayout c = fx.add(layout(C, P0));
        Map<Object, List<Object>> model = new TreeMap<>();
        put(fx, c, P0, 0, 20, model); // fills one segment: sealed at 20 rows
        put(fx, c, P0, 20, 25, model);
        fx.store.checkpoint();
        assertThat(flushed(fx, c)).hasSize(2);
        fx.store.delete(c, List.of(1L)); // 5%: a checkpoint alone would not compact it
        model.remove(1L);
        List<Object> all = new ArrayList<>();
        for (long k = 20; k < 25; k++) {
            all.add(k);
            model.remove(k);
        }
        fx.store.delete(c, all);

        List<CompactionPlan> plans = fx.store.compact(c, Set.of());

        assertThat(plans).extracting(p -> p.sources().size()).containsExactlyInAnyOrder(1, 1);
        assertThat(plans).filteredOn(p -> p.target() == -1).hasSize(1);
        assertThat(flushed(fx, c)).extracting(SegmentInfo::rows).containsExactly(19L);
        assertThat(fx.live(c)).isEqualTo(model);
        fx.restart();
        assertThat(fx.live(c)).isEqualTo(model);
        assertThat(fx.store.compact(c, Set.of())).as("nothing left to do").isEmpty();
    }

    @Test
    void onlyTheNamedSegmentsAreCompactedAndAnUnknownOneIsRefused() {
        fx = new DataStoreFixture(dir, Durability.FSYNC, 100);
        CollectionLayout c = fx.add(layout(C, P0));
        Map<Object, List<Object>> model = new TreeMap<>();
        for (int batch = 0; batch < 3; batch++) {
            put(fx, c, P0, batch * 10L, batch * 10L + 10, model);
            fx.store.checkpoint();
        }
        List<Long> ids = flushed(fx, c).stream().map(SegmentInfo::segmentId).toList();

        assertThatThrownBy(() -> fx.store.compact(c, Set.of(123_456L))).isInstanceOf(MilvusException.class)
                .hasMessageContaining("segment 123456 is not a segment of collection " + C);
        List<CompactionPlan> plans = fx.store.compact(c, Set.of(ids.get(0), ids.get(1)));

        assertThat(plans).hasSize(1);
        assertThat(plans.get(0).sources()).containsExactly(ids.get(0), ids.get(1));
        assertThat(flushed(fx, c)).extracting(SegmentInfo::segmentId)
                .containsExactlyInAnyOrder(plans.get(0).target(), ids.get(2));
        assertThat(fx.live(c)).isEqualTo(model);
    }

    /** Random writes, deletes, checkpoints, compactions and restarts against a plain map of the live rows. */
    @Test
    void randomWorkWithCompactionsKeepsEveryLiveRowExactlyOnce() {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("ManualCompactionTest: seed " + seed + " (-Dtests.seed=" + seed + ")");
        Random random = new Random(seed);
        fx = new DataStoreFixture(dir, Durability.FSYNC, 16 + random.nextInt(40));
        CollectionLayout c = fx.add(layout(C, P0, P1));
        Map<Object, List<Object>> model = new TreeMap<>();
        for (int step = 0; step < 300; step++) {
            int action = random.nextInt(20);
            if (action < 9) {
                long from = random.nextInt(400);
                put(fx, c, random.nextBoolean() ? P0 : P1, from, from + 1 + random.nextInt(12), model);
            } else if (action < 13) {
                List<Object> keys = new ArrayList<>();
                for (int i = random.nextInt(10); i >= 0; i--) {
                    keys.add((long) random.nextInt(400));
                }
                fx.store.delete(c, keys);
                keys.forEach(model::remove);
            } else if (action < 16) {
                fx.store.checkpoint();
            } else if (action < 19) {
                fx.store.compact(c, Set.of());
                assertThat(fx.live(c)).as("seed %d, step %d, after a compaction", seed, step).isEqualTo(model);
            } else if (random.nextBoolean()) {
                fx.crash();
            } else {
                fx.restart();
            }
            assertThat(fx.store.liveRows(c, -1)).as("seed %d, step %d", seed, step).isEqualTo(model.size());
        }
        assertThat(fx.live(c)).as("seed %d", seed).isEqualTo(model);
        fx.restart();
        assertThat(fx.live(c)).as("seed %d, after a restart", seed).isEqualTo(model);
    }
}
