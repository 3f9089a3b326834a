package dev.vectorvault.query.expr;

import static dev.vectorvault.query.expr.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TemplateTest {
    private static boolean matches(String text, Map<String, Object> values, Row row) {
        return FilterExpression.parse(text, Fixtures.SCHEMA, values).test(row);
    }

    @Test
    void placeholdersStandForScalarsAndLists() {
        Row bob = Fixtures.bob();
        assertThat(matches("age > {min}", Map.of("min", 18L), bob)).isTrue();
        assertThat(matches("price == {p}", Map.of("p", 9.5), bob)).isTrue();
        assertThat(matches("name in {names}", Map.of("names", List.of("ann", "bob")), bob)).isTrue();
        assertThat(matches("{lo} < age < {hi}", Map.of("lo", 20L, "hi", 40L), bob)).isTrue();
        assertThat(matches("active == {flag}", Map.of("flag", false), bob)).isFalse();
        assertThat(matches("name like {pattern}", Map.of("pattern", "b%"), bob)).isTrue();
        assertThat(matches("array_contains_all(scores, {need})", Map.of("need", List.of(1L, 2L)), bob)).isTrue();
    }

    @Test
    void placeholdersMayBeListElementsAndOperands() {
        Row bob = Fixtures.bob();
        assertThat(matches("age in [{a}, 2]", Map.of("a", 30L), bob)).isTrue();
        assertThat(matches("age == {a} * 2", Map.of("a", 15L), bob)).isTrue();
        assertThat(matches("{yes}", Map.of("yes", true), bob)).isTrue();
    }

    @Test
    void javaIntegersAndFloatsAreWidened() {
        Row bob = Fixtures.bob();
        assertThat(matches("age == {a}", Map.of("a", 30), bob)).isTrue();
        assertThat(matches("price == {p}", Map.of("p", 9.5f), bob)).isTrue();
        assertThat(matches("age in {ages}", Map.of("ages", List.of(29, 30)), bob)).isTrue();
    }

    @Test
    void valuesAreTypeCheckedLikeLiterals() {
        assertThatThrownBy(() -> FilterExpression.parse("name == {n}", Fixtures.SCHEMA, Map.of("n", 1L)))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("comparison between VarChar and Int64 is not supported");
    }

    @Test
    void unknownPlaceholderIsAnErrorAtItsPosition() {
        assertThatThrownBy(() -> FilterExpression.parse("age > {min}", Fixtures.SCHEMA, Map.of("max", 1L)))
                .isInstanceOf(ExpressionException.class)
                .hasMessage("cannot parse expression: age > {min}, error: line 1:6 template variable {min} is not found"
                        + " in the template values")
                .extracting(e -> ((ExpressionException) e).position()).isEqualTo(6);
        assertThatThrownBy(() -> FilterExpression.parse("age > {min}", Fixtures.SCHEMA, null))
                .isInstanceOf(ExpressionException.class);
    }

    @Test
    void unsupportedValuesAreRejected() {
        Map<String, Object> values = new HashMap<>();
        values.put("nothing", null);
        values.put("object", Map.of("k", 1));
        assertThatThrownBy(() -> FilterExpression.parse("age == {nothing}", Fixtures.SCHEMA, values))
                .hasMessageContaining("line 1:7 template variable {nothing}: null is not a value");
        assertThatThrownBy(() -> FilterExpression.parse("age == {object}", Fixtures.SCHEMA, values))
                .hasMessageContaining("template variable {object}: values of type");
    }

    @Test
    void filtersWithoutPlaceholdersNeedNoValues() {
        assertThat(matches("age == 30", null, Fixtures.bob())).isTrue();
        assertThat(matches("age == 30", Map.of(), row("age", 30L))).isTrue();
    }
}
