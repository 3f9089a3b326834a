package dev.vectorvault.text;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The dimension Milvus gives a token in a BM25 vector (its {@code HashString2LessUint32}): CRC32-IEEE of the first
 * at most 100 bytes of the token's UTF-8, modulo 2^32-1 so that 2^32-1 (the sparse format's "no index") never occurs.
 * {@code RunAnalyzer}'s {@code hash} is the same number.
 */
public final class TermHash {
    static final int MAX_HASHED_BYTES = 100;
    private static final long MODULUS = 0xFFFF_FFFFL;

    private TermHash() {}

    /** The token's dimension, in [0, 2^32-2]. */
    public static long of(String token) {
        byte[] utf8 = token.getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(utf8, 0, Math.min(utf8.length, MAX_HASHED_BYTES));
        return crc.getValue() % MODULUS;
    }
}
