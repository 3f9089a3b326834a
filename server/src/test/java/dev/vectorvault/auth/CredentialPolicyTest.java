package dev.vectorvault.auth;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.config.ServerConfig.CredentialLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class CredentialPolicyTest {
    private final CredentialPolicy policy = new CredentialPolicy(ServerConfig.defaults().limits());

    @ParameterizedTest
    @ValueSource(strings = {"a", "root", "Alice_01", "x_", "abcdefghijklmnopqrstuvwxyz012345"})
    void acceptsNamesOfLettersDigitsUnderscoresStartingWithALetter(String name) {
        assertThatCode(() -> policy.checkUsername(name)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "_a", "1abc", "a-b", "a.b", "n@me", "h h", " root", "root ", "é", "aé",
            "abcdefghijklmnopqrstuvwxyz0123456"})
    void rejectsOtherNamesWithInvalidParameter(String name) {
        assertThatThrownBy(() -> policy.checkUsername(name))
                .isInstanceOfSatisfying(MilvusException.class,
                        e -> org.assertj.core.api.Assertions.assertThat(e.errorCode())
                                .isEqualTo(ErrorCode.PARAMETER_INVALID))
                .hasMessageEndingWith("invalid parameter");
    }

    @Test
    void nameMessagesFollowMilvusWording() {
        assertThatThrownBy(() -> policy.checkUsername("")).hasMessage("username must be not empty: invalid parameter");
        assertThatThrownBy(() -> policy.checkUsername("9lives"))
                .hasMessageContaining("the first character must be a letter, but got 9");
        assertThatThrownBy(() -> policy.checkUsername("a".repeat(33)))
                .hasMessageContaining("with length 33");
    }

    @Test
    void passwordLengthCountsCharactersFromSixToTwoHundredFiftySix() {
        assertThatCode(() -> policy.checkPassword(Password.of("123456"))).doesNotThrowAnyException();
        assertThatCode(() -> policy.checkPassword(Password.of("p".repeat(256)))).doesNotThrowAnyException();
        assertThatThrownBy(() -> policy.checkPassword(Password.of("12345")))
                .hasMessage("invalid password length: invalid parameter[5 out of range 6 <= value <= 256]");
        assertThatThrownBy(() -> policy.checkPassword(Password.of("p".repeat(257))))
                .hasMessageContaining("[257 out of range");
        // Characters, not bytes: six Chinese characters are 18 bytes and fine; two are too short.
        assertThatCode(() -> policy.checkPassword(Password.of("中文中文中文"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> policy.checkPassword(Password.of("中文"))).hasMessageContaining("[2 out of range");
    }

    @Test
    void configuredLimitsApply() {
        CredentialPolicy strict = new CredentialPolicy(new CredentialLimits(8, 10, 12, 100));
        assertThatCode(() -> strict.checkUsername("abcdefgh")).doesNotThrowAnyException();
        assertThatThrownBy(() -> strict.checkUsername("abcdefghi")).isInstanceOf(MilvusException.class);
        assertThatThrownBy(() -> strict.checkPassword(Password.of("123456789"))).isInstanceOf(MilvusException.class);
        assertThatThrownBy(() -> strict.checkPassword(Password.of("1234567890123")))
                .isInstanceOf(MilvusException.class);
    }
}
