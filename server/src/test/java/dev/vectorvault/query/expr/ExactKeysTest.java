package dev.vectorvault.query.expr;

import static dev.vectorvault.query.expr.Fixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class ExactKeysTest {
    @Test
    void inListYieldsItsKeys() {
        assertThat(parse("id in [3, 1, 2]").exactKeys("id")).contains(List.of(3L, 1L, 2L));
        assertThat(parse("id in []").exactKeys("id")).contains(List.of());
    }

    @Test
    void equalityYieldsOneKeyFromEitherSide() {
        assertThat(parse("id == 5").exactKeys("id")).contains(List.of(5L));
        assertThat(parse("5 == id").exactKeys("id")).contains(List.of(5L));
        assertThat(parse("(id == -5)").exactKeys("id")).contains(List.of(-5L));
    }

    @Test
    void orOfKeyLookupsYieldsTheUnionInFirstSeenOrder() {
        assertThat(parse("id in [1, 2] or id == 3 OR (id in [2, 4] || id == 1)").exactKeys("id"))
                .contains(List.of(1L, 2L, 3L, 4L));
    }

    @Test
    void stringKeysAndTemplatesWork() {
        FilterExpression filter = FilterExpression.parse("name in {keys} or name == 'z'", Fixtures.SCHEMA,
                Map.of("keys", List.of("a", "b")));
        assertThat(filter.exactKeys("name")).contains(List.of("a", "b", "z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "id > 1", "id in [1] and age > 1", "id not in [1]", "id != 1", "age in [1]", "id in [1] or age == 2",
            "not id in [1]", "id + 0 == 1", "id == age", "true",
    })
    void anythingElseYieldsNothing(String expression) {
        assertThat(parse(expression).exactKeys("id")).isEmpty();
    }

    @Test
    void emptyFilterYieldsNothing() {
        assertThat(FilterExpression.alwaysTrue().exactKeys("id")).isEmpty();
    }
}
