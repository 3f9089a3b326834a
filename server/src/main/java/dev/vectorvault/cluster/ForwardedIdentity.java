package dev.vectorvault.cluster;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who a forwarded call acts for, as the entry node vouches for it: the RPC, the caller (already authenticated and
 * authorized there), the database of the call, the client's address (for the owner's audit lines), the entry node,
 * when it was issued, and the SHA-256 of the request message. The entry node signs all of it with HMAC-SHA256 under
 * the cluster's {@link ForwardingKey}; the owner recomputes the signature over what it received, so a changed request,
 * user, database or method, or a call signed without the key, does not verify. The owner still checks the user exists
 * and re-runs authorization with its own policy: the signature says who asked, not what they may do.
 *
 * <p>A signed call stays acceptable for {@link #MAX_SKEW_MILLIS} either side of its issue time (clock skew between
 * nodes plus transit); within that window a captured call could be replayed, which is why the internal port belongs
 * on a private network (or behind TLS).
 */
public record ForwardedIdentity(String method, String user, String database, String clientAddress, long entryNodeId,
                                long issuedAtMillis, byte[] requestDigest) {
    public static final long MAX_SKEW_MILLIS = 60_000;
    /** Bumped if the signed layout ever changes, so two layouts can never verify each other's signatures. */
    private static final String LAYOUT = "vectorvault-forward-v1";
    private static final String HMAC = "HmacSHA256";

    public ForwardedIdentity {
        requestDigest = requestDigest.clone();
    }

    @Override
    public byte[] requestDigest() {
        return requestDigest.clone();
    }

    /** SHA-256 of a serialized request. */
    public static byte[] digestOf(byte[] requestBytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(requestBytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /** The HMAC-SHA256 of this identity under {@code key}. */
    public byte[] signature(ForwardingKey key) {
        byte[] secret = key.bytes();
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(secret, HMAC));
            return mac.doFinal(signedBytes());
        } catch (GeneralSecurityException e) {
            // Never the key in the message: only what went wrong.
            throw new IllegalStateException("cannot compute the forwarding signature: " + e.getClass().getSimpleName());
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** Whether {@code signature} is this identity's signature under {@code key} (compared in constant time). */
    public boolean signedBy(ForwardingKey key, byte[] signature) {
        byte[] expected = signature(key);
        return signature != null && MessageDigest.isEqual(expected, signature);
    }

    /** Whether the call was issued within {@link #MAX_SKEW_MILLIS} of {@code nowMillis}, either side. */
    public boolean freshAt(long nowMillis) {
        return Math.abs(nowMillis - issuedAtMillis) <= MAX_SKEW_MILLIS;
    }

    /** Every field length-prefixed, so no two different identities share their signed bytes. */
    private byte[] signedBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        for (String part : new String[] {LAYOUT, method, user, database, clientAddress}) {
            writeChunk(out, part.getBytes(StandardCharsets.UTF_8));
        }
        writeChunk(out, ByteBuffer.allocate(16).putLong(entryNodeId).putLong(issuedAtMillis).array());
        writeChunk(out, requestDigest);
        return out.toByteArray();
    }

    private static void writeChunk(ByteArrayOutputStream out, byte[] chunk) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(chunk.length).array());
        out.writeBytes(chunk);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ForwardedIdentity o && method.equals(o.method) && user.equals(o.user)
                && database.equals(o.database) && clientAddress.equals(o.clientAddress)
                && entryNodeId == o.entryNodeId && issuedAtMillis == o.issuedAtMillis
                && Arrays.equals(requestDigest, o.requestDigest);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(method, user, database, entryNodeId, issuedAtMillis);
    }

    @Override
    public String toString() {
        return "ForwardedIdentity[method=" + method + ", user=" + user + ", database=" + database + ", client="
                + clientAddress + ", entryNode=" + entryNodeId + ", issuedAt=" + issuedAtMillis + "]";
    }
}
