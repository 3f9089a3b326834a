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
class NullSemanticsTest {
    private static final Row NULL_AGE = row("age", null, "title", null, "active", true, "name", "bob");

    @Test
    void isNullAndIsNotNullInAnyLetterCase() {
        assertThat(matches("age is null", NULL_AGE)).isTrue();
        assertThat(matches("age IS NULL", NULL_AGE)).isTrue();
        assertThat(matches("age is not null", NULL_AGE)).isFalse();
        assertThat(matches("age Is Not Null", row("age", 1L))).isTrue();
        assertThat(matches("age is null", row("age", 1L))).isFalse();
    }

    @Test
    void aFieldAbsentFromTheRowIsNull() {
        assertThat(matches("age is null", row())).isTrue();
        assertThat(matches("age == 1", row())).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "age > 1", "age < 1", "age == 1", "age != 1", "not (age > 1)", "not (age == 1)", "!(age != 1)",
            "age in [1]", "age not in [1]", "not (age in [1])", "age + 1 > 0", "-age < 0", "age == age",
            "1 < age < 5", "not (1 < age < 5)", "title like \"%\"", "not (title like \"%\")", "title == name",
            "title != \"x\"", "not (age > 1 or age <= 1)",
    })
    void comparisonsInvolvingNullNeverMatchEvenWhenNegated(String expression) {
        assertThat(matches(expression, NULL_AGE)).isFalse();
    }

    @Test
    void logicFollowsThreeValuedRules() {
        assertThat(matches("age > 1 or active", NULL_AGE)).isTrue();
        assertThat(matches("age > 1 and active", NULL_AGE)).isFalse();
        assertThat(matches("not (age > 1 and false)", NULL_AGE)).isTrue();
        assertThat(matches("not (age > 1 or true)", NULL_AGE)).isFalse();
        assertThat(matches("age is null or age > 1", NULL_AGE)).isTrue();
    }

    @Test
    void isNullOnANonNullableFieldIsAllowedAndFalse() {
        assertThat(matches("name is null", NULL_AGE)).isFalse();
    }

    @Test
    void isNullAppliesOnlyToFieldsAndPaths() {
        assertThat(rejection("age + 1 is null"))
                .hasMessageContaining("line 1:0 is null applies to a field or a JSON path, not to an expression");
        assertThat(rejection("1 is not null")).hasMessageContaining("is null applies to a field or a JSON path");
    }
}
