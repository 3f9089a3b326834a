package dev.vectorvault.query.expr;

import static dev.vectorvault.query.expr.Fixtures.bob;
import static dev.vectorvault.query.expr.Fixtures.map;
import static dev.vectorvault.query.expr.Fixtures.matches;
import static dev.vectorvault.query.expr.Fixtures.matchesDynamic;
import static dev.vectorvault.query.expr.Fixtures.rejection;
import static dev.vectorvault.query.expr.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class JsonPathTest {
    private static Row meta(Object... keysAndValues) {
        return row("meta", map(keysAndValues));
    }

    @Test
    void keysAndIndexesWalkIntoNestedObjectsAndArrays() {
        assertThat(matches("meta[\"city\"] == \"Oslo\"", bob())).isTrue();
        assertThat(matches("meta['nested']['k'] == 5", bob())).isTrue();
        assertThat(matches("meta[\"list\"][1] == 20", bob())).isTrue();
        assertThat(matches("meta [\"list\"] [0] < 11", bob())).isTrue();
    }

    @Test
    void numericKeysIndexArraysAndNameObjectMembersAlikeAsInJsonPointer() {
        assertThat(matches("meta[\"list\"][\"1\"] == 20", bob())).isTrue();
        assertThat(matches("meta[0] == \"zero\"", meta("0", "zero"))).isTrue();
        assertThat(matches("meta[\"list\"][\"01\"] == 20", bob())).isFalse();
    }

    @Test
    void jsonNumbersCompareByValueAcrossIntAndFloat() {
        assertThat(matches("meta[\"n\"] == 2", meta("n", 2.0))).isTrue();
        assertThat(matches("meta[\"n\"] > 1.5", meta("n", 2L))).isTrue();
        assertThat(matches("meta[\"n\"] in [1, 2]", meta("n", 2.0))).isTrue();
        assertThat(matches("meta[\"n\"] == 2", meta("n", 2))).isTrue(); // an Integer from a lenient reader
    }

    @Test
    void missingKeysIndexesAndNullsNeverMatch() {
        for (String expression : List.of("meta[\"nope\"] == 1", "meta[\"nope\"] != 1", "not (meta[\"nope\"] == 1)",
                "meta[\"list\"][5] == 1", "meta[\"city\"][\"x\"] == 1", "meta[\"nope\"] in [1]",
                "meta[\"nope\"] not in [1]", "meta[\"nope\"] like \"%\"", "meta[\"nope\"] + 1 > 0")) {
            assertThat(matches(expression, bob())).as(expression).isFalse();
            assertThat(matches(expression, row("meta", null))).as(expression + " on a null JSON field").isFalse();
        }
    }

    @Test
    void valueOfAnotherTypeIsUnequalAndUnordered() {
        Row city = meta("city", "Oslo");
        assertThat(matches("meta[\"city\"] == 1", city)).isFalse();
        assertThat(matches("meta[\"city\"] != 1", city)).isTrue();
        assertThat(matches("meta[\"city\"] > 1", city)).isFalse();
        assertThat(matches("not (meta[\"city\"] > 1)", city)).isFalse();
        assertThat(matches("meta[\"city\"] + 1 > 0", city)).isFalse();
        assertThat(matches("meta[\"city\"] like \"O%\"", city)).isTrue();
        assertThat(matches("meta[\"n\"] like \"2%\"", meta("n", 2L))).isFalse();
    }

    @Test
    void jsonValuesTakePartInArithmetic() {
        assertThat(matches("meta[\"n\"] * 2 + 1 == 5", meta("n", 2L))).isTrue();
        assertThat(matches("meta[\"n\"] / 2 == 1.25", meta("n", 2.5))).isTrue();
        assertThat(matches("meta[\"n\"] % 2 == 1", meta("n", 3L))).isTrue();
        assertThat(matches("meta[\"n\"] % 2 == 1", meta("n", 3.5))).isFalse();
    }

    @Test
    void jsonBooleanWorksAsACondition() {
        assertThat(matches("meta[\"on\"]", meta("on", true))).isTrue();
        assertThat(matches("not meta[\"on\"]", meta("on", false))).isTrue();
        assertThat(matches("meta[\"on\"] == true", meta("on", true))).isTrue();
        assertThat(matches("meta[\"on\"]", meta("on", "yes"))).isFalse();
        assertThat(matches("not meta[\"on\"]", meta("on", "yes"))).isFalse();
    }

    @Test
    void wholeJsonValuesCompareDeeply() {
        assertThat(matches("meta[\"list\"] == [10, 20.0]", bob())).isTrue();
        assertThat(matches("meta[\"list\"] != [10]", bob())).isTrue();
    }

    @Test
    void missingAndExplicitNullKeysAreBothNull() {
        Row explicitNull = meta("k", null);
        assertThat(matches("meta[\"k\"] is null", explicitNull)).isTrue();
        assertThat(matches("meta[\"k\"] is null", meta())).isTrue();
        assertThat(matches("meta[\"k\"] is null", row("meta", null))).isTrue();
        assertThat(matches("meta[\"k\"] is not null", meta("k", 0L))).isTrue();
        assertThat(matches("meta is null", row("meta", null))).isTrue();
        assertThat(matches("meta is null", meta())).isFalse();
    }

    @Test
    void existsTestsThatAKeyIsPresentAndNotNull() {
        assertThat(matches("exists meta[\"k\"]", meta("k", 0L))).isTrue();
        assertThat(matches("EXISTS meta[\"k\"]", meta("k", null))).isFalse();
        assertThat(matches("exists meta[\"nested\"][\"k\"]", bob())).isTrue();
        assertThat(matches("not exists meta[\"k\"]", meta())).isTrue();
        assertThat(matches("exists (meta[\"k\"]) and meta[\"k\"] > 1", meta("k", 2L))).isTrue();
    }

    @Test
    void existsNeedsAJsonPath() {
        assertThat(rejection("exists age")).hasMessageContaining("line 1:7 exists needs a JSON path");
        assertThat(rejection("exists tags[0]")).hasMessageContaining("exists needs a JSON path");
    }

    @Test
    void onlyJsonAndArrayFieldsTakeSubscripts() {
        assertThat(rejection("name[\"x\"] == 1")).hasMessageContaining("line 1:4 field name of type VarChar cannot be indexed");
        assertThat(rejection("tags[\"x\"] == \"a\"")).hasMessageContaining("array field tags takes one integer index");
    }

    @Test
    void undeclaredNamesAreKeysOfTheDynamicField() {
        Row row = row("$meta", map("color", "red", "size", 3L, "dims", map("w", 2L)), "age", 40L);
        assertThat(matchesDynamic("color == \"red\"", row)).isTrue();
        assertThat(matchesDynamic("$meta[\"color\"] == \"red\"", row)).isTrue();
        assertThat(matchesDynamic("size + 1 == 4 and age > 30", row)).isTrue();
        assertThat(matchesDynamic("dims[\"w\"] == 2", row)).isTrue();
        assertThat(matchesDynamic("exists color and not exists shape", row)).isTrue();
        assertThat(matchesDynamic("shape == 1", row)).isFalse();
        assertThat(matchesDynamic("shape is null", row)).isTrue();
        assertThat(matchesDynamic("color == 1", row)).isFalse();
    }

    @Test
    void withoutADynamicFieldAnUndeclaredNameIsAnError() {
        assertThat(rejection("color == \"red\"")).hasMessage(
                "cannot parse expression: color == \"red\", error: line 1:0 field color not exist");
    }
}
