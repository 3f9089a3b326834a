package dev.vectorvault.storage.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.wal.Durability;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link DataStore} on a temporary folder with hand-made layouts. Rows are {@code [pk INT64, vector dim 2,
 * JSON, VARCHAR]}. {@link #crash()} abandons the open store without a checkpoint (as {@code kill -9} would) and opens
 * a new one on the same files; {@link #restart()} closes it properly first.
 */
final class DataStoreFixture implements AutoCloseable {
    static final int[] DIMS = {0, 2, 0, 0};
    static final boolean[] JSON = {false, false, true, false};

    final Path dir;
    final Durability durability;
    final int sealThreshold;
    /** What the catalog would answer: removing an entry is dropping the collection. */
    final Map<Long, CollectionLayout> layouts = new ConcurrentHashMap<>();
    /** Shared by every store this fixture opens (a crashed one's builds included); closed with the fixture. */
    final DataExecutors executors;
    MvMetaStore meta;
    DataStore store;
    /** The store's clock (insert times, TTL expiry), read through this field so tests can move it. */
    java.util.function.LongSupplier clock = System::currentTimeMillis;

    DataStoreFixture(Path dir, Durability durability, int sealThreshold) {
        this(dir, durability, sealThreshold, new DataExecutors());
    }

    /** On the given executors (a test passes direct ones with {@link ManualDelays} to drive background work). */
    DataStoreFixture(Path dir, Durability durability, int sealThreshold, DataExecutors executors) {
        this.executors = executors;
        this.dir = dir;
        this.durability = durability;
        this.sealThreshold = sealThreshold;
        open();
    }

    static CollectionLayout layout(long collectionId, Long... partitions) {
        return CollectionLayout.builder(collectionId, 0, DIMS).json(JSON).partitions(Set.of(partitions)).build();
    }

    CollectionLayout add(CollectionLayout layout) {
        layouts.put(layout.collectionId(), layout);
        return layout;
    }

    static Object[] row(long key, String text) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("key", key);
        json.put("tags", List.of("t" + key, 1.5));
        return new Object[] {key, new float[] {key, -0.5f * key}, json, text};
    }

    void open() {
        meta = MvMetaStore.open(dir.resolve("meta"));
        store = DataStore.open(dir.resolve("data"), durability, meta, id -> Optional.ofNullable(layouts.get(id)),
                sealThreshold, DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES, IndexBuildSettings.defaults(), executors);
        store.useClock(() -> clock.getAsLong());
        store.startBackgroundWork();
    }

    /** Drops the store on the floor (no checkpoint, the log stays as it is) and recovers from the files. */
    void crash() {
        meta.close();
        open();
    }

    void restart() {
        store.close();
        meta.close();
        open();
    }

    Path segmentDir(long collectionId) {
        return dir.resolve("data").resolve("segments").resolve(Long.toString(collectionId));
    }

    /**
     * Live rows by primary key, in comparable form (vectors as lists), after checking the view's own invariants:
     * every live key is located where it lives, no key is live twice, and the count matches {@code liveRows}.
     */
    Map<Object, List<Object>> live(CollectionLayout layout) {
        Map<Object, List<Object>> rows = store.read(layout, view -> {
            Map<Object, List<Object>> out = new TreeMap<>();
            for (int s = 0; s < view.segmentCount(); s++) {
                for (int o = 0; o < view.segmentSize(s); o++) {
                    if (!view.isLive(s, o)) {
                        continue;
                    }
                    Object key = view.value(s, layout.primaryKeyField(), o);
                    long where = view.locate(key);
                    assertThat(where).as("location of live key %s", key)
                            .isEqualTo(((long) s << 32) | o);
                    List<Object> row = new ArrayList<>();
                    row.add(view.partition(s, o));
                    for (int f = 0; f < layout.fieldCount(); f++) {
                        row.add(comparable(view.value(s, f, o)));
                    }
                    assertThat(out.put(key, row)).as("key %s live twice", key).isNull();
                }
            }
            return out;
        });
        assertThat(store.liveRows(layout, -1)).as("liveRows").isEqualTo(rows.size());
        return rows;
    }

    /** A row as {@link #live} shows it. */
    static List<Object> expected(long partition, Object[] row) {
        List<Object> out = new ArrayList<>();
        out.add(partition);
        for (Object value : row) {
            out.add(comparable(value));
        }
        return out;
    }

    static Object comparable(Object value) {
        if (value instanceof float[] vector) {
            List<Float> list = new ArrayList<>();
            for (float v : vector) {
                list.add(v);
            }
            return list;
        }
        if (value instanceof Object[] array) {
            return Arrays.asList(array);
        }
        return value;
    }

    int segmentCount(CollectionLayout layout) {
        return store.read(layout, CollectionView::segmentCount);
    }

    @Override
    public void close() {
        try {
            store.close();
        } finally {
            try {
                meta.close();
            } finally {
                executors.close();
            }
        }
    }
}
