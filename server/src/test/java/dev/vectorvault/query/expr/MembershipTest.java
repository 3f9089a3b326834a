package dev.vectorvault.query.expr;

import static dev.vectorvault.query.expr.Fixtures.matches;
import static dev.vectorvault.query.expr.Fixtures.rejection;
import static dev.vectorvault.query.expr.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MembershipTest {
    @Test
    void inMatchesAnyListedValue() {
        assertThat(matches("age in [1, 30]", row("age", 30L))).isTrue();
        assertThat(matches("age in [1, 2]", row("age", 30L))).isFalse();
        assertThat(matches("name in [\"x\", \"bob\"]", row("name", "bob"))).isTrue();
        assertThat(matches("active in [false]", row("active", true))).isFalse();
    }

    @Test
    void notInMatchesValuesOutsideTheList() {
        assertThat(matches("age not in [1, 2]", row("age", 30L))).isTrue();
        assertThat(matches("age NOT IN [30]", row("age", 30L))).isFalse();
        assertThat(matches("age In [30]", row("age", 30L))).isTrue();
    }

    @Test
    void numbersMatchByValueAcrossIntAndFloat() {
        assertThat(matches("age in [30.0]", row("age", 30L))).isTrue();
        assertThat(matches("age in [30.5]", row("age", 30L))).isFalse();
        assertThat(matches("price in [9, 10]", row("price", 9.0))).isTrue();
    }

    @Test
    void emptyListIsAllowedAndMatchesNothing() {
        assertThat(matches("age in []", row("age", 30L))).isFalse();
        assertThat(matches("age not in []", row("age", 30L))).isTrue();
        assertThat(matches("age in [ ]", row("age", 30L))).isFalse();
    }

    @Test
    void largeListsAreHashed() {
        String ids = LongStream.range(0, 20_000).mapToObj(Long::toString).collect(Collectors.joining(","));
        FilterExpression filter = Fixtures.parse("id in [" + ids + "]");
        assertThat(filter.test(row("id", 19_999L))).isTrue();
        assertThat(filter.test(row("id", 20_000L))).isFalse();
    }

    @Test
    void listValuesMustFitTheFieldType() {
        assertThat(rejection("name in [1, 2]"))
                .hasMessageContaining("line 1:8 value 1 in the list cannot be compared with VarChar");
        assertThat(rejection("age in [1, \"x\"]")).hasMessageContaining("value \"x\" in the list cannot be compared with Int64");
    }

    @Test
    void inNeedsAConstantList() {
        assertThat(rejection("age in 3")).hasMessageContaining("line 1:7 in needs a list of constants");
        assertThat(rejection("tags in [\"a\"]")).hasMessageContaining("line 1:0 in does not apply to Array[VarChar]");
    }
}
