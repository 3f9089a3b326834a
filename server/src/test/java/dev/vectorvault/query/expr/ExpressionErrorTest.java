package dev.vectorvault.query.expr;

import static dev.vectorvault.query.expr.Fixtures.rejection;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ExpressionErrorTest {
    @Test
    void incompleteComparisonReportsTheEndOfInputInMilvusWording() {
        ExpressionException e = rejection("age > ");
        assertThat(e).hasMessageStartingWith("cannot parse expression: age > , error: line 1:6 mismatched input '<EOF>'");
        assertThat(e.position()).isEqualTo(6);
    }

    @Test
    void unclosedParenthesisIsReportedAtTheEnd() {
        ExpressionException e = rejection("(age > 1 and active");
        assertThat(e).hasMessageContaining("line 1:19 missing ')' at '<EOF>'");
        assertThat(e.position()).isEqualTo(19);
    }

    @Test
    void strayClosingParenthesisIsReportedWhereItStands() {
        ExpressionException e = rejection("age > 1) and active");
        assertThat(e).hasMessageContaining("line 1:7 mismatched input ')' expecting {<EOF>,");
        assertThat(e.position()).isEqualTo(7);
    }

    @Test
    void doubledOperatorIsReportedAtTheSecondOne() {
        assertThat(rejection("age > > 1")).hasMessageContaining("line 1:6 extraneous input '>'");
    }

    @Test
    void unknownCharacterIsReported() {
        ExpressionException e = rejection("age > 1 @ 2");
        assertThat(e).hasMessageContaining("line 1:8 token recognition error at: '@'");
        assertThat(e.position()).isEqualTo(8);
    }

    @Test
    void unterminatedStringIsReported() {
        assertThat(rejection("name == \"bob")).hasMessageContaining("line 1:8 token recognition error");
    }

    @Test
    void unknownFieldIsNamedWithItsPosition() {
        ExpressionException e = rejection("age > 1 and nmae == \"x\"");
        assertThat(e).hasMessage("cannot parse expression: age > 1 and nmae == \"x\", error: line 1:12 field nmae not exist");
        assertThat(e.position()).isEqualTo(12);
    }

    @Test
    void positionsCountLinesAndColumnsInMultiLineFilters() {
        ExpressionException e = rejection("age > 1 and\n  nmae == 2");
        assertThat(e).hasMessageContaining("line 2:2 field nmae not exist");
        assertThat(e.position()).isEqualTo(14);
    }

    @Test
    void mismatchedTypesAreRejectedWithMilvusTypeNames() {
        assertThat(rejection("name > 1")).hasMessageContaining("line 1:5 comparison between VarChar and Int64 is not supported");
        assertThat(rejection("age == \"30\"")).hasMessageContaining("comparison between Int64 and VarChar is not supported");
        assertThat(rejection("active == 1")).hasMessageContaining("comparison between Bool and Int64 is not supported");
        assertThat(rejection("price != name")).hasMessageContaining("comparison between Double and VarChar is not supported");
        assertThat(rejection("tags == [\"a\"]"))
                .hasMessageContaining("comparison between Array[VarChar] and Array[VarChar] is not supported");
        assertThat(rejection("meta[\"k\"] < true")).hasMessageContaining("comparison between JSON and Bool is not supported");
    }

    @Test
    void booleansHaveNoOrder() {
        assertThat(rejection("active > false")).hasMessageContaining("operator > is not supported between Bool values");
    }

    @Test
    void vectorFieldsCannotBeFiltered() {
        assertThat(rejection("embedding is null"))
                .hasMessageContaining("line 1:0 vector field embedding cannot be used in a filter expression");
    }

    @Test
    void nullIsNotALiteral() {
        assertThat(rejection("age == null")).hasMessageContaining("line 1:7 mismatched input 'null'");
    }

    @Test
    void pathologicallyDeepNestingIsAnErrorNotACrash() {
        int depth = 50_000;
        ExpressionException e = rejection("(".repeat(depth) + "active" + ")".repeat(depth));
        assertThat(e).hasMessageContaining("expression is nested more than 100 levels deep");
    }

    @Test
    void nestingUpToTheDefaultLimitIsFine() {
        int depth = ExpressionLimits.DEFAULTS.maxDepth();
        assertThat(Fixtures.matches("(".repeat(depth) + "active" + ")".repeat(depth), Fixtures.row("active", true)))
                .isTrue();
    }
}
