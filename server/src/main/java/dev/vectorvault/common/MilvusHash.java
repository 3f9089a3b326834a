package dev.vectorvault.common;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Milvus's hash of a key ({@code typeutil.Hash32Int64} / {@code HashString2Uint32}), the one function behind both its
 * shard routing by primary key ({@code HashPK2Channels}) and its partition-key routing ({@code HashKey2Partitions}),
 * so rows land where Milvus would put them: an Int64 key hashes with MurmurHash3 x86_32, seed 0, over its eight
 * little-endian bytes, masked to 31 bits; a VarChar key with CRC32 (IEEE) of at most its first 100 UTF-8 bytes,
 * unsigned. A bucket is the hash modulo the bucket count.
 */
public final class MilvusHash {
    private static final int MAX_HASHED_STRING_BYTES = 100;

    private MilvusHash() {}

    /** The hash of an integer key (Long or Integer, taken as int64) or a string key. */
    public static long of(Object key) {
        if (key instanceof Long || key instanceof Integer) {
            // Guava feeds the long's 8 bytes little-endian, as Milvus's Hash32Int64 does.
            return Hashing.murmur3_32_fixed().hashLong(((Number) key).longValue()).asInt() & 0x7fff_ffffL;
        }
        if (key instanceof String text) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            CRC32 crc = new CRC32();
            crc.update(utf8, 0, Math.min(utf8.length, MAX_HASHED_STRING_BYTES));
            return crc.getValue();
        }
        throw new IllegalArgumentException("a hashed key is an integer or a string, got "
                + (key == null ? "null" : key.getClass().getSimpleName()));
    }

    /** Which of {@code buckets} buckets {@code key} falls in. */
    public static int bucket(Object key, int buckets) {
        return (int) (of(key) % buckets);
    }
}
