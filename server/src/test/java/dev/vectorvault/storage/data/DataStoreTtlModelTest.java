package dev.vectorvault.storage.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.storage.wal.Durability;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collection TTL against a plain model, on a hand-moved clock: random inserts, upserts, deletes, TTL changes,
 * clock advances, checkpoints, manual compactions, crashes and clean restarts. A row is visible while its insert
 * time is not before now less the TTL; a TTL change applies to existing rows at once. Compaction may remove rows
 * that were expired when it ran (then they stay gone even if the TTL grows later): after a checkpoint such rows
 * may be missing, after a checkpoint followed by a manual compaction they must be. Prints its seed; replay with
 * {@code -Dtests.seed=<seed>}.
 */
@Timeout(120)
class DataStoreTtlModelTest {
    private static final long P0 = 1;
    private static final long P1 = 2;
    private static final long COLLECTION = 77;

    @TempDir
    Path dir;

    /** A row as the model holds it. */
    private record Entry(long partition, long insertTime, Object[] row, boolean mayBeCompacted) {}

    @Test
    void randomOperationsMatchAModelOfExpiry() {
        String property = System.getProperty("tests.seed");
        long seed = property == null || property.isBlank() ? new Random().nextLong() : Long.parseLong(property.trim());
        System.out.println("DataStoreTtlModelTest seed " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random random = new Random(seed);
        String replay = " (replay with -Dtests.seed=" + seed + ")";
        AtomicLong now = new AtomicLong(1_750_000_000_000L);
        Map<Long, Entry> model = new HashMap<>();
        long ttl = 0;
        try (DataStoreFixture fx = new DataStoreFixture(dir, Durability.FSYNC, 8)) {
            fx.clock = now::get;
            CollectionLayout layout = fx.add(DataStoreFixture.layout(COLLECTION, P0, P1));
            for (int step = 0; step < 600; step++) {
                int op = random.nextInt(100);
                if (op < 40) {
                    long partition = random.nextBoolean() ? P0 : P1;
                    List<Object[]> rows = new ArrayList<>();
                    Map<Long, Object[]> batch = new HashMap<>();
                    for (int i = random.nextInt(5) + 1; i > 0; i--) {
                        long key = random.nextInt(40);
                        Object[] row = DataStoreFixture.row(key, "s" + step + "-" + i);
                        if (batch.putIfAbsent(key, row) == null) {
                            rows.add(row);
                        }
                    }
                    fx.store.put(layout, partition, rows);
                    batch.forEach((key, row) -> model.put(key, new Entry(partition, now.get(), row, false)));
                } else if (op < 55) {
                    List<Object> keys = new ArrayList<>();
                    for (int i = random.nextInt(4) + 1; i > 0; i--) {
                        keys.add((long) random.nextInt(40));
                    }
                    fx.store.delete(layout, keys);
                    keys.forEach(model::remove);
                } else if (op < 65) {
                    ttl = random.nextInt(4) == 0 ? 0 : random.nextInt(20) + 1;
                    layout = fx.add(layout.withTtlSeconds(ttl));
                } else if (op < 82) {
                    now.addAndGet(random.nextInt(6_000));
                } else if (op < 88) {
                    fx.store.checkpoint();
                    doom(model, cutoff(ttl, now.get()));
                } else if (op < 92) {
                    fx.store.checkpoint();
                    fx.store.compact(layout, Set.of());
                    long cutoff = cutoff(ttl, now.get());
                    model.values().removeIf(e -> e.insertTime() < cutoff);
                } else if (op < 96) {
                    fx.crash();
                } else {
                    fx.restart(); // closing checkpoints, which may compact
                    doom(model, cutoff(ttl, now.get()));
                }
                if (op >= 92 || step % 10 == 0) {
                    check(fx, layout, model, cutoff(ttl, now.get()), "step " + step + replay);
                }
            }
            check(fx, layout, model, cutoff(ttl, now.get()), "end" + replay);
        }
    }

    @Test
    void segmentBodiesKeepEachRowsInsertTime() {
        CollectionLayout docs = FrozenV1.layout(FrozenV1.DOCS, FrozenV1.DOCS_PARTITION);
        Segment segment = new Segment(3, docs.vectorDims());
        segment.append(FrozenV1.DOCS_PARTITION, 1_000L, FrozenV1.row(0));
        segment.append(FrozenV1.DOCS_PARTITION, Segment.NO_INSERT_TIME, FrozenV1.row(1));
        segment.append(FrozenV1.DOCS_PARTITION, 5_000L, FrozenV1.row(2));
        Segment read = SegmentCodec.decodeRows("3.seg", dev.vectorvault.storage.segment.SegmentFile.VERSION,
                SegmentCodec.encodeRows(segment, docs), docs);
        assertThat(List.of(read.insertTime(0), read.insertTime(1), read.insertTime(2)))
                .containsExactly(1_000L, Segment.NO_INSERT_TIME, 5_000L);
        assertThat(read.expiredLiveCount(2_000L)).isEqualTo(1);
        assertThat(read.mayHoldExpired(1_000L)).as("a row at the cutoff itself is not expired").isFalse();
    }

    private static long cutoff(long ttlSeconds, long now) {
        return ttlSeconds <= 0 ? Long.MIN_VALUE : now - ttlSeconds * 1000;
    }

    /** Rows expired now may be removed by the compaction that a checkpoint may run. */
    private static void doom(Map<Long, Entry> model, long cutoff) {
        model.replaceAll((key, e) -> e.insertTime() < cutoff && !e.mayBeCompacted()
                ? new Entry(e.partition(), e.insertTime(), e.row(), true) : e);
    }

    private static void check(DataStoreFixture fx, CollectionLayout layout, Map<Long, Entry> model, long cutoff,
                              String where) {
        Map<Object, List<Object>> live = fx.live(layout);
        for (Map.Entry<Long, Entry> e : model.entrySet()) {
            Entry entry = e.getValue();
            boolean visible = entry.insertTime() >= cutoff;
            List<Object> actual = live.get(e.getKey());
            if (visible && !entry.mayBeCompacted()) {
                assertThat(actual).as("visible key %s at %s", e.getKey(), where)
                        .isEqualTo(DataStoreFixture.expected(entry.partition(), entry.row()));
            } else if (!visible) {
                assertThat(actual).as("expired key %s at %s", e.getKey(), where).isNull();
            } else if (actual != null) {
                assertThat(actual).as("key %s at %s", e.getKey(), where)
                        .isEqualTo(DataStoreFixture.expected(entry.partition(), entry.row()));
            }
        }
        assertThat(model.keySet()).as("no row the model lacks, at %s", where).containsAll(
                live.keySet().stream().map(k -> (Long) k).toList());
        fx.store.read(layout, view -> {
            for (Object key : live.keySet()) {
                assertThat(view.locate(key)).as("located %s at %s", key, where).isNotNegative();
            }
            for (Map.Entry<Long, Entry> e : model.entrySet()) {
                if (e.getValue().insertTime() < cutoff) {
                    assertThat(view.locate(e.getKey())).as("expired key %s not located, %s", e.getKey(), where)
                            .isEqualTo(-1);
                }
            }
            return null;
        });
    }
}
