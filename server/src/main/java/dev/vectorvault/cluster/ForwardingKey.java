package dev.vectorvault.cluster;

/**
 * The secret the nodes of one cluster share to sign forwarded calls (HMAC-SHA256): created once by the first node and
 * kept in etcd, held in memory only, never logged. The embedded server forwards nothing and has none.
 */
public interface ForwardingKey {
    /** A copy of the key bytes (32 bytes). */
    byte[] bytes();
}
