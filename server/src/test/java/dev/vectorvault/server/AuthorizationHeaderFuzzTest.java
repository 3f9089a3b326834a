package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vectorvault.auth.Password;
import dev.vectorvault.auth.VerifiedCredentialCache;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Fuzz target: what the server does with an {@code authorization} header before any password hash runs. Any header
 * is either refused as badly formatted (empty), read as an API key (no user name), or split into a user name and
 * password bytes that go through {@link Password#fromUtf8} and the per-call HMAC of {@link VerifiedCredentialCache};
 * none of it may throw. A well-formed {@code base64(user:password)} always comes back exactly as it was sent.
 */
class AuthorizationHeaderFuzzTest {
    private static final VerifiedCredentialCache CACHE = new VerifiedCredentialCache();

    @FuzzTest(maxDuration = "60s")
    void anyHeaderDecodesOrIsRefusedWithoutThrowing(FuzzedDataProvider data) {
        String header = data.consumeRemainingAsString();
        Optional<AuthInterceptor.Credentials> credentials = AuthInterceptor.decode(header);
        if (credentials.isEmpty()) {
            return;
        }
        String user = credentials.get().username();
        byte[] password = credentials.get().password();
        if (user == null) {
            assertThat(password).isEmpty();
            return;
        }
        assertThat(user).doesNotContain(":");
        Optional<Password> decoded = Password.fromUtf8(password);
        decoded.ifPresent(p -> {
            assertThat(p.characters()).isBetween(0, password.length);
            assertThat(CACHE.digest(user, p)).hasSize(32).isEqualTo(CACHE.digest(user, p));
        });
    }

    @FuzzTest(maxDuration = "60s")
    void wellFormedCredentialsRoundTrip(FuzzedDataProvider data) {
        boolean padded = data.consumeBoolean();
        byte[] userBytes = data.consumeString(64).replace(":", "").getBytes(StandardCharsets.UTF_8);
        String user = new String(userBytes, StandardCharsets.UTF_8); // lone surrogates became '?' on the way
        byte[] password = data.consumeRemainingAsBytes();
        byte[] raw = new byte[userBytes.length + 1 + password.length];
        System.arraycopy(userBytes, 0, raw, 0, userBytes.length);
        raw[userBytes.length] = ':';
        System.arraycopy(password, 0, raw, userBytes.length + 1, password.length);
        String header = (padded ? " " : "") + Base64.getEncoder().encodeToString(raw);

        AuthInterceptor.Credentials credentials = AuthInterceptor.decode(header).orElseThrow();
        assertThat(credentials.username()).isEqualTo(user);
        assertThat(Arrays.equals(credentials.password(), password)).isTrue();
    }
}
