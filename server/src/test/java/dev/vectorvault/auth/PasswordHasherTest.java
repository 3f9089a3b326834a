package dev.vectorvault.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.config.ServerConfig.HashSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PasswordHasherTest {
    private final PasswordHasher hasher = new PasswordHasher(TestCredentials.CHEAP_HASH);

    @Test
    void hashRecordsItsParametersAndASaltInPhcFormat() {
        String hash = hasher.hash(Password.of("secret-password"));
        assertThat(hash).startsWith("$argon2id$v=19$m=64,t=1,p=1$").doesNotContain("secret");
        assertThat(hasher.hash(Password.of("secret-password"))).isNotEqualTo(hash); // fresh salt each time
    }

    @Test
    void verifiesOnlyTheExactPassword() {
        String hash = hasher.hash(Password.of("correct horse"));
        assertThat(hasher.verify(Password.of("correct horse"), hash)).isTrue();
        assertThat(hasher.verify(Password.of("correct horsE"), hash)).isFalse();
        assertThat(hasher.verify(Password.of("correct hors"), hash)).isFalse();
    }

    @Test
    void everyOneOfTwoHundredFiftySixCharactersCounts() {
        String base = "x".repeat(255);
        String hash = hasher.hash(Password.of(base + "a"));
        // bcrypt would ignore everything past byte 72; here the last character still decides.
        assertThat(hasher.verify(Password.of(base + "b"), hash)).isFalse();
        assertThat(hasher.verify(Password.of(base + "a"), hash)).isTrue();
    }

    @Test
    void malformedStoredHashNeverVerifies() {
        assertThat(hasher.verify(Password.of("whatever"), "plaintext")).isFalse();
        assertThat(hasher.verify(Password.of("whatever"), "$argon2id$v=19$m=64,t=1,p=1$!!$!!")).isFalse();
        assertThat(hasher.verify(Password.of("whatever"), null)).isFalse();
    }

    @Test
    void hashesBelowTheConfiguredCostNeedRehashAndStillVerify() {
        String cheap = hasher.hash(Password.of("upgrade-me"));
        PasswordHasher stronger = new PasswordHasher(new HashSettings(128, 2, 1));
        assertThat(stronger.needsRehash(cheap)).isTrue();
        assertThat(stronger.verify(Password.of("upgrade-me"), cheap)).isTrue();
        assertThat(stronger.needsRehash(stronger.hash(Password.of("upgrade-me")))).isFalse();
    }

    @Test
    void passwordNeverPrints() {
        assertThat(Password.of("hunter22").toString()).doesNotContain("hunter22");
    }
}
