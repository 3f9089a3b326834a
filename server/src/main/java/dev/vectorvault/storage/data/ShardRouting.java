package dev.vectorvault.storage.data;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Which shard a row goes to: Milvus's primary-key hash ({@code typeutil.HashPK2Channels}), so a key always lands on
 * the same shard and its writes and deletes stay in order. An INT64 key: MurmurHash3 x86_32, seed 0, over its eight
 * little-endian bytes, then {@code & 0x7fffffff}; a VARCHAR key: CRC32-IEEE of at most its first 100 UTF-8 bytes,
 * unsigned; then modulo the shard count.
 */
final class ShardRouting {
    private static final int MAX_HASHED_STRING_BYTES = 100;

    private ShardRouting() {}

    static int shardOf(Object primaryKey, int shards) {
        if (shards == 1) {
            return 0;
        }
        long hash;
        if (primaryKey instanceof Long || primaryKey instanceof Integer) {
            Number number = (Number) primaryKey;
            hash = Hashing.murmur3_32_fixed().hashLong(number.longValue()).asInt() & 0x7fffffffL;
        } else if (primaryKey instanceof String text) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            CRC32 crc = new CRC32();
            crc.update(utf8, 0, Math.min(utf8.length, MAX_HASHED_STRING_BYTES));
            hash = crc.getValue();
        } else {
            throw new IllegalArgumentException("a primary key is an integer or a string, got "
                    + (primaryKey == null ? "null" : primaryKey.getClass().getSimpleName()));
        }
        return (int) (hash % shards);
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
