package dev.vectorvault.storage.data;

import static dev.vectorvault.storage.data.DataStoreFixture.expected;
import static dev.vectorvault.storage.data.DataStoreFixture.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.storage.wal.Durability;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random puts, deletes, partition drops, checkpoints, crashes and clean restarts against a plain map model: after
 * every reopen (and now and then in between) the store's live rows must equal the model's. Prints its seed; replay
 * with {@code -Dtests.seed=<seed>}.
 */
@Timeout(60)
class DataStoreModelTest {
    private static final long C = 11;
    private static final int KEYS = 40;
    private static final int OPERATIONS = 600;

    @TempDir
    Path dir;

    @Test
    void randomOperationsMatchAMapModelAcrossCheckpointsAndReopens() {
        String property = System.getProperty("tests.seed");
        long seed = property == null || property.isBlank() ? new Random().nextLong() : Long.parseLong(property.trim());
        System.out.println("DataStoreModelTest seed " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random random = new Random(seed);
        String replay = " (replay with -Dtests.seed=" + seed + ")";

        int sealThreshold = 1 + random.nextInt(8);
        Set<Long> partitions = new HashSet<>(List.of(100L, 101L));
        long nextPartition = 102;
        Map<Object, List<Object>> model = new TreeMap<>();
        List<String> history = new ArrayList<>();
        try (DataStoreFixture fx = new DataStoreFixture(dir, Durability.FSYNC, sealThreshold)) {
            fx.add(layout(partitions));
            for (int op = 0; op < OPERATIONS; op++) {
                int dice = random.nextInt(100);
                if (dice < 45) {
                    List<Long> ids = new ArrayList<>(partitions);
                    long partition = ids.get(random.nextInt(ids.size()));
                    List<Object[]> rows = new ArrayList<>();
                    int count = 1 + random.nextInt(4);
                    for (int i = 0; i < count; i++) {
                        long key = random.nextInt(KEYS);
                        Object[] row = row(key, "op" + op + "." + i);
                        rows.add(row);
                        model.put(key, expected(partition, row));
                    }
                    fx.store.put(fx.layouts.get(C), partition, rows);
                    history.add("put " + rows.size() + " into " + partition);
                } else if (dice < 70) {
                    List<Object> keys = new ArrayList<>();
                    int count = 1 + random.nextInt(3);
                    int existing = 0;
                    for (int i = 0; i < count; i++) {
                        long key = random.nextInt(KEYS);
                        if (!keys.contains(key) && model.containsKey(key)) {
                            existing++;
                        }
                        keys.add(key);
                        model.remove(key);
                    }
                    int deleted = fx.store.delete(fx.layouts.get(C), keys);
                    assertThat(deleted).as("deleted count of " + keys + replay).isEqualTo(existing);
                    history.add("delete " + keys);
                } else if (dice < 74 && partitions.size() > 1) {
                    long dropped = new ArrayList<>(partitions).get(random.nextInt(partitions.size()));
                    partitions.remove(dropped);
                    partitions.add(nextPartition++);
                    fx.add(layout(partitions));
                    fx.store.partitionDropped(C, dropped);
                    model.values().removeIf(r -> r.get(0).equals(dropped));
                    history.add("drop partition " + dropped);
                } else if (dice < 84) {
                    fx.store.checkpoint();
                    history.add("checkpoint");
                } else if (dice < 93) {
                    fx.crash();
                    history.add("crash");
                } else {
                    fx.restart();
                    history.add("restart");
                }
                if (dice >= 84 || op % 25 == 0 || op == OPERATIONS - 1) {
                    assertThat(fx.live(fx.layouts.get(C)))
                            .as("after op " + op + ", sealThreshold " + sealThreshold + replay + "; last ops "
                                    + history.subList(Math.max(0, history.size() - 12), history.size()))
                            .isEqualTo(model);
                }
            }
        }
    }

    private static CollectionLayout layout(Set<Long> partitions) {
        return CollectionLayout.builder(C, 0, DataStoreFixture.DIMS).json(DataStoreFixture.JSON)
                .partitions(partitions).build();
    }
}
