package dev.vectorvault.query.expr;

import static dev.vectorvault.query.expr.Fixtures.bob;
import static dev.vectorvault.query.expr.Fixtures.map;
import static dev.vectorvault.query.expr.Fixtures.matches;
import static dev.vectorvault.query.expr.Fixtures.rejection;
import static dev.vectorvault.query.expr.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ArrayFunctionTest {
    @Test
    void arrayContainsLooksForOneValue() {
        assertThat(matches("array_contains(tags, \"red\")", bob())).isTrue();
        assertThat(matches("array_contains(tags, \"green\")", bob())).isFalse();
        assertThat(matches("array_contains(scores, 2)", bob())).isTrue();
        assertThat(matches("array_contains(scores, 2.0)", bob())).isTrue();
    }

    @Test
    void containsAllNeedsEveryValueAndContainsAnyOne() {
        assertThat(matches("array_contains_all(scores, [1, 3])", bob())).isTrue();
        assertThat(matches("array_contains_all(scores, [1, 4])", bob())).isFalse();
        assertThat(matches("array_contains_any(scores, [4, 3])", bob())).isTrue();
        assertThat(matches("array_contains_any(scores, [4, 5])", bob())).isFalse();
    }

    @Test
    void emptyNeedleListsAreVacuouslyAllAndNeverAny() {
        assertThat(matches("array_contains_all(scores, [])", bob())).isTrue();
        assertThat(matches("array_contains_any(scores, [])", bob())).isFalse();
    }

    @Test
    void functionNamesAreCaseInsensitive() {
        assertThat(matches("ARRAY_CONTAINS(tags, \"blue\")", bob())).isTrue();
        assertThat(matches("Array_Contains_Any(tags, [\"x\", \"blue\"])", bob())).isTrue();
        assertThat(matches("ARRAY_LENGTH(tags) == 2", bob())).isTrue();
    }

    @Test
    void arrayLengthIsUsableInComparisonsAndArithmetic() {
        assertThat(matches("array_length(scores) == 3", bob())).isTrue();
        assertThat(matches("array_length(scores) * 2 > 5", bob())).isTrue();
        assertThat(matches("1 < array_length(tags) < 3", bob())).isTrue();
        assertThat(matches("array_length(meta[\"list\"]) == 2", bob())).isTrue();
        assertThat(matches("array_length(meta[\"city\"]) == 4", bob())).isFalse();
    }

    @Test
    void elementsAreAddressedByIndex() {
        assertThat(matches("tags[0] == \"red\"", bob())).isTrue();
        assertThat(matches("scores[2] > 2", bob())).isTrue();
        assertThat(matches("scores[3] > 0", bob())).isFalse();
        assertThat(matches("scores[3] is null", bob())).isTrue();
        assertThat(matches("tags[1] like \"bl%\"", bob())).isTrue();
    }

    @Test
    void nullArraysNeverMatch() {
        Row noScores = row("scores", null);
        assertThat(matches("array_contains(scores, 1)", noScores)).isFalse();
        assertThat(matches("not array_contains(scores, 1)", noScores)).isFalse();
        assertThat(matches("array_length(scores) >= 0", noScores)).isFalse();
        assertThat(matches("scores is null", noScores)).isTrue();
    }

    @Test
    void jsonContainsWorksOnJsonArrays() {
        Row row = row("meta", map("tags", List.of("a", 1L, List.of(1L, 2L)), "x", "a"));
        assertThat(matches("json_contains(meta[\"tags\"], \"a\")", row)).isTrue();
        assertThat(matches("json_contains(meta[\"tags\"], 1.0)", row)).isTrue();
        assertThat(matches("json_contains(meta[\"tags\"], [1, 2])", row)).isTrue();
        assertThat(matches("JSON_CONTAINS_ALL(meta[\"tags\"], [\"a\", 1])", row)).isTrue();
        assertThat(matches("json_contains_any(meta[\"tags\"], [\"b\", [1, 2]])", row)).isTrue();
        assertThat(matches("json_contains_any(meta[\"tags\"], [\"b\", \"c\"])", row)).isFalse();
        assertThat(matches("json_contains(meta[\"x\"], \"a\")", row)).isFalse();
        assertThat(matches("not json_contains(meta[\"x\"], \"a\")", row)).isFalse();
        assertThat(matches("json_contains(meta[\"missing\"], \"a\")", row)).isFalse();
    }

    @Test
    void neededValuesMustFitTheElementType() {
        assertThat(rejection("array_contains(tags, 1)"))
                .hasMessageContaining("line 1:21 value 1 cannot be an element of Array[VarChar]");
        assertThat(rejection("array_contains_any(scores, [1, \"a\"])"))
                .hasMessageContaining("value \"a\" cannot be an element of Array[Int64]");
    }

    @Test
    void argumentsAreCheckedByShapeAndCount() {
        assertThat(rejection("array_contains(age, 1)"))
                .hasMessageContaining("line 1:15 array_contains needs an array field or a JSON path as its first argument");
        assertThat(rejection("array_contains(tags, name)"))
                .hasMessageContaining("array_contains needs a constant as its second argument");
        assertThat(rejection("array_contains_all(tags, \"a\")"))
                .hasMessageContaining("array_contains_all needs a list of constants as its second argument");
        assertThat(rejection("array_length(tags, 1) == 1"))
                .hasMessageContaining("line 1:0 array_length() takes 1 argument, got 2");
        assertThat(rejection("array_contains(tags)")).hasMessageContaining("array_contains() takes 2 arguments, got 1");
    }

    @Test
    void unknownFunctionIsRejected() {
        assertThat(rejection("age > 1 and upper(name) == \"X\""))
                .hasMessageContaining("line 1:12 function upper() is not supported");
    }
}
