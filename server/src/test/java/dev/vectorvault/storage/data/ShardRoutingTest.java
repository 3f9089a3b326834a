package dev.vectorvault.storage.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Rows go to shards by Milvus's primary-key hash: stable per key, spread over every shard. */
@Timeout(30)
class ShardRoutingTest {
    @Test
    void aVarcharKeyGoesToItsCrc32ModuloTheShardCount() {
        // CRC32-IEEE("abc") = 0x352441C2 = 891568578.
        assertThat(ShardRouting.shardOf("abc", 7)).isEqualTo((int) (891_568_578L % 7));
        assertThat(ShardRouting.shardOf("abc", 16)).isEqualTo((int) (891_568_578L % 16));
    }

    @Test
    void onlyTheFirst100BytesOfAVarcharKeyCount() {
        String prefix = "k".repeat(100);
        for (int shards = 2; shards <= 16; shards++) {
            assertThat(ShardRouting.shardOf(prefix + "tail-one", shards))
                    .isEqualTo(ShardRouting.shardOf(prefix + "another tail", shards))
                    .isEqualTo(ShardRouting.shardOf(prefix, shards));
        }
    }

    @Test
    void integerKeysAreSpreadOverEveryShardAndEachKeyStaysOnItsShard() {
        int shards = 5;
        int[] counts = new int[shards];
        for (long key = -500; key < 500; key++) {
            int shard = ShardRouting.shardOf(key, shards);
            assertThat(shard).isBetween(0, shards - 1).isEqualTo(ShardRouting.shardOf(key, shards));
            counts[shard]++;
        }
        for (int count : counts) {
            assertThat(count).as("every shard gets about a fifth").isBetween(120, 280);
        }
        assertThat(ShardRouting.shardOf(Long.MIN_VALUE, shards)).isBetween(0, shards - 1);
    }

    @Test
    void oneShardTakesEveryKeyAndSplittingKeepsTheOrderWithinAShard() {
        assertThat(ShardRouting.shardOf(123L, 1)).isZero();
        List<Object> keys = new ArrayList<>();
        for (long k = 0; k < 50; k++) {
            keys.add(k);
        }
        List<List<Object>> split = ShardRouting.keysByShard(keys, 3);
        assertThat(split).hasSize(3);
        assertThat(split.stream().mapToInt(List::size).sum()).isEqualTo(50);
        for (int s = 0; s < 3; s++) {
            List<Object> part = split.get(s);
            assertThat(part).isSortedAccordingTo((a, b) -> Long.compare((Long) a, (Long) b));
            for (Object key : part) {
                assertThat(ShardRouting.shardOf(key, 3)).isEqualTo(s);
            }
        }
    }

    @Test
    void aKeyOfAnotherTypeIsRefused() {
        assertThatThrownBy(() -> ShardRouting.shardOf(1.5f, 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
