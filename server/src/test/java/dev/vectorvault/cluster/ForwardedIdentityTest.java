package dev.vectorvault.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ForwardedIdentityTest {
    private static final ForwardingKey KEY = () -> filled((byte) 7);
    private static final ForwardingKey OTHER_KEY = () -> filled((byte) 8);
    private static final byte[] DIGEST = ForwardedIdentity.digestOf("request".getBytes(StandardCharsets.UTF_8));
    private static final ForwardedIdentity IDENTITY = new ForwardedIdentity("milvus.proto.milvus.MilvusService/Insert",
            "alice", "default", "10.0.0.5", 2, 1_000_000, DIGEST);

    private static byte[] filled(byte value) {
        byte[] key = new byte[32];
        Arrays.fill(key, value);
        return key;
    }

    @Test
    void aSignatureVerifiesUnderTheSameKeyOnly() {
        byte[] signature = IDENTITY.signature(KEY);
        assertThat(signature).hasSize(32);
        assertThat(IDENTITY.signedBy(KEY, signature)).isTrue();
        assertThat(IDENTITY.signedBy(OTHER_KEY, signature)).isFalse();
        assertThat(IDENTITY.signedBy(KEY, null)).isFalse();
        assertThat(IDENTITY.signedBy(KEY, Arrays.copyOf(signature, 31))).isFalse();
    }

    @Test
    void changingAnyFieldInvalidatesTheSignature() {
        byte[] signature = IDENTITY.signature(KEY);
        ForwardedIdentity[] changed = {
            new ForwardedIdentity("milvus.proto.milvus.MilvusService/Delete", "alice", "default", "10.0.0.5", 2,
                    1_000_000, DIGEST),
            new ForwardedIdentity(IDENTITY.method(), "root", "default", "10.0.0.5", 2, 1_000_000, DIGEST),
            new ForwardedIdentity(IDENTITY.method(), "alice", "db1", "10.0.0.5", 2, 1_000_000, DIGEST),
            new ForwardedIdentity(IDENTITY.method(), "alice", "default", "10.0.0.6", 2, 1_000_000, DIGEST),
            new ForwardedIdentity(IDENTITY.method(), "alice", "default", "10.0.0.5", 3, 1_000_000, DIGEST),
            new ForwardedIdentity(IDENTITY.method(), "alice", "default", "10.0.0.5", 2, 1_000_001, DIGEST),
            new ForwardedIdentity(IDENTITY.method(), "alice", "default", "10.0.0.5", 2, 1_000_000,
                    ForwardedIdentity.digestOf("requesT".getBytes(StandardCharsets.UTF_8))),
            // Moving a character across the boundary of two fields changes the signed bytes too.
            new ForwardedIdentity(IDENTITY.method(), "alic", "edefault", "10.0.0.5", 2, 1_000_000, DIGEST),
        };
        for (ForwardedIdentity other : changed) {
            assertThat(other.signedBy(KEY, signature)).as(other.toString()).isFalse();
        }
    }

    @Test
    void aCallIsFreshWithinSixtySecondsEitherSide() {
        assertThat(IDENTITY.freshAt(1_000_000)).isTrue();
        assertThat(IDENTITY.freshAt(1_060_000)).isTrue();
        assertThat(IDENTITY.freshAt(940_000)).isTrue();
        assertThat(IDENTITY.freshAt(1_060_001)).isFalse();
        assertThat(IDENTITY.freshAt(939_999)).isFalse();
    }

    @Test
    void toStringShowsNeitherDigestNorSignature() {
        String text = IDENTITY.toString();
        assertThat(text).contains("alice").doesNotContain(HexFormat.of().formatHex(DIGEST))
                .doesNotContain("[B@");
    }

    @Test
    void theDigestIsCopiedInAndOut() {
        byte[] digest = DIGEST.clone();
        ForwardedIdentity identity = new ForwardedIdentity("m", "u", "d", "c", 1, 1, digest);
        byte[] signature = identity.signature(KEY);
        digest[0] ^= 1;
        identity.requestDigest()[1] ^= 1;
        assertThat(identity.signedBy(KEY, signature)).isTrue();
    }
}
