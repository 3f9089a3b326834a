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

    /**
     * {@link #of} straight from a tokenizer's term buffer: the first 100 bytes of UTF-8 are encoded into a reused
     * array and hashed with a reused CRC, so a token costs no String, no byte array and no checksum object. Every
     * insert into a BM25 collection hashes each of its tokens here. Not thread-safe: one per analysis.
     */
    static final class Hasher {
        /** Room for the 100 hashed bytes and the rest of a character that straddles them. */
        private final byte[] utf8 = new byte[MAX_HASHED_BYTES + 3];
        private final CRC32 crc = new CRC32();

        /** {@link TermHash#of} of the token {@code chars[0, length)}. */
        long of(char[] chars, int length) {
            int bytes = 0;
            for (int i = 0; i < length && bytes < MAX_HASHED_BYTES; i++) {
                char c = chars[i];
                if (c < 0x80) {
                    utf8[bytes++] = (byte) c;
                } else if (c < 0x800) {
                    utf8[bytes++] = (byte) (0xC0 | c >> 6);
                    utf8[bytes++] = (byte) (0x80 | c & 0x3F);
                } else if (!Character.isSurrogate(c)) {
                    utf8[bytes++] = (byte) (0xE0 | c >> 12);
                    utf8[bytes++] = (byte) (0x80 | c >> 6 & 0x3F);
                    utf8[bytes++] = (byte) (0x80 | c & 0x3F);
                } else {
                    // Pairs and unpaired surrogates (which String.getBytes turns into '?'): rare, done as of does.
                    return TermHash.of(new String(chars, 0, length));
                }
            }
            crc.reset();
            crc.update(utf8, 0, Math.min(bytes, MAX_HASHED_BYTES));
            return crc.getValue() % MODULUS;
        }
    }
}
