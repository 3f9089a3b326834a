package dev.vectorvault.query.expr;

import static dev.vectorvault.query.expr.Fixtures.matches;
import static dev.vectorvault.query.expr.Fixtures.rejection;
import static dev.vectorvault.query.expr.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class LiteralTest {
    @Test
    void integersMayBeNegativeOrHexadecimal() {
        assertThat(matches("age == -5", row("age", -5L))).isTrue();
        assertThat(matches("age == 0x1F", row("age", 31L))).isTrue();
        assertThat(matches("age == 0X1f", row("age", 31L))).isTrue();
        assertThat(matches("age == - 5", row("age", -5L))).isTrue();
    }

    @Test
    void int64ExtremesAreRepresentable() {
        assertThat(matches("age == -9223372036854775808", row("age", Long.MIN_VALUE))).isTrue();
        assertThat(matches("age == 9223372036854775807", row("age", Long.MAX_VALUE))).isTrue();
    }

    @Test
    void integerBeyondInt64IsRejectedAtTheLiteral() {
        ExpressionException e = rejection("age == 9223372036854775808");
        assertThat(e).hasMessageContaining("line 1:7 integer 9223372036854775808 is out of the Int64 range");
        assertThat(e.position()).isEqualTo(7);
    }

    @Test
    void floatsInDecimalAndExponentForms() {
        assertThat(matches("price == 1.5", row("price", 1.5))).isTrue();
        assertThat(matches("price == 1e3", row("price", 1000.0))).isTrue();
        assertThat(matches("price == 2.5E-1", row("price", 0.25))).isTrue();
        assertThat(matches("price == .5", row("price", 0.5))).isTrue();
        assertThat(matches("price == 2.", row("price", 2.0))).isTrue();
        assertThat(matches("price == -1.25", row("price", -1.25))).isTrue();
    }

    @Test
    void stringsInEitherQuoteWithBackslashEscapes() {
        assertThat(matches("name == \"bob\"", row("name", "bob"))).isTrue();
        assertThat(matches("name == 'bob'", row("name", "bob"))).isTrue();
        assertThat(matches("name == \"say \\\"hi\\\"\"", row("name", "say \"hi\""))).isTrue();
        assertThat(matches("name == 'it\\'s'", row("name", "it's"))).isTrue();
        assertThat(matches("name == \"it's\"", row("name", "it's"))).isTrue();
        assertThat(matches("name == 'a \"quote\"'", row("name", "a \"quote\""))).isTrue();
        assertThat(matches("name == \"tab\\there\\nnext\"", row("name", "tab\there\nnext"))).isTrue();
        assertThat(matches("name == \"back\\\\slash\"", row("name", "back\\slash"))).isTrue();
    }

    @Test
    void numericEscapesDecodeToCharacters() {
        assertThat(matches("name == \"\\x41\\u00e9\\U0001F600\\101\"", row("name", "Aé😀A"))).isTrue();
    }

    @Test
    void unknownEscapeKeepsItsBackslash() {
        assertThat(matches("name == \"50\\%\"", row("name", "50\\%"))).isTrue();
    }

    @Test
    void nonAsciiTextIsKeptAsIs() {
        assertThat(matches("name == \"日本語\"", row("name", "日本語"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "True", "TRUE", "tRuE"})
    void booleanLiteralsInAnyLetterCase(String literal) {
        assertThat(matches("active == " + literal, row("active", true))).isTrue();
        assertThat(matches("active == " + literal, row("active", false))).isFalse();
    }

    @Test
    void falseLiteral() {
        assertThat(matches("active == false", row("active", false))).isTrue();
        assertThat(matches("active == FALSE", row("active", true))).isFalse();
    }

    @Test
    void listLiteralsHoldNumbersOrStringsAndMayEndWithAComma() {
        assertThat(matches("age in [1, -2, 3,]", row("age", -2L))).isTrue();
        assertThat(matches("name in [\"a\", 'b']", row("name", "b"))).isTrue();
        assertThat(matches("age in [1 + 1, 2 * 3]", row("age", 6L))).isTrue();
    }

    @Test
    void namesThatMerelyStartWithAKeywordAreIdentifiers() {
        Row row = row("$meta", Fixtures.map("notes", 1L, "android", 2L, "island", 3L, "likes", 4L, "nullable", 5L,
                "trueish", 6L, "orders", 7L, "exists_flag", 8L, "Like_", 9L));
        assertThat(Fixtures.matchesDynamic("notes == 1 and android == 2 and island == 3 and likes == 4"
                + " and nullable == 5 and trueish == 6 and orders == 7 and exists_flag == 8 and Like_ == 9", row)).isTrue();
    }

    @Test
    void listElementsMustBeConstants() {
        assertThat(rejection("age in [1, id]")).hasMessageContaining("line 1:11 list elements must be constants");
    }
}
