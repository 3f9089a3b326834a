package dev.vectorvault.text;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
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
     * buffer by a reused encoder and hashed with a reused CRC, so a token costs no String, no byte array and no
     * checksum object. Every insert into a BM25 collection hashes each of its tokens here. Not thread-safe: one per
     * analysis.
     */
    static final class Hasher {
        /** Room for the 100 hashed bytes and the rest of a character that straddles them. */
        private final ByteBuffer utf8 = ByteBuffer.allocate(MAX_HASHED_BYTES + 3);
        // '?' for an unpaired surrogate, as String.getBytes writes it, so both forms hash alike.
        private final CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        private final CRC32 crc = new CRC32();

        /** {@link TermHash#of} of the token {@code chars[0, length)}. */
        long of(char[] chars, int length) {
            utf8.clear();
            encoder.reset();
            // Stops with OVERFLOW once the buffer is full: whole characters only, past the 100 hashed bytes.
            encoder.encode(CharBuffer.wrap(chars, 0, length), utf8, true);
            crc.reset();
            crc.update(utf8.array(), 0, Math.min(utf8.position(), MAX_HASHED_BYTES));
            return crc.getValue() % MODULUS;
        }
    }
}
