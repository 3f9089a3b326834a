package dev.vectorvault.storage.codec;

/**
 * Encoded values could not be decoded: the input is truncated, carries an unknown tag, an impossible length, invalid
 * UTF-8 or lists nested too deeply. The message names the byte offset. Inputs normally come from checksummed files,
 * so seeing this means corruption the checksum missed or a writer bug; callers treat it as data loss, never retry.
 */
public final class MalformedValueException extends RuntimeException {
    private final int offset;

    public MalformedValueException(int offset, String reason) {
        super("malformed encoded value at offset " + offset + ": " + reason);
        this.offset = offset;
    }

    /** Byte offset, relative to the start of the reader's input, where decoding failed. */
    public int offset() {
        return offset;
    }
}
