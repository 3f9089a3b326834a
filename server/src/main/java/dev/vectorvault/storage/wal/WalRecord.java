package dev.vectorvault.storage.wal;

import java.util.Objects;

/**
 * One log record: its log sequence number and the caller's opaque payload. The payload array is shared, not copied;
 * treat it as read-only.
 */
public record WalRecord(long lsn, byte[] payload) {
    public WalRecord {
        if (lsn < 1) {
            throw new IllegalArgumentException("lsn must be >= 1, got " + lsn);
        }
        Objects.requireNonNull(payload, "payload");
    }
}
