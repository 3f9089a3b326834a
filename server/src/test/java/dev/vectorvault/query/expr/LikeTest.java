package dev.vectorvault.query.expr;

import static dev.vectorvault.query.expr.Fixtures.matches;
import static dev.vectorvault.query.expr.Fixtures.rejection;
import static dev.vectorvault.query.expr.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(30)
class LikeTest {
    private static boolean like(String pattern, String value) {
        return matches("name like \"" + pattern + "\"", row("name", value));
    }

    @ParameterizedTest(name = "\"{0}\" against \"{1}\" is {2}")
    @CsvSource(delimiter = '|', value = {
            "ab%    | abc     | true", "ab%    | xabc    | false", "ab%    | ab      | true",
            "%yz    | xyz     | true", "%yz    | xyza    | false",
            "%mid%  | a mid b | true", "%mid%  | mi d    | false",
            "exact  | exact   | true", "exact  | exact!  | false",
            "a_c    | abc     | true", "a_c    | ac      | false", "a_c    | abbc    | false",
            "%x_z   | wxyz    | true", "%x_z   | xz      | false",
            "%      | ''      | true", "''     | ''      | true", "''     | a       | false",
            "%a%b%c | xaybzc  | true", "%a%b%c | abcb    | false", "a%%b   | ab      | true",
            "___    | abc     | true", "___    | ab      | false",
    })
    void percentMatchesAnyRunAndUnderscoreExactlyOneCharacter(String pattern, String value, boolean expected) {
        assertThat(like(pattern, value)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "\"{0}\" against \"{1}\" is {2}")
    @CsvSource(delimiter = '|', value = {
            "a.b  | a.b   | true", "a.b  | aXb   | false",
            "a+   | a+    | true", "a+   | aa    | false",
            "(x)% | (x)yz | true", "(x)% | x     | false",
            "[ab] | [ab]  | true", "[ab] | a     | false",
            "^a$  | ^a$   | true", "^a$  | a     | false",
            "a*   | a*    | true", "a*   | aaa   | false",
            "a?{2}| a?{2} | true", "a?{2}| aa    | false",
    })
    void regexMetacharactersInThePatternAreLiteral(String pattern, String value, boolean expected) {
        assertThat(like(pattern, value)).isEqualTo(expected);
    }

    @Test
    void escapedPercentAndUnderscoreMatchThemselves() {
        // The filter text "100\\%" decodes to 100\% and LIKE reads \% as a literal percent sign.
        assertThat(like("100\\\\%", "100%")).isTrue();
        assertThat(like("100\\\\%", "1000")).isFalse();
        assertThat(like("a\\\\_b", "a_b")).isTrue();
        assertThat(like("a\\\\_b", "axb")).isFalse();
        assertThat(like("100\\%", "100%")).isTrue();
    }

    @Test
    void underscoreMatchesOneCodePointEvenOutsideTheBasicPlane() {
        assertThat(like("_", "😀")).isTrue();
        assertThat(like("a_b", "a😀b")).isTrue();
        assertThat(like("%😀", "xx😀")).isTrue();
    }

    @Test
    void keywordIsCaseInsensitiveButMatchingIsNot() {
        assertThat(matches("name LIKE \"Bo%\"", row("name", "Bob"))).isTrue();
        assertThat(matches("name Like \"Bo%\"", row("name", "bob"))).isFalse();
    }

    @Test
    void likeOnlyAppliesToStringsWithAStringPattern() {
        assertThat(rejection("age like \"1%\"")).hasMessageContaining("line 1:0 like needs a VarChar or JSON value, got Int64");
        assertThat(rejection("name like 1")).hasMessageContaining("line 1:10 the pattern of like must be a string literal");
        assertThat(rejection("name like title")).hasMessageContaining("the pattern of like must be a string literal");
    }
}
