package dev.vectorvault.query.expr;

import static dev.vectorvault.query.expr.Fixtures.matches;
import static dev.vectorvault.query.expr.Fixtures.rejection;
import static dev.vectorvault.query.expr.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class LogicalOperatorTest {
    /** Asserts that {@code expression} over the Bool fields a, b, c agrees with {@code expected} on all eight rows. */
    private static void agreesOnEveryCombination(String expression, Predicate<boolean[]> expected) {
        FilterExpression filter = Fixtures.parse(expression);
        for (int bits = 0; bits < 8; bits++) {
            boolean[] abc = {(bits & 4) != 0, (bits & 2) != 0, (bits & 1) != 0};
            assertThat(filter.test(row("a", abc[0], "b", abc[1], "c", abc[2])))
                    .as("%s with a=%s b=%s c=%s", expression, abc[0], abc[1], abc[2])
                    .isEqualTo(expected.test(abc));
        }
    }

    @Test
    void notBindsTighterThanAndWhichBindsTighterThanOr() {
        agreesOnEveryCombination("not a or b and c", v -> !v[0] || v[1] && v[2]);
        agreesOnEveryCombination("a or b and c", v -> v[0] || v[1] && v[2]);
        agreesOnEveryCombination("a and b or c", v -> v[0] && v[1] || v[2]);
        agreesOnEveryCombination("not a and not b", v -> !v[0] && !v[1]);
    }

    @Test
    void parenthesesOverridePrecedence() {
        agreesOnEveryCombination("(a or b) and c", v -> (v[0] || v[1]) && v[2]);
        agreesOnEveryCombination("not (a or b and c)", v -> !(v[0] || v[1] && v[2]));
        agreesOnEveryCombination("((a))", v -> v[0]);
    }

    @Test
    void symbolicAndWordSpellingsAreTheSame() {
        agreesOnEveryCombination("!a || b && c", v -> !v[0] || v[1] && v[2]);
        agreesOnEveryCombination("NOT a OR b AND c", v -> !v[0] || v[1] && v[2]);
        agreesOnEveryCombination("Not a Or b And c", v -> !v[0] || v[1] && v[2]);
        agreesOnEveryCombination("!!a", v -> v[0]);
    }

    @Test
    void notAppliesToAWholeComparison() {
        assertThat(matches("not age > 40", row("age", 30L))).isTrue();
        assertThat(matches("!age > 20", row("age", 30L))).isFalse();
    }

    @Test
    void booleanComparedWithBooleans() {
        agreesOnEveryCombination("a == b", v -> v[0] == v[1]);
        agreesOnEveryCombination("a != true", v -> !v[0]);
        agreesOnEveryCombination("(a or b) == c", v -> (v[0] || v[1]) == v[2]);
    }

    @Test
    void longChainsOfAndAndOr() {
        String many = "age == 1" + " or age == 2".repeat(500);
        assertThat(matches(many, row("age", 2L))).isTrue();
        assertThat(matches(many, row("age", 3L))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "1 < 2", "not false", "true or false"})
    void constantTrueFiltersMatchEveryRow(String expression) {
        assertThat(matches(expression, row())).isTrue();
    }

    @Test
    void operandsOfLogicMustBeBoolean() {
        assertThat(rejection("age and active")).hasMessageContaining("line 1:0 expected a boolean expression, got Int64");
        assertThat(rejection("not name")).hasMessageContaining("line 1:4 expected a boolean expression, got VarChar");
        assertThat(rejection("age + 1")).hasMessageContaining("expected a boolean expression, got Int64");
    }
}
