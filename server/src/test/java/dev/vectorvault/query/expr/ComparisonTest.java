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
class ComparisonTest {
    private static final Row AGE_30 = row("age", 30L, "price", 9.5, "name", "bob", "title", "bob", "id", 7L);

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "age == 30, true", "age == 31, false",
            "age != 31, true", "age != 30, false",
            "age < 31, true", "age < 30, false",
            "age <= 30, true", "age <= 29, false",
            "age > 29, true", "age > 30, false",
            "age >= 30, true", "age >= 31, false",
            "30 == age, true", "40 > age, true", "40 < age, false",
    })
    void eachOperatorAgainstALiteralOnEitherSide(String expression, boolean expected) {
        assertThat(matches(expression, AGE_30)).isEqualTo(expected);
    }

    @Test
    void integersAndFloatsCompareNumerically() {
        assertThat(matches("age == 30.0", AGE_30)).isTrue();
        assertThat(matches("age < 30.5", AGE_30)).isTrue();
        assertThat(matches("price > 9", AGE_30)).isTrue();
        assertThat(matches("price < age", AGE_30)).isTrue();
    }

    @Test
    void integersBeyondTwoToThe53CompareExactlyWithFloats() {
        Row big = row("age", (1L << 53) + 1);
        assertThat(matches("age > 9007199254740992.0", big)).isTrue();
        assertThat(matches("age == 9007199254740992.0", big)).isFalse();
    }

    @Test
    void twoFieldsOfCompatibleTypes() {
        assertThat(matches("name == title", AGE_30)).isTrue();
        assertThat(matches("id < age", AGE_30)).isTrue();
        assertThat(matches("age <= id", AGE_30)).isFalse();
    }

    @Test
    void stringsOrderByCodePointLikeMilvus() {
        assertThat(matches("name < \"c\"", row("name", "bob"))).isTrue();
        assertThat(matches("name > \"B\"", row("name", "a"))).isTrue();
        // UTF-16 would put the surrogate pair of U+1F600 below U+FFFF; code point (UTF-8) order puts it above.
        assertThat(matches("name > \"\uFFFF\"", row("name", "😀"))).isTrue();
    }

    @Test
    void ascendingAndDescendingRangesIncludeOrExcludeTheirBounds() {
        assertThat(matches("1 < age < 50", AGE_30)).isTrue();
        assertThat(matches("30 < age < 50", AGE_30)).isFalse();
        assertThat(matches("30 <= age <= 30", AGE_30)).isTrue();
        assertThat(matches("10 >= age >= 1", AGE_30)).isFalse();
        assertThat(matches("50 > age >= 30", AGE_30)).isTrue();
        assertThat(matches("50 > age > 30", AGE_30)).isFalse();
        assertThat(matches("9 < price <= 9.5", AGE_30)).isTrue();
    }

    @Test
    void rangeBoundsMayBeFieldsToo() {
        assertThat(matches("id < age < 100", AGE_30)).isTrue();
    }

    @Test
    void chainedComparisonsMustPointOneWay() {
        assertThat(rejection("1 < age > 5"))
                .hasMessageContaining("line 1:8 only a range can chain comparisons");
        assertThat(rejection("age == 1 == 1").position()).isEqualTo(9);
    }

    @Test
    void arithmeticInComparisons() {
        assertThat(matches("age + 1 == 31", AGE_30)).isTrue();
        assertThat(matches("price * 2 > 10", AGE_30)).isTrue();
        assertThat(matches("age - 10 == 20", AGE_30)).isTrue();
        assertThat(matches("age / 7 == 4", AGE_30)).isTrue();
        assertThat(matches("age % 7 == 2", AGE_30)).isTrue();
        assertThat(matches("age ** 2 == 900", AGE_30)).isTrue();
        assertThat(matches("-age == -30", AGE_30)).isTrue();
        assertThat(matches("age * -1 < 0", AGE_30)).isTrue();
        assertThat(matches("age + price == 39.5", AGE_30)).isTrue();
        assertThat(matches("+age == 30", AGE_30)).isTrue();
    }

    @Test
    void arithmeticPrecedenceAndAssociativity() {
        assertThat(matches("age == 2 + 4 * 7", AGE_30)).isTrue();
        assertThat(matches("age == (2 + 3) * 6", AGE_30)).isTrue();
        assertThat(matches("age - 10 - 10 == 10", AGE_30)).isTrue();
        assertThat(matches("age / 3 / 5 == 2", AGE_30)).isTrue();
        assertThat(matches("2 ** 3 ** 2 == 512", AGE_30)).isTrue();
        assertThat(matches("-2 ** 2 == -4", AGE_30)).isTrue();
        assertThat(matches("2 ** -1 == 0.5", AGE_30)).isTrue();
    }

    @Test
    void integerArithmeticStaysInLongAndDividesTowardZero() {
        assertThat(matches("age * 1000000000000 == 30000000000000", AGE_30)).isTrue();
        assertThat(matches("-age / 7 == -4", AGE_30)).isTrue();
        assertThat(matches("age / 4 == 7.5", AGE_30)).isFalse();
        assertThat(matches("price / 2 == 4.75", AGE_30)).isTrue();
    }

    @Test
    void divisionByZeroOnARowDoesNotMatchEvenWhenNegated() {
        assertThat(matches("age / 0 == 1", AGE_30)).isFalse();
        assertThat(matches("not (age / 0 == 1)", AGE_30)).isFalse();
        assertThat(matches("age % 0 == 0", AGE_30)).isFalse();
        assertThat(matches("price / 0 > 0", AGE_30)).isFalse();
        assertThat(matches("age / (id - 7) < 100", AGE_30)).isFalse();
    }

    @Test
    void divisionByZeroBetweenConstantsIsRejected() {
        assertThat(rejection("age > 1 / 0")).hasMessageContaining("line 1:8 division by zero");
    }

    @Test
    void moduloNeedsIntegers() {
        assertThat(rejection("price % 2 == 1")).hasMessageContaining("line 1:6 operator % needs integers, got Double");
    }

    @Test
    void arithmeticOnNonNumbersIsRejected() {
        assertThat(rejection("name + 1 == 2")).hasMessageContaining("line 1:5 operator + cannot be applied to VarChar");
        assertThat(rejection("-active")).hasMessageContaining("operator - cannot be applied to Bool");
    }

    @Test
    void constantComparisonsAreDecidedAtParseTime() {
        assertThat(matches("1 < 2", row())).isTrue();
        assertThat(matches("\"a\" == \"b\"", row())).isFalse();
    }
}
