package dev.vectorvault.auth;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A plaintext password as it arrived, in UTF-8. It never prints, and every byte of it is hashed: nothing is truncated.
 */
public final class Password {
    private final byte[] utf8;
    private final int characters;

    private Password(byte[] utf8, int characters) {
        this.utf8 = utf8;
        this.characters = characters;
    }

    /** Wraps UTF-8 bytes; empty when they are not valid UTF-8. */
    public static Optional<Password> fromUtf8(byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return Optional.of(new Password(bytes.clone(), text.codePointCount(0, text.length())));
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    public static Password of(String text) {
        return new Password(text.getBytes(StandardCharsets.UTF_8), text.codePointCount(0, text.length()));
    }

    /** Length in Unicode characters (code points), the unit of the configured limits. */
    public int characters() {
        return characters;
    }

    /** A copy of the UTF-8 bytes; the caller should not keep it longer than needed. */
    public byte[] utf8() {
        return utf8.clone();
    }

    public boolean sameAs(Password other) {
        return java.security.MessageDigest.isEqual(utf8, other.utf8);
    }

    @Override
    public String toString() {
        return "Password[redacted]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Password p && sameAs(p);
    }

    @Override
    public int hashCode() {
        return 0; // deliberately constant: a content hash code could leak the password through timing or maps
    }
}
