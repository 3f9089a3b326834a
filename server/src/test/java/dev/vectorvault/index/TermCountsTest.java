package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TermCountsTest {
    private static final long SEED = Long.getLong("tests.seed", new Random().nextLong());

    /**
     * Random puts, adds, gets and clears against a {@link HashMap}: keys from small pools that mix the free-slot
     * marker 0, the extremes, negatives (term ids above 2^31 are negative ints), strided values (which collide in the
     * low bits) and CRC-like random ids, so probing, growth and the separately kept key 0 are all exercised. Replay
     * with {@code -Dtests.seed=N}.
     */
    @Test
    void behavesAsAHashMapOfCounts() {
        System.out.println("TermCountsTest seed=" + SEED + " (replay with -Dtests.seed=" + SEED + ")");
        Random random = new Random(SEED);
        for (int round = 0; round < 40; round++) {
            int[] pool = pool(random, 1 + random.nextInt(round < 20 ? 64 : 5_000));
            TermCounts map = new TermCounts();
            Map<Integer, Integer> model = new HashMap<>();
            int steps = 50 + random.nextInt(20_000);
            for (int step = 0; step < steps; step++) {
                int key = pool[random.nextInt(pool.length)];
                String where = "seed " + SEED + ", round " + round + ", step " + step + ", key " + key;
                switch (random.nextInt(10)) {
                    case 0, 1, 2 -> {
                        int value = random.nextInt(1000) - 500;
                        map.put(key, value);
                        model.put(key, value);
                    }
                    case 3, 4, 5, 6 -> {
                        int delta = random.nextInt(5) - 2;
                        int expected = model.merge(key, delta, Integer::sum);
                        assertThat(map.add(key, delta)).as(where).isEqualTo(expected);
                    }
                    case 7 -> {
                        if (random.nextInt(200) == 0) {
                            map.clear();
                            model.clear();
                        }
                    }
                    default -> assertThat(map.get(key, Integer.MIN_VALUE)).as(where)
                            .isEqualTo(model.getOrDefault(key, Integer.MIN_VALUE));
                }
                assertThat(map.size()).as(where).isEqualTo(model.size());
            }
            int[] keys = map.keys();
            Arrays.sort(keys);
            assertThat(keys).as("seed %d, round %d", SEED, round)
                    .isEqualTo(model.keySet().stream().mapToInt(Integer::intValue).sorted().toArray());
            for (int key : pool) {
                assertThat(map.get(key, -7)).as("seed %d, key %d", SEED, key).isEqualTo(model.getOrDefault(key, -7));
            }
        }
    }

    @Test
    void theFreeSlotMarkerIsAnOrdinaryKey() {
        TermCounts map = new TermCounts();
        assertThat(map.get(0, -1)).isEqualTo(-1);
        assertThat(map.add(0, 3)).isEqualTo(3);
        assertThat(map.add(0, -3)).isZero();
        assertThat(map.size()).isEqualTo(1); // a count back at zero stays a key (read as "no rows")
        assertThat(map.keys()).containsExactly(0);
        map.put(0, 9);
        assertThat(map.get(0, -1)).isEqualTo(9);
        map.clear();
        assertThat(map.get(0, -1)).isEqualTo(-1);
        assertThat(map.keys()).isEmpty();
    }

    private static int[] pool(Random random, int n) {
        int[] pool = new int[n];
        int stride = 1 << random.nextInt(20);
        for (int i = 0; i < n; i++) {
            pool[i] = switch (random.nextInt(6)) {
                case 0 -> 0;
                case 1 -> random.nextBoolean() ? Integer.MIN_VALUE : Integer.MAX_VALUE;
                case 2 -> -1 - random.nextInt(100);
                case 3 -> i * stride;
                default -> random.nextInt();
            };
        }
        return pool;
    }
}
