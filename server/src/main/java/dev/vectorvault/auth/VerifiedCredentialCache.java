package dev.vectorvault.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers, per user, a digest of the password that last passed the slow hash, so later calls cost one HMAC
 * instead of one Argon2id. The digest is HMAC-SHA256 under a random key that lives only in this process: a heap dump
 * of the cache is useless for offline guessing without that key, unlike Milvus's bare SHA-256(password + user).
 * Each entry is pinned to the credential revision it was verified against, so a password change or deletion makes
 * it unusable on the very next call even if a concurrent login re-inserts it. Thread-safe.
 */
public final class VerifiedCredentialCache {
    private record Entry(long revision, byte[] digest) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    public VerifiedCredentialCache() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** The digest of a presented (user, password); compute once per call and pass to the other methods. */
    public byte[] digest(String username, Password password) {
        Mac mac = macs.get();
        mac.update(username.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0); // separator: ("ab","c") and ("a","bc") must differ
        byte[] secret = password.utf8();
        try {
            return mac.doFinal(secret);
        } finally {
            java.util.Arrays.fill(secret, (byte) 0);
        }
    }

    /** True when this exact password was verified against {@code credential} as it is now. */
    public boolean matches(StoredCredential credential, byte[] digest) {
        Entry entry = entries.get(credential.username());
        return entry != null && entry.revision == credential.revision()
                && MessageDigest.isEqual(entry.digest, digest);
    }

    public void remember(StoredCredential credential, byte[] digest) {
        entries.put(credential.username(), new Entry(credential.revision(), digest.clone()));
    }

    public void forget(String username) {
        entries.remove(username);
    }

    int size() {
        return entries.size();
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
