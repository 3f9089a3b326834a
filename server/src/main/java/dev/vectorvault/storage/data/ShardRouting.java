package dev.vectorvault.storage.data;

import dev.vectorvault.common.MilvusHash;
import java.util.ArrayList;
import java.util.List;

/**
 * Which shard a row goes to: Milvus's primary-key hash ({@code typeutil.HashPK2Channels}, {@link MilvusHash}), so a
 * key always lands on the same shard and its writes and deletes stay in order.
 */
final class ShardRouting {
    private ShardRouting() {}

    static int shardOf(Object primaryKey, int shards) {
        return shards == 1 ? 0 : MilvusHash.bucket(primaryKey, shards);
    }

    /** Splits rows by the shard of their primary key ({@code pk} = its field), keeping their order within a shard. */
    static List<List<Object[]>> rowsByShard(List<Object[]> rows, int pk, int shards) {
        List<List<Object[]>> out = new ArrayList<>(shards);
        for (int s = 0; s < shards; s++) {
            out.add(new ArrayList<>());
        }
        for (Object[] row : rows) {
            out.get(shardOf(row[pk], shards)).add(row);
        }
        return out;
    }

    /** Splits primary keys by shard, keeping their order within a shard. */
    static List<List<Object>> keysByShard(List<Object> keys, int shards) {
        List<List<Object>> out = new ArrayList<>(shards);
        for (int s = 0; s < shards; s++) {
            out.add(new ArrayList<>());
        }
        for (Object key : keys) {
            out.get(shardOf(key, shards)).add(key);
        }
        return out;
    }
}
